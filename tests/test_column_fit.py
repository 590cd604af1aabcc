"""Column widths from the longest cell that must not wrap (render/column_fit)."""

from __future__ import annotations

from lxml import etree

from opsreport.render.column_fit import fit_table_columns, needed_twips, unbreakable_tokens

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _body(widths: list[int], rows: list[list[str]]) -> etree._Element:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    trs = "".join(
        "<w:tr>"
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>'
            for w, text in zip(widths, row, strict=True)
        )
        + "</w:tr>"
        for row in rows
    )
    return etree.fromstring(
        f'<w:body xmlns:w="{W}"><w:tbl><w:tblGrid>{grid}</w:tblGrid>{trs}</w:tbl></w:body>'
    )


def _widths(body: etree._Element) -> list[int]:
    return [int(w) for w in body.xpath("//w:gridCol/@w:w", namespaces={"w": W})]


def test_the_tokens_that_must_not_wrap():
    assert unbreakable_tokens("运营主管") == ["运营主管"]
    assert unbreakable_tokens("646万元/人/月") == ["646万元/人/月"]
    assert unbreakable_tokens("（亿元）") == ["（亿元）"]
    # a sentence wraps anywhere between ideographs; its Latin words and a unit after them do not
    assert unbreakable_tokens("GMV 目标提升至 52亿元，同比增长") == ["GMV", "52亿元"]


def test_widths_are_estimated_from_the_characters():
    # 4 CJK × 1 em × 9 pt × 20 = 720 twips
    assert needed_twips("运营主管", 9.0) == 720
    # "10.00" = 4 digits × 0.56 + "." 0.28 = 2.52 em, 亿元 2 em, one CJK/Latin gap 0.25 em:
    # 4.77 em × 9 pt × 20 = 858.6 → 859
    assert needed_twips("10.00亿元", 9.0) == 859


def test_a_narrow_column_takes_its_room_from_the_columns_that_spare_it():
    body = _body([600, 4406, 4406], [["运营主管", "说明", "很长的说明文字"]] * 2)
    assert fit_table_columns(body) == 1
    # column 0 needs 720 + 144 (cell margins) = 864: 264 more, taken from the two text
    # columns in proportion to what they spare (4406 − 252 and 4406 − 396 → 133 and 131 of 264)
    widths = _widths(body)
    assert widths[0] == 864 and sum(widths) == 600 + 4406 + 4406
    assert all(int(w) == width for w, width in zip(
        body.xpath("//w:tr[1]/w:tc/w:tcPr/w:tcW/@w:w", namespaces={"w": W}), widths, strict=True
    ))  # fmt: skip


def test_a_table_that_cannot_spare_the_room_is_left_as_it_is():
    # three columns each needing 864 of 700: 492 short, 0 to spare
    body = _body([700, 700, 700], [["运营主管", "运营主管", "运营主管"]])
    assert fit_table_columns(body) == 0
    assert _widths(body) == [700, 700, 700]
