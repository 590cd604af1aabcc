"""render/docx._keep_with_next writes exactly what python-docx's
``get_or_add_pPr().get_or_add_keepNext()`` writes, for paragraphs of every shape."""

from __future__ import annotations

import pytest
from docx.oxml import parse_xml
from lxml import etree

from opsreport.render.docx import _KEEP_NEXT_SUCCESSORS, _keep_with_next

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

PARAGRAPHS = {
    "no properties": "<w:p {W}><w:r><w:t>x</w:t></w:r></w:p>",
    "empty properties": "<w:p {W}><w:pPr/><w:r><w:t>x</w:t></w:r></w:p>",
    "a style": '<w:p {W}><w:pPr><w:pStyle w:val="TableText"/></w:pPr></w:p>',
    "a style and alignment": '<w:p {W}><w:pPr><w:pStyle w:val="A"/><w:jc w:val="right"/></w:pPr></w:p>',
    "keep lines": '<w:p {W}><w:pPr><w:keepLines/><w:spacing w:after="0"/></w:pPr></w:p>',
    "run properties only": "<w:p {W}><w:pPr><w:rPr><w:b/></w:rPr></w:pPr></w:p>",
    "already kept": '<w:p {W}><w:pPr><w:pStyle w:val="A"/><w:keepNext/><w:jc w:val="left"/></w:pPr></w:p>',
    # out of the schema's order: python-docx goes by the first successor *kind* present
    "out of order": '<w:p {W}><w:pPr><w:jc w:val="left"/><w:spacing w:after="0"/></w:pPr></w:p>',
    "an unknown element": "<w:p {W}><w:pPr><w:unknownThing/></w:pPr></w:p>",
    "a comment": '<w:p {W}><w:pPr><!-- note --><w:ind w:left="1"/></w:pPr></w:p>',
    "empty": "<w:p {W}/>",
    # no properties: python-docx makes them the first child, whatever comes first
    "a bookmark first": '<w:p {W}><w:bookmarkStart w:id="0" w:name="a"/><w:r><w:t>x</w:t></w:r></w:p>',
    "a hyperlink after a run": "<w:p {W}><w:r/><w:hyperlink><w:r/></w:hyperlink></w:p>",
    "only a bookmark": '<w:p {W}><w:bookmarkEnd w:id="0"/></w:p>',
}


@pytest.mark.parametrize("shape", sorted(PARAGRAPHS))
def test_keep_with_next_writes_what_python_docx_writes(shape: str) -> None:
    xml = PARAGRAPHS[shape].replace("{W}", W)
    theirs, ours = parse_xml(xml), parse_xml(xml)
    theirs.get_or_add_pPr().get_or_add_keepNext()
    _keep_with_next(ours)
    assert ours.xml == theirs.xml
    assert ours.xml.count("<w:keepNext/>") == 1


@pytest.mark.parametrize("shape", sorted(PARAGRAPHS))
def test_keep_with_next_on_a_plain_lxml_tree_writes_the_same(shape: str) -> None:
    """The rendered body is kept together before python-docx parses it (render/docx
    fix_tables): on lxml's own elements the result is python-docx's."""
    xml = PARAGRAPHS[shape].replace("{W}", W)
    theirs, ours = parse_xml(xml), etree.fromstring(xml)
    theirs.get_or_add_pPr().get_or_add_keepNext()
    _keep_with_next(ours)
    assert etree.tostring(ours) == etree.tostring(theirs)


@pytest.mark.parametrize("successor", _KEEP_NEXT_SUCCESSORS)
def test_keep_next_goes_before_each_element_that_follows_it(successor: str) -> None:
    """python-docx's CT_PPr order, element by element (pStyle comes before keepNext)."""
    xml = f'<w:p {W}><w:pPr><w:pStyle w:val="A"/><w:{successor}/></w:pPr></w:p>'
    theirs, ours = parse_xml(xml), parse_xml(xml)
    theirs.get_or_add_pPr().get_or_add_keepNext()
    _keep_with_next(ours)
    assert ours.xml == theirs.xml
    names = [child.tag.rsplit("}", 1)[1] for child in ours[0]]
    assert names == ["pStyle", "keepNext", successor]


def test_keep_next_follows_python_docxs_order_for_every_pair_out_of_order() -> None:
    """Two successors written later-first: python-docx inserts before the kind that comes
    first in its order, wherever it stands; so must we (every pair: the order itself)."""
    for index, early in enumerate(_KEEP_NEXT_SUCCESSORS):
        for late in _KEEP_NEXT_SUCCESSORS[index + 1 :]:
            xml = f"<w:p {W}><w:pPr><w:{late}/><w:{early}/></w:pPr></w:p>"
            theirs, ours = parse_xml(xml), parse_xml(xml)
            theirs.get_or_add_pPr().get_or_add_keepNext()
            _keep_with_next(ours)
            assert ours.xml == theirs.xml, (early, late)
