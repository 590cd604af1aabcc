"""Text from a workbook (or a file name) as data in terminals and logs.

Every line opsreport prints to a terminal or a CI log goes through
:func:`terminal_text`: C0/C1 control characters (newlines too), DEL, the Unicode
line and paragraph separators, and the bidi embeddings, overrides and isolates that
reorder what a terminal shows are written as escapes (``a\\nb``, ``\\u202e``). So user
text stays on its own line and reads as typed, and no line can start with ``::`` from
data (GitHub Actions runs such a line as a workflow command). JSON output is not
passed through it: ``json`` escapes what it must and keeps the data exact.

This module imports nothing heavy: the CLI uses it on every error line.
"""

from __future__ import annotations

import re

__all__ = ["terminal_text"]

_UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return {10: "\\n", 13: "\\r", 9: "\\t"}.get(code) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    )


def terminal_text(value: object) -> str:
    """Text for one line of terminal output: newlines, control and bidi characters
    written as escapes (a\\nb), so user text cannot break or fake a line."""
    return _UNSAFE_CHARS.sub(_escape_char, str(value))
