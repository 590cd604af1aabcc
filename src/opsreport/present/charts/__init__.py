"""Charts drawn from the engine's results, in the IBCS manner, as PNG (Word) and SVG (HTML).

Every chart is drawn from computed figures (:mod:`opsreport.engine.metrics`), never from the
workbook. Notation follows IBCS: AC (actual) solid dark grey, PY (prior year) solid light
grey, PL (plan/target) outlined; variances coloured by business impact (green good, red
bad for the KPI's direction, never by sign alone); relative variances as pins; the unit in
the subtitle; value labels instead of axes and legends where they can be direct.

matplotlib is imported lazily inside the functions (it costs ~0.3 s) and only through its
object API (``matplotlib.figure.Figure``), never pyplot. Number labels go through
:mod:`opsreport.present.formatting`, so they round half-up exactly like the documents.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from opsreport.present.formatting import count_noun, fmt_number, fmt_pct, fmt_pp, kpi_places
from opsreport.present.theme import (
    AC_COLOR,
    ALERT,
    BACKGROUND,
    BAD,
    BASELINE,
    CJK_FAMILIES,
    GOOD,
    GRID,
    LABEL_ON_DARK,
    LATIN_FAMILY,
    MUTED,
    PACKAGED_FAMILY,
    PHASE_SHADES,
    PL_EDGE,
    PL_FILL,
    PY_COLOR,
    RISK_TINTS,
    STATUS_COLORS,
    SVG_FALLBACK,
    TEXT,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from opsreport.core.records import Task
    from opsreport.engine.metrics import (
        BreakdownTable,
        KpiResult,
        Metrics,
        QuarterSeries,
        RiskResult,
    )

__all__ = [
    "Chart",
    "attainment_chart",
    "breakdown_chart",
    "quarterly_chart",
    "render_charts",
    "risk_matrix_chart",
    "setup_fonts",
    "timeline_chart",
    "variance_chart",
]


@dataclass(frozen=True)
class Chart:
    """One drawn chart: the same picture as PNG bytes and as inline-able SVG text.

    Both encodings are made on first use: saving a figure costs more than drawing
    it, and a Word build needs only PNG, an HTML build only SVG.
    """

    name: str  # e.g. "attainment", "quarterly:P01"
    title: str  # in the report language
    width_cm: float  # suggested width in a Word page (<= 16 cm)
    alt: str  # short alt text in the report language
    figure: Any = field(repr=False, compare=False, default=None)

    @functools.cached_property
    def png(self) -> bytes:
        """150 dpi PNG."""
        stream = io.BytesIO()
        with _style(self.name):  # the rc settings drawing used apply to saving too
            # zlib level 3: a quarter faster than the default 6 for a file 2% larger.
            self.figure.savefig(
                stream,
                format="png",
                dpi=DPI,
                metadata={"Software": None},
                pil_kwargs={"compress_level": 3},
            )
        return stream.getvalue()

    @functools.cached_property
    def svg(self) -> str:
        """Standalone <svg ...>...</svg>, no XML prolog or doctype."""
        stream = io.StringIO()
        with _style(self.name):
            self.figure.savefig(stream, format="svg", metadata={"Date": None})
        return _clean_svg(stream.getvalue(), self.alt, self.name)


# --------------------------------------------------------------------------- style

DPI = 150
PAGE_WIDTH_CM = 16.0
CM_PER_INCH = 2.54
FONT_SIZE = 8.0  # labels
TITLE_SIZE = 10.0
SUB_SIZE = 7.5
ROW_HEIGHT_IN = 0.26  # one KPI row in the horizontal charts
HEADER_IN = 0.62  # title + subtitle band
NAME_LIMIT = 14.0  # width units (a CJK character is one) before a name is cut with "…"
TITLE_LIMIT = 44.0  # … a chart's title
SUBTITLE_LIMIT = 90.0  # … its subtitle (at the smaller size)

PACKAGED_FILE = "NotoSansCJK-Regular.ttc"

_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text (searchable, selectable, CJK via the browser)
    "text.parse_math": False,  # "$5 & $6" from a workbook is text, not mathtext
    "text.usetex": False,
    "axes.unicode_minus": False,
    "font.size": FONT_SIZE,
    "text.color": TEXT,
    "axes.edgecolor": BASELINE,
    "axes.linewidth": 0.8,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "figure.facecolor": BACKGROUND,
    "savefig.facecolor": BACKGROUND,
    "path.simplify": True,
}

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "attainment": "指标完成率",
        "attainment_sub": "单位：%；竖线为100%；绿色=达成，黄色=接近，红色=未达成",
        "attainment_alt": "条形图：{n}项指标的完成率，达成{met}项、接近{near}项、未达成{missed}项。",
        "variance_target": "与目标差异（ΔPL%）",
        "variance_prior": "同比差异（ΔPY%）",
        "variance_sub_target": "单位：金额类指标为相对目标的%，比率类指标为百分点（pp）；绿色=有利，红色=不利",
        "variance_sub_prior": "单位：金额类指标为相对上年的%，比率类指标为百分点（pp）；绿色=有利，红色=不利",
        "variance_alt": "针形图：{n}项指标的{what}，有利{good}项、不利{bad}项。",
        "variance_what_target": "与目标差异",
        "variance_what_prior": "同比差异",
        "quarterly": "季度趋势：{name}",
        "quarterly_sub": "单位：{unit}",
        "quarterly_alt": "柱形图：{name}各季度实际值，与上年同期和目标对比。",
        "breakdown": "{dimension}结构：{name}",
        "breakdown_sub": "单位：占比%；白色细框为上年占比；pp为占比变化",
        "breakdown_alt": "条形图：{name}按{dimension}的占比，共{n}项。",
        "risks": "风险矩阵（可能性×影响）",
        "risks_sub": "横轴可能性、纵轴影响（1–5）；红圈=已触发",
        "risks_alt": "风险矩阵：{n}项风险按可能性和影响分布，其中{triggered}项已触发。",
        "likelihood": "可能性",
        "impact": "影响",
        "triggered": "（已触发）",
        "timeline": "任务时间轴",
        "timeline_sub": "{start}至{end}；菱形=里程碑",
        "timeline_alt": "甘特图：{n}项任务，{start}至{end}。",
        "more": "其余{n:,}项未显示",
        "ac": "实际",
        "py": "上年",
        "pl": "目标",
        "no_phase": "未分阶段",
    },
    "en": {
        "attainment": "Attainment by KPI",
        "attainment_sub": "Unit: %; line at 100%; green = met, amber = near, red = missed",
        "attainment_alt": "Bar chart of attainment for {kpis}: {met} met, {near} near, {missed} missed.",
        "variance_target": "Variance to plan (ΔPL%)",
        "variance_prior": "Variance to prior year (ΔPY%)",
        "variance_sub_target": "Unit: % of plan for amounts, percentage points (pp) for rates; green = good, red = bad",
        "variance_sub_prior": "Unit: % of prior year for amounts, percentage points (pp) for rates; green = good, red = bad",
        "variance_alt": "Pin chart of the {what} of {kpis}: {good} good, {bad} bad.",
        "variance_what_target": "variance to plan",
        "variance_what_prior": "variance to prior year",
        "quarterly": "Quarterly trend: {name}",
        "quarterly_sub": "Unit: {unit}",
        "quarterly_alt": "Column chart of {name} by quarter, actual against prior year and plan.",
        "breakdown": "{dimension} mix: {name}",
        "breakdown_sub": "Unit: share in %; white tick = prior-year share; pp = change in share",
        "breakdown_alt": "Bar chart of the share of {name} by {dimension}, {n} items.",
        "risks": "Risk matrix (likelihood × impact)",
        "risks_sub": "Likelihood across, impact up (1–5); red ring = triggered",
        "risks_alt": "Risk matrix of {risks} by likelihood and impact; {triggered} triggered.",
        "likelihood": "Likelihood",
        "impact": "Impact",
        "triggered": " (triggered)",
        "timeline": "Task timeline",
        "timeline_sub": "{start} to {end}; diamond = milestone",
        "timeline_alt": "Gantt chart of {tasks} from {start} to {end}.",
        "more": "… {n:,} more",
        "ac": "AC",
        "py": "PY",
        "pl": "PL",
        "no_phase": "No phase",
    },
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _lang(lang: str | None) -> str:
    return "zh" if (lang or "zh").lower().startswith("zh") else "en"


def _t(lang: str, key: str, **params: object) -> str:
    text = TEXTS[_lang(lang)][key]
    count = params.get("n")
    if isinstance(count, int):  # English counts agree with their noun: 1 KPI, 2 KPIs
        params["kpis"] = count_noun(count, "KPI")
        params["risks"] = count_noun(count, "risk")
        params["tasks"] = count_noun(count, "task")
    return text.format(**params) if params else text


# --------------------------------------------------------------------------- fonts

_FONT_STATE: dict[str, str] = {}


def _reset_fonts() -> None:
    """Forget the cached font choice (tests; the next setup_fonts() searches again)."""
    _FONT_STATE.clear()


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

    family = _FONT_STATE.get("family")
    if family is None:
        logging.getLogger("matplotlib.font_manager").addFilter(_drop_missing_weight_notice)
        family = _find_cjk_family(font_manager)
        _FONT_STATE["family"] = family
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
                _FONT_STATE["file"] = ""
                return family
    path = _packaged_font_path()
    if not any(entry.fname == path for entry in manager.ttflist):
        manager.addfont(path)  # also clears matplotlib's font lookup cache
    # A system file of the same family name would otherwise win the tie in findfont:
    # put the packaged faces first (a stable sort keeps everything else in place).
    manager.ttflist.sort(key=lambda entry: entry.fname != path)
    _FONT_STATE["file"] = path
    return PACKAGED_FAMILY


# --------------------------------------------------------------------------- helpers


@contextmanager
def _style(name: str) -> Iterator[None]:
    import matplotlib

    setup_fonts()
    settings: Any = {**_RC, "svg.hashsalt": f"opsreport:{name}"}
    with matplotlib.rc_context(settings):
        yield


def _new_figure(width_in: float, height_in: float) -> tuple[Any, Any]:
    """A Figure with an Agg canvas (no pyplot) and its renderer for measuring text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()


def _text_width_in(
    renderer: Any, texts: Sequence[str], size: float, weight: str = "normal"
) -> float:
    """Width in inches of the widest text, measured with the fonts in use (CJK fallback too)."""
    from matplotlib.font_manager import FontProperties

    if not texts:
        return 0.0
    prop = FontProperties(size=size, weight=weight)
    widest = max(
        renderer.get_text_width_height_descent(text, prop, ismath=False)[0] for text in texts
    )
    return widest / renderer.dpi


def _units(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def _short(text: object, limit: float = NAME_LIMIT) -> str:
    """One line of at most ``limit`` width units (a CJK character is 1), cut with "…"."""
    clean = " ".join(str(text if text is not None else "").split())
    # Every character is at least 0.55 units wide, so this many already exceed the
    # limit: a 32,767-character name costs what a short one does.
    head = clean[: math.ceil(limit / 0.55) + 1]
    if len(head) == len(clean) and sum(_units(ch) for ch in clean) <= limit:
        return clean
    used, kept = 0.0, []
    for ch in head:
        used += _units(ch)
        if used > limit - 1:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + "…"


def _pp(points: Decimal | None) -> str:
    """Compact percentage points for a label: +1.2pp."""
    return fmt_pp(points, 1, signed=True, lang="en").replace(" ", "")


def _header(fig: Any, width_in: float, height_in: float, title: str, subtitle: str) -> None:
    """Title and subtitle, each one line cut to the page width: both may hold a KPI's
    name or unit, which can be 32,767 characters (laying those out took seconds)."""
    title, subtitle = _short(title, TITLE_LIMIT), _short(subtitle, SUBTITLE_LIMIT)
    x = 0.1 / width_in
    fig.text(x, 1 - 0.1 / height_in, title, ha="left", va="top", size=TITLE_SIZE, weight="bold")
    if subtitle:
        fig.text(x, 1 - 0.36 / height_in, subtitle, ha="left", va="top", size=SUB_SIZE, color=MUTED)


def _note(fig: Any, width_in: float, height_in: float, text: str) -> None:
    if text:
        fig.text(
            0.1 / width_in,
            0.08 / height_in,
            text,
            ha="left",
            va="bottom",
            size=SUB_SIZE,
            color=MUTED,
        )


def _more(lang: str, hidden: int) -> str:
    return _t(lang, "more", n=hidden) if hidden > 0 else ""


_FONT_FAMILY_RE = re.compile(r"font-family:[^;\"]*")


def _finish(fig: Any, name: str, title: str, width_in: float, alt: str) -> Chart:
    return Chart(
        name=name,
        title=title,
        width_cm=round(min(PAGE_WIDTH_CM, width_in * CM_PER_INCH), 2),
        alt=alt,
        figure=fig,
    )


def _svg_families() -> str:
    names = [LATIN_FAMILY, _FONT_STATE.get("family", PACKAGED_FAMILY), *SVG_FALLBACK]
    unique = list(dict.fromkeys(names))
    return ", ".join(f"'{name}'" for name in unique) + ", sans-serif"


_TAG_RE = re.compile(r"<[^>]+>")
_ID_RE = re.compile(r'( id="|url\(#|href="#)')


def _clean_svg(svg: str, alt: str, name: str) -> str:
    """Inline-able SVG: no prolog or doctype, a CJK font fallback, an accessible label, and
    ids unique to this chart (several charts share one HTML page; matplotlib numbers its
    groups figure_1, axes_1, … in every file)."""
    svg = svg[svg.index("<svg") :]
    families = "font-family: " + _svg_families()
    prefix = "c" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8] + "-"

    def fix_tag(match: re.Match[str]) -> str:
        tag = _FONT_FAMILY_RE.sub(families, match.group(0))
        return _ID_RE.sub(lambda m: m.group(1) + prefix, tag)

    # Only inside tags (text content never holds a raw "<", attribute values never a raw
    # ">"), so a KPI named 'font-family: x' or 'id="y"' is left as typed.
    svg = _TAG_RE.sub(fix_tag, svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1)
    head_end = svg.index(">") + 1
    return svg[:head_end] + f"\n <title>{escape(alt, quote=False)}</title>" + svg[head_end:]


def _plain_axes(ax: Any) -> None:
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)


def _row_axes(
    fig: Any,
    renderer: Any,
    *,
    width_in: float,
    height_in: float,
    names: Sequence[str],
    values: Sequence[float],
    labels_right: Sequence[float],
    labels_left: Sequence[float],
    reference: float | None = None,
    footer_in: float = 0.2,
) -> Any:
    """Axes for a horizontal chart: one row per name, the left margin fits the longest name,
    the x range leaves room for the value labels (widths in inches) on either side."""
    name_w = _text_width_in(renderer, names, FONT_SIZE)
    left_in = min(name_w + 0.18, width_in * 0.45)
    right_in = 0.12
    axes_w = width_in - left_in - right_in
    fig.subplots_adjust(
        left=left_in / width_in,
        right=1 - right_in / width_in,
        top=1 - HEADER_IN / height_in,
        bottom=footer_in / height_in,
    )
    ax = fig.add_subplot()
    lo = min([0.0, *values] + ([reference] if reference is not None else []))
    hi = max([0.0, *values] + ([reference] if reference is not None else []))
    pad_r = max(labels_right, default=0.0) + 0.06
    pad_l = max(labels_left, default=0.0) + (0.06 if labels_left else 0.02)
    share = min((pad_r + pad_l) / axes_w, 0.7)
    span = (hi - lo) or 1.0
    total = span / (1 - share)
    per_in = total / axes_w
    ax.set_xlim(lo - pad_l * per_in, hi + pad_r * per_in)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_yticks(range(len(names)), labels=list(names))
    ax.set_xticks([])
    _plain_axes(ax)
    ax.axvline(0, color=BASELINE, linewidth=0.8, zorder=3)
    return ax


def _value_label(
    ax: Any,
    text: str,
    x: float,
    y: float,
    right: bool,
    *,
    offset: float = 3.0,
    size: float = FONT_SIZE,
    color: str = TEXT,
) -> None:
    """A value label beside a bar end, on a white ground so reference lines pass behind it."""
    ax.annotate(
        text,
        (x, y),
        xytext=(offset if right else -offset, 0),
        textcoords="offset points",
        ha="left" if right else "right",
        va="center_baseline",
        size=size,
        color=color,
        zorder=6,
        bbox={"boxstyle": "square,pad=0.08", "facecolor": BACKGROUND, "edgecolor": "none"},
    )


def _select(items: Sequence[Any], top: int, key: Any) -> tuple[list[Any], int]:
    """The ``top`` items by ``key`` (smallest first), kept in their given order."""
    items = list(items)
    if top < 1:
        top = 1
    if len(items) <= top:
        return items, 0
    chosen = {id(item) for item in sorted(items, key=key)[:top]}
    return [item for item in items if id(item) in chosen], len(items) - top


def _clip(value: float, lo: float, hi: float) -> tuple[float, bool]:
    if value > hi:
        return hi, True
    if value < lo:
        return lo, True
    return value, False


def _row_height_figure(rows: int, footer_in: float) -> float:
    return HEADER_IN + rows * ROW_HEIGHT_IN + footer_in + 0.08


# --------------------------------------------------------------------------- attainment


def attainment_chart(results: Sequence[KpiResult], lang: str, top: int = 25) -> Chart | None:
    """Horizontal bars of attainment % per KPI (given order), coloured by status, line at 100%."""
    lang = _lang(lang)
    rated = [r for r in results if r.attainment is not None and r.status is not None]
    if not rated:
        return None
    rows, hidden = _select(rated, top, key=lambda r: r.attainment)
    title = _t(lang, "attainment")
    counts = {s: sum(1 for r in rated if r.status == s) for s in ("met", "near", "missed")}
    alt = _t(lang, "attainment_alt", n=len(rated), **counts)
    with _style("attainment"):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if hidden else 0.12
        height_in = _row_height_figure(len(rows), footer_in)
        fig, renderer = _new_figure(width_in, height_in)
        raw = [float(r.attainment * 100) for r in rows]
        shown = [_clip(v, -100.0, 300.0) for v in raw]
        labels = [fmt_pct(r.attainment) for r in rows]
        widths = [_text_width_in(renderer, [label], FONT_SIZE) for label in labels]
        ax = _row_axes(
            fig,
            renderer,
            width_in=width_in,
            height_in=height_in,
            names=[_short(r.kpi.name) for r in rows],
            values=[v for v, _ in shown],
            labels_right=[w for w, (v, _) in zip(widths, shown, strict=True) if v >= 0],
            labels_left=[w for w, (v, _) in zip(widths, shown, strict=True) if v < 0],
            reference=100.0,
            footer_in=footer_in,
        )
        for y, (result, (value, clipped), label) in enumerate(
            zip(rows, shown, labels, strict=True)
        ):
            color = STATUS_COLORS[result.status]
            ax.barh(y, value, height=0.62, color=color, zorder=2)
            if clipped:
                _break_mark(ax, value, y)
            _value_label(ax, label, value, y, value >= 0, offset=3)
        ax.axvline(100, color=TEXT, linewidth=0.9, linestyle=(0, (3, 2)), zorder=4)
        _header(fig, width_in, height_in, title, _t(lang, "attainment_sub"))
        _note(fig, width_in, height_in, _more(lang, hidden))
        return _finish(fig, "attainment", title, width_in, alt)


def _break_mark(ax: Any, value: float, y: float) -> None:
    """Two white slashes near the end of a bar cut at the display limit."""
    x0, x1 = ax.get_xlim()
    step = (x1 - x0) * 0.012
    base = value - step * 3 if value > 0 else value + step * 2
    for offset in (0.0, step):
        ax.plot(
            [base + offset, base + offset + step],
            [y + 0.34, y - 0.34],
            color=LABEL_ON_DARK,
            linewidth=1.4,
            zorder=3,
            solid_capstyle="butt",
        )


# --------------------------------------------------------------------------- variance


@dataclass(frozen=True)
class _VarianceRow:
    result: KpiResult
    value: float  # % for amounts, pp for rates
    label: str
    color: str


def _variance_rows(results: Sequence[KpiResult], against: str) -> list[_VarianceRow]:
    if against not in {"target", "prior"}:
        raise ValueError(f"against must be 'target' or 'prior', not {against!r}")
    rows = []
    for result in results:
        if against == "target":
            absolute, relative, good = (
                result.var_target,
                result.var_target_pct,
                result.good_vs_target,
            )
        else:
            absolute, relative, good = result.var_prior, result.var_prior_pct, result.good_vs_prior
        if good is None or absolute is None:
            continue
        if result.kpi.is_rate:
            value, label = float(absolute), _pp(absolute)
        elif relative is not None:
            value, label = float(relative * 100), fmt_pct(relative, 1, signed=True)
        else:
            continue  # a zero reference: no relative variance to draw
        rows.append(_VarianceRow(result, value, label, GOOD if good else BAD))
    return rows


def _variance_colors(results: Sequence[KpiResult], against: str = "target") -> list[str]:
    """The pin colour of each KPI that gets a pin (for tests: no image inspection needed)."""
    return [row.color for row in _variance_rows(results, against)]


def variance_chart(
    results: Sequence[KpiResult], lang: str, against: str = "target", top: int = 25
) -> Chart | None:
    """Pins of ΔPL% (or ΔPY%) per KPI; rate KPIs in pp; green good, red bad for the KPI."""
    lang = _lang(lang)
    all_rows = _variance_rows(results, against)
    if not all_rows:
        return None
    rows, hidden = _select(all_rows, top, key=lambda row: -abs(row.value))
    name = "variance_target" if against == "target" else "variance_prior"
    title = _t(lang, name)
    good = sum(1 for row in all_rows if row.color == GOOD)
    alt = _t(
        lang,
        "variance_alt",
        n=len(all_rows),
        what=_t(lang, f"variance_what_{against}"),
        good=good,
        bad=len(all_rows) - good,
    )
    with _style(name):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if hidden else 0.12
        height_in = _row_height_figure(len(rows), footer_in)
        fig, renderer = _new_figure(width_in, height_in)
        cap = 200.0
        shown = [_clip(row.value, -cap, cap) for row in rows]
        widths = [_text_width_in(renderer, [row.label], FONT_SIZE) + 0.05 for row in rows]
        ax = _row_axes(
            fig,
            renderer,
            width_in=width_in,
            height_in=height_in,
            names=[_short(row.result.kpi.name) for row in rows],
            values=[v for v, _ in shown],
            labels_right=[w for w, (v, _) in zip(widths, shown, strict=True) if v >= 0],
            labels_left=[w for w, (v, _) in zip(widths, shown, strict=True) if v < 0],
            footer_in=footer_in,
        )
        for y, (row, (value, clipped)) in enumerate(zip(rows, shown, strict=True)):
            ax.plot([0, value], [y, y], color=row.color, linewidth=1.6, zorder=2)
            ax.plot(
                [value],
                [y],
                marker=">" if clipped and value > 0 else "<" if clipped else "o",
                markersize=6.5,
                color=row.color,
                zorder=3,
            )
            _value_label(ax, row.label, value, y, value >= 0, offset=6)
        _header(fig, width_in, height_in, title, _t(lang, f"variance_sub_{against}"))
        _note(fig, width_in, height_in, _more(lang, hidden))
        return _finish(fig, name, title, width_in, alt)


# --------------------------------------------------------------------------- quarterly


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _plot_exponent(values: Sequence[Decimal | None]) -> int:
    """The power of ten of the largest figure. A chart without a value axis draws
    proportions, so its figures are drawn divided by it (1–10): floats then neither
    overflow (1e300 would make the axis limits infinite) nor lose tiny figures."""
    return max((v.adjusted() for v in values if v is not None and v.is_finite() and v), default=0)


def _scaled(value: Decimal | None, exponent: int) -> float | None:
    return None if value is None else float(value.scaleb(-exponent))


def quarterly_chart(series: QuarterSeries, lang: str) -> Chart | None:
    """Columns per quarter: PY light grey behind-left, AC dark solid, PL outlined behind-right."""
    lang = _lang(lang)
    points = [
        p
        for p in series.points
        if p.actual is not None or p.target is not None or p.prior_year is not None
    ]
    if not points:
        return None
    kpi = series.kpi
    title = _t(lang, "quarterly", name=kpi.name)
    alt = _t(lang, "quarterly_alt", name=kpi.name)
    places = kpi_places(
        kpi.target,
        kpi.actual,
        kpi.prior_year,
        *(p.actual for p in points),
        *(p.target for p in points),
        *(p.prior_year for p in points),
    )
    years = {p.period.year for p in points}
    ticks = [f"Q{p.period.quarter}" if len(years) == 1 else p.period.label for p in points]
    name = f"quarterly:{kpi.key}"
    with _style(name):
        width_in = 14.0 / CM_PER_INCH
        height_in = 2.3
        fig, _ = _new_figure(width_in, height_in)
        fig.subplots_adjust(
            left=0.25 / width_in,
            right=1 - 0.25 / width_in,
            top=1 - (HEADER_IN + 0.04) / height_in,
            bottom=0.3 / height_in,
        )
        ax = fig.add_subplot()
        width, shift = 0.46, 0.13
        tops: list[float] = []
        bottoms: list[float] = []
        exponent = _plot_exponent([v for p in points for v in (p.actual, p.target, p.prior_year)])
        for x, point in enumerate(points):
            ac, pl, py = (
                _scaled(point.actual, exponent),
                _scaled(point.target, exponent),
                _scaled(point.prior_year, exponent),
            )
            if py is not None:
                ax.bar(x - shift, py, width=width, color=PY_COLOR, zorder=1)
            if pl is not None:
                ax.bar(
                    x + shift,
                    pl,
                    width=width,
                    facecolor=PL_FILL,
                    edgecolor=PL_EDGE,
                    linewidth=0.9,
                    zorder=2,
                )
            if ac is not None:
                ax.bar(x, ac, width=width, color=AC_COLOR, zorder=3)
            present = [v for v in (ac, pl, py) if v is not None]
            tops.append(max(present))
            bottoms.append(min(present))
        hi = max([0.0, *tops])
        lo = min([0.0, *bottoms])
        span = (hi - lo) or 1.0
        room = span * 0.16
        ax.set_ylim(lo - (room if lo < 0 else 0), hi + (room if hi > 0 else span * 0.05))
        for x, point in enumerate(points):
            if point.actual is None:
                continue
            value = point.actual
            anchor = tops[x] if value >= 0 else bottoms[x]
            ax.annotate(
                fmt_number(point.actual, places),
                (x, anchor),
                xytext=(0, 3 if value >= 0 else -3),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                size=FONT_SIZE,
                weight="bold",
                zorder=5,
            )
        ax.set_xlim(-0.6, len(points) - 0.4)
        ax.set_xticks(range(len(points)), labels=ticks)
        ax.set_yticks([])
        _plain_axes(ax)
        ax.axhline(0, color=BASELINE, linewidth=0.8, zorder=4)
        _scenario_key(
            fig,
            lang,
            width_in,
            height_in,
            prior=any(p.prior_year is not None for p in points),
            plan=any(p.target is not None for p in points),
        )
        unit = kpi.unit.strip() if kpi.unit else ""
        subtitle = _t(lang, "quarterly_sub", unit=unit) if unit else ""
        _header(fig, width_in, height_in, _short(title, 40), subtitle)
        return _finish(fig, name, title, width_in, alt)


def _scenario_key(
    fig: Any, lang: str, width_in: float, height_in: float, *, prior: bool, plan: bool
) -> None:
    """AC / PY / PL swatches, right-aligned in the subtitle band (the columns overlap, so
    direct labels would collide); a scenario the chart does not draw has no swatch."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=AC_COLOR, label=_t(lang, "ac") + (" AC" if lang == "zh" else ""))]
    if prior:
        handles.append(
            Patch(facecolor=PY_COLOR, label=_t(lang, "py") + (" PY" if lang == "zh" else ""))
        )
    if plan:
        handles.append(
            Patch(
                facecolor=PL_FILL,
                edgecolor=PL_EDGE,
                linewidth=0.9,
                label=_t(lang, "pl") + (" PL" if lang == "zh" else ""),
            )
        )
    fig.legend(
        handles=handles,
        loc="upper right",
        bbox_to_anchor=(1 - 0.1 / width_in, 1 - 0.34 / height_in),
        ncol=len(handles),
        frameon=False,
        fontsize=SUB_SIZE,
        handlelength=1.0,
        handleheight=0.8,
        handletextpad=0.4,
        columnspacing=1.0,
        borderaxespad=0.0,
        borderpad=0.0,
    )


# --------------------------------------------------------------------------- breakdown


def breakdown_chart(table: BreakdownTable, lang: str, top: int = 25) -> Chart | None:
    """Share (%) per item by rank; prior-year share as a thin outlined tick; change in pp."""
    lang = _lang(lang)
    items = [item for item in table.items if item.share is not None]
    if not items:
        return None
    rows, hidden = _select(items, top, key=lambda item: (item.rank is None, item.rank or 0))
    kpi = table.kpi
    dimension = table.dimension or ""
    title = _t(lang, "breakdown", dimension=dimension, name=kpi.name).strip()
    alt = _t(lang, "breakdown_alt", dimension=dimension, name=kpi.name, n=len(items))
    name = f"breakdown:{table.dimension}:{kpi.key}"
    with _style(name):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.34 if hidden else 0.12
        height_in = _row_height_figure(len(rows), footer_in)
        fig, renderer = _new_figure(width_in, height_in)
        shares = [float(item.share * 100) for item in rows]
        priors = [
            _float(item.share_prior * 100) if item.share_prior is not None else None
            for item in rows
        ]
        ends = [max(s, p if p is not None else s) for s, p in zip(shares, priors, strict=True)]
        starts = [min(s, p if p is not None else s) for s, p in zip(shares, priors, strict=True)]
        share_labels = [fmt_pct(item.share) for item in rows]
        change_labels = [
            _pp(item.share_change_pp) if item.share_change_pp is not None else "" for item in rows
        ]
        share_w = [_text_width_in(renderer, [label], FONT_SIZE) for label in share_labels]
        change_w = [
            _text_width_in(renderer, [label], SUB_SIZE) + 0.06 if label else 0.0
            for label in change_labels
        ]
        label_w = [a + b + 0.04 for a, b in zip(share_w, change_w, strict=True)]
        ax = _row_axes(
            fig,
            renderer,
            width_in=width_in,
            height_in=height_in,
            names=[_short(item.item) for item in rows],
            values=ends + starts,
            labels_right=[w for w, e in zip(label_w, ends, strict=True) if e >= 0],
            labels_left=[w for w, e in zip(label_w, ends, strict=True) if e < 0],
            footer_in=footer_in,
        )
        tick = [(-1.0, -6.0), (1.0, -6.0), (1.0, 6.0), (-1.0, 6.0), (-1.0, -6.0)]
        for y, share in enumerate(shares):
            ax.barh(y, share, height=0.58, color=AC_COLOR, zorder=2)
            prior = priors[y]
            if prior is not None:
                ax.plot(
                    [prior],
                    [y],
                    marker=tick,
                    markersize=13,
                    markerfacecolor=BACKGROUND,
                    markeredgecolor=AC_COLOR,
                    markeredgewidth=0.8,
                    linestyle="none",
                    zorder=4,
                )
            anchor = ends[y] if ends[y] >= 0 else starts[y]
            right = anchor >= 0
            _value_label(ax, share_labels[y], anchor, y, right, offset=4)
            if change_labels[y]:
                offset = (share_w[y] + 0.06) * 72 + 4
                _value_label(
                    ax,
                    change_labels[y],
                    anchor,
                    y,
                    right,
                    offset=offset,
                    size=SUB_SIZE,
                    color=MUTED,
                )
        _header(fig, width_in, height_in, title, _t(lang, "breakdown_sub"))
        _note(fig, width_in, height_in, _more(lang, hidden))
        return _finish(fig, name, title, width_in, alt)


# --------------------------------------------------------------------------- risks


def _risk_tint(score: int) -> str:
    return RISK_TINTS["high" if score >= 15 else "medium" if score >= 6 else "low"]


def risk_matrix_chart(risks: Sequence[RiskResult], lang: str, top: int = 25) -> Chart | None:
    """5×5 likelihood × impact grid, tinted by score; numbered dots, red ring when triggered."""
    lang = _lang(lang)
    placed = [
        (number, result)
        for number, result in enumerate(risks, start=1)
        if result.risk.likelihood and result.risk.impact
    ]
    if not placed:
        return None
    rows, hidden = _select(
        placed,
        top,
        key=lambda pair: (not pair[1].triggered, -(pair[1].score or 0), pair[0]),
    )
    title = _t(lang, "risks")
    triggered = sum(1 for _, r in placed if r.triggered)
    alt = _t(lang, "risks_alt", n=len(placed), triggered=triggered)
    with _style("risks"):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        line_in = 0.19
        grid_in = 2.9
        footer_in = 0.34 if hidden else 0.12
        height_in = max(
            HEADER_IN + 0.2 + grid_in + 0.45, HEADER_IN + len(rows) * line_in + footer_in + 0.1
        )
        fig, _ = _new_figure(width_in, height_in)
        left_in, bottom_in = 0.75, height_in - HEADER_IN - 0.2 - grid_in
        ax = fig.add_axes(
            (left_in / width_in, bottom_in / height_in, grid_in / width_in, grid_in / height_in)
        )
        from matplotlib.patches import Rectangle

        for likelihood in range(1, 6):
            for impact in range(1, 6):
                ax.add_patch(
                    Rectangle(
                        (likelihood - 0.5, impact - 0.5),
                        1,
                        1,
                        facecolor=_risk_tint(likelihood * impact),
                        edgecolor=BACKGROUND,
                        linewidth=1.5,
                        zorder=1,
                    )
                )
        cells: dict[tuple[int, int], list[tuple[int, RiskResult]]] = {}
        for number, result in rows:
            cells.setdefault((result.risk.likelihood, result.risk.impact), []).append(
                (number, result)
            )
        cell_pt = grid_in / 5 * 72
        for (likelihood, impact), members in cells.items():
            cols = math.ceil(math.sqrt(len(members)))
            step = 0.84 / cols
            size = min(17.0, step * cell_pt * 0.92)
            used_rows = math.ceil(len(members) / cols)
            for k, (number, result) in enumerate(members):
                row, col = divmod(k, cols)
                x = likelihood - step * cols / 2 + step * (col + 0.5)
                y = impact + step * used_rows / 2 - step * (row + 0.5)
                if result.triggered:
                    ax.plot(
                        [x], [y], marker="o", markersize=size + 3.5, markerfacecolor="none",
                        markeredgecolor=ALERT, markeredgewidth=1.6, zorder=3,
                    )  # fmt: skip
                ax.plot([x], [y], marker="o", markersize=size, color=AC_COLOR, zorder=4)
                text = f"R{number}" if cols <= 2 and number < 100 else str(number)
                font = min(6.0, size * (0.36 if text.startswith("R") else 0.42))
                ax.text(
                    x, y, text, ha="center", va="center", size=font, color=LABEL_ON_DARK, zorder=5
                )
        ax.set_xlim(0.5, 5.5)
        ax.set_ylim(0.5, 5.5)
        ax.set_xticks(range(1, 6))
        ax.set_yticks(range(1, 6))
        ax.set_xlabel(_t(lang, "likelihood") + " →", size=FONT_SIZE, labelpad=2)
        ax.text(
            -0.03,
            1.015,
            _t(lang, "impact") + " ↑",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            size=FONT_SIZE,
        )
        _plain_axes(ax)
        list_x = (left_in + grid_in + 0.3) / width_in
        list_w_units = (width_in - left_in - grid_in - 0.45) / (FONT_SIZE / 72) - 3
        for k, (number, result) in enumerate(rows):
            y = 1 - (HEADER_IN + 0.2 + (k + 0.5) * line_in) / height_in
            suffix = _t(lang, "triggered") if result.triggered else ""
            room = list_w_units - sum(_units(ch) for ch in suffix)
            label = _short(result.risk.risk, max(6.0, room))
            fig.text(list_x, y, f"R{number}", ha="left", va="center", size=FONT_SIZE, weight="bold")
            fig.text(
                list_x + 0.36 / width_in,
                y,
                label + suffix,
                ha="left",
                va="center",
                size=FONT_SIZE,
                color=ALERT if result.triggered else TEXT,
            )
        _header(fig, width_in, height_in, title, _t(lang, "risks_sub"))
        _note(fig, width_in, height_in, _more(lang, hidden))
        return _finish(fig, "risks", title, width_in, alt)


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class _Bar:
    task: Task
    start: dt.date  # first day shown
    end: dt.date  # last day shown (inclusive)
    milestone: bool  # the task's own end falls inside the window and it names a milestone


def _timeline_bars(
    tasks: Sequence[Task], start: dt.date | None = None, end: dt.date | None = None
) -> list[_Bar]:
    """Tasks with dates, clipped to the [start, end] window (both inclusive)."""
    bars = []
    for task in tasks:
        first = task.start or task.end
        last = task.end or task.start
        if first is None or last is None:
            continue
        if last < first:
            first, last = last, first
        if (start is not None and last < start) or (end is not None and first > end):
            continue
        shown_first = max(first, start) if start is not None else first
        shown_last = min(last, end) if end is not None else last
        inside = (start is None or last >= start) and (end is None or last <= end)
        bars.append(_Bar(task, shown_first, shown_last, bool(task.milestone) and inside))
    return bars


# Steps between the timeline's ticks, in months: the smallest giving at most
# MAX_TICKS ticks is used, so a span of a quarter ticks by month and one of 8,000
# years by millennium, and the chart costs the same whatever its dates.
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000)
MAX_TICKS = 12
MAX_GRID_LINES = 60


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _tick_step(first: dt.date, last: dt.date, most: int = MAX_TICKS) -> int:
    """The smallest step (months) with at most ``most`` ticks from ``first`` to ``last``."""
    months = _month_index(last) - _month_index(first)
    return next((step for step in TICK_STEPS if months // step + 1 <= most), TICK_STEPS[-1])


def _month_starts(first: dt.date, last: dt.date, step: int = 1) -> list[dt.date]:
    """First days of months from ``first``'s month to ``last``, every ``step`` months:
    calendar-aligned (quarters, years, decades …) for steps above one. Month indexes,
    not date arithmetic, so 9999-12 ends the list instead of failing on year 10000."""
    low, high = _month_index(first), _month_index(last)
    begin = low if step == 1 else -(-low // step) * step
    return [_month_start(index) for index in range(begin, high + 1, step)]


def _grid_step(first: dt.date, last: dt.date, tick_step: int) -> int:
    """The finest step dividing the tick step with at most MAX_GRID_LINES lines."""
    for step in TICK_STEPS:
        if tick_step % step == 0 and _tick_step(first, last, MAX_GRID_LINES) <= step:
            return step
    return tick_step


def _month_label(day: dt.date, lang: str, with_year: bool, step: int = 1) -> str:
    if step >= 12:  # ticks by year, decade …: the year alone
        return f"{day.year}年" if lang == "zh" else str(day.year)
    if lang == "zh":
        return f"{day.year}年{day.month}月" if with_year else f"{day.month}月"
    return f"{MONTHS_EN[day.month - 1]} {day.year}" if with_year else MONTHS_EN[day.month - 1]


def timeline_chart(
    tasks: Sequence[Task],
    lang: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    title: str | None = None,
    top: int = 40,
) -> Chart | None:
    """Gantt bars grouped by phase (grey shades), milestones as diamonds at the task end,
    ticks by month, quarter, year … as the span grows (at most 12, see TICK_STEPS);
    ``start``/``end`` clip the chart to a window such as a quarter. Bounded work for any
    dates from 0001 to 9999: at most ``top`` bars, 12 ticks and 60 grid lines."""
    lang = _lang(lang)
    bars = _timeline_bars(tasks, start, end)
    if not bars:
        return None
    hidden = max(0, len(bars) - max(1, top))
    bars = bars[: len(bars) - hidden]
    first = start or min(bar.start for bar in bars)
    last = end or max(bar.end for bar in bars)
    title = title or _t(lang, "timeline")
    alt = _t(
        lang, "timeline_alt", n=len(bars) + hidden, start=first.isoformat(), end=last.isoformat()
    )
    phases: dict[str, list[_Bar]] = {}
    for bar in bars:
        phases.setdefault(bar.task.phase or "", []).append(bar)
    show_headers = len(phases) > 1 or "" not in phases
    labels: list[tuple[str, bool]] = []  # (text, is a phase header)
    placed: list[tuple[int, _Bar, str]] = []  # (row, bar, shade)
    for index, (phase, members) in enumerate(phases.items()):
        shade = PHASE_SHADES[index % len(PHASE_SHADES)]
        if show_headers:
            labels.append((_short(phase or _t(lang, "no_phase"), 16), True))
        for bar in members:
            placed.append((len(labels), bar, shade))
            labels.append((_short(bar.task.task), False))
    with _style("timeline"):
        width_in = PAGE_WIDTH_CM / CM_PER_INCH
        footer_in = 0.5 if hidden else 0.3
        row_in = 0.22
        height_in = HEADER_IN + len(labels) * row_in + footer_in + 0.1
        fig, renderer = _new_figure(width_in, height_in)
        name_w = max(
            _text_width_in(renderer, [t for t, h in labels if not h], FONT_SIZE),
            _text_width_in(renderer, [t for t, h in labels if h], FONT_SIZE, "bold"),
        )
        left_in = min(name_w + 0.18, width_in * 0.4)
        x0, x1 = first.toordinal(), last.toordinal() + 1
        # The right margin holds the label of a milestone near the end of the window: the
        # axes stop at the window's end so that no bar seems to run on past it.
        right_in = 0.15
        free_in = width_in - left_in
        for _, bar, _ in placed:
            if not bar.milestone:
                continue
            fraction = (bar.end.toordinal() + 1 - x0) / (x1 - x0)
            needed = _text_width_in(renderer, [_short(bar.task.milestone, 10)], SUB_SIZE) + 0.16
            if fraction > 0:
                right_in = max(right_in, free_in - (free_in - 0.05 - needed) / fraction)
        right_in = min(right_in, free_in * 0.45)
        fig.subplots_adjust(
            left=left_in / width_in,
            right=1 - right_in / width_in,
            top=1 - HEADER_IN / height_in,
            bottom=footer_in / height_in,
        )
        ax = fig.add_subplot()
        ax.set_xlim(x0, x1)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        for row, bar, shade in placed:
            left = bar.start.toordinal()
            ax.barh(
                row, bar.end.toordinal() + 1 - left, left=left, height=0.58, color=shade, zorder=2
            )
            if bar.milestone:
                x = bar.end.toordinal() + 1
                ax.plot(
                    [x], [row], marker="D", markersize=6.5, markerfacecolor=BACKGROUND,
                    markeredgecolor=TEXT, markeredgewidth=1.0, zorder=4, clip_on=False,
                )  # fmt: skip
                ax.annotate(
                    _short(bar.task.milestone, 10),
                    (x, row),
                    xytext=(6, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center_baseline",
                    size=SUB_SIZE,
                    color=MUTED,
                    annotation_clip=False,
                )
        ax.set_yticks(range(len(labels)), labels=[text for text, _ in labels])
        for tick, (_, header) in zip(ax.get_yticklabels(), labels, strict=True):
            if header:
                tick.set_fontweight("bold")
        step = _tick_step(first, last)
        shown = _month_starts(first, last, step)
        spans_years = first.year != last.year
        ax.set_xticks(
            [m.toordinal() for m in shown],
            labels=[
                _month_label(m, lang, spans_years and (i == 0 or m.month <= step), step)
                for i, m in enumerate(shown)
            ],
        )
        grid = _month_starts(first, last, _grid_step(first, last, step))
        ax.vlines(
            [m.toordinal() for m in grid], 0, 1, transform=ax.get_xaxis_transform(),
            colors=GRID, linewidth=0.6, zorder=0,
        )  # fmt: skip
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
        ax.spines["bottom"].set_color(BASELINE)
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", length=3, labelsize=SUB_SIZE)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("left")
        subtitle = _t(lang, "timeline_sub", start=first.isoformat(), end=last.isoformat())
        _header(fig, width_in, height_in, _short(title, 44), subtitle)
        _note(fig, width_in, height_in, _more(lang, hidden))
        return _finish(fig, "timeline", title, width_in, alt)


# --------------------------------------------------------------------------- all


def chart_specs(metrics: Metrics, lang: str) -> list[tuple[str, Any, tuple[Any, ...]]]:
    """What :func:`render_charts` draws, as (key, function, arguments), in document order."""
    from opsreport.engine.metrics import featured_quarters

    specs: list[tuple[str, Any, tuple[Any, ...]]] = [
        ("attainment", attainment_chart, (metrics.results, lang)),
        ("variance_target", variance_chart, (metrics.results, lang, "target")),
        ("variance_prior", variance_chart, (metrics.results, lang, "prior")),
    ]
    for series in featured_quarters(metrics):
        specs.append((f"quarterly:{series.kpi.key}", quarterly_chart, (series, lang)))
    for table in metrics.breakdowns:
        specs.append(
            (f"breakdown:{table.dimension}:{table.kpi.key}", breakdown_chart, (table, lang))
        )
    specs.append(("risks", risk_matrix_chart, (metrics.risks, lang)))
    specs.append(("timeline", timeline_chart, (metrics.report.tasks, lang)))
    return specs


def render_charts(
    metrics: Metrics,
    lang: str,
    *,
    encode: tuple[str, ...] = (),
    jobs: int | None = None,
    meanwhile: Any = None,
) -> dict[str, Chart]:
    """Every chart the annual report shows, by key; a chart without data is left out.

    Keys: ``attainment``, ``variance_target``, ``variance_prior``, ``quarterly:<kpi key>``
    (series of two or more quarters), ``breakdown:<dimension>:<kpi key>``, ``risks``,
    ``timeline``.

    With ``encode`` (``"png"``, ``"svg"``) the charts are drawn and encoded at once,
    in parallel processes where that pays (see :func:`chart_jobs`); the returned
    charts then carry only those encodings. Without it they are drawn here and
    encoded lazily on first use. ``meanwhile`` (a callable) runs in this process
    while workers draw, e.g. to load the renderers.
    """
    return draw_charts(
        chart_specs(metrics, lang),
        encode=encode,
        jobs=jobs,
        meanwhile=meanwhile,
        small=len(metrics.results) <= PRESTARTED_KPI_LIMIT,
    )


def draw_charts(
    specs: list[tuple[str, Any, tuple[Any, ...]]],
    *,
    encode: tuple[str, ...] = (),
    jobs: int | None = None,
    meanwhile: Any = None,
    small: bool = True,
) -> dict[str, Chart]:
    """Draw ``specs`` (key, chart function, its arguments): in workers started by
    :func:`prestart_workers` when there are some, else as :func:`render_charts` says.

    ``small`` says the data is small enough to send to started workers (pickled).
    """
    started = _PRESTARTED.pop() if _PRESTARTED else None
    if started is not None:  # (its threads would make chart_jobs refuse to fork)
        if encode and jobs != 1 and small:
            return _draw_in_started_workers(started, specs, encode, meanwhile)
        started.terminate()  # big figures: forking now, with the data in memory, is cheaper
        started.join()
    workers = chart_jobs(len(specs), jobs) if encode else 1
    if workers > 1:
        return _draw_in_processes(specs, encode, workers)
    charts = {spec[0]: _draw_one(spec, encode) for spec in specs}
    return {key: chart for key, chart in charts.items() if chart is not None}


def _draw_one(
    spec: tuple[str, Any, tuple[Any, ...]], encode: Sequence[str], detach: bool = False
) -> Chart | None:
    """Draw (and encode) one chart; a failure on a value names its chart and KPI
    (a FigureError, picklable back from a worker) instead of a bare ValueError."""
    key, function, args = spec
    try:
        chart = function(*args)
        if chart is not None:
            for encoding in encode:
                getattr(chart, encoding)
        return _detached(chart, encode) if detach else chart
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise _chart_failure(key, args, exc) from exc


def _chart_failure(key: str, args: tuple[Any, ...], exc: Exception) -> Exception:
    from opsreport.engine.metrics import FigureError, figure_problem, kpi_label

    if isinstance(exc, FigureError):
        return exc
    subject = args[0] if args else None
    kpi = getattr(subject, "kpi", None)  # a quarterly series or a breakdown table
    if kpi is not None:
        what, location = f"{kpi_label(kpi)}: the chart {key}", kpi.location
    else:
        what, location = f"the chart {key}", None
    file = location.file if location else "<report>"
    message = f"{what} could not be drawn ({type(exc).__name__}: {exc})"
    return FigureError([figure_problem(message, location, file, hint="")])


def chart_jobs(count: int, jobs: int | None = None) -> int:
    """How many processes draw ``count`` charts: one unless forking pays and is safe.

    Drawing and encoding a chart takes 50–150 ms of pure Python, so a Word build's
    dozen charts take a second on one core. Forked workers inherit matplotlib already
    imported and the fonts already found, so two cores halve that. Not used where
    fork is unsafe or unavailable (Windows, macOS), inside a worker process (batch
    builds already use every core), when other threads run, or for a few charts.
    ``OPSREPORT_CHART_JOBS`` overrides the number (1 turns it off).
    """
    import multiprocessing
    import sys
    import threading

    setting = os.environ.get("OPSREPORT_CHART_JOBS", "").strip()
    if jobs is None and setting.isdigit():
        jobs = int(setting)
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 4)
    if (
        jobs <= 1
        or count < 4
        or sys.platform in {"win32", "darwin"}
        or "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.parent_process() is not None
        or threading.active_count() > 1
    ):
        return 1
    return min(jobs, count)


def _warm_up() -> None:
    """Load the font files and glyph caches once, before forking: otherwise every
    worker opens the large CJK font collection itself."""
    with _style("warm-up"):
        fig, _ = _new_figure(1.0, 0.5)
        fig.text(0.1, 0.5, "年度 Ag 0.9%", fontsize=FONT_SIZE)
        fig.text(0.1, 0.2, "年度 Ag 0.9%", fontsize=TITLE_SIZE, weight="bold")
        fig.canvas.draw()


# Workers started by prestart_workers(), waiting for render_charts().
_PRESTARTED: list[Any] = []
# Beyond this many KPIs, sending the figures to started workers (pickling) costs
# more than forking once the data is in memory.
PRESTARTED_KPI_LIMIT = 500


def prestart_workers(jobs: int | None = None) -> None:
    """Start the chart workers now, so that they import matplotlib and load the fonts
    while this process reads the workbook (a single Word build: ~0.4 s sooner on two
    cores). :func:`render_charts` uses them; :func:`stop_workers` ends them unused."""
    workers = chart_jobs(12, jobs)
    if workers <= 1 or _PRESTARTED:
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    _PRESTARTED.append(context.Pool(workers, initializer=_start_worker))


def _start_worker() -> None:
    # A lower priority: while this process reads the workbook (the critical path)
    # the workers import matplotlib only on the spare core; once it waits for the
    # charts, they have both.
    with suppress(OSError):  # not permitted here: run at normal priority
        os.nice(5)
    _warm_up()


def stop_workers() -> None:
    while _PRESTARTED:
        pool = _PRESTARTED.pop()
        pool.terminate()
        pool.join()


def _draw_sent(job: tuple[tuple[str, Any, tuple[Any, ...]], tuple[str, ...]]) -> tuple[str, Any]:
    """In a started worker: draw and encode one chart sent with its data."""
    spec, encode = job
    return spec[0], _draw_one(spec, encode, detach=True)


def _draw_in_started_workers(
    pool: Any,
    specs: list[tuple[str, Any, tuple[Any, ...]]],
    encode: tuple[str, ...],
    meanwhile: Any = None,
) -> dict[str, Chart]:
    try:
        pending = pool.map_async(_draw_sent, [(spec, encode) for spec in specs], chunksize=1)
        if meanwhile is not None:
            meanwhile()
        drawn = pending.get()
    finally:
        pool.terminate()
        pool.join()
    return {key: chart for key, chart in drawn if chart is not None}


def _detached(chart: Chart | None, encode: Sequence[str]) -> Chart | None:
    """A chart with its encodings made and without its figure (which stays behind)."""
    if chart is None:
        return None
    encoded = {encoding: getattr(chart, encoding) for encoding in encode}
    detached = Chart(name=chart.name, title=chart.title, width_cm=chart.width_cm, alt=chart.alt)
    detached.__dict__.update(encoded)  # what cached_property would have stored
    return detached


_PENDING: list[tuple[str, Any, tuple[Any, ...]]] = []
_PENDING_ENCODE: list[str] = []


def _draw_pending(index: int) -> tuple[str, Chart | None]:
    """In a forked worker: draw and encode one chart; the figure stays behind."""
    spec = _PENDING[index]
    return spec[0], _draw_one(spec, _PENDING_ENCODE, detach=True)


def _draw_in_processes(
    specs: list[tuple[str, Any, tuple[Any, ...]]], encode: tuple[str, ...], workers: int
) -> dict[str, Chart]:
    import multiprocessing

    # Import and font search happen once, here, and are inherited by every worker.
    from matplotlib.backends import backend_agg, backend_svg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    _warm_up()
    _PENDING[:] = specs
    _PENDING_ENCODE[:] = encode
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            drawn = pool.map(_draw_pending, range(len(specs)), chunksize=1)
    finally:
        _PENDING.clear()
        _PENDING_ENCODE.clear()
    return {key: chart for key, chart in drawn if chart is not None}
