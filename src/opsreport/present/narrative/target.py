"""The clauses that compare a KPI with its target and with the total it is a share of:
较目标8.00亿元超额4.6%, 较目标45.0天多3.5天，未达目标, 占公司利润增量20.00亿元的41.9%."""

from __future__ import annotations

from opsreport.engine.metrics import KpiResult
from opsreport.engine.movement import UnitKind
from opsreport.present import formatting as f
from opsreport.present.narrative.figures import Figures

__all__ = ["share_clause", "target_clauses"]


def _size(kind: UnitKind, result: KpiResult, figures: Figures) -> str:
    """The gap to target without its sign: points, the unit (durations), else percent."""
    var = result.var_target
    assert var is not None
    if kind == "rate":
        return figures.points(abs(var))
    if kind in {"duration", "score"} or result.var_target_pct is None:
        return figures.amount(abs(var))
    return figures.pct(abs(result.var_target_pct))


def target_clauses(result: KpiResult, kind: UnitKind, figures: Figures) -> list[str]:
    """The target clause and, where it helps, the attainment; none without a target."""
    var = result.var_target
    if var is None:
        return []
    kpi = result.kpi
    lower = kpi.direction == "lower"
    good = bool(result.good_vs_target)
    target = figures.amount(kpi.target)
    attainment = f.attainment_text(result.attainment) if result.attainment is not None else None
    if figures.lang == "zh":
        if var == 0:
            clauses = [f"达到目标{target}"]
        elif kind == "multiple":  # 3.4倍 against 3.0倍: above or below, no difference in 倍
            clause = f"{'高于' if var > 0 else '低于'}目标{target}"
            if lower or not good:
                clause += "，优于目标" if good else "，未达目标"
            clauses = [clause]
        elif not lower and good and kind != "rate":
            clauses = [f"较目标{target}超额{_size(kind, result, figures)}"]
        else:
            words = ("多", "少") if kind == "duration" else ("高", "低")
            word = words[0] if var > 0 else words[1]
            clause = f"较目标{target}{word}{_size(kind, result, figures)}"
            if lower:
                clause += "，优于目标" if good else "，未达目标"
            elif not good:
                clause += "，未达目标"
            clauses = [clause]
        if attainment is not None and var != 0 and (lower or not good or kind == "rate"):
            clauses.append(f"完成率{attainment}")
        return clauses
    if var == 0:
        return [f"on its target of {target}"]
    if kind == "multiple":
        clause = f"{'above' if var > 0 else 'below'} the target of {target}"
    else:
        word = "above" if var > 0 else "below"
        # "the target of 35 points", never "the 35 points target"
        clause = f"{_size(kind, result, figures)} {word} the target of {target}"
    # "below the target" says "short of it" where higher is better; where lower is
    # better the verdict is said, since "below" is then good. The attainment goes with
    # the target it measures against: "(attainment 97.8%)", not "…, and attainment 97.8%".
    aside = [("better than target" if good else "short of target")] if lower else []
    if attainment is not None:
        aside.append(f"attainment {attainment}")
    return [f"{clause} ({', '.join(aside)})" if aside else clause]


def share_clause(result: KpiResult, figures: Figures, base_name: str | None = None) -> str | None:
    """占公司利润增量20.00亿元的41.9% / "41.9% of company profit growth (20.00 亿元)"."""
    if result.share is None:
        return None
    kpi = result.kpi
    name = base_name or kpi.base_name
    base = figures.amount(kpi.base)
    share = figures.pct(result.share)
    if figures.lang == "zh":
        return f"占{f.join_words(name or '公司总额', base)}的{share}"
    return f"{share} of {name or 'the company total'} ({base})"
