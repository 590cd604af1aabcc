"""Outputs land where they are named, whole (issue 11, Deliver 2).

Symbolic links (to a file outside, to nothing, to a folder outside) where a
document, a Markdown report's chart folder or chart file, a plan draft, a starter
workbook or an exported template would be written; an output that is the input
through a link or a hard link; ``templates export`` into a file; temporary files a
killed run left behind. The promise: refused with a message naming the link (or
the input), exit 1, nothing written outside the case's folder, the input intact,
and for a set (``--format all``, ``--all-quarters``, ``templates export``) nothing
written at all. A folder the user chose that is a link (``-o out/``, out → a real
folder) is followed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from . import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce-2026-zh.xlsx"
LINK = "symbolic link"
# Temporary files of a killed run: its pid is above Linux's largest (2**22), so gone.
STALE = tuple(f".x.md.opsreport-{2**22 + 1}-k1ll3d00.{kind}" for kind in ("tmp", "old"))


def _example(folder: Path) -> Path:
    shutil.copyfile(EXAMPLE, folder / "x.xlsx")
    return folder / "x.xlsx"


def _outside(folder: Path) -> Path:
    return folder.parent / "outside"


def _link_to_outside_file(name: str):
    def make(folder: Path) -> None:
        _example(folder)
        (_outside(folder) / "notes.txt").write_text("the other file\n", encoding="utf-8")
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(_outside(folder) / "notes.txt", folder / name)

    return make


def _dangling_link(name: str):
    def make(folder: Path) -> None:
        _example(folder)
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(_outside(folder) / "new-file", folder / name)

    return make


def _chart_folder_link(folder: Path) -> None:
    _example(folder)
    os.symlink(_outside(folder), folder / "x-charts")


def _chart_file_link(folder: Path) -> None:
    _example(folder)
    (folder / "x-charts").mkdir()
    os.symlink(_outside(folder) / "chart.png", folder / "x-charts" / "01-attainment.png")


def _hard_link_of_input(folder: Path) -> None:
    os.link(_example(folder), folder / "x.docx")


def _link_to_input(folder: Path) -> None:
    os.symlink(_example(folder), folder / "x.docx")


def _chosen_folder_link(folder: Path) -> None:
    _example(folder)
    (folder / "real").mkdir()
    os.symlink(folder / "real", folder / "out")


def _written_into_linked_folder(folder: Path, output: str) -> None:
    assert (folder / "real" / "x.md").is_file(), output
    assert (folder / "out").is_symlink(), "the folder link itself is left alone"


def _plan_draft_link(folder: Path) -> None:
    _example(folder)
    (folder / "plans").mkdir()
    os.symlink(_outside(folder) / "q3.md", folder / "plans" / "x-plan-2027Q3.md")


def _no_plan_written(folder: Path, output: str) -> None:
    drafts = sorted(p.name for p in (folder / "plans").iterdir() if not p.is_symlink())
    assert drafts == [], f"a partial set of drafts was written: {drafts}"


def _mirrored_folder_link(folder: Path) -> None:
    for sub in ("a", "b"):
        (folder / "stores" / sub).mkdir(parents=True)
        shutil.copyfile(EXAMPLE, folder / "stores" / sub / f"{sub}.xlsx")
    (folder / "reports").mkdir()
    os.symlink(_outside(folder), folder / "reports" / "a")


def _templates_into_a_file(folder: Path) -> None:
    (folder / "my-templates").write_text("not a folder\n", encoding="utf-8")


def _templates_over_a_link(folder: Path) -> None:
    (folder / "my-templates").mkdir()
    (_outside(folder) / "secret.txt").write_text("keep me\n", encoding="utf-8")
    os.symlink(_outside(folder) / "secret.txt", folder / "my-templates" / "report.md.j2")


def _no_template_written(folder: Path, output: str) -> None:
    written = [p.name for p in (folder / "my-templates").iterdir() if not p.is_symlink()]
    assert written == [], f"a partial export was written: {written}"


def _templates_into_dangling_folder(folder: Path) -> None:
    os.symlink(_outside(folder) / "missing", folder / "my-templates")


def _stale_temp_files(folder: Path) -> None:
    _example(folder)
    (folder / "out").mkdir()
    for name in STALE:
        (folder / "out" / name).write_bytes(b"half a report")
    (folder / "out" / "x.md").write_text("the previous report\n", encoding="utf-8")
    (folder / "out" / ".x.md.opsreport-1-alive000.tmp").write_bytes(b"pid 1 runs")


def _stale_removed(folder: Path, output: str) -> None:
    left = sorted(p.name for p in (folder / "out").iterdir())
    assert left == [".x.md.opsreport-1-alive000.tmp", "x.md"], left
    assert "the previous report" not in (folder / "out" / "x.md").read_text(encoding="utf-8")


CASES = [
    Case("build-output-links-to-a-file-outside", _link_to_outside_file("report.docx"),
         ("build", "x.xlsx", "-o", "report.docx"), says=(LINK, "report.docx", "notes.txt")),
    Case("build-output-is-a-dangling-link", _dangling_link("report.docx"),
         ("build", "x.xlsx", "-o", "report.docx", "--no-charts"), says=(LINK, "new-file")),
    Case("build-default-output-is-a-link", _link_to_outside_file("x.docx"),
         ("build", "x.xlsx", "--no-charts"), says=(LINK, "x.docx")),
    Case("build-all-formats-one-link-nothing-written", _dangling_link("out/x.html"),
         ("build", "x.xlsx", "-f", "all", "-o", "out/", "--no-charts"), says=(LINK, "x.html"),
         verify=lambda folder, output: _only(folder / "out", ["x.html"])),
    Case("build-markdown-chart-folder-links-outside", _chart_folder_link,
         ("build", "x.xlsx", "-f", "md", "--charts"), says=(LINK, "x-charts"),
         verify=lambda folder, output: _absent(folder / "x.md")),
    Case("build-markdown-chart-file-links-outside", _chart_file_link,
         ("build", "x.xlsx", "-f", "md", "--charts"), says=(LINK, "01-attainment.png"),
         verify=lambda folder, output: _absent(folder / "x.md")),
    Case("build-output-is-a-hard-link-of-the-input", _hard_link_of_input,
         ("build", "x.xlsx", "--no-charts"), says=("refusing to overwrite the input workbook",)),
    Case("build-output-links-to-the-input", _link_to_input,
         ("build", "x.xlsx", "-o", "x.docx", "--no-charts"),
         says=("refusing to overwrite the input workbook",)),
    Case("build-into-a-folder-link-the-user-chose", _chosen_folder_link,
         ("build", "x.xlsx", "-f", "md", "-o", "out/"), exit_code=0,
         verify=_written_into_linked_folder),
    Case("build-batch-mirrored-subfolder-is-a-link", _mirrored_folder_link,
         ("build", "stores", "-o", "reports", "-f", "md"), says=(LINK, "1 built, 1 failed"),
         seconds=90),
    Case("plan-all-quarters-one-draft-is-a-link", _plan_draft_link,
         ("plan", "x.xlsx", "--all-quarters", "-f", "md", "-o", "plans/", "--no-charts"),
         says=(LINK, "x-plan-2027Q3.md"), verify=_no_plan_written),
    Case("init-over-a-dangling-link", _dangling_link("my.xlsx"), ("init", "my.xlsx"),
         says=(LINK, "my.xlsx")),
    Case("init-force-over-a-link-outside", _link_to_outside_file("my.xlsx"),
         ("init", "my.xlsx", "--force"), says=(LINK, "notes.txt")),
    Case("templates-export-into-a-file", _templates_into_a_file,
         ("templates", "export", "my-templates"), says=("my-templates", "not a folder")),
    Case("templates-export-over-a-link", _templates_over_a_link,
         ("templates", "export", "my-templates", "--force"), says=(LINK, "report.md.j2"),
         verify=_no_template_written),
    Case("templates-export-into-a-dangling-folder-link", _templates_into_dangling_folder,
         ("templates", "export", "my-templates"), says=("my-templates", "does not exist")),
    Case("build-cleans-temp-files-of-a-killed-run", _stale_temp_files,
         ("build", "x.xlsx", "-f", "md", "-o", "out/"), exit_code=0,
         changed=("out/x.md", *(f"out/{name}" for name in STALE)), verify=_stale_removed),
]  # fmt: skip


def _only(folder: Path, names: list[str]) -> None:
    present = sorted(p.name for p in folder.iterdir())
    assert present == names, f"written although one output was refused: {present}"


def _absent(path: Path) -> None:
    assert not path.exists(), f"{path} was written although its charts were refused"
