"""The report as one self-contained HTML file: inline CSS, charts as inline SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opsreport.render.common import describe_template_error, make_environment, template_dirs

__all__ = ["render_html"]


def render_html(
    context: dict[str, Any], template_dir: Path | None = None, name: str = "report.html.j2"
) -> str:
    lang = context["lang"]
    env = make_environment(lang, template_dirs(lang, template_dir), autoescape=True)
    try:
        return env.get_template(name).render(context)
    except Exception as exc:
        raise describe_template_error(exc, name) from None
