"""Word templates opened once in a process and copied for each render
(render/opened_templates): every render is the one a fresh open gives, the copies are
apart from each other and from the one kept, and nothing that failed is kept."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from opsreport.errors import TemplateProblem
from opsreport.render import opened_templates
from tests.conftest import ZH_EXAMPLE

from .hostile.cases_templates import ATTACHED, with_external_links, word_docx


@pytest.fixture(autouse=True)
def _fresh():
    opened_templates.forget()
    yield
    opened_templates.forget()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist() if name.endswith(".xml")}


def test_every_render_of_a_kept_template_is_the_one_a_fresh_open_gives():
    """Three renders of the bundled report with its native charts: the second keeps a
    copy, the third renders into a copy of that; all three are the same document."""
    from opsreport.app.analysis import analyze
    from opsreport.present import report_context
    from opsreport.present.charts import chart_data
    from opsreport.render.docx import render_docx

    analysis = analyze(ZH_EXAMPLE)
    charts = chart_data(analysis.metrics, "zh")
    documents = []
    for _ in range(3):
        context = report_context.build_context(analysis.metrics, "zh")
        context["charts"] = {}
        documents.append(_parts(render_docx(context, charts)))
    assert len(opened_templates._kept) == 1
    kept = next(iter(opened_templates._kept.values()))
    assert "{%" in kept.document.element.body.xml  # the kept one is never rendered into
    first, second, third = documents
    assert set(first) == set(second) == set(third)
    for name in first:
        if name != "docProps/core.xml":  # (its time stamps)
            assert first[name] == second[name] == third[name], name


def test_copies_are_apart_from_the_kept_template():
    calls = []

    class Opened:
        def __init__(self) -> None:
            self.items: list[int] = []

        def copy(self) -> Opened:
            twin = Opened()
            twin.items = list(self.items)
            return twin

    def open_it() -> Opened:
        calls.append(1)
        return Opened()

    first = opened_templates.opened("t.docx", b"PK", open_it)
    first.items.append(1)  # a render changes what it was given
    second = opened_templates.opened("t.docx", b"PK", open_it)
    second.items.append(2)
    third = opened_templates.opened("t.docx", b"PK", open_it)
    fourth = opened_templates.opened("t.docx", b"PK", open_it)
    assert len(calls) == 2  # opened once, then again to keep: a single build keeps nothing
    assert third.items == [] and fourth.items == [] and third is not fourth
    other = opened_templates.opened("t.docx", b"PK edited", open_it)  # the same path, edited
    assert len(calls) == 3 and other.items == []


def test_at_most_kept_templates_are_kept():
    class Opened:
        def copy(self) -> Opened:
            return Opened()

    for n in range(opened_templates.KEPT + 3):
        for _ in range(2):
            opened_templates.opened(f"t{n}.docx", b"PK", Opened)
    assert len(opened_templates._kept) == opened_templates.KEPT


def test_a_template_that_fails_its_checks_fails_every_time(tmp_path: Path):
    """(Rendered in this process, where a template could be kept.)"""
    from opsreport import build_report
    from opsreport.render.budget import RenderBudget, use_render_budget

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "report.docx").write_bytes(word_docx("{%p if meta.title %} and more words"))
    with use_render_budget(RenderBudget(isolate=False)):
        for run in range(3):
            with pytest.raises(TemplateProblem, match="mixes a"):
                build_report(ZH_EXAMPLE, formats="docx", output=tmp_path / f"{run}.docx",
                             template_dir=folder, charts=False)  # fmt: skip
    assert not opened_templates._kept


@pytest.mark.parametrize("isolate", [None, False])
def test_a_removed_link_is_said_on_every_render(tmp_path: Path, isolate: bool | None):
    """A user's template renders in a child process (render/budget), which keeps nothing
    for the next; rendered in this process (isolate=False), its copies say it too."""
    import warnings

    from opsreport import build_report
    from opsreport.render.budget import RenderBudget, use_render_budget
    from opsreport.render.notices import TemplateNotice

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "report.docx").write_bytes(with_external_links(word_docx("{{ meta.title }}")))
    said = []
    with use_render_budget(RenderBudget(isolate=isolate)):
        for run in range(3):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                build_report(ZH_EXAMPLE, formats="docx", output=tmp_path / f"{run}.docx",
                             template_dir=folder, charts=False)  # fmt: skip
            said.append([str(w.message) for w in caught if issubclass(w.category, TemplateNotice)])
    assert [len([m for m in messages if ATTACHED in m]) for messages in said] == [1, 1, 1]
    assert len(opened_templates._kept) == (0 if isolate is None else 1)
