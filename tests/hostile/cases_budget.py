"""Template bombs (issue 11, Deliver 1): every one ends in a clear error naming the
template, within seconds and in bounded memory, and ``check`` goes on to its result.

Each bomb is a template that would run for hours or need gigabytes: ``~``, ``+``,
``join``, ``replace``, ``str.replace``, ``%`` doubling in a loop, ``{% set %}`` block
doubling, ``indent``/``wordwrap`` on huge text, nested loops, recursive macros,
distinct large texts kept in a list. They run with the default render budget
(render/budget.py: 10 s plus 2 ms per row of data, 50 MB of text, 512 MB of memory)
through ``build --template`` and ``check --template``, in Markdown, HTML and Word,
for the report and the plan drafts.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

from . import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce-2026-zh.xlsx"

TIME = "took longer than"
TEXT = "MB of text"
ITEMS = "would build a list of more than"
MEMORY = "MB of memory"
RECURSION = "a macro calls itself too deeply"

DOUBLE = "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = EXPR %}{% endfor %}{{ ns.s }}"
# name: (template text, what the refusal says)
BOMBS: dict[str, tuple[str, str]] = {
    "tilde-doubling": (DOUBLE.replace("EXPR", "ns.s ~ ns.s"), TEXT),
    "plus-doubling": (DOUBLE.replace("EXPR", "ns.s + ns.s"), TEXT),
    "join-doubling": (DOUBLE.replace("EXPR", "[ns.s, ns.s] | join"), TEXT),
    "percent-doubling": (DOUBLE.replace("EXPR", "'%s%s' % (ns.s, ns.s)"), TEXT),
    "replace-squaring": (DOUBLE.replace("'x'", "'xx'").replace("EXPR", "ns.s | replace('x', ns.s)"), TEXT),
    "str-replace-squaring": (DOUBLE.replace("'x'", "'xx'").replace("EXPR", "ns.s.replace('x', ns.s)"), TEXT),
    "block-set-doubling": ("{% set x = 'xx' %}\n" + "{% set x %}{{ x }}{{ x }}{% endset %}\n" * 60 + "{{ x }}\n", TEXT),
    "list-doubling": ("{% set ns = namespace(l=[1]) %}{% for i in range(60) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}", ITEMS),
    "indent-huge": ("{% set ns = namespace(s='x\\n' * 50000) %}{% for i in range(30) %}{% set ns.s = ns.s | indent(100000) %}{% endfor %}{{ ns.s }}", TEXT),
    "wordwrap-huge": ("{{ ('x' * 100000) | wordwrap(1, wrapstring='y' * 100000) }}", TEXT),
    "output-loop": ("{% for i in range(100000) %}{% for j in range(100000) %}" + "x" * 64 + "{% endfor %}{% endfor %}", TEXT),
    "nested-loops": ("{% for i in range(100000) %}{% for j in range(100000) %}{% for k in range(100000) %}{% endfor %}{% endfor %}{% endfor %}", TIME),
    "macro-recursion": ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}", RECURSION),
    "macro-exponential": ("{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(60) }}", TIME),
    "distinct-texts": ("{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = ns.l + [('x' * 100000) ~ i] %}{% endfor %}{{ ns.l | length }}", MEMORY),
}  # fmt: skip
SLOW = {"nested-loops", "macro-exponential"}  # they run to the time limit


def _word(*paragraphs: str) -> bytes:
    """A Word template with one paragraph per string (each in one run)."""
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _folder(template: str, source: str, books: int = 0) -> Callable[[Path], None]:
    """good.xlsx (or ``books`` copies in books/) and tpl/<template> holding ``source``."""

    def make(folder: Path) -> None:
        if books:
            (folder / "books").mkdir()
            for number in range(books):
                shutil.copyfile(EXAMPLE, folder / "books" / f"unit{number}.xlsx")
        else:
            shutil.copyfile(EXAMPLE, folder / "good.xlsx")
        (folder / "tpl").mkdir()
        if template.endswith(".docx"):
            (folder / "tpl" / template).write_bytes(_word("{{ meta.title }}", source))
        else:
            (folder / "tpl" / template).write_text(source + "\n", encoding="utf-8")

    return make


def _nothing_written(folder: Path, output: str) -> None:
    """A refused render leaves no document (and no half-written one) behind."""
    written = (
        sorted(str(p) for p in (folder / "out").rglob("*")) if (folder / "out").exists() else []
    )
    assert written == [], written


def _build(fmt: str, *extra: str) -> tuple[str, ...]:
    return (
        "build",
        "good.xlsx",
        "--template",
        "tpl",
        "-f",
        fmt,
        "--no-charts",
        "-o",
        "out/",
        *extra,
    )


CHECK = ("check", "books", "--template", "tpl", "--no-charts")

CASES: list[Case] = []
for label, (source, says) in BOMBS.items():
    CASES += [
        Case(f"md-{label}-build", _folder("report.md.j2", source), _build("md"), exit_code=1,
             says=("tpl/report.md.j2, line", says), verify=_nothing_written),
        Case(f"md-{label}-check", _folder("report.md.j2", source, books=1), CHECK, exit_code=1,
             says=("0 passed, 1 failed", "tpl/report.md.j2, line", says)),
    ]  # fmt: skip

CASES += [
    # Word templates: docxtpl renders the document XML with the same budgeted environment
    Case("word-tilde-doubling-build", _folder("report.docx", BOMBS["tilde-doubling"][0]),
         _build("docx"), exit_code=1, says=("tpl/report.docx, paragraph", TEXT),
         verify=_nothing_written),
    Case("word-nested-loops-check", _folder("report.docx", BOMBS["nested-loops"][0], books=1),
         CHECK, exit_code=1, says=("0 passed, 1 failed", "tpl/report.docx, paragraph", TIME)),
    Case("word-distinct-texts-check", _folder("report.docx", BOMBS["distinct-texts"][0], books=1),
         CHECK, exit_code=1, says=("0 passed, 1 failed", "tpl/report.docx", MEMORY)),
    # HTML
    Case("html-macro-exponential-build", _folder("report.html.j2", BOMBS["macro-exponential"][0]),
         _build("html"), exit_code=1, says=("tpl/report.html.j2, line 1", TIME),
         verify=_nothing_written),
    Case("html-replace-squaring-check", _folder("report.html.j2", BOMBS["replace-squaring"][0], books=1),
         CHECK, exit_code=1, says=("0 passed, 1 failed", "tpl/report.html.j2, line 1", TEXT)),
    # plan drafts: `plan` and the drafts `check` renders
    Case("plan-md-join-doubling", _folder("plan.md.j2", BOMBS["join-doubling"][0]),
         ("plan", "good.xlsx", "-Q", "Q1", "-f", "md", "--template", "tpl", "--no-charts", "-o", "out/"),
         exit_code=1, says=("tpl/plan.md.j2, line 1", TEXT), verify=_nothing_written),
    Case("plan-word-nested-loops-check", _folder("plan.docx", BOMBS["nested-loops"][0], books=1),
         CHECK, exit_code=1, says=("0 passed, 1 failed", "tpl/plan.docx, paragraph", TIME)),
    # check goes on: each workbook gets its result
    Case("md-tilde-doubling-check-three-workbooks", _folder("report.md.j2", BOMBS["tilde-doubling"][0], books=3),
         CHECK, exit_code=1, says=("0 passed, 3 failed", "unit0.xlsx", "unit1.xlsx", "unit2.xlsx", TEXT)),
]  # fmt: skip
