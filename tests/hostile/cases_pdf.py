"""``--format pdf``: LibreOffice as a hostile program (issue 15, Deliver 2).

A fake ``soffice`` (a Python script, fast and deterministic) named with ``--soffice``
sleeps for ever (and starts a child that does too), exits 1, writes nothing while
exiting 0 (what LibreOffice does when it cannot load a file), writes garbage, an
empty file or a PDF cut short; the program named does not exist or cannot be run;
the PDF's name is a symbolic link; the folder cannot be written. The promise: a
message saying what happened, exit 1, no traceback, nothing written (the Word
document of ``-f docx -f pdf`` neither: one all-or-nothing set), nothing outside,
the input intact, LibreOffice never given the user's folder. A fake that converts
is followed by a build and a plan whose PDF is written whole.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from . import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce-2026-zh.xlsx"
# The smallest file the converter's check accepts as a whole PDF.
TINY_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MODES = ("good", "sleep", "exit1", "nothing", "garbage", "empty", "truncated")

_FAKE = """#!{python}
# A fake LibreOffice for opsreport's tests: mode {mode!r}.
import json, os, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
with open(os.path.join(here, "soffice-calls.jsonl"), "a", encoding="utf-8") as log:
    log.write(json.dumps({{"args": args, "cwd": os.getcwd(), "pid": os.getpid()}}) + "\\n")
mode = {mode!r}
outdir = args[args.index("--outdir") + 1]
source = args[-1]
target = os.path.join(outdir, os.path.splitext(os.path.basename(source))[0] + ".pdf")
if mode == "sleep":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    with open(os.path.join(here, "soffice-child.pid"), "w") as f:
        f.write(str(child.pid))
    time.sleep(3600)
elif mode == "exit1":
    sys.stderr.write("Error: source file could not be loaded\\n")
    sys.exit(1)
elif mode == "nothing":
    print("Error: source file could not be loaded")
elif mode in ("garbage", "empty", "truncated"):
    data = {{"garbage": b"<html>not a pdf</html>\\n", "empty": b"", "truncated": b"%PDF-1.4\\n1 0 obj"}}
    with open(target, "wb") as f:
        f.write(data[mode])
else:
    with open(source, "rb") as f:
        assert f.read(2) == b"PK", "not a Word document"
    with open(target, "wb") as f:
        f.write({pdf!r})
"""


def write_fake_soffice(path: Path, mode: str) -> Path:
    """A fake ``soffice`` at ``path`` behaving as ``mode`` (one of MODES); returns it."""
    assert mode in MODES, mode
    path.write_text(_FAKE.format(python=sys.executable, mode=mode, pdf=TINY_PDF), encoding="utf-8")
    path.chmod(0o755)
    return path


def fake_calls(folder: Path) -> list[dict[str, object]]:
    """What the fake beside ``folder``'s soffice was called with, one entry per run."""
    log = folder / "soffice-calls.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _with_fake(mode: str, *, old_pdf: bool = False):
    def make(folder: Path) -> None:
        shutil.copyfile(EXAMPLE, folder / "x.xlsx")
        write_fake_soffice(folder / "soffice", mode)
        if old_pdf:
            (folder / "x.pdf").write_bytes(b"%PDF-1.4 the previous version\n%%EOF\n")
            (folder / "x.docx").write_bytes(b"the previous Word document")

    return make


def _nothing_written(folder: Path, output: str) -> None:
    left = sorted(p.name for p in folder.iterdir() if p.suffix in {".pdf", ".docx", ".tmp", ".old"})
    assert not left, f"written: {left}\n{output}"
    _converter_was_apart(folder, output)


def _converter_was_apart(folder: Path, output: str) -> None:
    """LibreOffice ran in a private folder with its own profile, both removed after."""
    for call in fake_calls(folder):
        args = [str(a) for a in call["args"]]  # type: ignore[union-attr]
        profile = next(a for a in args if a.startswith("-env:UserInstallation=file://"))
        private = Path(str(call["cwd"]))
        assert private != folder and folder not in private.parents, output
        assert str(private) in profile and not private.exists(), (profile, output)
        assert Path(args[-1]).parent == private, args


def _killed(folder: Path, output: str) -> None:
    _nothing_written(folder, output)
    child = int((folder / "soffice-child.pid").read_text())
    for _ in range(200):  # SIGKILL is delivered, and init reaps, a little later
        if not _running(child):
            return
        time.sleep(0.05)
    raise AssertionError(f"the converter's child {child} still runs\n{output}")


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for init to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


def _pdf_written(*names: str):
    def verify(folder: Path, output: str) -> None:
        for name in names:
            assert (folder / name).read_bytes() == TINY_PDF, name
        _converter_was_apart(folder, output)
        assert not [p for p in folder.iterdir() if p.suffix in {".tmp", ".old"}], output

    return verify


def _link_to_outside(folder: Path) -> None:
    _with_fake("good")(folder)
    (folder.parent / "outside" / "notes.txt").write_text("the other file\n", encoding="utf-8")
    os.symlink(folder.parent / "outside" / "notes.txt", folder / "x.pdf")


def _not_executable(folder: Path) -> None:
    _with_fake("good")(folder)
    (folder / "soffice").chmod(0o644)


def _file_for_folder(folder: Path) -> None:
    _with_fake("good")(folder)
    (folder / "afile").write_text("a file, not a folder\n", encoding="utf-8")


BUILD = ("build", "x.xlsx", "-f", "pdf", "--soffice", "{dir}/soffice", "-q")
STOPPED = "was still converting after 2 s and was stopped; nothing was written"
TRIED = "nothing was written"

CASES = [
    Case("soffice-sleeps-forever", _with_fake("sleep"), (*BUILD, "--pdf-timeout", "2"),
         says=(STOPPED, "--pdf-timeout", "OPSREPORT_PDF_TIMEOUT"), seconds=90, verify=_killed),
    Case("soffice-exits-1", _with_fake("exit1"), BUILD,
         says=("failed with exit code 1", "source file could not be loaded", TRIED),
         verify=_nothing_written, seconds=60),
    Case("soffice-writes-nothing", _with_fake("nothing"), BUILD,
         says=("wrote no PDF", "source file could not be loaded", TRIED),
         verify=_nothing_written, seconds=60),
    Case("soffice-writes-garbage", _with_fake("garbage"), BUILD,
         says=("a file that is not a whole PDF", TRIED), verify=_nothing_written, seconds=60),
    Case("soffice-writes-an-empty-file", _with_fake("empty"), BUILD,
         says=("an empty file", TRIED), verify=_nothing_written, seconds=60),
    Case("soffice-writes-half-a-pdf", _with_fake("truncated"), BUILD,
         says=("not a whole PDF", TRIED), verify=_nothing_written, seconds=60),
    # -f docx -f pdf is one set: the conversion fails, the Word document is not written either,
    # and the previous versions stay as they were
    Case("failed-pdf-writes-no-docx", _with_fake("exit1", old_pdf=True),
         ("build", "x.xlsx", "-f", "docx", "-f", "pdf", "--soffice", "{dir}/soffice", "-q"),
         says=("failed with exit code 1",), seconds=60),
    Case("plan-soffice-sleeps-forever", _with_fake("sleep"),
         ("plan", "x.xlsx", "--all-quarters", "-f", "pdf", "--soffice", "{dir}/soffice",
          "--pdf-timeout", "2", "-o", "{dir}/plans/", "-q"),
         says=(STOPPED,), seconds=90),
    Case("no-such-soffice", _with_fake("good"),
         ("build", "x.xlsx", "-f", "pdf", "--soffice", "{dir}/no-soffice-here"),
         says=("no such program", "apt-get install libreoffice-writer",
               "brew install --cask libreoffice"), seconds=20),
    Case("soffice-not-executable", _not_executable, BUILD,
         says=("not executable",), seconds=20),
    Case("negative-timeout", _with_fake("good"), (*BUILD, "--pdf-timeout", "-1"),
         exit_code=2, says=("--pdf-timeout",), seconds=20),
    Case("pdf-name-is-a-link", _link_to_outside, BUILD,
         says=("x.pdf: the output is a symbolic link", "never writes through a link"),
         seconds=20),
    Case("pdf-folder-is-a-file", _file_for_folder, (*BUILD, "-o", "{dir}/afile/x.pdf"),
         says=("afile/x.pdf: cannot be written (Not a directory)",), seconds=20),
    # a fake that converts: the build's PDF and the plan's are written whole, and the
    # converter saw only a copy in a folder of its own
    Case("fake-soffice-converts", _with_fake("good"), BUILD, exit_code=0,
         says=("wrote x.pdf",), changed=("x.pdf",), seconds=60, verify=_pdf_written("x.pdf")),
    Case("fake-soffice-converts-plan", _with_fake("good"),
         ("plan", "x.xlsx", "-Q", "Q1", "-f", "pdf", "-f", "md", "--soffice", "{dir}/soffice",
          "-q", "--no-charts"),
         exit_code=0, says=("x-plan-2027Q1.pdf",), seconds=60,
         verify=_pdf_written("x-plan-2027Q1.pdf")),
]  # fmt: skip

if sys.platform == "linux" and os.path.isdir("/sys/kernel"):
    # a folder nobody may write, even root: sysfs. The conversion succeeds, the write fails.
    CASES.append(
        Case(
            "pdf-folder-not-writable",
            _with_fake("good"),
            (*BUILD, "-o", "/sys/x.pdf"),
            says=("cannot write",),
            seconds=60,
        )
    )
