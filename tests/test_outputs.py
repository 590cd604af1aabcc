"""Outputs land where they are named, whole (opsreport.io.files and the commands using it)."""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path

import pytest

from opsreport.io import files
from opsreport.io.files import OutputError, atomic_write, check_target, clean_stale, write_files

from .conftest import ZH_EXAMPLE


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- links


def test_a_link_to_another_file_is_refused_and_that_file_kept(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    os.symlink("../other/notes.txt", tmp_path / "report.docx")
    with pytest.raises(OutputError) as refused:
        atomic_write(tmp_path / "report.docx", b"new")
    assert str(refused.value) == (
        f"{tmp_path / 'report.docx'}: the output is a symbolic link (to ../other/notes.txt); "
        "opsreport never writes through a link — remove it or choose another output"
    )
    assert (other / "notes.txt").read_text() == "mine"
    assert os.readlink(tmp_path / "report.docx") == "../other/notes.txt"
    assert _names(tmp_path) == ["other", "report.docx"]  # no temporary file left


def test_a_dangling_link_is_refused_and_nothing_created_where_it_points(tmp_path):
    os.symlink(tmp_path / "elsewhere" / "new.docx", tmp_path / "report.docx")
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(OutputError, match="symbolic link"):
        atomic_write(tmp_path / "report.docx", b"new")
    assert _names(tmp_path / "elsewhere") == []


def test_a_link_to_a_folder_as_the_output_name_is_refused(tmp_path):
    (tmp_path / "folder").mkdir()
    os.symlink(tmp_path / "folder", tmp_path / "report.md")
    with pytest.raises(OutputError, match="symbolic link"):
        atomic_write(tmp_path / "report.md", b"x")
    assert _names(tmp_path / "folder") == []


def test_a_folder_the_user_chose_may_be_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "out")
    written = write_files(
        {tmp_path / "out" / "x.md": b"report", tmp_path / "out" / "x-charts" / "01.png": b"png"},
        inside=tmp_path / "out",
    )
    assert written == [tmp_path / "out" / "x.md", tmp_path / "out" / "x-charts" / "01.png"]
    assert (tmp_path / "real" / "x.md").read_bytes() == b"report"
    assert (tmp_path / "real" / "x-charts" / "01.png").read_bytes() == b"png"


def test_a_folder_opsreport_names_below_the_chosen_one_must_not_be_a_link(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "x-charts")
    with pytest.raises(OutputError, match="x-charts: the folder is a symbolic link"):
        write_files(
            {tmp_path / "x.md": b"r", tmp_path / "x-charts" / "01.png": b"p"}, inside=tmp_path
        )
    assert _names(tmp_path / "elsewhere") == []
    assert not (tmp_path / "x.md").exists()  # the set is refused as a whole


def test_a_chosen_folder_that_links_to_nothing_is_refused(tmp_path):
    os.symlink(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(OutputError, match="a link to a folder that does not exist"):
        atomic_write(tmp_path / "out" / "x.md", b"x")
    assert not (tmp_path / "missing").exists()


def test_a_file_where_a_folder_must_go_is_refused(tmp_path):
    (tmp_path / "x-charts").write_text("a file")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        write_files({tmp_path / "x-charts" / "01.png": b"p"}, inside=tmp_path)


def test_the_input_is_protected_by_name_link_and_hard_link(tmp_path):
    workbook = tmp_path / "x.xlsx"
    workbook.write_bytes(b"the workbook")
    os.symlink(workbook, tmp_path / "soft.docx")
    os.link(workbook, tmp_path / "hard.docx")
    for name in ("x.xlsx", "soft.docx", "hard.docx"):
        with pytest.raises(OutputError, match="refusing to overwrite the input workbook"):
            atomic_write(tmp_path / name, b"report", protect=(workbook,))
    with pytest.raises(OutputError, match="refusing to overwrite the input workbook"):
        check_target(Path(os.path.relpath(workbook)), protect=(workbook,))
    assert workbook.read_bytes() == b"the workbook"


# --------------------------------------------------------------------------- sets


def _previous(tmp_path: Path) -> dict[Path, bytes]:
    (tmp_path / "out").mkdir()
    old = {tmp_path / "out" / "x.docx": b"old docx", tmp_path / "out" / "x.md": b"old md"}
    for path, data in old.items():
        path.write_bytes(data)
    return old


def _new_set(tmp_path: Path) -> dict[Path, bytes]:
    out = tmp_path / "out"
    return {
        out / "x.docx": b"new docx",
        out / "x.md": b"new md",
        out / "x.html": b"new html",
        out / "x-charts" / "01-attainment.png": b"new png",
    }


def test_a_set_is_written_whole(tmp_path):
    _previous(tmp_path)
    written = write_files(_new_set(tmp_path), inside=tmp_path / "out")
    assert [p.read_bytes() for p in written] == [b"new docx", b"new md", b"new html", b"new png"]
    assert _names(tmp_path / "out") == ["x-charts", "x.docx", "x.html", "x.md"]


def test_a_failure_midway_puts_every_previous_output_back(tmp_path, monkeypatch):
    old = _previous(tmp_path)
    real_replace = os.replace

    def replace(source, target):  # the third rename (x.html) fails: disk gone
        if str(target).endswith("x.html"):
            raise OSError(errno.EIO, "Input/output error", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match=r"x.html: cannot write \(Input/output error\)"):
        write_files(_new_set(tmp_path), inside=tmp_path / "out")
    assert {p: p.read_bytes() for p in old} == old  # x.docx and x.md: previous versions
    assert _names(tmp_path / "out") == ["x.docx", "x.md"]  # no x.html, x-charts/, temp files


def test_a_failure_while_staging_changes_nothing(tmp_path, monkeypatch):
    old = _previous(tmp_path)
    real_stage = files._stage

    def stage(path, data):
        if path.name == "x.md":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_stage(path, data)

    monkeypatch.setattr(files, "_stage", stage)
    with pytest.raises(OutputError, match="No space left on device"):
        write_files(_new_set(tmp_path), inside=tmp_path / "out")
    assert {p: p.read_bytes() for p in old} == old
    assert _names(tmp_path / "out") == ["x.docx", "x.md"]


def test_an_interrupt_during_the_renames_puts_everything_back_and_propagates(tmp_path, monkeypatch):
    old = _previous(tmp_path)
    real_replace = os.replace

    def replace(source, target):
        if str(target).endswith("01-attainment.png"):
            raise KeyboardInterrupt
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_files(_new_set(tmp_path), inside=tmp_path / "out")
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p: p.read_bytes() for p in old} == old
    assert _names(tmp_path / "out") == ["x.docx", "x.md"]


def test_a_locked_file_is_kept_and_its_new_version_saved_beside_it(tmp_path, monkeypatch):
    old = _previous(tmp_path)
    real_replace = os.replace

    def replace(source, target):  # Word holds x.md open (Windows)
        if str(target).endswith("x.md") and ".opsreport-" in str(source):
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as locked:
        write_files(_new_set(tmp_path), inside=tmp_path / "out")
    assert str(locked.value) == (
        f"{tmp_path / 'out' / 'x.md'}: the file is open in another program (Word?) or read-only; "
        "it was left as it was and the new version was saved as x (1).md "
        "(no other file of this set was replaced)"
    )
    assert {p: p.read_bytes() for p in old} == old
    assert (tmp_path / "out" / "x (1).md").read_bytes() == b"new md"
    assert _names(tmp_path / "out") == ["x (1).md", "x.docx", "x.md"]


def test_a_read_only_folder_is_a_clear_error(tmp_path, monkeypatch):
    def mkstemp(**_):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    with pytest.raises(OutputError, match=r"cannot write \(Permission denied\)"):
        atomic_write(tmp_path / "x.md", b"x")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_really_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="Permission denied"):
            atomic_write(folder / "x.md", b"x")
    finally:
        folder.chmod(0o755)


def test_modes_new_files_like_any_other_replaced_ones_keep_theirs(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.md", b"x")
        assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644  # 0o666 & ~0o022
        (tmp_path / "kept.md").write_bytes(b"old")
        (tmp_path / "kept.md").chmod(0o600)
        atomic_write(tmp_path / "kept.md", b"new")
        assert stat.S_IMODE((tmp_path / "kept.md").stat().st_mode) == 0o600
    finally:
        os.umask(umask)


# --------------------------------------------------------------------------- litter

GONE = 2**22 + 1  # above Linux's largest pid: no such process


@pytest.mark.skipif(os.name != "posix", reason="pids are checked on POSIX only")
def test_temp_files_of_a_killed_run_are_removed_by_the_next_write(tmp_path):
    stale_tmp = tmp_path / f".x.md.opsreport-{GONE}-abcd1234.tmp"
    stale_old = tmp_path / f".x.docx.opsreport-{GONE}-abcd1234.old"
    orphan_old = tmp_path / f".y.md.opsreport-{GONE}-abcd1234.old"  # its file went missing
    running = tmp_path / f".x.md.opsreport-{os.getppid()}-abcd1234.tmp"  # a live process
    ancient = tmp_path / f".x.md.opsreport-{os.getppid()}-zzzz0000.tmp"
    someone_else = tmp_path / ".x.md.other-tool-1.tmp"
    for path in (stale_tmp, stale_old, orphan_old, running, ancient, someone_else):
        path.write_bytes(b"litter")
    (tmp_path / "x.docx").write_bytes(b"docx")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(ancient, (two_days_ago, two_days_ago))
    os.symlink(tmp_path / "x.docx", tmp_path / f".z.md.opsreport-{GONE}-abcd1234.tmp")
    atomic_write(tmp_path / "x.md", b"report")
    assert _names(tmp_path) == sorted(
        [
            running.name,
            someone_else.name,
            "x.docx",
            "x.md",
            "y.md",
            f".z.md.opsreport-{GONE}-abcd1234.tmp",
        ]
    )
    assert (tmp_path / "y.md").read_bytes() == b"litter"  # the previous version put back
    assert (tmp_path / "x.docx").read_bytes() == b"docx"


def test_clean_stale_of_a_missing_folder_is_nothing(tmp_path):
    assert clean_stale(tmp_path / "missing") == []


# --------------------------------------------------------------------------- commands


def test_build_report_refuses_a_link_before_any_work(tmp_path, monkeypatch):
    from opsreport.app import build

    os.symlink(tmp_path / "nowhere.md", tmp_path / "x.md")
    monkeypatch.setattr(build, "analyze", lambda *_: pytest.fail("analysed before the check"))
    with pytest.raises(OutputError, match="symbolic link"):
        build.build_report(ZH_EXAMPLE, output=tmp_path / "x.md", formats=("md",), charts=False)


def test_build_report_writes_documents_and_charts_as_one_set(tmp_path, monkeypatch):
    from opsreport.app import build

    (tmp_path / "x-charts").mkdir()
    os.symlink(tmp_path / "elsewhere.png", tmp_path / "x-charts" / "01-attainment.png")
    with pytest.raises(OutputError, match=r"01-attainment\.png: the output is a symbolic link"):
        build.build_report(ZH_EXAMPLE, output=tmp_path / "x.md", formats=("md", "html"))
    assert _names(tmp_path) == ["x-charts"]  # neither x.md nor x.html
    os.unlink(tmp_path / "x-charts" / "01-attainment.png")
    result = build.build_report(ZH_EXAMPLE, output=tmp_path / "x.md", formats=("md", "html"))
    assert result.outputs == [tmp_path / "x.md", tmp_path / "x.html"]
    assert "01-attainment.png" in _names(tmp_path / "x-charts")


def test_plan_drafts_of_all_quarters_are_one_set(tmp_path):
    from opsreport.app.plan import build_plans

    os.symlink(tmp_path / "nowhere", tmp_path / "ecommerce-2026-zh-plan-2027Q4.md")
    with pytest.raises(OutputError, match=r"2027Q4\.md: the output is a symbolic link"):
        build_plans(ZH_EXAMPLE, [1, 2, 3, 4], output=tmp_path, formats=("md",), charts=False)
    assert _names(tmp_path) == ["ecommerce-2026-zh-plan-2027Q4.md"]
    os.unlink(tmp_path / "ecommerce-2026-zh-plan-2027Q4.md")
    written = build_plans(ZH_EXAMPLE, [1, 2, 3, 4], output=tmp_path, formats=("md",), charts=False)
    assert [p.name for p in written] == [
        f"ecommerce-2026-zh-plan-2027Q{q}.md" for q in (1, 2, 3, 4)
    ]
    with pytest.raises(OutputError, match="with several quarters, -o must be a folder"):
        build_plans(ZH_EXAMPLE, [1, 2], output=tmp_path / "one.md", formats=("md",))


def test_init_refuses_a_dangling_link_even_with_force(tmp_path):
    from opsreport.app.starter import write_starter

    os.symlink(tmp_path / "elsewhere.xlsx", tmp_path / "my.xlsx")
    for force in (False, True):
        with pytest.raises(OutputError, match=r"my\.xlsx: the output is a symbolic link"):
            write_starter(tmp_path / "my.xlsx", "en", force)
    assert not (tmp_path / "elsewhere.xlsx").exists()
    (tmp_path / "real.xlsx").write_bytes(b"mine")
    with pytest.raises(OutputError, match="the file exists; use --force"):
        write_starter(tmp_path / "real.xlsx", "en")


def test_templates_export_refuses_a_file_a_link_and_skips_what_exists(tmp_path):
    from opsreport.app.starter import export_templates

    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        export_templates(tmp_path / "file")
    folder = tmp_path / "mine"
    folder.mkdir()
    os.symlink(tmp_path / "file", folder / "report.html.j2")
    with pytest.raises(OutputError, match=r"report\.html\.j2: the output is a symbolic link"):
        export_templates(folder, force=True)
    assert _names(folder) == ["report.html.j2"]  # nothing else written
    os.unlink(folder / "report.html.j2")
    first = export_templates(folder, "en")
    assert {p.name for p in first.written} >= {"report.docx", "report.md.j2", "plan.docx"}
    again = export_templates(folder, "en")
    assert again.written == () and set(again.skipped) == set(first.written)
