"""Bounds on a zip package (a .docx template, an .xlsx workbook) checked before any part is read.

A 300 KB package can expand to gigabytes, and a damaged one fails deep inside the
parser with an error that names nothing. ``check_zip`` reads only the central
directory: the number of entries, the total uncompressed size and each large
entry's compression ratio. Python's ``zipfile`` never inflates an entry beyond
the size its header declares (the CRC check fails instead), so the declared sizes
are a real bound on what a later read can cost.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

__all__ = ["DEFAULT_BOUNDS", "ZipBounds", "ZipRefused", "check_zip"]

MIB = 1024 * 1024


@dataclass(frozen=True)
class ZipBounds:
    """What an ordinary Office package stays within (the workbook loader's numbers)."""

    max_file_bytes: int = 100 * MIB
    max_entries: int = 5_000
    max_uncompressed_bytes: int = 400 * MIB
    max_entry_ratio: int = 200  # uncompressed / compressed, for entries above ratio_floor_bytes
    ratio_floor_bytes: int = MIB


DEFAULT_BOUNDS = ZipBounds()


class ZipRefused(Exception):
    """The package is refused; ``code`` says why for a program.

    ``code`` is ``too_large`` (the file itself), ``not_zip``, ``corrupt_zip``,
    ``zip_bomb`` or ``duplicate_entry``; the message says what is wrong in words,
    without the file's name (the caller adds it).
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def check_zip(
    source: bytes | IO[bytes], bounds: ZipBounds = DEFAULT_BOUNDS
) -> list[zipfile.ZipInfo]:
    """The entries of a package within ``bounds``; ZipRefused otherwise.

    Two entries with one name are refused: readers disagree on which one counts.
    """
    import io

    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if size > bounds.max_file_bytes:
        raise ZipRefused(
            f"the file is too large ({size / MIB:.0f} MB; the limit is "
            f"{bounds.max_file_bytes / MIB:.0f} MB)",
            "too_large",
        )
    head = stream.read(4)
    stream.seek(0)
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise ZipRefused("not a zip package (the file does not start like one)", "not_zip")
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ZipRefused(
            f"the file is damaged: not a complete zip package ({exc})", "corrupt_zip"
        ) from None
    if len(infos) > bounds.max_entries:
        raise ZipRefused(
            f"the file holds {len(infos)} parts (limit {bounds.max_entries})", "zip_bomb"
        )
    total = 0
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise ZipRefused(f"the part {info.filename} appears twice", "duplicate_entry")
        seen.add(info.filename)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > bounds.ratio_floor_bytes and ratio > bounds.max_entry_ratio:
            raise ZipRefused(
                f"the part {info.filename} expands {ratio:.0f}× "
                f"({info.file_size / MIB:.0f} MB): refused as a zip bomb",
                "zip_bomb",
            )
    if total > bounds.max_uncompressed_bytes:
        raise ZipRefused(
            f"the file expands to {total / MIB:.0f} MB "
            f"(limit {bounds.max_uncompressed_bytes / MIB:.0f} MB)",
            "zip_bomb",
        )
    stream.seek(0)
    return infos
