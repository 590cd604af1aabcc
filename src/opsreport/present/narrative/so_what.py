"""The clauses that say why a result matters: its growth target (高于30%的增长目标), its
benchmark (低于行业均值55%（相差14.0个百分点）), the KPIs that drove it, told root cause first
(主要来自…，带动…), and what it was worth (释放费用空间3.1亿元). Every gap comes from the
engine's :class:`~opsreport.engine.story.KpiStory`; these functions only choose words."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from opsreport.core.records import Kpi, ValueRow
from opsreport.core.rounding import decimal_places
from opsreport.engine.story import KpiStory
from opsreport.present import formatting as f
from opsreport.present.narrative.figures import Figures

__all__ = [
    "VALUE_LABELS",
    "benchmark_clause",
    "drivers_clause",
    "growth_clause",
    "note_text",
    "value_clause",
    "with_article",
]

# A value row without its own label is said by its kind.
VALUE_LABELS = {
    "zh": {"gain": "带来收益", "saving": "节省费用", "cash": "释放现金流", "loss": "造成损失"},
    "en": {
        "gain": "a gain of {amount}",
        "saving": "a saving of {amount}",
        "cash": "{amount} of cash freed",
        "loss": "a loss of {amount}",
    },
}


def growth_clause(kpi: Kpi, story: KpiStory, figures: Figures) -> str | None:
    """The growth target against this year's change: 高于30%的增长目标 / "beating the
    +30% growth target"; for rates in points (高于3.0个百分点的提升目标)."""
    goal = kpi.target_growth
    if goal is None or story.growth_gap is None:
        return None
    rate = story.kind == "rate"
    places = decimal_places(goal.normalize())  # the growth target as typed: 30%, 2.5个百分点
    number = f.fmt_number(abs(goal), places)
    zh = figures.lang == "zh"
    if rate:
        goal_text = f"{number}个百分点" if zh else f"{'+' if goal >= 0 else '-'}{number} pp"
    else:
        goal_text = f"{number}%" if zh else f"{'+' if goal >= 0 else '-'}{number}%"
    gap = story.growth_gap
    if not zh:
        noun = "growth target" if goal > 0 and kpi.direction != "lower" else "target"
        if gap == 0:
            return f"in line with the {goal_text} {noun}"
        return f"{'beating' if story.growth_good else 'short of'} the {goal_text} {noun}"
    noun = "提升目标" if rate else "增长目标"
    if kpi.direction != "lower" and goal > 0:
        if gap == 0:
            return f"达到{goal_text}的{noun}"
        return f"{'高于' if gap > 0 else '低于'}{goal_text}的{noun}"
    way = ("提升" if rate else "增长") if goal > 0 else "下降"
    aim = f"{way}{goal_text}的目标"
    if gap == 0:
        return f"达到{aim}"
    return f"{'优于' if story.growth_good else '未达'}{aim}"


def benchmark_clause(kpi: Kpi, story: KpiStory, figures: Figures) -> str | None:
    """The KPI against its benchmark: 低于行业均值55%（相差14.0个百分点）/ "14.0 pp below
    the industry average of 55%"; a multiple above or below alone (低于行业均值3.0倍)."""
    gap = story.benchmark_gap
    if gap is None:
        return None
    zh = figures.lang == "zh"
    name = kpi.benchmark_name or ("行业均值" if zh else "industry average")
    benchmark = figures.amount(kpi.benchmark)
    kind = story.kind
    if kind == "rate":
        size = figures.points(abs(gap))
    elif kind in {"duration", "score"} or story.benchmark_gap_pct is None:
        size = figures.amount(abs(gap))
    else:
        size = figures.pct(abs(story.benchmark_gap_pct))
    if zh:
        subject = f.join_words(name, benchmark)
        if gap == 0:
            return f"与{subject}持平"
        word = "高于" if gap > 0 else "低于"
        if kind == "multiple":  # a difference in 倍 reads as a percent
            return f"{word}{subject}"
        return f"{word}{subject}（相差{size}）"
    name = with_article(name)
    if gap == 0:
        return f"level with {name} of {benchmark}"
    word = "above" if gap > 0 else "below"
    if kind == "multiple":
        return f"{word} {name} of {benchmark}"
    return f"{size} {word} {name} of {benchmark}"


_DETERMINERS = frozenset({"the", "a", "an", "our", "its", "their", "this", "my"})


def with_article(name: str) -> str:
    """An English benchmark name as a noun phrase: "the Gartner median", "the industry
    average"; a name that has its own determiner or possessive ("TSIA's services
    average", "our 2025 plan") as typed."""
    first = name.split(maxsplit=1)[0] if name.split() else ""
    if first.lower() in _DETERMINERS or first.endswith(("'s", "’s", "s'")):
        return name
    return f"the {name}"


def drivers_clause(
    story: KpiStory, phrase: Callable[[str, bool], str | None], lang: str
) -> str | None:
    """主要来自A由…，带动B由… (each chain root first), chains joined by 以及 / "and".

    ``phrase(key, first)`` is a driver's own from→to (``first``: it opens its chain).
    """
    chains: list[str] = []
    for chain in story.chains:
        links = [phrase(key, position == 0) for position, key in enumerate(chain)]
        said = [link for link in links if link]
        if not said:
            continue
        chains.append(("，带动" if lang == "zh" else ", ").join(said))
    if not chains:
        return None
    if lang == "zh":
        return "主要来自" + "，以及".join(chains)
    return "mainly driven by " + " and by ".join(chains)


def _value_amount(row: ValueRow, lang: str) -> str:
    return f.fmt_amount(row.amount, row.unit, None, lang)


def value_clause(story: KpiStory, lang: str) -> str | None:
    """释放费用空间3.1亿元、节省投放费1.1亿元 / "a saving of 1.2 M USD (lower agent cost) and
    0.5 M USD of cash freed"."""
    if not story.values:
        return None
    labels = VALUE_LABELS["zh" if lang == "zh" else "en"]
    parts: list[str] = []
    for row in story.values:
        amount = _value_amount(row, lang)
        if lang == "zh":
            parts.append(f.join_words(row.label or labels.get(row.kind, ""), amount))
        else:  # the kind says what it is (a loss never reads as a benefit), the label what
            # it was: "a gain of 640 k USD (upsell revenue from Premium renewals)"
            frame = labels.get(row.kind, "{amount}").format(amount=amount)
            parts.append(frame + (f" ({row.label})" if row.label else ""))
    return f.join_list(parts, lang)


def note_text(note: str | None, lang: str) -> str:
    """The KPI's 备注 as a sentence of its own after the KPI's: ends in 。 / a full stop."""
    if not note:
        return ""
    note = note.strip()
    if not note:
        return ""
    if lang == "zh":
        return note if note[-1] in "。！？.!?…" else note + "。"
    if note[-1] in "。！？.!?…":
        return " " + note
    # a note typed in Chinese ends with 。 in an English document too (「毛利÷销售额.」 reads
    # as a typo)
    wide = unicodedata.east_asian_width(note[-1]) in {"W", "F"}
    return " " + note + ("。" if wide else ".")
