"""``--format pdf``: the Word document through LibreOffice (render/pdf.py, the pipeline).

Fake ``soffice`` programs (tests/hostile/cases_pdf.py) make every failure fast and
deterministic; a real LibreOffice, where installed, converts both examples and a plan
draft and every page has text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from opsreport import build_plan, build_report
from opsreport.app.pipeline import format_list
from opsreport.errors import OutputError, UsageError
from opsreport.render import pdf as pdf_module
from opsreport.render.pdf import (
    DEFAULT_TIMEOUT,
    SOFFICE_ENV,
    TIMEOUT_ENV,
    PdfSettings,
    convert_docx,
    pdf_settings,
)

from .hostile.cases_pdf import TINY_PDF, fake_calls, write_fake_soffice

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ZH_EXAMPLE = EXAMPLES / "ecommerce-2026-zh.xlsx"
EN_EXAMPLE = EXAMPLES / "support-2026-en.xlsx"
WORD = b"PK\x03\x04 a Word document"  # the fakes check only the zip signature


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch):
    monkeypatch.delenv(SOFFICE_ENV, raising=False)
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)


def fake(tmp_path: Path, mode: str, timeout: float | None = 30) -> PdfSettings:
    folder = tmp_path / f"fake-{mode}"
    folder.mkdir(exist_ok=True)
    return PdfSettings(write_fake_soffice(folder / "soffice", mode), timeout)


# --------------------------------------------------------------------------- formats


def test_all_is_docx_md_and_html_everywhere_and_pdf_is_asked_for_by_name():
    assert format_list("all") == ("docx", "md", "html")
    assert format_list(["all", "pdf"]) == ("docx", "md", "html", "pdf")
    assert format_list(["pdf", "docx", "pdf", "all"]) == ("pdf", "docx", "md", "html")
    assert format_list("pdf") == ("pdf",)
    with pytest.raises(
        UsageError, match=r"unknown format 'odt': use docx, md, html, pdf, pptx or all"
    ):
        format_list(["pdf", "odt"])


# --------------------------------------------------------------------------- settings


def test_the_program_is_the_argument_else_the_environment_else_path(tmp_path, monkeypatch):
    named = write_fake_soffice(tmp_path / "named-soffice", "good")
    from_env = write_fake_soffice(tmp_path / "env-soffice", "good")
    on_path = tmp_path / "bin"
    on_path.mkdir()
    write_fake_soffice(on_path / "soffice", "good")
    monkeypatch.setenv("PATH", str(on_path))
    assert pdf_settings().soffice == on_path / "soffice"
    monkeypatch.setenv(SOFFICE_ENV, str(from_env))
    assert pdf_settings().soffice == from_env
    assert pdf_settings(named).soffice == named
    assert pdf_settings("soffice").soffice == on_path / "soffice"  # a bare name: looked up


def test_libreoffice_found_on_path_under_its_other_name(tmp_path, monkeypatch):
    write_fake_soffice(tmp_path / "libreoffice", "good")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf_settings().soffice == tmp_path / "libreoffice"


def test_no_libreoffice_names_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf_module, "_KNOWN_PLACES", ())
    with pytest.raises(OutputError) as caught:
        pdf_settings()
    message = str(caught.value)
    assert message.startswith("PDF needs LibreOffice and no soffice was found on PATH")
    for fragment in ("sudo apt-get install libreoffice-writer", "brew install --cask libreoffice",
                     "libreoffice.org/download", "--soffice", SOFFICE_ENV):  # fmt: skip
        assert fragment in message


def test_a_named_program_that_is_missing_or_not_executable_is_refused(tmp_path, monkeypatch):
    with pytest.raises(OutputError, match=r"--soffice .*/nothing: no such program; install"):
        pdf_settings(tmp_path / "nothing")
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "gone"))
    with pytest.raises(OutputError, match=rf"{SOFFICE_ENV} .*/gone: no such program"):
        pdf_settings()
    plain = tmp_path / "plain"
    plain.write_text("not a program")
    plain.chmod(0o644)
    with pytest.raises(OutputError, match="not executable"):
        pdf_settings(plain)


def test_timeout_from_the_argument_else_the_environment_else_120_seconds(tmp_path, monkeypatch):
    program = write_fake_soffice(tmp_path / "soffice", "good")
    assert pdf_settings(program).timeout == DEFAULT_TIMEOUT == 120
    monkeypatch.setenv(TIMEOUT_ENV, "30")
    assert pdf_settings(program).timeout == 30
    assert pdf_settings(program, 5).timeout == 5
    assert pdf_settings(program, 0).timeout is None  # 0: no limit
    monkeypatch.setenv(TIMEOUT_ENV, "soon")
    with pytest.raises(UsageError, match=rf"{TIMEOUT_ENV}='soon': not a number of seconds"):
        pdf_settings(program)
    monkeypatch.setenv(TIMEOUT_ENV, "-3")
    with pytest.raises(UsageError, match=rf"{TIMEOUT_ENV} -3.0: give seconds"):
        pdf_settings(program)
    with pytest.raises(UsageError, match="--pdf-timeout nan"):
        pdf_settings(program, float("nan"))


# --------------------------------------------------------------------------- one conversion


def test_each_conversion_has_its_own_profile_and_folder_removed_afterwards(tmp_path):
    settings = fake(tmp_path, "good")
    assert convert_docx(WORD, settings) == TINY_PDF
    assert convert_docx(WORD, settings) == TINY_PDF
    calls = fake_calls(settings.soffice.parent)
    assert len(calls) == 2
    profiles = []
    for call in calls:
        args, private = call["args"], Path(call["cwd"])
        assert "--headless" in args and args[args.index("--convert-to") + 1].startswith("pdf")
        profile = next(a for a in args if a.startswith("-env:UserInstallation="))
        assert profile == f"-env:UserInstallation={(private / 'profile').as_uri()}"
        assert args[-1] == str(private / "document.docx")
        assert not private.exists()  # the private folder is gone, profile and all
        profiles.append(profile)
    assert profiles[0] != profiles[1]


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("exit1", r"failed with exit code 1 \(it said: Error: source file could not be loaded\); nothing was written"),
        ("nothing", r"wrote no PDF \(it said: Error: source file could not be loaded\); nothing was written"),
        ("garbage", r"wrote a file that is not a whole PDF; nothing was written"),
        ("truncated", r"wrote a file that is not a whole PDF; nothing was written"),
        ("empty", r"wrote an empty file; nothing was written"),
    ],
    ids=["exit1", "nothing", "garbage", "truncated", "empty"],
)  # fmt: skip
def test_a_failed_conversion_says_what_libreoffice_did(tmp_path, mode, said):
    settings = fake(tmp_path, mode)
    with pytest.raises(OutputError, match=rf"^out/x\.pdf: LibreOffice \(.*soffice\) {said}"):
        convert_docx(WORD, settings, label="out/x.pdf")


def test_a_pdf_too_large_is_refused(tmp_path, monkeypatch):
    """The fake writes len(TINY_PDF) bytes; with the limit one byte below, it is refused."""
    monkeypatch.setattr(pdf_module, "MAX_PDF_BYTES", len(TINY_PDF) - 1)
    with pytest.raises(OutputError) as caught:
        convert_docx(WORD, fake(tmp_path, "good"), label="x.pdf")
    assert str(caught.value) == (
        f"x.pdf: LibreOffice wrote {len(TINY_PDF)} bytes, more than the {len(TINY_PDF) - 1} "
        "a PDF may have; nothing was written"
    )


def test_a_conversion_that_hangs_is_killed_with_every_process_it_started(tmp_path):
    settings = fake(tmp_path, "sleep", timeout=1)
    with pytest.raises(OutputError) as caught:
        convert_docx(WORD, settings, label="x.pdf")
    assert str(caught.value) == (
        f"x.pdf: LibreOffice ({settings.soffice}) was still converting after 1 s and was "
        f"stopped; nothing was written (raise the limit with --pdf-timeout or {TIMEOUT_ENV}, 0: none)"
    )
    (call,) = fake_calls(settings.soffice.parent)
    child = int((settings.soffice.parent / "soffice-child.pid").read_text())
    for pid in (call["pid"], child):
        assert _gone(pid), pid
    assert not Path(call["cwd"]).exists()


def _gone(pid: int) -> bool:
    """Whether ``pid`` is gone within 10 s (SIGKILL is delivered, and init reaps, a little later)."""
    for _ in range(200):
        if not _running(pid):
            return True
        time.sleep(0.05)
    return False


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


# --------------------------------------------------------------------------- in a build


def test_build_writes_the_pdf_with_the_other_formats(tmp_path):
    settings = fake(tmp_path, "good")
    result = build_report(ZH_EXAMPLE, output=tmp_path / "out", formats=["docx", "pdf"],
                          soffice=settings.soffice, charts=False)  # fmt: skip
    assert [p.name for p in result.outputs] == ["ecommerce-2026-zh.docx", "ecommerce-2026-zh.pdf"]
    assert result.outputs[1].read_bytes() == TINY_PDF
    (call,) = fake_calls(settings.soffice.parent)
    assert call["cwd"] != str(tmp_path / "out")


def test_pdf_alone_writes_no_word_document(tmp_path):
    settings = fake(tmp_path, "good")
    result = build_report(ZH_EXAMPLE, output=tmp_path / "out", formats="pdf",
                          soffice=settings.soffice, charts=False)  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ecommerce-2026-zh.pdf"]
    assert result.outputs == [tmp_path / "out" / "ecommerce-2026-zh.pdf"]


def test_a_failed_conversion_writes_nothing_of_the_set_and_keeps_the_previous_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "ecommerce-2026-zh.docx").write_bytes(b"previous docx")
    (out / "ecommerce-2026-zh.pdf").write_bytes(b"previous pdf")
    settings = fake(tmp_path, "exit1")
    with pytest.raises(OutputError, match=r"ecommerce-2026-zh\.pdf: LibreOffice .* exit code 1"):
        build_report(ZH_EXAMPLE, output=out, formats=["all", "pdf"], soffice=settings.soffice,
                     charts=False)  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == [
        "ecommerce-2026-zh.docx",
        "ecommerce-2026-zh.pdf",
    ]
    assert (out / "ecommerce-2026-zh.docx").read_bytes() == b"previous docx"
    assert (out / "ecommerce-2026-zh.pdf").read_bytes() == b"previous pdf"


def test_no_libreoffice_is_refused_before_the_workbook_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf_module, "_KNOWN_PLACES", ())
    missing = tmp_path / "no-such-workbook.xlsx"  # never opened: the refusal comes first
    with pytest.raises(OutputError, match="PDF needs LibreOffice"):
        build_report(missing, formats="pdf")
    with pytest.raises(OutputError, match="PDF needs LibreOffice"):
        build_plan(missing, "Q1", formats="pdf")


def test_plan_drafts_of_every_quarter_convert_as_one_set(tmp_path):
    settings = fake(tmp_path, "good")
    written = build_plan(ZH_EXAMPLE, "all", output=tmp_path / "plans", formats="pdf",
                         soffice=settings.soffice, charts=False)  # fmt: skip
    assert len(written) == 4 and all(p.suffix == ".pdf" for p in written)
    assert len(fake_calls(settings.soffice.parent)) == 4
    failing = fake(tmp_path, "garbage")
    with pytest.raises(OutputError, match="not a whole PDF"):
        build_plan(ZH_EXAMPLE, "all", output=tmp_path / "plans2", formats=["md", "pdf"],
                   soffice=failing.soffice, charts=False)  # fmt: skip
    assert not (tmp_path / "plans2").exists()  # the folder this write would have made: gone too


def test_a_batch_converts_each_workbook_in_its_own_profile(tmp_path):
    """Two workbooks built in worker processes: two PDFs, two conversions, two profiles."""
    from opsreport import build_reports

    stores = tmp_path / "stores"
    stores.mkdir()
    for name in ("a", "b"):
        shutil.copyfile(ZH_EXAMPLE, stores / f"{name}.xlsx")
    settings = fake(tmp_path, "good")
    outcomes = build_reports([stores], output=tmp_path / "out", formats="pdf", jobs=2,
                             soffice=settings.soffice, charts=False, progress=False)  # fmt: skip
    assert [o.ok for o in outcomes] == [True, True], [o.errors for o in outcomes]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.pdf", "b.pdf"]
    calls = fake_calls(settings.soffice.parent)
    assert len({c["cwd"] for c in calls}) == 2


def test_a_batch_without_libreoffice_is_refused_before_any_worker(tmp_path, monkeypatch):
    from opsreport import build_reports

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf_module, "_KNOWN_PLACES", ())
    shutil.copyfile(ZH_EXAMPLE, tmp_path / "a.xlsx")
    with pytest.raises(OutputError, match="PDF needs LibreOffice"):
        build_reports([tmp_path / "a.xlsx"], output=tmp_path / "out", formats=["docx", "pdf"])
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_folder_that_cannot_be_written_leaves_nothing(tmp_path):
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o555)
    settings = fake(tmp_path, "good")
    try:
        with pytest.raises(OutputError, match="cannot write"):
            build_report(ZH_EXAMPLE, output=out, formats="pdf", soffice=settings.soffice,
                         charts=False)  # fmt: skip
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


# --------------------------------------------------------------------------- LibreOffice


def _pages(pdf: Path) -> list[str]:
    """The text of each page (``pdftotext -layout``: a contents line stays one line)."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    count = int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )
    return [
        subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                       check=True, capture_output=True, text=True).stdout
        for n in range(1, count + 1)
    ]  # fmt: skip


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or poppler (pdftotext) not installed",
)
def test_libreoffice_makes_pdfs_of_both_examples_and_a_plan_draft_without_blank_pages(tmp_path):
    zh = build_report(ZH_EXAMPLE, output=tmp_path, formats="pdf").outputs[0]
    en = build_report(EN_EXAMPLE, output=tmp_path, formats="pdf").outputs[0]
    (plan,) = build_plan(ZH_EXAMPLE, "Q1", output=tmp_path, formats="pdf")
    for pdf, first_words in ((zh, "经营成果与目标达成"), (en, "Results"), (plan, "")):
        pages = _pages(pdf)
        assert len(pages) > 0, pdf
        blank = [n for n, text in enumerate(pages, start=1) if not text.strip()]
        assert not blank, f"{pdf.name}: blank pages {blank}"
        assert first_words in "".join(pages).replace(" ", "")
        squeezed = [re.sub(r"\s+", "", text) for text in pages]
        footer = "第{n}页/共{of}页" if pdf is not en else "Page{n}of{of}"
        for number, text in enumerate(squeezed, start=1):  # every page: 第 X 页 / 共 Y 页
            assert footer.format(n=number, of=len(pages)) in text, (pdf.name, number)
    # the table of contents gives the page each chapter starts on (LibreOffice computed it)
    for pdf in (zh, en):
        pages = _pages(pdf)
        contents = [
            line for line in pages[0].splitlines() + pages[1].splitlines() if "...." in line
        ]
        assert len(contents) >= 10, pdf.name
        for line in contents:
            title, page = re.fullmatch(r"\s*(.+?)\s*\.{4,}\s*(\d+)\s*", line).groups()
            title = re.sub(r"^(?:[一二三四五六七八九十]+、|\d+\.)\s*", "", title)
            assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", pages[int(page) - 1]), line
