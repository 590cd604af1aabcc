"""docxtpl's ``patch_xml``, the same result sooner: its passes that cannot match are skipped.

Before Jinja compiles a Word template, docxtpl rewrites the template's XML in some twenty
``re.sub`` passes (tags split over runs, ``{%p``/``{%tr``/``{%tc``/``{%r`` tags, colspan,
cellbg, vm, hm, ``{%-``, …). Most are written with tempered tokens
(``(?:(?!<w:tc[ >]).)*``) that take 10–35 ms each over a 150 KB report body even when
the template has no such tag: 0.15–0.25 s of every Word build, 0.16 s more for each plan
draft.

A pass is skipped when its text holds none of the literals every match of its pattern
contains (``colspan``, ``{%tc `` or ``{{tc ``…): a pattern that matches nothing leaves
``re.sub``'s input as it was, so the output is the same string. docxtpl's own function
runs (its code, with this module's ``re`` in its globals), so a docxtpl release that
changes a pass is followed, and a pattern not in :data:`_NEEDS` runs as it is. A
template's patched text is kept by its source (``check`` patches the same templates for
every workbook).
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Callable
from typing import Any

__all__ = ["PATTERN_NEEDS", "fix_parsed_tables", "patch_xml"]

# Every match of the pattern (a docxtpl patch_xml pass, as docxtpl writes it) contains
# one of these: a literal, or a match of a smaller pattern.
_NEEDS: dict[str, tuple[str | re.Pattern[str], ...]] = {
    # "{" then a tag (lookbehind { + a match starting with <), or a tag then "}"
    r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})": ("{<", ">}"),
    r"(<w:tc[ >](?:(?!<w:tc[ >]).)*){%\s*colspan\s+([^%]*)\s*%}(.*?</w:tc>)": ("colspan",),
    r"(<w:tc[ >](?:(?!<w:tc[ >]).)*){%\s*cellbg\s+([^%]*)\s*%}(.*?</w:tc>)": ("cellbg",),
    r"({{r\s.*?}}|{%r\s.*?%})": ("{{r", "{%r"),
    r"</w:t>(?:(?!</w:t>).)*?{%-": ("{%-",),
    r"-%}(?:(?!<w:t[ >]|{%|{{).)*?<w:t[^>]*?>": ("-%}",),
    r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*vm\s*%}.*?</w:tc[ >]": (re.compile(r"{%\s*vm\s*%}"),),
    r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*hm\s*%}.*?</w:tc[ >]": (re.compile(r"{%\s*hm\s*%}"),),
}
for _y in ("tr", "tc", "p", "r"):  # {%y …%} / {{y …}}: the whole row, cell, paragraph, run
    _pattern = r"<w:%(y)s[ >](?:(?!<w:%(y)s[ >]).)*({%%|{{)%(y)s ([^}%%]*(?:%%}|}})).*?</w:%(y)s>"
    _NEEDS[_pattern % {"y": _y}] = ("{%" + _y + " ", "{{" + _y + " ")
for _y in ("tr", "tc", "p"):  # {#y … #}
    _pattern = r"<w:%(y)s[ >](?:(?!<w:%(y)s[ >]).)*({#)%(y)s ([^}#]*(?:#})).*?</w:%(y)s>"
    _NEEDS[_pattern % {"y": _y}] = ("{#" + _y + " ",)
PATTERN_NEEDS = types.MappingProxyType(_NEEDS)

# Sources longer than this are patched afresh each time rather than kept.
_KEEP_UP_TO = 4_000_000


def _holds(text: str, needed: str | re.Pattern[str]) -> bool:
    return needed in text if isinstance(needed, str) else needed.search(text) is not None


class _SkippingRe:
    """The ``re`` docxtpl's patch_xml sees: ``sub`` returns its input untouched when the
    pattern cannot match it; everything else is the ``re`` module's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    def sub(pattern: Any, repl: Any, string: str, count: int = 0, flags: Any = 0) -> str:
        needs = _NEEDS.get(pattern) if isinstance(pattern, str) else None
        if needs is not None and not any(_holds(string, needed) for needed in needs):
            return string
        return re.sub(pattern, repl, string, count=count, flags=flags)


@functools.cache
def _skipping_patch() -> Callable[[Any, str], str]:
    """docxtpl's DocxTemplate.patch_xml with :class:`_SkippingRe` as its ``re``."""
    from docxtpl import DocxTemplate

    original = DocxTemplate.patch_xml
    namespace = {**original.__globals__, "re": _SkippingRe()}
    return types.FunctionType(
        original.__code__, namespace, original.__name__, original.__defaults__, original.__closure__
    )


@functools.lru_cache(maxsize=8)
def _patched(src_xml: str) -> str:
    return _skipping_patch()(None, src_xml)


def patch_xml(src_xml: str) -> str:
    """The XML Jinja compiles, as docxtpl's ``DocxTemplate.patch_xml`` makes it (which
    reads nothing of its template object)."""
    if len(src_xml) > _KEEP_UP_TO:
        return _skipping_patch()(None, src_xml)
    return _patched(src_xml)


class _ParsedEtree:
    """The ``etree`` docxtpl's fix_tables sees: ``fromstring`` hands back the tree this
    process already parsed (strictly) instead of parsing the same text again."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree

    def __getattr__(self, name: str) -> Any:
        from lxml import etree

        return getattr(etree, name)

    def fromstring(self, _text: Any, parser: Any = None) -> Any:
        return self.tree


def fix_parsed_tables(tree: Any) -> Any:
    """docxtpl's ``DocxTemplate.fix_tables`` (grid columns matched to the cells a
    ``{%tc%}`` loop left) on ``tree``, the rendered body already parsed: docxtpl would
    parse its text again (10 ms for the report's 500 KB). Its own code runs, as for
    :func:`patch_xml`, so a docxtpl release that changes it is followed."""
    from docxtpl import DocxTemplate

    original = DocxTemplate.fix_tables
    namespace = {**original.__globals__, "etree": _ParsedEtree(tree)}
    fix = types.FunctionType(
        original.__code__, namespace, original.__name__, original.__defaults__, original.__closure__
    )
    return fix(None, "")
