"""The loader's bounds: what makes a hostile or runaway file fail fast, in bounded memory.

``load_report(path, limits=Limits(…))`` can lower or raise them; docs/workbook.md §6.1
and §6.2 list each one with its refusal, and a test checks the list is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "size_text",
]


@dataclass(frozen=True)
class Limits:
    """Bounds that make a hostile or runaway file fail fast in bounded memory."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_zip_entries: int = 5_000
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    max_entry_ratio: int = 200  # uncompressed / compressed, for entries above 1 MB
    max_rows: int = 200_000
    max_columns: int = 200
    header_search_rows: int = 10
    max_merged_ranges: int = 100_000  # per sheet; each fills only the cells read
    max_style_records: int = 131_072  # of each kind (cell formats, fonts …): 2 × Excel's 65,490
    max_style_elements: int = 1_000_000  # XML elements of the style table, all kinds
    max_shared_strings: int = 1_000_000  # texts in the shared-string table
    max_shared_strings_bytes: int = 100 * 1024 * 1024  # its XML, once expanded


DEFAULT_LIMITS = Limits()


def size_text(count: int) -> str:
    """A byte count as messages give it: 105 MB (2**20 bytes a MB), 17.3 KB."""
    if count >= 2**20:
        return f"{count / 2**20:,.0f} MB"
    return f"{count / 1024:,.1f} KB"
