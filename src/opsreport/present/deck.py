"""The year-end deck (年终汇报) as slides: what each slide says, in the outline's order.

Built from the report context (the same KPI rows, sentences and tables the report prints)
and the chart data layer: title (演讲人, 日期), contents, the headline KPIs as big numbers,
one slide per dimension (its attainment chart and three sentences), the quarterly trend,
the breakdown rankings, the campaign review, problems with their causes, the SMART goals,
the tasks' timeline, resources, risks (the matrix as a table) and the closing commitment.
Each slide is titled with its message (「直接利润8.37亿元，超额4.6%」), not its topic. Lists
that do not fit a slide by :mod:`opsreport.present.deck_fit` continue on the next slide;
text is never shrunk. No figure is computed here: every one comes formatted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from opsreport.engine.metrics import Metrics
from opsreport.engine.selection import HEADLINE_KPIS
from opsreport.present.context_types import KpiRow, ReportContext
from opsreport.present.deck_fit import INSET_X, LINE, cut_to_lines, line_count, text_fits
from opsreport.present.deck_types import BigNumber, Deck, DeckSlide, DeckTable, YearToDate
from opsreport.present.formatting import DASH, join_words

__all__ = [
    "BODY",
    "BULLET_SIZE",
    "CHART_BODY",
    "DECK_LAYOUTS",
    "SIDE",
    "SLIDE",
    "TABLE_SIZE",
    "TITLE",
    "TITLE_SIZE",
    "deck_chart_data",
    "deck_context",
    "deck_year_to_date",
    "table_row_height",
    "title_lines",
]

# The layouts of the deck template (src/opsreport/templates/<lang>/deck.pptx) the deck uses.
DECK_LAYOUTS = {
    "title": "opsreport Title",
    "content": "opsreport Content",
    "closing": "opsreport Closing",
}

# Geometry of a 16:9 slide in points (13.333 × 7.5 in): the title box, the body below it,
# a chart slide's chart (left) and its bullets (right). The renderer places boxes here.
SLIDE = (960.0, 540.0)
TITLE = (43.0, 22.0, 874.0, 70.0)  # x, y, width, height
BODY = (43.0, 104.0, 874.0, 400.0)
CHART_BODY = (43.0, 104.0, 540.0, 400.0)
SIDE = (597.0, 104.0, 320.0, 400.0)
TITLE_SIZE = 24.0
TITLE_LINES = 2  # a title longer than two lines is cut with "…" (a workbook's long name)
NUMBER_SIZES = (16.0, 36.0, 14.0)  # a big number's label, figure and variance lines
OPENING = (43.0, 284.0, 874.0, 220.0)  # the numbers slide's opening sentence, below them
BULLET_SIZE = 14.0
TABLE_SIZE = 11.0
CELL_INSET_Y = 3.6  # a table cell's top and bottom margin (PowerPoint's 0.05 in)
CELL_INSET_X = 7.2

_WORDS = {
    "zh": {
        "contents": "目录",
        "speaker": "演讲人",
        "date": "日期",
        "overview": "年度业绩概况",
        "analysis": "核心业务数据分析",
        "campaigns": "季度重点活动复盘",
        "problems": "问题与挑战总结",
        "plan": "{year}年战略规划",
        "resources": "资源与团队保障",
        "thanks": "谢谢",
        "continued": "（续）",
        "dpl": "较目标",
        "dpy": "同比",
        "ytd_avg": "年初至今平均",
        "ytd_last": "第{quarter}季度末",
        "quarter": "季度",
        "campaign": "活动",
        "investment": "投入",
        "result": "效果",
        "feedback": "用户反馈",
        "problem": "问题",
        "subjective": "主观原因",
        "objective": "客观原因",
        "action": "改进措施",
        "goal": "目标",
        "from_to": "基线 → 目标",
        "deadline": "截止",
        "owner": "负责人",
        "category": "类别",
        "item": "项目",
        "amount": "金额/数量",
        "share": "占比",
        "note": "备注",
        "risk": "风险",
        "status": "判断",
        "response": "应对",
    },
    "en": {
        "contents": "Contents",
        "speaker": "Presenter",
        "date": "Date",
        "overview": "The year at a glance",
        "analysis": "Core business analysis",
        "campaigns": "Quarterly campaign review",
        "problems": "Problems and challenges",
        "plan": "{year} strategy and plan",
        "resources": "Resources and team",
        "thanks": "Thank you",
        "continued": " (continued)",
        "dpl": "vs target",
        "dpy": "vs PY",
        "ytd_avg": "Average so far",
        "ytd_last": "End of Q{quarter}",
        "quarter": "Quarter",
        "campaign": "Campaign",
        "investment": "Investment",
        "result": "Result",
        "feedback": "Feedback",
        "problem": "Problem",
        "subjective": "Subjective causes",
        "objective": "Objective causes",
        "action": "Action",
        "goal": "Goal",
        "from_to": "Baseline → target",
        "deadline": "Deadline",
        "owner": "Owner",
        "category": "Category",
        "item": "Item",
        "amount": "Amount",
        "share": "Share",
        "note": "Note",
        "risk": "Risk",
        "status": "Judgement",
        "response": "Response",
    },
}


def _slide(kind: str, title: str, section: str = "", **fields: Any) -> DeckSlide:
    slide: DeckSlide = {
        "kind": kind,
        "layout": DECK_LAYOUTS["content"],
        "title": title,
        "subtitle": "",
        "section": section,
        "bullets": [],
        "numbers": [],
        "chart": "",
        "table": None,
        "continued": False,
    }
    slide.update(fields)  # type: ignore[typeddict-item]
    slide["title"] = cut_to_lines(title, TITLE_SIZE, TITLE[2] - 2 * INSET_X, TITLE_LINES)
    return slide


# --------------------------------------------------------------------------- messages


def kpi_message(kpi: KpiRow, lang: str) -> str:
    """A KPI's result as a slide title: 直接利润8.37亿元，超额4.6% / GMV 4,960 M CNY, 95.4% of
    target — the KPI row's own figures: against its target when it has one, else last year."""
    zh = lang == "zh"
    if kpi["actual"] in {"", DASH} and kpi["sentence"]:  # a year in progress: its year so far
        return re.split(r"[；。;]|\. ", kpi["sentence"], maxsplit=1)[0]
    name = join_words(kpi["name"], kpi["actual"]) if zh else f"{kpi['name']} {kpi['actual']}"
    sep = "，" if zh else ", "
    if kpi["status"] is not None and kpi["good_target"] is not None:
        variance = (kpi["var_target"] if kpi["is_rate"] else kpi["var_target_pct"]).lstrip("+-")
        if kpi["good_target"]:
            if kpi["is_rate"]:
                return (
                    name + sep + (f"优于目标{variance}" if zh else f"{variance} better than target")
                )
            if kpi["direction"] == "lower":  # 履约时效22.5小时，优于目标6.3%
                return (
                    name + sep + (f"优于目标{variance}" if zh else f"{variance} better than target")
                )
            return name + sep + (f"超额{variance}" if zh else f"{variance} above target")
        if zh:
            return name + sep + f"完成率{kpi['attainment']}"
        return name + sep + f"{kpi['attainment']} of target"
    if kpi["var_prior_pct"] not in {"", "–"} or kpi["var_prior"] not in {"", "–"}:
        change = kpi["var_prior"] if kpi["is_rate"] else kpi["var_prior_pct"]
        return name + sep + (f"同比{change}" if zh else f"{change} on last year")
    return name


def _numbers(
    kpi: KpiRow, words: dict[str, str], count: int, so_far: YearToDate | None = None
) -> BigNumber:
    """A KPI's big number: its actual with ΔPL and ΔPY; a KPI of the year in progress
    (no annual actual, ``so_far`` given) its year to date, labelled so, with the year-to-date
    comparisons only (never the half year against the full year's target or last year)."""
    lines: list[str] = []
    good: list[bool | None] = []
    value, basis = kpi["actual"], ""
    if so_far is not None and kpi["actual"] in {"", DASH}:
        value, basis = so_far["value"], so_far["basis"]
        lines, good = list(so_far["lines"]), list(so_far["good"])
    else:
        target = kpi["var_target"] if kpi["is_rate"] else kpi["var_target_pct"]
        prior = kpi["var_prior"] if kpi["is_rate"] else kpi["var_prior_pct"]
        if target not in {"", DASH}:
            lines.append(f"ΔPL {words['dpl']} {target}")
            good.append(kpi["good_target"])
        if prior not in {"", DASH}:
            lines.append(f"ΔPY {words['dpy']} {prior}")
            good.append(kpi["good_prior"])
    width = BODY[2] / max(count, 1) - 12 - 2 * INSET_X  # one column of the numbers
    label, figure, line = NUMBER_SIZES
    return {
        "label": cut_to_lines(kpi["name"], label, width, 1),
        "value": cut_to_lines(value, figure, width, 1),
        "basis": cut_to_lines(basis, line, width, 1),
        "lines": [cut_to_lines(text, line, width, 1) for text in lines],
        "good": good,
    }


def deck_year_to_date(metrics: Metrics, lang: str) -> dict[str, YearToDate]:
    """The big numbers of the KPIs of a year in progress, by key: the KPIs the report
    words with their year so far (present.kpi_view decides which: ``progress``), their
    figures as the in-year review formats them (present.in_year_rows); empty for a
    finished year. Nothing is computed here."""
    from opsreport.engine.in_year import replan
    from opsreport.present.in_year_rows import IN_YEAR_LABELS, in_year_items
    from opsreport.present.kpi_view import kpi_views

    year = replan(metrics)
    if year is None:
        return {}
    going = {key for key, view in kpi_views(metrics, lang).items() if view.progress}
    language = "zh" if lang == "zh" else "en"
    labels, words = IN_YEAR_LABELS[language], _WORDS[language]
    found: dict[str, YearToDate] = {}
    review = in_year_items(year, 0, language)["review"]
    for plan, row in zip(year.kpis, review, strict=True):
        if plan.kpi.key not in going or row["ytd"] in {"", DASH}:
            continue
        how = plan.kpi.aggregation
        basis = (
            labels["ytd"]
            if how == "sum"
            else words["ytd_avg"]
            if how == "avg"
            else words["ytd_last"].replace("{quarter}", str(len(plan.reviews)))
        )
        lines: list[str] = []
        good: list[bool | None] = []
        if row["ytd_attainment"] not in {"", DASH} and plan.ytd_attainment is not None:
            # attainment is direction-aware (engine): 100% or more is on plan so far
            lines.append(f"{labels['ytd_attainment']} {row['ytd_attainment']}")
            good.append(plan.ytd_attainment >= 1)
        if row["landing_attainment"] not in {"", DASH}:
            lines.append(f"{labels['landing_attainment']} {row['landing_attainment']}")
            good.append(row["on_track"])
        found[plan.kpi.key] = {"basis": basis, "value": row["ytd"], "lines": lines, "good": good}
    return found


# --------------------------------------------------------------------------- pagination


def table_row_height(cells: Sequence[str], widths: Sequence[float], size: float) -> float:
    """A table row's height in pt: its tallest cell by the fitting rule, margins included."""
    lines = max(
        (
            line_count(text, size, width * BODY[2] - 2 * CELL_INSET_X)
            for text, width in zip(cells, widths, strict=True)
        ),
        default=1,
    )
    return lines * LINE * size + 2 * CELL_INSET_Y


def _table_pages(table: DeckTable, height: float = BODY[3]) -> list[DeckTable]:
    """The table split in pages whose rows fit ``height`` with the header on each."""
    header = table_row_height(table["columns"], table["widths"], TABLE_SIZE)
    pages: list[DeckTable] = []
    rows: list[list[str]] = []
    fills: list[list[str]] = []
    used = header
    most = int((height - header - 2 * CELL_INSET_Y) // (LINE * TABLE_SIZE))  # lines a row may take
    for row, fill in zip(table["rows"], table["fills"] or [[]] * len(table["rows"]), strict=True):
        need = table_row_height(row, table["widths"], TABLE_SIZE)
        if need > height - header:  # one cell longer than a slide: cut with "…"
            row = [
                cut_to_lines(text, TABLE_SIZE, width * BODY[2] - 2 * CELL_INSET_X, most)
                for text, width in zip(row, table["widths"], strict=True)
            ]
            need = table_row_height(row, table["widths"], TABLE_SIZE)
        if rows and used + need > height:
            pages.append({**table, "rows": rows, "fills": fills})
            rows, fills, used = [], [], header
        rows.append(row)
        fills.append(fill)
        used += need
    pages.append({**table, "rows": rows, "fills": fills})
    return pages


def _bullet_pages(
    bullets: Sequence[str], box: tuple[float, float, float, float]
) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for bullet in bullets:
        trial = [*pages[-1], bullet]
        if pages[-1] and not text_fits(trial, BULLET_SIZE, box[2], box[3]):
            pages.append([bullet])
        else:
            pages[-1] = trial
    return pages


def _continued(slides: list[DeckSlide], words: dict[str, str]) -> list[DeckSlide]:
    for slide in slides[1:]:
        slide["continued"] = True
        slide["title"] += words["continued"]
    return slides


def _table_slides(
    title: str, section: str, table: DeckTable, words: dict[str, str]
) -> list[DeckSlide]:
    pages = _table_pages(table)
    return _continued([_slide("table", title, section, table=page) for page in pages], words)


def _beside_slides(
    kind: str,
    title: str,
    section: str,
    bullets: Sequence[str],
    words: dict[str, str],
    **content: Any,
) -> list[DeckSlide]:
    """A chart or matrix (``content``) with its bullets beside it; bullets that do not fit
    continue on a bullets slide."""
    pages = _bullet_pages(bullets, SIDE)
    slides = [_slide(kind, title, section, bullets=pages[0], **content)]
    slides += [_slide("bullets", title, section, bullets=page) for page in pages[1:] if page]
    return _continued(slides, words)


def _chart_slides(
    title: str, section: str, chart: str, bullets: Sequence[str], words: dict[str, str]
) -> list[DeckSlide]:
    """A chart with its bullets beside it; bullets that do not fit continue on a bullets slide."""
    return _beside_slides("chart", title, section, bullets, words, chart=chart)


def _bullet_slides(
    title: str, section: str, bullets: Sequence[str], words: dict[str, str]
) -> list[DeckSlide]:
    """Bullets alone, continuing on as many slides as they need."""
    pages = _bullet_pages(bullets, BODY)
    return _continued([_slide("bullets", title, section, bullets=page) for page in pages], words)


def _table(
    columns: list[str],
    widths: list[float],
    rows: list[list[str]],
    numeric: list[bool] | None = None,
) -> DeckTable:
    return {
        "columns": columns,
        "widths": widths,
        "numeric": numeric or [False] * len(columns),
        "rows": rows,
        "fills": [],
    }


# --------------------------------------------------------------------------- the deck


def deck_chart_data(metrics: Metrics, context: ReportContext, lang: str) -> dict[str, Any]:
    """The charts of the deck by key: the report's (present.charts.chart_data) and one
    attainment chart per dimension (``deck:<dimension>``), all from the data layer."""
    from opsreport.present.charts import chart_data
    from opsreport.present.charts.attainment import attainment_data

    found: dict[str, Any] = dict(chart_data(metrics, lang))
    for group in metrics.groups:
        data = attainment_data(group.results, lang)
        if data is not None:
            # keyed by the name the report context gives the group (an unnamed one: 指标 / KPIs)
            name = group.name or ("指标" if lang == "zh" else "KPIs")
            found[f"deck:{name}"] = data
    return found


def deck_context(
    context: ReportContext,
    charts: dict[str, Any],
    lang: str,
    year_to_date: dict[str, YearToDate] | None = None,
) -> Deck:
    """The deck's slides in the outline's order, from the report ``context``, the
    ``charts`` (:func:`deck_chart_data`) it shows and, in a year in progress, the big
    numbers of its KPIs so far (:func:`deck_year_to_date`)."""
    words = _WORDS["zh" if lang == "zh" else "en"]
    zh = lang == "zh"
    meta, summary = context["meta"], context["summary"]
    rows = {k["key"]: k for k in context["kpis"]}
    plan_word = words["plan"].replace("{year}", str(meta["plan_year"]))
    sections = [
        words["overview"],
        words["analysis"],
        words["campaigns"],
        words["problems"],
        plan_word,
        words["resources"],
    ]
    body: list[tuple[str, Callable[[str], list[DeckSlide]]]] = [
        (
            words["overview"],
            lambda s: _overview(context, rows, charts, words, lang, s, year_to_date or {}),
        ),
        (words["analysis"], lambda s: _analysis(context, charts, words, lang, s)),
        (words["campaigns"], lambda s: _campaigns(context, words, lang, s)),
        (words["problems"], lambda s: _problems(context, words, lang, s)),
        (plan_word, lambda s: _plan(context, charts, words, lang, s)),
        (words["resources"], lambda s: _resources(context, charts, words, lang, s)),
    ]
    made: list[tuple[str, list[DeckSlide]]] = []
    for section, build in body:
        built = build(section)
        if built:
            made.append((section, built))
    sections = [section for section, _ in made]
    subtitle = [meta["org"]] if meta["org"] else []
    if meta["author"]:
        subtitle.append(f"{words['speaker']}{'：' if zh else ': '}{meta['author']}")
    subtitle.append(f"{words['date']}{'：' if zh else ': '}{meta['date']}")
    contents = [f"{n:02d}  {section}" for n, section in enumerate(sections, start=1)]
    slides: list[DeckSlide] = [
        _slide("title", meta["title"], layout=DECK_LAYOUTS["title"], subtitle="\n".join(subtitle)),
        _slide("contents", words["contents"], bullets=contents),
    ]
    for _, section_slides in made:
        slides += section_slides
    closing = summary["commitment"] or summary["closing"] or words["thanks"]
    slides.append(
        _slide(
            "closing",
            closing.rstrip("。."),
            layout=DECK_LAYOUTS["closing"],
            bullets=[summary["closing"]] if summary["closing"] else [],
            subtitle=words["thanks"],
        )
    )
    return {"lang": lang, "title": meta["title"], "sections": sections, "slides": slides}


def _overview(
    context: ReportContext,
    rows: dict[str, KpiRow],
    charts: dict[str, Any],
    words: dict[str, str],
    lang: str,
    section: str,
    so_far: dict[str, YearToDate],
) -> list[DeckSlide]:
    summary = context["summary"]
    slides: list[DeckSlide] = []
    lead = rows.get(summary["lead_kpi"] or "")
    headline = [rows[key] for key in summary["headline_kpis"] if key in rows][:4]
    if not headline and lead is not None and so_far:
        # no KPI rated yet (a year in progress): the lead and the next KPIs so far
        keys = [lead["key"]] if lead["key"] in so_far else []
        keys += [key for key in so_far if key != lead["key"] and key in rows]
        headline = [rows[key] for key in keys[:HEADLINE_KPIS]]
    if lead is not None:
        numbers = [_numbers(kpi, words, len(headline), so_far.get(kpi["key"])) for kpi in headline]
        opening = [summary["opening"]] if summary["opening"] else []
        later = []  # an opening too long for the space under the numbers: the next slide
        if opening and not text_fits(opening, BULLET_SIZE, OPENING[2], OPENING[3]):
            opening, later = [], opening
        title = kpi_message(lead, lang)
        made = [_slide("numbers", title, section, numbers=numbers, bullets=opening)]
        made += [
            _slide("bullets", title, section, bullets=page)
            for page in (_bullet_pages(later, BODY) if later else [])
        ]
        slides += _continued(made, words)
    zh = lang == "zh"
    for group in context["groups"]:
        kpis = group["kpis"]
        if not kpis:
            continue
        met, rated = group["met"], group["met"] + group["near"] + group["missed"]
        name = group["name"]
        head = (
            (f"{name}：{met}/{rated}项达成" if zh else f"{name}: {met} of {rated} met")
            if rated
            else name
        )
        message = kpi_message(kpis[0], lang)
        if rated:
            title = f"{head}{'，' if zh else '; '}{message}"
        else:  # a year in progress: 利润：直接利润年初至今3.50亿元… (not 利润，直接利润：…)
            said = kpis[0]["name"] + ("：" if zh else ": ")
            if message.startswith(said):
                message = kpis[0]["name"] + ("" if zh else " ") + message[len(said) :]
            title = f"{name}{'：' if zh else ': '}{message}"
        bullets = [kpi["sentence"] for kpi in kpis[:3]]
        key = f"deck:{name}"
        if key in charts:
            slides += _chart_slides(title, section, key, bullets, words)
        else:
            slides += _bullet_slides(title, section, bullets, words)
    return slides


def _analysis(
    context: ReportContext, charts: dict[str, Any], words: dict[str, str], lang: str, section: str
) -> list[DeckSlide]:
    zh = lang == "zh"
    slides: list[DeckSlide] = []
    for q in context["quarters"][:3]:
        shown = [r for r in q["rows"] if r["actual_value"] is not None]
        if len(shown) < 2 or q["chart"] not in charts:
            continue
        first, last = shown[0], shown[-1]
        rising = (last["actual_value"] or 0) >= (first["actual_value"] or 0)
        if zh:
            verb = "升至" if rising else "降至"
            title = f"{q['name']}由{first['period']}的{first['actual']}{verb}{last['period']}的{last['actual']}"
        else:
            verb = "rose" if rising else "fell"
            title = f"{q['name']} {verb} from {first['actual']} in {first['period']} to {last['actual']} in {last['period']}"
        slides += _chart_slides(title, section, q["chart"], [q["summary"]], words)
    for table in context["breakdowns"]:
        ranked = [r for r in table["rows"] if r["rank"] != ""]
        if not ranked or table["chart"] not in charts:
            continue
        top = ranked[0]
        if zh:
            title = f"{table['dimension']}：{top['item']}居首，{join_words(table['kpi'], top['actual'])}，占{top['share']}"
        else:
            title = f"{table['dimension']}: {top['item']} leads, {table['kpi']} {top['actual']}, {top['share']} of the total"
        bullets = [text for text in (table["summary"], table["contribution"]) if text]
        slides += _chart_slides(title, section, table["chart"], bullets, words)
    return slides


def _campaigns(
    context: ReportContext, words: dict[str, str], lang: str, section: str
) -> list[DeckSlide]:
    review = context["campaigns"]
    if not review["rows"]:
        return []
    zh = lang == "zh"
    n, total = review["count"], review["total"]
    if zh:
        title = f"全年{n}项重点活动" + (f"，投入{total}" if total else "")
    else:
        title = f"{n} campaign{'s' if n != 1 else ''}" + (f", {total} invested" if total else "")
    rows = [
        [r["quarter"], r["name"], r["investment"], r["result"], r["feedback"]]
        for r in review["rows"]
    ]
    table = _table(
        [
            words["quarter"],
            words["campaign"],
            words["investment"],
            words["result"],
            words["feedback"],
        ],
        [0.1, 0.17, 0.11, 0.31, 0.31],
        rows,
        [False, False, True, False, False],
    )
    return _table_slides(title, section, table, words)


def _problems(
    context: ReportContext, words: dict[str, str], lang: str, section: str
) -> list[DeckSlide]:
    problems = context["problems"]
    if not problems:
        return []
    zh = lang == "zh"
    areas = list(dict.fromkeys(p["area"] for p in problems if p["area"]))
    join = "、" if zh else ", "
    n = len(problems)
    if zh:
        title = f"{n}个问题待解决" + (f"：{join.join(areas)}" if areas else "")
    else:
        title = f"{n} problem{'s' if n != 1 else ''} to solve" + (
            f": {join.join(areas)}" if areas else ""
        )
    rows = [[p["problem"], p["subjective"], p["objective"], p["action"]] for p in problems]
    table = _table(
        [words["problem"], words["subjective"], words["objective"], words["action"]],
        [0.28, 0.24, 0.24, 0.24],
        rows,
    )
    return _table_slides(title, section, table, words)


def _plan(
    context: ReportContext, charts: dict[str, Any], words: dict[str, str], lang: str, section: str
) -> list[DeckSlide]:
    zh = lang == "zh"
    slides: list[DeckSlide] = []
    goals = context["goals"]
    year = context["meta"]["plan_year"]
    join = "、" if zh else "; "
    if goals:
        named = join.join(g["goal"] for g in goals[:2])
        n = len(goals)
        title = (
            f"{year}年{n}项目标：{named}"
            if zh
            else f"{year}: {n} goal{'s' if n != 1 else ''}, {named}"
        )
        rows = [
            [
                g["goal"],
                f"{g['baseline']} → {g['target']}",
                g["deadline"],
                g["owner"],
                g["smart_marks"],
            ]
            for g in goals
        ]
        table = _table(
            [words["goal"], words["from_to"], words["deadline"], words["owner"], "SMART"],
            [0.3, 0.22, 0.13, 0.12, 0.23],
            rows,
        )
        slides += _table_slides(title, section, table, words)
    tasks = context["tasks"]
    if tasks["all"] and "timeline" in charts:
        phases, n, m = len(tasks["phases"]), len(tasks["all"]), len(tasks["milestones"])
        if zh:
            title = f"分{phases}个阶段推进{n}项任务，设{m}个里程碑"
        else:
            title = f"{n} task{'s' if n != 1 else ''} in {phases} phase{'s' if phases != 1 else ''}, {m} milestone{'s' if m != 1 else ''}"
        slides.append(_slide("chart", title, section, chart="timeline"))
    return slides


def _resources(
    context: ReportContext, charts: dict[str, Any], words: dict[str, str], lang: str, section: str
) -> list[DeckSlide]:
    zh = lang == "zh"
    slides: list[DeckSlide] = []
    resources = context["resources"]
    if resources["categories"]:
        title = (
            f"所需资源：{resources['total']}" if zh else f"Resources needed: {resources['total']}"
        )
        rows = [
            [c["name"], item["item"], item["amount"], item["share"], item["note"]]
            for c in resources["categories"]
            for item in c["items"]
        ]
        table = _table(
            [words["category"], words["item"], words["amount"], words["share"], words["note"]],
            [0.12, 0.28, 0.14, 0.1, 0.36],
            rows,
            [False, False, True, True, False],
        )
        slides += _table_slides(title, section, table, words)
    risks = context["risks"]
    if risks:
        crossed = len(context["risks_crossed"])
        n = len(risks)
        if zh:
            title = f"{n}项风险" + (f"，{crossed}项今年已越过触发线" if crossed else "均在触发线内")
        else:
            title = f"{n} risk{'s' if n != 1 else ''}" + (
                f", {crossed} past the trigger line this year"
                if crossed
                else ", all inside their trigger lines"
            )
        bullets = [f"{r['no']} {r['risk']}{'：' if zh else ': '}{r['status']}" for r in risks]
        matrix = _risk_matrix(charts.get("risks"))
        if matrix is not None:
            slides += _beside_slides("matrix", title, section, bullets, words, table=matrix)
        else:
            slides += _bullet_slides(title, section, bullets, words)
    return slides


def _risk_matrix(data: Any) -> DeckTable | None:
    """The risk matrix of the chart data as a 6 × 6 table: impact 5…1 down the side,
    likelihood 1…5 along the bottom, each cell tinted with its risks' numbers."""
    grid = getattr(data, "grid", None)
    if grid is None:
        return None
    spots = {(c.likelihood, c.impact): c for c in grid.cells}
    rows, fills = [], []
    for impact in range(5, 0, -1):
        row, fill = [str(impact)], [""]
        for likelihood in range(1, 6):
            cell = spots[(likelihood, impact)]
            row.append(" ".join(f"R{number}" for number, _ in cell.risks))
            fill.append(cell.tint.lstrip("#").upper())
        rows.append(row)
        fills.append(fill)
    rows.append([f"{grid.impact} ↑ / {grid.likelihood} →", "1", "2", "3", "4", "5"])
    fills.append([""] * 6)
    return {
        "columns": [],
        "widths": [0.22, 0.156, 0.156, 0.156, 0.156, 0.156],
        "numeric": [False] * 6,
        "rows": rows,
        "fills": fills,
    }


def title_lines(title: str) -> int:
    """How many lines a slide title takes in the title box (the deck keeps it to two)."""
    return line_count(title, TITLE_SIZE, TITLE[2] - 2 * 7.2)
