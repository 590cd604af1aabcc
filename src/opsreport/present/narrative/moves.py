"""The from→to of a KPI against last year: 由11.2%提升至14.8%（+3.6个百分点）, "rose from
11.2% to 14.8% (+3.6 pp)".

Rates move in points, amounts in percent (their change in the unit when last year was
zero), durations in their unit (缩短3.5天, never -6.7%), scores in theirs (+3分), multiples
by from→to alone (a
difference in 倍 beside a percent reads as +130%). Equal figures at the KPI's places are
flat: 24.1% against 24.1% never "rose".
"""

from __future__ import annotations

from typing import Literal

from opsreport.core.records import Kpi
from opsreport.engine.metrics import KpiResult
from opsreport.engine.movement import MoveSize, UnitKind
from opsreport.present import formatting as f
from opsreport.present.narrative.figures import Figures
from opsreport.present.narrative.words import DURATION_WORDS, SIZE_PREFIX, Way, move_verb

__all__ = ["Form", "move_phrase"]

Form = Literal["subject", "driver", "link"]
"""subject: the sentence opens with it; driver: the first KPI of a driver chain
(en: a gerund, "own-brand share rising from …"); link: a later KPI of a chain
(zh 带动…, en "lifting …")."""


def _duration_verdict(result: KpiResult, zh: bool) -> str | None:
    """Whether a duration's move was good, where 缩短/延长 alone would not say it: shorter
    reads as better (delivery time), so a KPI where longer is better (素材生命周期) says
    both ways, and any move against the KPI's direction says it worsened."""
    good = result.good_vs_prior
    if good is None or (good and result.kpi.direction != "higher"):
        return None
    if zh:
        return "较上年改善" if good else "较上年恶化"
    return "better than last year" if good else "worse than last year"


def _tail(kind: UnitKind, result: KpiResult, size: MoveSize, figures: Figures, form: Form) -> str:
    """What follows the from→to: the change, in points, percent or the unit."""
    var = result.var_prior
    assert var is not None
    zh = figures.lang == "zh"
    open_, close = ("（", "）") if zh else (" (", ")")
    if kind == "rate":
        return f"{open_}{figures.points(var, signed=True)}{close}"
    if kind == "multiple":
        return ""
    if kind == "duration":
        way: Way = "up" if var > 0 else "down"
        size_text = figures.amount(abs(var))
        verdict = _duration_verdict(result, zh)
        if zh:
            words = f"{SIZE_PREFIX[size]}{DURATION_WORDS['zh'][way]}{size_text}"
            if form == "subject":
                return f"，{words}" + (f"，{verdict}" if verdict else "")
            return f"（{words}" + (f"，{verdict}" if verdict else "") + "）"
        return f" ({size_text} {DURATION_WORDS['en'][way]}" + (f", {verdict})" if verdict else ")")
    if kind == "score":  # 净推荐值由33分提升至36分（+3分）: points of the score, not +9.1%
        return f"{open_}{figures.signed_amount(var)}{close}"
    pct = result.var_prior_pct
    prior, actual = result.kpi.prior_year, result.kpi.actual
    # no percent of a loss or into one (由-2亿元增长至5亿元 is +7亿元, not +350.0%)
    of_a_gain = prior is not None and prior > 0 and actual is not None and actual >= 0
    if pct is not None and of_a_gain and f.round_half_up(abs(pct) * 100, 1) != 0:
        return f"{open_}{figures.pct(pct, signed=True)}{close}"
    return f"{open_}{figures.signed_amount(var)}{close}"


def move_phrase(
    kpi: Kpi,
    result: KpiResult,
    kind: UnitKind,
    size: MoveSize | None,
    figures: Figures,
    form: Form = "subject",
) -> str:
    """The KPI's name with its move on last year, or with its actual when it has none."""
    zh = figures.lang == "zh"
    actual = figures.amount(kpi.actual)
    var = result.var_prior
    if var is None or size is None:  # no prior year: the figure alone
        if zh:
            return f.join_words(kpi.name, actual)
        return {
            "subject": f"{kpi.name} was {actual}",
            "driver": f"{kpi.name} at {actual}",
            "link": f"with {kpi.name} at {actual}",
        }[form]
    prior = figures.amount(kpi.prior_year)
    if var == 0 or prior == actual:
        if zh:
            return f"{f.join_words(kpi.name, actual)}，与上年持平"
        return {
            "subject": f"{kpi.name} was {actual}, flat on last year",
            "driver": f"{kpi.name} flat at {actual}",
            "link": f"with {kpi.name} flat at {actual}",
        }[form]
    way: Way = "up" if var > 0 else "down"
    tail = _tail(kind, result, size, figures, form)
    if zh:
        return f"{kpi.name}由{prior}{move_verb(kind, way, size, 'zh', name=kpi.name)}{actual}{tail}"
    if form == "link":
        lift = "lifting" if way == "up" else "lowering"
        return f"{lift} {kpi.name} from {prior} to {actual}{tail}"
    verb = move_verb(kind, way, size, "en", gerund=form == "driver")
    return f"{kpi.name} {verb} from {prior} to {actual}{tail}"
