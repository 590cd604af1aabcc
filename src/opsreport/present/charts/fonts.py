"""Fonts for Chinese text: a system CJK family when matplotlib knows one, else the packaged
Noto Sans CJK file; and the filter that silences matplotlib's "Failed to find font weight"."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from opsreport.present.theme import CJK_FAMILIES, LATIN_FAMILY, PACKAGED_FAMILY

if TYPE_CHECKING:
    import logging

__all__ = [
    "FONT_STATE",
    "PACKAGED_FILE",
    "setup_fonts",
]

PACKAGED_FILE = "NotoSansCJK-Regular.ttc"


# The font family chosen by setup_fonts(), kept for the SVG font list (record.py).
FONT_STATE: dict[str, str] = {}


def _reset_fonts() -> None:
    """Forget the cached font choice (tests; the next setup_fonts() searches again)."""
    FONT_STATE.clear()


def _packaged_font_path() -> str:
    from importlib.resources import files

    return str(files("noto_cjk_sans_otc") / PACKAGED_FILE)


def setup_fonts() -> str:
    """Make Chinese text render: set ``font.family`` to [DejaVu Sans, a CJK family].

    A system family is used when matplotlib knows one (unless the environment variable
    ``OPSREPORT_IGNORE_SYSTEM_FONTS=1``); otherwise the OFL Noto Sans CJK file of the
    ``noto_cjk_sans_otc`` package is registered. The search runs once; later calls only
    re-apply the family list. Returns the CJK family name.
    """
    import matplotlib
    from matplotlib import font_manager

    family = FONT_STATE.get("family")
    if family is None:
        import logging  # (here: a native Word chart never needs it, ~6 ms)

        logging.getLogger("matplotlib.font_manager").addFilter(_drop_missing_weight_notice)
        family = _find_cjk_family(font_manager)
        FONT_STATE["family"] = family
    matplotlib.rcParams["font.family"] = [LATIN_FAMILY, family]
    return family


def _drop_missing_weight_notice(record: logging.LogRecord) -> bool:
    """Keep matplotlib from printing "Failed to find font weight bold" on every build.

    The CJK faces we find (system Noto Sans CJK, the packaged file) often ship one weight;
    matplotlib then draws bold CJK text in the regular face, which is what we want, and says
    so on stderr as a warning the user can do nothing about.
    """
    return not str(record.msg).startswith("findfont: Failed to find font weight")


def _find_cjk_family(font_manager: Any) -> str:
    manager = font_manager.fontManager
    if os.environ.get("OPSREPORT_IGNORE_SYSTEM_FONTS", "").strip() not in {"1", "true", "yes"}:
        known = {entry.name for entry in manager.ttflist}
        for family in CJK_FAMILIES:
            if family in known:
                FONT_STATE["file"] = ""
                return family
    path = _packaged_font_path()
    if not any(entry.fname == path for entry in manager.ttflist):
        manager.addfont(path)  # also clears matplotlib's font lookup cache
    # A system file of the same family name would otherwise win the tie in findfont:
    # put the packaged faces first (a stable sort keeps everything else in place).
    manager.ttflist.sort(key=lambda entry: entry.fname != path)
    FONT_STATE["file"] = path
    return PACKAGED_FAMILY
