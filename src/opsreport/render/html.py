"""The report as one self-contained HTML file: inline CSS, charts as inline SVG."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from opsreport.present.context_types import TemplateContext
from opsreport.render.budget import budgeted
from opsreport.render.explain import render_text_template
from opsreport.render.lookup import template_dirs
from opsreport.render.sandbox import make_environment

__all__ = ["render_html"]


@functools.lru_cache(maxsize=16)
def _environment(lang: str, search: tuple[Path, ...]) -> Any:
    """One environment per language and folders, so each template compiles once."""
    return make_environment(lang, list(search), autoescape=True, finalize=_finalize)


def _finalize(value: Any) -> Any:
    """A missing value (None) prints as nothing, as in the Word and Markdown renderers."""
    return "" if value is None else value


@budgeted("html")
def render_html(
    context: TemplateContext, template_dir: Path | None = None, name: str = "report.html.j2"
) -> str:
    lang = context["lang"]
    env = _environment(lang, tuple(template_dirs(lang, template_dir)))
    return render_text_template(env, name, context, kind="html")
