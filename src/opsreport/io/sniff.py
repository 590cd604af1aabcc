"""What a file really is, told before any part of it is parsed.

Magic bytes tell an .xls, an encrypted workbook, a CSV or a Word file from an .xlsx;
the zip directory is checked against the limits (file size, entries, expanded size,
expansion ratio, duplicate part names) so that a zip bomb is refused in milliseconds.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from opsreport.core.records import Diagnostic, Location
from opsreport.io.limits import Limits, size_text

__all__ = [
    "sniff_file",
]


def sniff_file(path: Path, limits: Limits) -> list[Diagnostic]:
    """What the file really is, by magic bytes and zip structure, before parsing it."""
    where = Location(str(path))

    def error(message: str, hint: str, code: str) -> list[Diagnostic]:
        return [Diagnostic("error", message, where, hint, code)]

    if not path.exists():
        return error("no such file", "check the path", "missing_file")
    if path.is_dir():
        return error("a folder, not a workbook", "give the path of an .xlsx file", "is_directory")
    size = path.stat().st_size
    if size == 0:
        return error(
            "the file is empty (0 bytes)", "save the workbook again from Excel", "empty_file"
        )
    if size > limits.max_file_bytes:
        return error(
            f"the file is too large ({size_text(size)}; the limit is {size_text(limits.max_file_bytes)})",
            "remove unused sheets or images",
            "file_too_large",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            return error(
                "the workbook is password-protected (encrypted)",
                "open it in Excel, remove the password (File › Info › Protect Workbook) and save",
                "encrypted",
            )
        return error(
            "an old Excel 97–2003 .xls file (or another OLE document), not .xlsx",
            "open it in Excel or LibreOffice and save as Excel Workbook (.xlsx)",
            "xls",
        )
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        suffix = path.suffix.lower()
        if suffix in {".csv", ".txt", ".tsv"} or _looks_like_text(path):
            return error(
                "a CSV or text file, not an Excel workbook",
                "open it in Excel or LibreOffice and save as Excel Workbook (.xlsx)",
                "not_xlsx_text",
            )
        return error(
            "not an Excel workbook (the file does not start like an .xlsx)",
            "save the workbook from Excel or LibreOffice as .xlsx",
            "not_xlsx",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return error(
            f"the file is damaged: not a complete .xlsx ({exc})",
            "the download or copy may have been cut off; save it again from Excel",
            "corrupt_zip",
        )
    if len(infos) > limits.max_zip_entries:
        return error(
            f"the file holds {len(infos):,} parts (limit {limits.max_zip_entries:,})",
            "this is not an ordinary workbook; save a clean copy from Excel",
            "zip_bomb",
        )
    seen: set[str] = set()
    for info in infos:  # part names are case-insensitive in Office files
        if info.filename.casefold() in seen:
            return error(
                f"the file holds two parts named {info.filename} (a program may read either one)",
                "this is not an ordinary workbook; save a clean copy from Excel",
                "duplicate_part",
            )
        seen.add(info.filename.casefold())
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_entry_ratio:
            return error(
                f"the part {info.filename} expands {ratio:,.0f}× ({size_text(info.file_size)}): refused as a zip bomb",
                "this is not an ordinary workbook; save a clean copy from Excel",
                "zip_bomb",
            )
    if total > limits.max_uncompressed_bytes:
        return error(
            f"the file expands to {size_text(total)} (limit {size_text(limits.max_uncompressed_bytes)})",
            "this is not an ordinary workbook; save a clean copy from Excel",
            "zip_bomb",
        )
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        kind = (
            "a Word document"
            if "word/document.xml" in names
            else "a PowerPoint file"
            if "ppt/presentation.xml" in names
            else "an OpenDocument spreadsheet (.ods)"
            if "content.xml" in names
            else "a zip archive"
        )
        return error(
            f"{kind}, not an Excel workbook",
            "give the .xlsx file, or save this one as Excel Workbook (.xlsx)",
            "not_xlsx",
        )
    return []


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(4096)
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.decode("gb18030")
        except UnicodeDecodeError:
            return False
    return True
