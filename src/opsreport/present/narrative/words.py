"""The verbs of the KPI sentences, by unit kind, direction of the move and its size.

The size classes come from the engine (:data:`opsreport.engine.movement.SIZE_THRESHOLDS`:
rates < 0.5 pp slight, ≥ 5 pp large; everything else < 2% slight, ≥ 30% large, relative
to last year). One table here, so a reader of the code sees every verb a sentence can use
(docs/sentences.md prints it).
"""

from __future__ import annotations

from typing import Literal

from opsreport.engine.movement import MoveSize, UnitKind

__all__ = ["DURATION_WORDS", "EN_VERBS", "MOVE_VERBS", "SIZE_PREFIX", "Way", "move_verb"]

Way = Literal["up", "down"]

# zh: the verb of 由A…至B; a duration moves 升至/降至 and says its size after (缩短3.5天).
MOVE_VERBS: dict[UnitKind, dict[Way, str]] = {
    "amount": {"up": "增长至", "down": "降至"},
    "rate": {"up": "提升至", "down": "降至"},
    "multiple": {"up": "提升至", "down": "降至"},
    "duration": {"up": "升至", "down": "降至"},
    "score": {"up": "提升至", "down": "降至"},
}
SIZE_PREFIX: dict[MoveSize, str] = {"large": "大幅", "slight": "小幅", "normal": "", "flat": ""}
# zh durations: 延长/缩短 N天 (with the size prefix: 大幅缩短26天); en: N days longer/shorter.
DURATION_WORDS: dict[str, dict[Way, str]] = {
    "zh": {"up": "延长", "down": "缩短"},
    "en": {"up": "longer", "down": "shorter"},
}
# en: (finite verb, gerund) by direction and size: "rose sharply from", "rising sharply from".
EN_VERBS: dict[Way, dict[MoveSize, tuple[str, str]]] = {
    "up": {
        "large": ("rose sharply", "rising sharply"),
        "normal": ("rose", "rising"),
        "slight": ("edged up", "edging up"),
        "flat": ("was flat", "flat"),
    },
    "down": {
        "large": ("fell sharply", "falling sharply"),
        "normal": ("fell", "falling"),
        "slight": ("edged down", "edging down"),
        "flat": ("was flat", "flat"),
    },
}


def move_verb(
    kind: UnitKind, way: Way, size: MoveSize, lang: str, *, gerund: bool = False, name: str = ""
) -> str:
    """The verb of a from→to: 大幅增长至 / 降至 (zh), "rose sharply" / "falling" (en).

    A zh duration keeps its size for the 缩短/延长 that follows, so its verb is bare; a
    KPI whose name holds the verb already (毛利率提升) moves 升至/降至, not 提升…提升至.
    """
    if lang == "zh":
        prefix = "" if kind == "duration" else SIZE_PREFIX[size]
        verb = MOVE_VERBS[kind][way]
        if verb[:-1] in name:
            verb = MOVE_VERBS["duration"][way]
        return prefix + verb
    finite, ing = EN_VERBS[way][size]
    return ing if gerund else finite
