"""A plan's warning line and the rule that made it, in words: 「较目标低于2个百分点即预警（风险表）」.

The line itself is decided in ``engine.warning_lines``; here it is formatted and its
tolerance and source are said, so a reader knows which setting to change.
"""

from __future__ import annotations

from opsreport.core.rounding import decimal_places
from opsreport.engine.plan_targets import QuarterTarget
from opsreport.engine.warning_lines import WarningLine, WarningRules
from opsreport.present import formatting as f

__all__ = ["warning_rule", "warning_texts"]

_SOURCES = {
    "zh": {"risk": "风险表", "meta": "概况表预警容差", "default": "默认"},
    "en": {"risk": "risks sheet", "meta": "meta sheet tolerance", "default": "default"},
}


def warning_rule(line: WarningLine, direction: str, unit: str, places: int, lang: str) -> str:
    """The rule of one warning line: the tolerance, where it came from, and the baseline
    or target the line was held at."""
    tolerance = line.tolerance
    tol_places = decimal_places(tolerance.value.normalize())
    amount = (
        f.fmt_pp(tolerance.value, tol_places, lang=lang)
        if tolerance.in_points
        else f"{f.fmt_number(tolerance.value, tol_places)}%"
    )
    source = _SOURCES[lang][tolerance.source]
    higher = direction != "lower"
    zh = lang == "zh"
    if zh:
        rule = f"较目标{'低' if higher else '高'}于{amount}即预警（{source}）"
    else:
        rule = f"alert when {amount} {'below' if higher else 'above'} target ({source})"
    if line.bound == "baseline":
        baseline = f.fmt_amount(line.baseline, unit, max(places, 1), lang)
        if zh:
            rule += f"；预警线不{'低' if higher else '高'}于基线{baseline}"
        else:
            rule += f"; the line is held at the baseline {baseline}"
    elif line.bound == "target":
        rule += (
            "；基线已优于目标，预警线即目标"
            if zh
            else "; the baseline beats the target, so the line is the target"
        )
    return rule


def warning_texts(
    rules: WarningRules, target: QuarterTarget, quarter: int, lang: str
) -> tuple[str, str]:
    """The warning line of ``target`` in ``quarter`` and its rule, formatted."""
    line = rules.line(target, quarter)
    places = max(target.places, 1)
    text = f.fmt_amount(line.value, target.unit, places, lang)
    return text, warning_rule(line, target.direction, target.unit, places, lang)
