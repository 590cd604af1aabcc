"""The HTML templates' palette: CSS custom properties written from opsreport.present.theme.

``scripts/make_docx_templates.py`` puts :func:`palette_css` at the top of the
``<style>`` of ``common/report.html.j2`` and ``common/plan.html.j2`` (between its two
marker comments); the rest of the stylesheet names only ``var(--good)`` and the like, so
the HTML, the Word templates and the charts share one palette.
"""

from __future__ import annotations

import re
from pathlib import Path

from opsreport.present import theme

BEGIN = "/* palette: from opsreport.present.theme, written by scripts/make_docx_templates.py */"
END = "/* end of palette */"

PALETTE = {
    "text": theme.TEXT,
    "muted": theme.MUTED,
    "header": theme.HEADER_FILL,
    "header-text": theme.HEADER_TEXT,
    "rule": theme.RULE,
    "table-rule": theme.TABLE_RULE,
    "lead": theme.LEAD_FILL,
    "good": theme.GOOD,
    "bad": theme.BAD,
    "near": theme.NEAR_TEXT,
    "alert": theme.ALERT,
    "alert-fill": theme.ALERT_FILL,
}


def palette_css() -> str:
    """The marked block: one custom property per colour of the palette."""
    names = "\n".join(f"  --{name}: {colour};" for name, colour in PALETTE.items())
    return f"{BEGIN}\n:root {{\n{names}\n}}\n{END}"


def with_palette(template: str) -> str:
    """``template`` with its palette block replaced by the theme's (added after ``<style>``)."""
    block = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if block.search(template):
        return block.sub(lambda _: palette_css(), template, count=1)
    return template.replace("<style>\n", "<style>\n" + palette_css() + "\n", 1)


def write_palettes(common: Path) -> list[Path]:
    """Refresh the palette of every HTML template in ``common``; returns those changed."""
    changed = []
    for path in sorted(common.glob("*.html.j2")):
        text = path.read_text(encoding="utf-8")
        if (new := with_palette(text)) != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
