"""Finding templates: the template folders, the names a template may have, and
reading a template only from inside the folder it was found in.

Templates are found in the user's ``--template`` folder first, then in the
package's ``templates/<lang>/``, then ``templates/common/``; they are read
through the installed package, never through a path into the repository.
A symbolic link that leads out of its template folder is refused.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from opsreport.errors import TemplateProblem
from opsreport.io.zipbounds import DEFAULT_BOUNDS

__all__ = [
    "MAX_TEXT_TEMPLATE_BYTES",
    "TEMPLATE_NAMES",
    "bundled_templates",
    "find_template",
    "folder_loader_class",
    "inside_folder",
    "inspect_template_dir",
    "read_template_package",
    "template_dirs",
]


def bundled_templates() -> Path:
    return Path(str(resources.files("opsreport") / "templates"))


def template_dirs(lang: str, user_dir: Path | None = None) -> list[Path]:
    base = bundled_templates()
    dirs = [base / lang, base / "common"]
    if user_dir is not None:
        dirs.insert(0, Path(user_dir))
    return dirs


TEMPLATE_NAMES = (
    "report.docx",
    "plan.docx",
    "report.md.j2",
    "report.html.j2",
    "plan.md.j2",
    "plan.html.j2",
    "deck.pptx",
)


def inspect_template_dir(folder: Path) -> list[str]:
    """What is wrong with a ``--template`` folder: errors raise, notices are returned.

    A misspelt path or a folder of wrongly named files would otherwise fall back on
    the bundled templates without a word, and the user would take the result for
    their own format.
    """
    folder = Path(folder)
    if not folder.exists():
        raise TemplateProblem(
            f"the template folder {folder} does not exist — "
            f"create it with `opsreport templates export {folder}`"
        )
    if not folder.is_dir():
        raise TemplateProblem(
            f"--template takes a folder, not a file ({folder}): put your {folder.name} in a "
            f"folder and give that folder (see `opsreport templates export`)"
        )
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise TemplateProblem(
            f"the template folder {folder} cannot be read ({exc.strerror or exc})"
        ) from None
    for entry in entries:
        if entry.name in TEMPLATE_NAMES:
            inside_folder(entry, folder)  # a link out of the folder: refused before any work
    present = {p.name for p in entries if p.is_file()}
    if present & set(TEMPLATE_NAMES):
        return []
    lowered = {name.lower(): name for name in present}
    near = [f"{lowered[n.lower()]} → {n}" for n in TEMPLATE_NAMES if n.lower() in lowered]
    hint = f"; rename {', '.join(near)}" if near else ""
    return [
        f"the template folder {folder} holds none of {', '.join(TEMPLATE_NAMES)} "
        f"(names are exact), so the bundled templates are used{hint}"
    ]


def inside_folder(path: Path | str, folder: Path | str) -> str:
    """The real location of ``path``, which must stay inside ``folder``'s real location.

    A symbolic link (of the file, or of a folder on its way) may point anywhere;
    a template reached through one that leads out of its template folder would
    copy any file of the machine into the report, so it is a TemplateProblem. A
    link that stays inside the folder is followed. The folder itself may be a link.
    """
    real_folder = os.path.realpath(folder)
    real = os.path.realpath(path)
    if os.path.commonpath([real, real_folder]) != real_folder:
        raise TemplateProblem(
            f"{path}: leads outside the template folder {folder} (through a symbolic link, "
            f"to {real}); templates are read only from inside their folder — copy the file "
            "into the folder instead of linking to it",
            template=str(path),
        )
    return real


def read_template_package(template: Path) -> bytes:
    """A Word or PowerPoint template's bytes, read once from inside its folder and within the
    workbook bounds' file size (a TemplateProblem naming it otherwise); the caller checks
    the zip, with the advice of its own program."""
    real = inside_folder(template, template.parent)
    limit = DEFAULT_BOUNDS.max_file_bytes
    try:
        with open(real, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                raise TemplateProblem(
                    f"{template}: the file is too large ({size / 2**20:.0f} MB; the limit is "
                    f"{limit / 2**20:.0f} MB) — remove large pictures from it",
                    template=str(template),
                )
            return stream.read(limit + 1)  # it may have grown since
    except OSError as exc:
        raise TemplateProblem(
            f"{template}: cannot be read ({exc.strerror or exc})", template=str(template)
        ) from None


def find_template(name: str, lang: str, user_dir: Path | None = None) -> Path:
    """The first ``name`` in the template folders, as named there (its real file stays inside)."""
    for directory in template_dirs(lang, user_dir):
        candidate = directory / name
        if os.path.lexists(candidate) and os.path.isfile(inside_folder(candidate, directory)):
            return candidate
    raise TemplateProblem(f"no template {name!r} for language {lang!r}")


# Larger text templates are not templates someone wrote (a linked log, a pasted dump).
MAX_TEXT_TEMPLATE_BYTES = 5 * 1024 * 1024


def folder_loader_class() -> type:
    from jinja2 import FileSystemLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    class FolderLoader(FileSystemLoader):
        """FileSystemLoader that reads a template only if its real path stays inside the
        folder it was found in (Jinja's refuses ``..`` and absolute names but follows
        symbolic links anywhere), and only UTF-8 text of a sane size."""

        def get_source(
            self, environment: Any, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            pieces = split_template_path(template)
            for searchpath in self.searchpath:
                filename = posixpath.join(searchpath, *pieces)  # no drive letters (Jinja's way)
                if os.path.lexists(filename):
                    real = inside_folder(filename, searchpath)
                    if os.path.isfile(real):
                        break
            else:
                raise TemplateNotFound(template)
            size = os.path.getsize(real)
            if size > MAX_TEXT_TEMPLATE_BYTES:
                raise TemplateProblem(
                    f"{filename}: {size / 2**20:.0f} MB is too large for a template "
                    f"(limit {MAX_TEXT_TEMPLATE_BYTES // 2**20} MB)",
                    template=filename,
                )
            with open(real, "rb") as stream:
                raw = stream.read()
            try:
                contents = raw.decode(self.encoding)
            except UnicodeDecodeError as exc:
                raise TemplateProblem(
                    f"{filename}: not UTF-8 text (byte {raw[exc.start]:#04x} at position "
                    f"{exc.start}); save the template as UTF-8",
                    template=filename,
                ) from None
            mtime = os.path.getmtime(real)

            def uptodate() -> bool:
                try:
                    return os.path.realpath(filename) == real and os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return contents, os.path.normpath(filename), uptodate

    return FolderLoader
