"""Risk thresholds: ``< 25``, ``>= 3.5`` on a KPI's actual, ``dev > 8%`` on its deviation.

A threshold is read in the unit of the KPI it watches, so ``> 4.7亿`` in a 万元 KPI
means 47,000.
"""

from __future__ import annotations

import re

from opsreport.core.numbers import parse_number
from opsreport.core.records import Threshold
from opsreport.core.text import normalize_text
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem

__all__ = ["parse_threshold"]

_THRESHOLD_RE = re.compile(
    r"^(?P<dev>dev(?:iation)?|偏差|偏离|偏离度|目标偏差)?\s*(?P<op><=|>=|<|>|≤|≥|＜|＞)\s*(?P<value>.+)$",
    re.IGNORECASE,
)


def parse_threshold(text: str, unit: str) -> Threshold:
    """``< 25``, ``>= 3.5`` on the KPI's actual; ``dev > 8%`` on its |ΔPL%|."""
    match = _THRESHOLD_RE.match(normalize_text(text))
    if not match:
        raise ValueProblem(
            f"not a threshold ({text!r})",
            "write < 25, <= 25, > 47, >= 3.5, or dev > 8% (deviation from target)",
        )
    operator = {"≤": "<=", "≥": ">=", "＜": "<", "＞": ">"}.get(match["op"], match["op"])
    if match["dev"]:
        raw = match["value"].strip().rstrip("%").strip()
        limit = parse_number(raw)
        if limit is None:
            raise ValueProblem(f"a deviation without a number ({text!r})", "write dev > 8%")
        return Threshold("dev", operator, limit, normalize_text(text))
    limit = parse_number(match["value"], unit=parse_unit(unit))
    if limit is None:
        raise ValueProblem(f"a threshold without a number ({text!r})", "write < 25 or > 47")
    return Threshold("value", operator, limit, normalize_text(text))
