"""One analyst's sentence per KPI, in zh and en, put together from its clauses:

直接利润由6.42亿元大幅增长至8.37亿元（+30.4%），较目标8.00亿元超额4.6%，
占公司利润增量20.00亿元的41.9%。

In order: the from→to on last year (or the actual alone), the growth target, the target
and attainment, the benchmark, the share of a total, the drivers, the value; then the
KPI's note. Every figure at the KPI's one precision (:attr:`KpiView.places`).
"""

from __future__ import annotations

from collections.abc import Mapping

from opsreport.engine.metrics import KpiResult, Metrics
from opsreport.engine.story import KpiStory, kpi_stories, kpi_story
from opsreport.present.kpi_view import KpiView, kpi_view
from opsreport.present.narrative.figures import Figures
from opsreport.present.narrative.moves import move_phrase
from opsreport.present.narrative.so_what import (
    benchmark_clause,
    drivers_clause,
    growth_clause,
    note_text,
    value_clause,
)
from opsreport.present.narrative.target import share_clause, target_clauses

__all__ = ["Narrative", "join_clauses", "kpi_sentence"]


def join_clauses(parts: list[str], lang: str) -> str:
    """zh: 「，」 and 「。」; en: commas, "and" before the last clause, a full stop."""
    if lang == "zh":
        return "，".join(parts) + "。"
    if len(parts) == 1:
        return parts[0] + "."
    if len(parts) == 2:
        return f"{parts[0]}, {parts[1]}."
    return f"{parts[0]}, " + ", ".join(parts[1:-1]) + f", and {parts[-1]}."


def _figures(result: KpiResult, view: KpiView, lang: str) -> Figures:
    return Figures(result.kpi.unit, view.places, view.pp_places, lang)


class Narrative:
    """The sentences of one report in one language: each KPI with its drivers' moves.

    Built once per context from the engine's results, the KPI views and stories; not a
    template value (templates get the strings).
    """

    def __init__(
        self,
        results: Mapping[str, KpiResult],
        views: Mapping[str, KpiView],
        stories: Mapping[str, KpiStory],
        lang: str,
    ) -> None:
        self.results = results
        self.views = views
        self.stories = stories
        self.lang = "zh" if lang == "zh" else "en"

    @classmethod
    def of(cls, metrics: Metrics, views: Mapping[str, KpiView], lang: str) -> Narrative:
        """The narrative of a computed report, with the views the context shows."""
        results = {r.kpi.key: r for r in metrics.results}
        return cls(results, views, kpi_stories(metrics), lang)

    def driver_phrase(self, key: str, first: bool) -> str | None:
        """A driver's own from→to, at its own precision; None for an unknown key."""
        result = self.results.get(key)
        story = self.stories.get(key)
        if result is None or story is None or result.kpi.actual is None:
            return None
        view = self.views.get(key) or kpi_view(result, self.lang)
        return move_phrase(
            result.kpi,
            result,
            story.kind,
            story.prior_size,
            _figures(result, view, self.lang),
            "driver" if first else "link",
        )

    def sentence(
        self, result: KpiResult, *, with_note: bool = True, base_name: str | None = None
    ) -> str:
        """The KPI's sentence (and its note after it, unless ``with_note`` is false)."""
        key = result.kpi.key
        view = self.views.get(key) or kpi_view(result, self.lang)
        story = self.stories.get(key) or kpi_story(result, {})
        return _sentence(result, view, story, self.lang, self, with_note, base_name)


def _sentence(
    result: KpiResult,
    view: KpiView,
    story: KpiStory,
    lang: str,
    narrative: Narrative | None,
    with_note: bool,
    base_name: str | None,
) -> str:
    kpi = result.kpi
    if kpi.actual is None:  # in a year in progress its year to date is said instead
        text = view.progress or (
            f"{kpi.name}：本年无实际数据。"
            if lang == "zh"
            else f"{kpi.name}: no actual figure this year."
        )
        return text + (note_text(kpi.note, lang) if with_note else "")
    figures = _figures(result, view, lang)
    parts = [move_phrase(kpi, result, story.kind, story.prior_size, figures)]
    optional = [growth_clause(kpi, story, figures)]
    parts.extend(clause for clause in optional if clause)
    if result.target_source != "growth":  # a target made from the growth target: said by it
        parts.extend(target_clauses(result, story.kind, figures))
    later = [
        benchmark_clause(kpi, story, figures),
        share_clause(result, figures, base_name),
        # the KPI's own value before its causes: 「…节省投放费1.1亿元，主要来自…」, never
        # after a chain, where it would read as the last driver's
        value_clause(story, lang),
        drivers_clause(story, narrative.driver_phrase, lang) if narrative else None,
    ]
    parts.extend(clause for clause in later if clause)
    text = join_clauses(parts, lang)
    return text + (note_text(kpi.note, lang) if with_note else "")


def kpi_sentence(
    result: KpiResult,
    lang: str = "zh",
    view: KpiView | None = None,
    *,
    story: KpiStory | None = None,
    with_note: bool = True,
    base_name: str | None = None,
) -> str:
    """One KPI's sentence on its own (no drivers: those need the report's other KPIs,
    see :class:`Narrative`). ``view`` defaults to the KPI's own :func:`kpi_view`."""
    lang = "zh" if lang == "zh" else "en"
    view = view or kpi_view(result, lang)
    story = story or kpi_story(result, {})
    return _sentence(result, view, story, lang, None, with_note, base_name)
