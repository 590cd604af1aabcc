"""What ``opsreport check`` draws: every chart's data and the native Word charts always,
the Markdown and HTML pictures (matplotlib) only with ``pictures`` / ``--pictures``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from opsreport.app import check
from opsreport.present.charts import report as chart_report
from opsreport.present.charts.outline import ChartOutline, chart_outlines
from opsreport.present.charts.report import chart_data
from tests.conftest import ZH_EXAMPLE

_PROBE = """
import json, sys
from pathlib import Path
from opsreport.app.check import check_file
result = check_file(Path(sys.argv[1]), pictures=sys.argv[2] == "1")
print(json.dumps({"errors": [d.message for d in result.errors], "rendered": result.rendered,
                  "matplotlib": "matplotlib" in sys.modules}))
"""


def _probe(pictures: bool) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ZH_EXAMPLE), "1" if pictures else "0"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    outcome: dict[str, object] = json.loads(done.stdout)
    return outcome


def test_a_check_renders_every_document_without_matplotlib_unless_pictures_are_asked():
    plain, drawn = _probe(False), _probe(True)
    assert plain["errors"] == drawn["errors"] == []
    assert plain["rendered"] == drawn["rendered"]
    assert {"report.docx", "report.md", "report.html"} <= set(plain["rendered"])  # type: ignore[arg-type]
    assert plain["matplotlib"] is False and drawn["matplotlib"] is True


def test_a_chart_whose_data_fails_fails_the_check_without_pictures(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("no attainment for you")

    monkeypatch.setattr(chart_report, "attainment_data", broken)
    result = check.check_file(ZH_EXAMPLE, formats=("md", "html"))
    assert [d.code for d in result.errors] == ["render"]
    assert "no attainment for you" in result.errors[0].message


def test_a_picture_that_fails_to_draw_fails_the_check_with_pictures(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("cannot draw")

    monkeypatch.setattr(chart_report, "attainment_chart", broken)
    assert check.check_file(ZH_EXAMPLE, formats=("html",)).errors == []  # not drawn
    result = check.check_file(ZH_EXAMPLE, formats=("html",), pictures=True)
    assert [d.code for d in result.errors] == ["figure"]  # the chart named, as a build does
    assert "attainment" in result.errors[0].message


def test_outlines_carry_each_charts_key_title_and_alt_in_order():
    from opsreport.app.analysis import analyze

    data = chart_data(analyze(ZH_EXAMPLE).metrics, "zh")
    outlines = chart_outlines(data)
    assert list(outlines) == list(data)
    first = outlines["attainment"]
    assert (first.title, first.alt) == (data["attainment"].title, data["attainment"].alt)


@pytest.mark.parametrize("alt", ['<script>alert("x")</script>', 'a & b\'s "c"'])
def test_an_outline_picture_escapes_its_alt_text(alt):
    svg = ChartOutline("attainment", "t", alt).svg
    assert "<script>" not in svg and svg.startswith("<svg ") and svg.endswith("</svg>")
    assert svg.count("<") == svg.count(">") == 4  # <svg>, <title>, </title>, </svg>


def test_a_check_renders_word_documents_without_packaging_them(monkeypatch):
    """The report and each plan draft are rendered, parsed and checked; none is zipped."""
    from docxtpl import DocxTemplate

    saved = []
    monkeypatch.setattr(DocxTemplate, "save", lambda self, *args, **kwargs: saved.append(1))
    result = check.check_file(ZH_EXAMPLE)
    assert result.passed(), result.errors
    assert "report.docx" in result.rendered and "plan-Q1.docx" in result.rendered
    assert saved == []


def test_a_word_template_error_is_found_without_packaging_too(tmp_path):
    from .hostile.cases_templates import word_docx

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "report.docx").write_bytes(word_docx("{{ meta.title | no_such_filter }}"))
    result = check.check_file(ZH_EXAMPLE, template_dir=folder, charts=False)
    assert not result.passed()
    assert any("no_such_filter" in d.message for d in result.errors), result.errors


def test_render_docx_unpackaged_gives_no_bytes_and_packaged_a_document():
    import zipfile
    from io import BytesIO

    from opsreport.app.analysis import analyze
    from opsreport.present import report_context
    from opsreport.render.docx import render_docx

    context = report_context.build_context(analyze(ZH_EXAMPLE).metrics, "zh")
    assert render_docx(dict(context), packaged=False) == b""
    with zipfile.ZipFile(BytesIO(render_docx(dict(context)))) as package:
        assert "word/document.xml" in package.namelist()


def test_a_check_that_asks_for_a_pdf_converts_the_whole_word_document(monkeypatch):
    """Unpackaged Word bytes are empty: a PDF asked for too converts the real package."""
    from opsreport.render import pdf

    given = []
    monkeypatch.setattr(pdf, "convert_docx", lambda data, *a, **k: given.append(data) or b"%PDF")
    result = check.check_file(ZH_EXAMPLE, formats=("docx", "pdf"))
    assert result.passed(), result.errors
    assert given and all(data.startswith(b"PK") and len(data) > 10_000 for data in given)
