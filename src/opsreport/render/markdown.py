"""The report as Markdown (GitHub-flavoured tables, charts as linked PNG files)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from opsreport.present.context_types import TemplateContext
from opsreport.render.budget import budgeted
from opsreport.render.explain import render_text_template
from opsreport.render.lookup import template_dirs
from opsreport.render.sandbox import make_environment

__all__ = ["escape_markdown", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_STATUS = {"met": "🟢 ", "near": "🟡 ", "missed": "🔴 "}


def escape_markdown(value: Any) -> Any:
    """Cell text appears literally: no HTML, no emphasis, no broken table."""
    from markupsafe import Markup

    if isinstance(value, Markup) or not isinstance(value, str):
        return "" if value is None else value
    # & only where it would start an entity (&lt; &#60;); elsewhere it is literal already.
    text = _ENTITY.sub("&amp;", value).replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def _status_mark(status: str | None) -> str:
    return _STATUS.get(status or "", "")


@functools.lru_cache(maxsize=16)
def _environment(lang: str, search: tuple[Path, ...]) -> Any:
    """One environment per language and template folders: Jinja then compiles each
    template once per process (it reloads a file whose modification time changed)."""
    return make_environment(
        lang,
        list(search),
        autoescape=False,
        finalize=escape_markdown,
        extra_filters={"status_mark": _status_mark},
    )


@budgeted("md")
def render_markdown(
    context: TemplateContext, template_dir: Path | None = None, name: str = "report.md.j2"
) -> str:
    lang = context["lang"]
    env = _environment(lang, tuple(template_dirs(lang, template_dir)))
    text = render_text_template(env, name, context, kind="md")
    # One step at a time, each dropping the text before it: a 50,000-KPI plan is 35 MB
    # of text (its status marks are astral characters: 4 bytes each), and the one
    # expression held three copies at once.
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = text.strip()
    text += "\n"
    return text
