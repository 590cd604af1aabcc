"""render/docx_patch: docxtpl's patch_xml with its passes that cannot match skipped gives
exactly docxtpl's text, for the bundled templates and for a template using every tag."""

from __future__ import annotations

from io import BytesIO

import pytest
from docxtpl import DocxTemplate

from opsreport.render import docx_patch
from opsreport.render.docx import report_template_class
from opsreport.render.lookup import find_template


def docxtpl_patch(src_xml: str) -> str:
    return str(DocxTemplate.patch_xml(None, src_xml))


def run(text: str, *, props: str = "") -> str:
    return f"<w:r>{props}<w:t>{text}</w:t></w:r>"


def paragraph(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def cell(*paragraphs: str) -> str:
    return '<w:tc><w:tcPr><w:tcW w:w="100"/></w:tcPr>' + "".join(paragraphs) + "</w:tc>"


# One piece of template XML for each pass docxtpl makes, so each is seen to change the text.
EVERY_TAG = {
    "split tag": paragraph(run("{"), run("{ name }"), run("}")),
    "colspan": "<w:tr>" + cell(paragraph(run("{% colspan n %}"))) + "</w:tr>",
    "cellbg": "<w:tr>" + cell(paragraph(run("{% cellbg 'FF0000' %}"))) + "</w:tr>",
    "rich run": paragraph(run("{{r x | good(y) }}")),
    "merge before": paragraph(run("a")) + paragraph(run("{%- if x %}")),
    "merge after": paragraph(run("{% if x -%}")) + paragraph(run("b")),
    "row tag": "<w:tbl><w:tr>" + cell(paragraph(run("{%tr for r in rows %}"))) + "</w:tr></w:tbl>",
    "cell tag": "<w:tr>" + cell(paragraph(run("{%tc if x %}"))) + "</w:tr>",
    "paragraph tag": paragraph(run("{%p if x %}")),
    "run tag": paragraph(run("{%r if x %}")),
    "row comment": "<w:tbl><w:tr>" + cell(paragraph(run("{#tr gone #}"))) + "</w:tr></w:tbl>",
    "cell comment": "<w:tr>" + cell(paragraph(run("{#tc gone #}"))) + "</w:tr>",
    "paragraph comment": paragraph(run("{#p gone #}")),
    "vertical merge": "<w:tr>" + cell(paragraph(run("{% vm %}x"))) + "</w:tr>",
    "horizontal merge": "<w:tr>" + cell(paragraph(run("{% hm %}x"))) + "</w:tr>",
    "quotes": paragraph(run("{{ “a” &lt; b }}")),
}


@pytest.mark.parametrize("case", sorted(EVERY_TAG))
def test_every_pass_gives_docxtpls_text(case: str) -> None:
    src = EVERY_TAG[case]
    expected = docxtpl_patch(src)
    assert expected != src  # the pass this piece is for did change it
    assert docx_patch.patch_xml(src) == expected


def test_all_tags_in_one_body_and_none_at_all() -> None:
    body = "".join(EVERY_TAG.values())
    assert docx_patch.patch_xml(body) == docxtpl_patch(body)
    plain = paragraph(run("Nothing to patch here: R&amp;D 100%"))
    assert docx_patch.patch_xml(plain) == docxtpl_patch(plain) == plain


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["report.docx", "plan.docx"])
def test_the_bundled_templates_patch_to_docxtpls_text(lang: str, name: str) -> None:
    template = report_template_class()(BytesIO(find_template(name, lang, None).read_bytes()))
    template.get_docx()
    parts = [template.get_xml()]
    for relation in template.docx.part.rels.values():  # headers and footers
        if relation.reltype.endswith(("/header", "/footer")):
            parts.append(template.get_part_xml(relation.target_part))
    assert len(parts) > 1
    for src in parts:
        assert docx_patch.patch_xml(src) == docxtpl_patch(src)


def test_every_pattern_with_a_shortcut_is_one_docxtpl_uses(monkeypatch) -> None:
    """A docxtpl release that rewrites a pattern would leave its shortcut unused: say so."""
    seen: set[str] = set()
    plain_sub = docx_patch._SkippingRe.sub

    def recording_sub(pattern, repl, string, count=0, flags=0):  # type: ignore[no-untyped-def]
        seen.add(pattern)
        return plain_sub(pattern, repl, string, count, flags)

    monkeypatch.setattr(docx_patch._SkippingRe, "sub", staticmethod(recording_sub))
    docx_patch._skipping_patch()(None, "".join(EVERY_TAG.values()))
    assert set(docx_patch.PATTERN_NEEDS) <= seen


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _table(grid: int, cells: list[int]) -> str:
    cols = "".join(f'<w:gridCol w:w="{1000 + 10 * n}"/>' for n in range(grid))
    rows = "".join(
        "<w:tr>" + "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>" * count + "</w:tr>"
        for count in cells
    )
    return f"<w:tbl><w:tblGrid>{cols}</w:tblGrid>{rows}</w:tbl>"


@pytest.mark.parametrize(
    "body",
    [
        _table(3, [3, 3]),  # nothing to fix
        _table(3, [5, 4]),  # a {%tc%} loop made more cells than grid columns
        _table(5, [2, 3]),  # and fewer
        _table(2, [4]) + "<w:p/>" + _table(4, [1, 2]),
    ],
)
def test_fix_parsed_tables_is_docxtpls_fix_tables_without_the_second_parse(body):
    from docxtpl import DocxTemplate
    from lxml import etree

    from opsreport.render.docx_patch import fix_parsed_tables

    xml = f'<w:body xmlns:w="{_W_NS}">{body}</w:body>'
    theirs = etree.tostring(DocxTemplate.fix_tables(None, xml))
    ours = etree.tostring(fix_parsed_tables(etree.fromstring(xml)))
    assert ours == theirs
