#!/usr/bin/env python3
"""Build the Word templates ``src/opsreport/templates/{zh,en}/report.docx``.

Usage::

    python scripts/make_docx_templates.py [--out DIR]

Each template is an ordinary styled Word document holding docxtpl/Jinja tags, so
a user can restyle the report in Word (styles, fonts, colours, wording, the order
of the sections) without touching Python. What the tags may use is the report
context (``opsreport context WORKBOOK``) plus ``images`` (the charts as pictures)
and the filters ``good``, ``status``, ``alert``, ``smart`` and ``color``, which
return coloured rich text and therefore go in ``{{r … }}`` tags.

Everything the reader sees is laid out by named styles defined here: Normal,
Title, Subtitle, Lead, Heading 1–3, List Bullet, Problem, Problem Detail, Alert Box,
Chart, Caption, Table Text, Table Text Small, Table Header, Table Header Small,
Table Number (right-aligned), the table style Report Table, Template Tag
(the grey ``{%p … %}`` control paragraphs, removed when the report is rendered),
and the character styles Good, Bad, Near, Alert and Muted that the colour filters
apply (modify one in Word to recolour the report). The tables' columns come from
``opsreport.present.layout``, every colour from ``opsreport.present.theme``; the
script also writes that palette into the HTML templates' stylesheet.
Heading 1 is numbered by Word numbering (一、二、 in Chinese, 1. 2. in English),
so sections left out renumber themselves. The output is deterministic: fixed
document properties and zip timestamps, so two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the docx_templates package beside us

from docx_templates.base import LANGS, TEMPLATES
from docx_templates.css import write_palettes
from docx_templates.document import KINDS, build

__all__ = ["build", "main"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=TEMPLATES, help="templates folder")
    args = parser.parse_args()
    for code in LANGS:
        for kind in KINDS:
            path = args.out / code / f"{kind}.docx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(build(code, kind))
            print(f"wrote {path}")
    for path in write_palettes(args.out / "common"):
        print(f"wrote the palette of {path}")


if __name__ == "__main__":
    main()
