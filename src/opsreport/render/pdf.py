"""PDF: the Word document converted by LibreOffice (``soffice --headless --convert-to pdf``).

Why LibreOffice: the Word document is the report people edit, so its PDF is the same
pages (tables, fonts, the table of contents, 「第 X 页 / 共 Y 页」); it is what template
services (Carbone, docxtemplater's) use too. What a conversion promises:

- **Found or named.** ``soffice`` is the program named by the ``soffice`` argument
  (``--soffice``), else by the environment variable ``OPSREPORT_SOFFICE``, else found
  on PATH (``soffice``, ``libreoffice``) or where the installers put it (macOS,
  Windows). None: an OutputError naming the package to install, before any work.
- **Apart.** Each conversion runs in a private temporary folder with its own
  LibreOffice profile (``-env:UserInstallation``), so parallel builds never share
  or lock one; the folder is removed afterwards. LibreOffice reads a copy of the
  Word document there: nothing of the user's is open to it.
- **Bounded.** A conversion still running after the timeout (``--pdf-timeout``,
  ``OPSREPORT_PDF_TIMEOUT``, default 120 s; 0: no limit) is killed with its whole
  process group and refused.
- **Checked.** A non-zero exit, no file, an empty file or one that is not a PDF is
  refused with what LibreOffice said. The PDF then joins the build's all-or-nothing
  set of outputs (``opsreport.io.files.write_files``): a failed conversion writes
  nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from opsreport.errors import OutputError, UsageError
from opsreport.render.toc import static_toc

__all__ = [
    "DEFAULT_TIMEOUT",
    "INSTALL_HINT",
    "SOFFICE_ENV",
    "TIMEOUT_ENV",
    "PdfSettings",
    "convert_docx",
    "pdf_settings",
]

SOFFICE_ENV = "OPSREPORT_SOFFICE"
TIMEOUT_ENV = "OPSREPORT_PDF_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
# A PDF larger than this is not a report: refused instead of read into memory.
MAX_PDF_BYTES = 512 * 1024 * 1024
INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-writer; "
    "Fedora: sudo dnf install libreoffice-writer; macOS: brew install --cask libreoffice; "
    "Windows: https://www.libreoffice.org/download/) or name its soffice program with "
    f"--soffice or {SOFFICE_ENV}"
)
# Where the installers put soffice when it is not on PATH.
_KNOWN_PLACES = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_SAID_LINES = 3
_NEW_GROUP = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)  # Windows only


@dataclass(frozen=True)
class PdfSettings:
    """The LibreOffice program a conversion runs and how long it may take (None: no limit)."""

    soffice: Path
    timeout: float | None = DEFAULT_TIMEOUT


def pdf_settings(soffice: str | Path | None = None, timeout: float | None = None) -> PdfSettings:
    """The program and timeout from the arguments, else the environment, else the defaults.

    Raises OutputError when there is no LibreOffice (naming the package to install)
    and UsageError for a timeout that is not a number of seconds.
    """
    return PdfSettings(_find_soffice(soffice), _timeout(timeout))


def _timeout(given: float | None) -> float | None:
    where = "--pdf-timeout"
    if given is None:
        text = os.environ.get(TIMEOUT_ENV, "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        where = TIMEOUT_ENV
        try:
            given = float(text)
        except ValueError:
            raise UsageError(f"{TIMEOUT_ENV}={text!r}: not a number of seconds") from None
    if given != given or given < 0 or given == float("inf"):
        raise UsageError(f"{where} {given}: give seconds (0: no limit)")
    return float(given) or None


def _find_soffice(given: str | Path | None) -> Path:
    if given is None and os.environ.get(SOFFICE_ENV, "").strip():
        return _named_program(os.environ[SOFFICE_ENV].strip(), SOFFICE_ENV)
    if given is not None:
        return _named_program(str(given), "--soffice")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for place in _KNOWN_PLACES:
        if os.path.isfile(place) and os.access(place, os.X_OK):
            return Path(place)
    raise OutputError(f"PDF needs LibreOffice and no soffice was found on PATH: {INSTALL_HINT}")


def _named_program(text: str, where: str) -> Path:
    """The program a setting names: a path, or a name looked up on PATH."""
    found = shutil.which(text) if os.sep not in text and "/" not in text else None
    path = Path(found or text).expanduser()
    if not path.is_file():
        raise OutputError(f"{where} {text}: no such program; {INSTALL_HINT}")
    if not os.access(path, os.X_OK):
        raise OutputError(f"{where} {text}: not executable (chmod +x it, or name soffice itself)")
    return path


def convert_docx(docx: bytes, settings: PdfSettings, *, label: str = "the PDF") -> bytes:
    """The PDF of the Word document ``docx``, made by LibreOffice in a private folder.

    ``label`` names the output in messages (its path). Raises OutputError when the
    conversion fails, hangs past the timeout or writes something that is not a PDF.
    """
    with tempfile.TemporaryDirectory(prefix="opsreport-pdf-") as name:
        folder = Path(name)
        source = folder / "document.docx"
        # the table of contents as plain entries: LibreOffice then computes their page numbers
        source.write_bytes(static_toc(docx))
        (folder / "out").mkdir()
        said = _run(settings, source, folder, label)
        return _read_pdf(folder / "out" / "document.pdf", settings, label, said)


def _command(settings: PdfSettings, source: Path, folder: Path) -> list[str]:
    profile = (folder / "profile").resolve().as_uri()
    return [
        str(settings.soffice),
        f"-env:UserInstallation={profile}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--norestore",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(folder / "out"),
        str(source),
    ]


def _run(settings: PdfSettings, source: Path, folder: Path, label: str) -> str:
    """Run the conversion; returns what LibreOffice printed (its last lines)."""
    log = folder / "soffice.log"
    with open(log, "wb") as out:
        try:
            process = subprocess.Popen(
                _command(settings, source, folder),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=folder,
                # a process group of its own, so that a timeout stops all of it
                start_new_session=sys.platform != "win32",
                creationflags=_NEW_GROUP,
            )
        except OSError as exc:
            raise OutputError(
                f"{label}: could not start LibreOffice ({settings.soffice}: "
                f"{exc.strerror or exc}); {INSTALL_HINT}"
            ) from None
        try:
            code = process.wait(timeout=settings.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise OutputError(
                f"{label}: LibreOffice ({settings.soffice}) was still converting after "
                f"{settings.timeout:g} s and was stopped; nothing was written (raise the limit "
                f"with --pdf-timeout or {TIMEOUT_ENV}, 0: none)"
            ) from None
        finally:
            if process.poll() is None:  # interrupted (Ctrl-C): leave nothing running
                _kill_group(process)
    said = _last_lines(log)
    if code != 0:
        raise OutputError(
            f"{label}: LibreOffice ({settings.soffice}) failed with exit code {code}"
            f"{_quote(said)}; nothing was written"
        )
    return said


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the converter and every process it started (soffice runs soffice.bin)."""
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                capture_output=True,
                check=False,
            )
        else:
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _read_pdf(path: Path, settings: PdfSettings, label: str, said: str) -> bytes:
    try:
        size = os.lstat(path).st_size
    except FileNotFoundError:
        raise OutputError(
            f"{label}: LibreOffice ({settings.soffice}) wrote no PDF{_quote(said)}; "
            "nothing was written (can it open the Word document? see docs/templates.md)"
        ) from None
    if not path.is_file() or path.is_symlink():
        raise OutputError(
            f"{label}: LibreOffice wrote something that is not a file; nothing was written"
        )
    if size > MAX_PDF_BYTES:
        raise OutputError(
            f"{label}: LibreOffice wrote {size} bytes, more than the {MAX_PDF_BYTES} a PDF may "
            "have; nothing was written"
        )
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        what = "an empty file" if not data else "a file that is not a whole PDF"
        raise OutputError(
            f"{label}: LibreOffice ({settings.soffice}) wrote {what}{_quote(said)}; "
            "nothing was written"
        )
    return data


def _last_lines(log: Path) -> str:
    """The last lines LibreOffice printed, one line, minus its harmless Java warning."""
    try:
        text = log.read_bytes()[-4000:].decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and "javaldx" not in line and not line.startswith("convert ")
    ]
    return " / ".join(lines[-_SAID_LINES:])


def _quote(said: str) -> str:
    return f" (it said: {said})" if said else ""
