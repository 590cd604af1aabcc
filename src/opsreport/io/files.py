"""Writing outputs: whole, where they are named, never through a symbolic link.

What every command that writes a file (``build``, ``plan``, ``init``, ``templates
export``) promises, and how:

- **Whole.** Each file is written to a temporary file in its own folder, flushed,
  then renamed over its name: a reader sees the old file or the new one, never part
  of one. A *set* of files (a report's docx, md, html and chart files; the four
  drafts of ``plan --all-quarters``) is all-or-nothing: every file is staged first,
  then all are renamed into place; if anything fails, the files already replaced
  get their previous version back, new ones are removed, and so are the folders
  this write created.
- **Never through a link.** An output whose own name is a symbolic link (to a file,
  to nothing, to a folder) is refused: OutputError names the link and its target.
  opsreport neither writes through it nor replaces it (a link you made on purpose
  is yours to remove). Folders the user named are followed as the system follows
  them (``-o out/`` where ``out`` links to a folder, or any folder above the
  output): that is a setup, not an attack. Folders opsreport names itself below
  them (a Markdown report's ``<stem>-charts/``, the subfolders a batch build
  mirrors) must be real folders: a link there is refused too.
- **Never over the input.** An output that is the input workbook, by name, through
  a link or as a hard link of it (same device and inode) is refused.
- **No litter.** Temporary files are named ``.<name>.opsreport-<pid>-<random>.tmp``
  (staged) and ``….old`` (the previous version, kept until the whole set is in
  place). A run killed midway leaves them; the next write into that folder removes
  those whose process is gone (or that are older than a day), and puts a previous
  version back if its file is missing.
- **Locked files.** A file that cannot be replaced because another program holds it
  (Word on Windows) is left as it was, nothing else of its set is replaced, the
  new version is saved beside it under a free name, and OutputError says so.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from opsreport.errors import OutputError

__all__ = ["OutputError", "atomic_write", "check_target", "clean_stale", "write_files"]

TEMP_MARK = "opsreport"
# A temporary file of a run whose process is gone, or this old, is litter.
STALE_SECONDS = 24 * 3600
# The output's name in a temporary name is cut to this many bytes (names end at 255).
_NAME_BYTES = 200
_TEMP_NAME = re.compile(
    rf"^\.(?P<name>.+)\.{TEMP_MARK}-(?P<pid>\d+)-[A-Za-z0-9_]+\.(?P<kind>tmp|old)$"
)


def atomic_write(path: Path, data: bytes, *, protect: Iterable[Path] = ()) -> Path:
    """Write ``data`` to ``path`` via a temporary file renamed into place.

    ``path``'s folder is followed as given; ``path`` itself must not be a link, nor
    a protected file (the input workbook). See the module docstring.
    """
    path = Path(path)
    return write_files({path: data}, inside=path.parent, protect=protect)[0]


def write_files(
    files: Mapping[Path, bytes], *, inside: Path, protect: Iterable[Path] = ()
) -> list[Path]:
    """Write every file of a set, all or nothing; returns the paths written, in order.

    ``inside`` is the folder the user chose (created if missing, followed if it is a
    link); every file must lie under it, and folders between it and a file are
    opsreport's own: created when missing, refused when they are links.
    """
    inside = Path(inside)
    protect = tuple(Path(p) for p in protect)
    paths = [Path(p) for p in files]
    for path in paths:
        check_target(path, inside=inside, protect=protect)
    created: list[Path] = []
    staged: dict[Path, Path] = {}
    replaced: list[tuple[Path, Path | None]] = []
    try:
        created += _make_folders(inside, inside)
        for path in paths:
            created += _make_folders(path.parent, inside)
        for folder in dict.fromkeys(path.parent for path in paths):
            clean_stale(folder)
        for path in paths:
            staged[path] = _stage(path, files[path])
        for path in paths:
            backup = _replace(staged[path], path)
            del staged[path]
            replaced.append((path, backup))
    except BaseException as exc:
        locked = _undo(replaced, staged, created, exc)
        if isinstance(exc, OutputError) or not isinstance(exc, OSError):
            raise
        if locked is not None:
            raise locked from None
        raise OutputError(_os_problem(exc)) from None
    for _, backup in replaced:
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)
    return paths


def check_target(path: Path, *, inside: Path | None = None, protect: Iterable[Path] = ()) -> None:
    """Refuse, before any work, an output that is a protected file or a link.

    ``inside`` (default: ``path``'s folder) is followed; each existing folder below
    it on the way to ``path``, and ``path`` itself, must not be a symbolic link.
    """
    path = Path(path)
    inside = Path(inside) if inside is not None else path.parent
    for protected in protect:
        if _same_file(path, Path(protected)):
            raise OutputError(
                f"{path}: refusing to overwrite the input workbook; choose another output with -o"
            )
    try:
        below = path.relative_to(inside)
    except ValueError:
        raise OutputError(f"{path}: not inside {inside}") from None
    if os.path.islink(inside) and not inside.exists():
        raise OutputError(
            f"{inside}: a link to a folder that does not exist (to {os.readlink(inside)}); "
            "create that folder or choose another output"
        )
    step = inside
    for part in below.parts:
        step = step / part
        try:
            info = os.lstat(step)
        except FileNotFoundError:
            return  # nothing below a missing folder exists yet
        except OSError as exc:
            raise OutputError(f"{step}: cannot be written ({exc.strerror or exc})") from None
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(_link_refusal(step, is_output=step == path))
        if step != path and not stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{step}: is a file, not a folder; move it away or choose another -o")
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISDIR(os.lstat(path).st_mode):
            raise OutputError(f"{path}: is a folder; choose a file name (or -o {path}/)")


def exists(path: Path) -> bool:
    """Whether anything is at ``path``, a dangling link included (``Path.exists`` says no)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def clean_stale(folder: Path) -> list[Path]:
    """Remove opsreport's temporary files a killed run left in ``folder``; returns them.

    Only names of the form ``.<name>.opsreport-<pid>-<random>.tmp|.old`` that are
    regular files and whose process is gone (or that are older than a day). A
    previous version (``.old``) whose file is missing is put back instead.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        pid = int(match["pid"])
        if not stat.S_ISREG(info.st_mode) or pid == os.getpid():
            continue
        if not (_process_gone(pid) or now - info.st_mtime > STALE_SECONDS):
            continue
        litter = Path(entry.path)
        target = litter.with_name(match["name"])
        with contextlib.suppress(OSError):
            if match["kind"] == "old" and not exists(target):
                if len(match["name"].encode()) > _NAME_BYTES - 4:
                    continue  # its name was shortened: where it belongs is unsure; leave it
                os.replace(litter, target)
            else:
                os.unlink(litter)
            removed.append(litter)
    return removed


# --------------------------------------------------------------------------- inside


def _same_file(path: Path, protected: Path) -> bool:
    """``path`` names ``protected``: the same name, resolved, or the same inode."""
    try:
        if os.path.abspath(path) == os.path.abspath(protected):
            return True
        if path.resolve() == protected.resolve():
            return True
        mine, theirs = os.stat(path), os.stat(protected)
    except (OSError, RuntimeError):
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def _link_refusal(link: Path, *, is_output: bool) -> str:
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    what = "output" if is_output else "folder"
    return (
        f"{link}: the {what} is a symbolic link (to {target}); opsreport never writes through "
        "a link — remove it or choose another output"
    )


def _make_folders(folder: Path, inside: Path) -> list[Path]:
    """Create ``folder`` and missing folders above it; returns those created, outermost first.

    ``mkdir`` never follows a link at the name it creates: a link that appears there
    meanwhile makes it fail, and ``check_target`` refuses it on the next look.
    """
    missing: list[Path] = []
    step = folder
    while not exists(step):
        missing.append(step)
        if step.parent == step:
            break
        step = step.parent
    created: list[Path] = []
    for directory in reversed(missing):
        try:
            os.mkdir(directory)
        except FileNotFoundError:
            raise OutputError(
                f"{directory}: cannot create this folder (a folder above it is missing, "
                "or a link to nothing)"
            ) from None
        except FileExistsError:
            if not directory.is_dir() or (
                directory != inside and inside in directory.parents and directory.is_symlink()
            ):
                raise OutputError(
                    f"{directory}: appeared as a file or a link while opsreport was writing"
                ) from None
            continue
        created.append(directory)
    return created


def _temp_prefix(path: Path) -> str:
    """``.<name>.opsreport-<pid>-``, the name shortened to keep within 255 bytes."""
    name = path.name.encode()[:_NAME_BYTES].decode(errors="ignore")
    return f".{name}.{TEMP_MARK}-{os.getpid()}-"


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed, with ``path``'s mode."""
    handle, name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _default_mode(path))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _replace(temporary: Path, path: Path) -> Path | None:
    """Rename ``temporary`` over ``path``; returns where the previous version is kept.

    The previous version is kept as a hard link (``path`` never goes missing); where
    the file system has none, it is renamed away first. A PermissionError (a file
    open in Word on Windows) puts the temporary file back in the staged set's hands.
    """
    backup: Path | None = None
    if exists(path):
        backup = _backup_name(path)
        try:
            os.link(path, backup)  # (path is no link: check_target made sure)
        except (OSError, NotImplementedError):
            os.replace(path, backup)
    try:
        os.replace(temporary, path)
    except BaseException as exc:
        if backup is not None and not exists(path):
            os.replace(backup, path)
        elif backup is not None:
            os.unlink(backup)
        if isinstance(exc, PermissionError):
            raise _Locked(path, temporary) from None
        raise
    return backup


def _backup_name(path: Path) -> Path:
    while True:
        candidate = path.with_name(f"{_temp_prefix(path)}{os.urandom(4).hex()}.old")
        if not exists(candidate):
            return candidate


class _Locked(OSError):
    """``path`` could not be replaced; its new version waits in ``temporary``."""

    def __init__(self, path: Path, temporary: Path):
        super().__init__(f"{path}: locked")
        self.path = path
        self.temporary = temporary


def _undo(
    replaced: list[tuple[Path, Path | None]],
    staged: dict[Path, Path],
    created: list[Path],
    exc: BaseException,
) -> OutputError | None:
    """Put back what a failed set write changed; for a locked file, keep its new version
    under a free name and return the error that says so."""
    if isinstance(exc, _Locked):
        staged.pop(exc.path, None)  # its new version is kept, below
    for path, backup in reversed(replaced):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, path)
            else:
                os.unlink(path)
    for temporary in staged.values():
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(folder)
    locked: OutputError | None = None
    if isinstance(exc, _Locked):
        others = " (no other file of this set was replaced)" if replaced or staged else ""
        try:
            fallback = _free_name(exc.path)
            os.replace(exc.temporary, fallback)
        except (OSError, OutputError):
            with contextlib.suppress(OSError):
                os.unlink(exc.temporary)
            locked = OutputError(
                f"{exc.path}: the file is open in another program (Word?) or read-only; "
                f"it was left as it was{others}"
            )
        else:
            locked = OutputError(
                f"{exc.path}: the file is open in another program (Word?) or read-only; it was "
                f"left as it was and the new version was saved as {fallback.name}{others}"
            )
    return locked


def _os_problem(exc: OSError) -> str:
    where = exc.filename or "output"
    return f"{where}: cannot write ({exc.strerror or exc})"


def _default_mode(path: Path) -> int:
    """The mode of the file being replaced, else what a new file gets (mkstemp makes 0600)."""
    try:
        info = os.lstat(path)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        return info.st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _free_name(path: Path) -> Path:
    """``report (1).docx``, ``report (2).docx`` … the first name nothing uses."""
    for number in range(1, 1000):
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        if not exists(candidate):
            return candidate
    raise OutputError(f"{path}: no free file name next to it")


def _process_gone(pid: int) -> bool:
    """Whether no process ``pid`` runs here (on Windows: unknown, so False; age decides)."""
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False
