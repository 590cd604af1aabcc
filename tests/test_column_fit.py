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
    # a bracket never stands alone at a line's end or start (本季度目标（ / 2027Q1）)
    assert unbreakable_tokens("本季度目标（2027Q1）") == ["（2027Q1）"]
    assert unbreakable_tokens("差额（万元）") == []  # ideographs may wrap anywhere


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


def _needed(text: str) -> int:
    """A cell's need as fit_table_columns counts it: its text at 9 pt plus the margins."""
    from opsreport.render.column_fit import CELL_MARGINS_TWIPS

    return needed_twips(text, 9.0) + CELL_MARGINS_TWIPS


def test_room_beyond_a_columns_longest_line_goes_to_a_column_that_wraps():
    """Figures in a column three times their width, goals on two lines beside them: the
    goal column takes what it needs to stand on one line; the figure column keeps its
    longest line plus 5 % and 3 pt; the table keeps its width."""
    from opsreport.render.column_fit import LINE_PAD_TWIPS, LINE_SLACK

    goal = "直接利润达到9.5亿元"
    body = _body([1500, 3000, 3000], [[goal, "8.37", "9.50"], ["GMV达到58亿元", "49.6", "58.0"]])
    assert fit_table_columns(body) == 1
    widths = _widths(body)
    # the goal: 8 CJK + "9.5" (1.4 em) + 2 CJK/Latin gaps (0.5 em) = 9.9 em × 180 = 1782,
    # + 144 of margins = 1926 wanted, 426 more than its 1500
    assert _needed(goal) == 1926 and widths[0] == 1926
    assert sum(widths) == 7500
    keep = int(_needed("8.37") * LINE_SLACK) + LINE_PAD_TWIPS
    assert min(widths[1:]) >= keep  # (3000 − 213 each: far above)


def test_the_column_that_wants_least_is_served_first():
    """Two wrapping columns and room for one of them: the one that needs less stops
    wrapping; the other gets what is left."""
    short, long_ = "库存周转天数降至44天", "自基线起的直线路径（四季平均为全年目标）"
    body = _body([1200, 1200, 1400], [[short, long_, "1.0"]])
    fit_table_columns(body)
    widths = _widths(body)
    assert widths[0] == _needed(short)
    assert widths[1] > 1200 and sum(widths) == 3800


def test_a_header_row_may_wrap_and_gives_no_column_a_want():
    """A long header over short figures: the figure column still lends its room."""
    body = _body(
        [1500, 3000], [["本季度目标（2027Q1）很长的表头", "说明"], ["直接利润达到9.5亿元", "1.85"]]
    )
    header_row = body.find(f".//{{{W}}}tr")
    properties = etree.SubElement(header_row, f"{{{W}}}trPr")
    etree.SubElement(properties, f"{{{W}}}tblHeader")
    header_row.insert(0, properties)
    fit_table_columns(body)
    assert _widths(body)[0] == _needed("直接利润达到9.5亿元")


def test_a_table_holding_a_chart_keeps_its_widths_beyond_its_tokens():
    body = _body([1500, 3000], [["直接利润达到9.5亿元", "1.85"]])
    cell = body.findall(f".//{{{W}}}tc")[1]
    run = etree.SubElement(cell.find(f"{{{W}}}p"), f"{{{W}}}r")
    etree.SubElement(run, f"{{{W}}}drawing")
    assert fit_table_columns(body) == 0
    assert _widths(body) == [1500, 3000]


def test_a_blank_column_keeps_its_width():
    """A remarks column left blank for a pen (or with only a header) lends no room: it
    would shrink to nothing."""
    body = _body([3000, 1500, 2500], [["很长的说明文字" * 4, "1.85", ""]] * 2)
    fit_table_columns(body)
    assert _widths(body)[2] == 2500
    headed = _body(
        [1500, 3000, 2500], [["备注签字", "说明", "备注签字"], ["直接利润达到9.5亿元", "1.85", ""]]
    )
    header_row = headed.find(f".//{{{W}}}tr")
    properties = etree.SubElement(header_row, f"{{{W}}}trPr")
    etree.SubElement(properties, f"{{{W}}}tblHeader")
    header_row.insert(0, properties)
    fit_table_columns(headed)
    assert _widths(headed)[2] == 2500


def test_room_is_taken_in_whole_twips_and_no_column_goes_below_its_need():
    """Rounding down each column's share left a few twips that the roomiest column gave
    on top of all its room (a width of −1)."""
    from opsreport.render.column_fit import _fitted, _taken

    widths, needs = [1985, 1557, 1248, 2781, 1347], [1305, 2753, 2431, 2428, 0]
    new = _fitted(widths, needs, needs)
    assert new is not None and sum(new) == sum(widths)
    assert all(width >= need for width, need in zip(new, needs, strict=True)), new
    # 10 taken from room 3, 3 and 4: 3, 3 and 4 (not 3, 3, 3 and one more from the last)
    assert _taken(10, [3, 3, 4]) == [3, 3, 4]
    assert _taken(5, [1, 0, 9]) == [0, 0, 5]


def test_a_figure_is_matched_as_before_without_trying_every_split_of_its_digits():
    """The figure pattern takes a run of digits, commas and points whole: the same matches
    as ``[\\d,.]*\\d[\\d,.]*`` (which tried every split of a long run, 8 s for 20,000
    digits in a cell), checked on every short string of these characters."""
    import itertools
    import re

    from opsreport.render import column_fit

    cjk = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
    before = re.compile(rf"[（(]?[+\-−]?[\d,.]*\d[\d,.]*\s?[{cjk}%][{cjk}/%]*[）)]?")
    figure = column_fit._WHOLE.pattern.split("|")[1]
    after = re.compile(figure)
    for size in range(1, 6):
        for chars in itertools.product("（-1,.亿%）a ", repeat=size):
            text = "".join(chars)
            assert bool(before.fullmatch(text)) == bool(after.fullmatch(text)), text
    assert unbreakable_tokens("1" * 20_000 + "亿元") == ["1" * 20_000 + "亿元"]
