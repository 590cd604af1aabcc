"""Template errors in words: a Jinja or docxtpl failure becomes a TemplateProblem
naming the file, the line (or the Word paragraph, quoted as the user typed it),
what went wrong and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from opsreport.errors import TemplateProblem
from opsreport.render.filters import FilterMisuse, filters

__all__ = [
    "MARKDOWN_ONLY_FILTERS",
    "WORD_ONLY_FILTERS",
    "as_written",
    "describe_template_error",
    "render_text_template",
    "unclosed_block",
    "word_opener",
]


# Block tags that need an end tag ({% if %} … {% endif %}); ``set`` only without "=".
_BLOCKS = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw", "set"}
_BLOCK_TAG = re.compile(
    r"\{%[-+]?\s*(?:(?:p|tr|tc|r)\s+)?(\w+)((?:[^%\"']|\"[^\"]*\"|'[^']*'|%(?!\}))*?)[-+]?%\}"
)
# Filters of one kind of template only (named when used in another kind).
WORD_ONLY_FILTERS = ("good", "status", "alert", "smart", "color")
MARKDOWN_ONLY_FILTERS = ("status_mark",)


_WORD_TAG = re.compile(r"\{%-?\s*(?:p|tr|tc)\s+")


def as_written(text: str, written: Sequence[str]) -> str:
    """``{% if x %}`` as the user typed it in Word: ``{%p if x %}`` (or ``{%tr``, ``{%tc``).

    docxtpl strips the p/tr/tc of a paragraph, row or cell tag before Jinja sees
    it; a message quoting the stripped tag names text that Word's search cannot
    find. The tag is looked up among the template's paragraphs; text that is not
    a lone tag, or not found, is returned as it is.
    """
    if not (text.startswith("{%") and text.endswith("%}")):
        return text
    wanted = _tag_body(text)
    for paragraph in written:
        for match in re.finditer(r"\{%.*?%\}", paragraph):
            tag = match.group(0)
            if _WORD_TAG.match(tag) and _tag_body(tag) == wanted:
                return tag
    return text


def _tag_body(tag: str) -> str:
    """What a block tag says, whatever its form: ``{%-p if x -%}`` → ``if x``."""
    body = re.sub(r"^\{%-?\s*(?:(?:p|tr|tc)\s+)?", "", tag)
    return " ".join(re.sub(r"\s*-?%\}$", "", body).split())


def word_opener(tag: str) -> str:
    """``{%p``, ``{%tr`` or ``{%tc``: the opener of a Word tag as typed (default ``{%p``)."""
    match = _WORD_TAG.match(tag)
    kind = re.sub(r"[^a-z]", "", match.group(0)) if match else "p"
    return "{%" + kind


def unclosed_block(lines: Sequence[str]) -> tuple[int, str] | None:
    """The innermost block tag that is never closed: (index of its line, the tag)."""
    stack: list[tuple[int, str, str]] = []
    for index, line in enumerate(lines):
        for match in _BLOCK_TAG.finditer(line):
            word, rest = match.group(1), match.group(2)
            if word in _BLOCKS and (word != "set" or "=" not in rest):
                stack.append((index, match.group(0), word))
            elif word.startswith("end") and any(opened == word[3:] for *_, opened in stack):
                while stack and stack.pop()[2] != word[3:]:
                    pass
    return (stack[-1][0], stack[-1][1]) if stack else None


def _error_position(exc: BaseException) -> tuple[str | None, int | None]:
    """File and line of a template error.

    Syntax errors carry them; a runtime error (an unknown name, a filter that
    fails) has them only in its traceback, where Jinja puts a frame per template
    line it was running. The innermost of those frames is the failing tag.
    """
    line = getattr(exc, "lineno", None)
    if line:
        return getattr(exc, "filename", None), line
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _names(value: Any, into: set[str] | None = None, depth: int = 0) -> set[str]:
    """Every key a template can write after a dot, for "did you mean" suggestions."""
    into = set() if into is None else into
    if depth > 6:
        return into
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                into.add(key)
            _names(item, into, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value[:3]:
            _names(item, into, depth + 1)
    return into


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    import difflib  # (here: only a failed template needs it)

    close = difflib.get_close_matches(name, sorted(set(candidates) - {name}), n=1, cutoff=0.7)
    return f" (did you mean «{close[0]}»?)" if close else ""


def _misplaced_closing_tag(message: str, opener: str) -> str | None:
    """Jinja's words for an endif/endfor/else that closes nothing, or the wrong block."""
    match = re.match(r"Encountered unknown tag '(end\w+|else|elif)'\.", message)
    if not match:
        return None
    word = match.group(1)
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if innermost and innermost.group(1) != word.removeprefix("end"):
        block = innermost.group(1)
        return (
            f"«{word}» comes while a {opener} {block} … %}} is still open — close it with "
            f"{opener} end{block} %}} first: blocks close in the reverse order they were opened"
        )
    if word in {"else", "elif"}:
        return (
            f"«{word}» outside any {opener} if … %}}: it belongs between a {opener} if … %}} "
            f"and its {opener} endif %}}"
        )
    block = word.removeprefix("end")
    return (
        f"«{word}» closes nothing: there is no open {opener} {block} … %}} before it — remove it, "
        f"or add the {opener} {block} … %}} it belongs to above it"
    )


def _explain(exc: BaseException, context: Mapping[str, Any] | None, kind: str) -> str:
    """What went wrong and how to fix it, in words for someone who edits the template."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from jinja2.filters import FILTERS as DEFAULT_FILTERS

    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, TemplateProblem):  # raised by our own checks: already in words
        return message
    from opsreport.render.budget import breach_message

    if (breach := breach_message(exc)) is not None:  # out of time, text or memory
        return breach
    if isinstance(exc, TemplateNotFound):
        return (
            f"there is no template «{exc.name}» in your template folder or among the bundled "
            "ones — check the name in the {% include %} or {% import %} tag"
        )
    if isinstance(exc, TemplateSyntaxError):
        if match := re.match(r"No filter named '([^']+)'", message):
            name = match.group(1)
            if name in WORD_ONLY_FILTERS and kind != "docx":
                return f"«{name}» is a filter of Word templates only (it colours text); leave it out here"
            if name in MARKDOWN_ONLY_FILTERS and kind != "md":
                return f"«{name}» is a filter of Markdown templates only; leave it out here"
            known = [*filters("zh"), *DEFAULT_FILTERS]
            known += {"docx": WORD_ONLY_FILTERS, "md": MARKDOWN_ONLY_FILTERS}.get(kind, ())
            return (
                f"unknown filter «{name}»{_did_you_mean(name, known)} — "
                "docs/templates.md lists the filters"
            )
        if message.startswith("Unexpected end of template"):
            return (
                "a block is never closed — every {% if %} needs an {% endif %} and "
                "every {% for %} an {% endfor %}"
            )
        word_tag = re.match(r"Encountered unknown tag '(p|tr|tc)'", message)
        if word_tag and kind != "docx":
            return (
                f"{{%{word_tag.group(1)} … %}} is a tag of Word templates only; in a Markdown or "
                "HTML template write {% for … %}, {% if … %} and {% endfor %}, {% endif %}"
            )
        if closing := _misplaced_closing_tag(message, "{%p" if kind == "docx" else "{%"):
            return closing
        if message.startswith("Encountered unknown tag"):
            return (
                f"template syntax error: {message} — every {{% if %}} needs an {{% endif %}} and "
                "every {% for %} an {% endfor %}, closed in the order they were opened"
            )
        return (
            f"template syntax error: {message} — check the tag: every {{{{ needs its }}}}, "
            "every {% its %}, and names are written like meta.title"
        )
    if isinstance(exc, UndefinedError):
        match = re.search(r"has no attribute '([^']+)'|^'([^']+)' is undefined", message)
        name = next((g for g in match.groups() if g), "") if match else ""
        what = f"unknown name «{name}»" if name else message
        if name and context is not None:
            what += _did_you_mean(name, _names(context))
        if message.startswith("'list object'"):
            what += f"; this is a list: go through it with {{% for item in … %}} and write item.{name} inside"
        return f"{what} — `opsreport context WORKBOOK` lists every name a template can use"
    if isinstance(exc, SecurityError) or (isinstance(exc, OverflowError) and "sandbox" in message):
        return (
            f"refused by the template sandbox: {message} — a template may only read the "
            "report data and use the filters"
        )
    if isinstance(exc, FilterMisuse):
        return message
    if isinstance(exc, TypeError) and "builtin_function_or_method" in message:
        return (
            "a name such as items, keys or values is also a built-in method of the data, so "
            '«x.items» is not the list: write x["items"] (for example {% for i in c["items"] %})'
        )
    if isinstance(exc, NameError) and getattr(exc, "name", None) in {"inf", "nan"}:
        # Jinja writes a constant it folded (1e400, 'inf' | float, 'nan' | float) into its
        # code by its repr: inf and nan, names that do not exist there
        if exc.name == "nan":
            return (
                "a value in the template is not a number ('nan' | float, or inf − inf): "
                "write a number"
            )
        return (
            "a number in the template is beyond what a float holds (1e400 or 'inf' | float, "
            "say; the largest is about 1.8e308)"
        )
    if isinstance(exc, TypeError) and "is not iterable" in message:
        return (
            "{% for … in … %} needs a list, and this value is a single item or a number — "
            "`opsreport context WORKBOOK` shows which names are lists"
        )
    return f"{type(exc).__name__}: {message}"


def _culprit(exc: BaseException) -> str | None:
    """The name the error is about (a filter, a variable, an attribute), if it says."""
    message = getattr(exc, "message", None) or str(exc)
    if message.startswith("Range too big"):
        return "range"
    for pattern in (
        r"No filter named '([^']+)'",
        r"unknown tag '([^']+)'",
        r"has no attribute '([^']+)'",
        r"^'([^']+)' is undefined",
        r"access to attribute '([^']+)'",
        r"^the (\w+) filter",
        r"^(delta)\b",
        r"(\*\*)",
    ):
        if match := re.search(pattern, message):
            return match.group(1)
    return None


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return f"«{text if len(text) <= limit else text[: limit - 1] + '…'}»"


def render_text_template(env: Any, name: str, context: Mapping[str, Any], *, kind: str) -> str:
    """Render a Markdown or HTML template; every failure is a TemplateProblem naming it.

    A template refused before it is read (a link out of its folder, not UTF-8)
    already names its file; a failure inside it names the file, line and tag.
    """
    try:
        template = env.get_template(name)
    except TemplateProblem:
        raise
    except Exception as exc:
        raise describe_template_error(exc, name, context=context, kind=kind) from None
    try:
        return str(template.render(context))
    except Exception as exc:
        raise describe_template_error(exc, name, context=context, kind=kind) from None


def describe_template_error(
    exc: BaseException,
    template: Path | str,
    *,
    paragraphs: Sequence[str] | None = None,
    written: Sequence[str] | None = None,
    context: Mapping[str, Any] | None = None,
    kind: str = "",
) -> TemplateProblem:
    """A message a non-programmer can act on: the file, the line or paragraph
    with its tag, what went wrong and how to fix it.

    ``paragraphs`` are the text of a Word template's paragraphs, one per line of
    the source docxtpl compiled; a text template's lines are read from its file.
    ``written`` are the Word template's paragraphs as the user typed them (docxtpl
    turned ``{%p if x %}`` into ``{% if x %}``), so that a message quotes text the
    user can find with Word's search.
    ``context`` (the data rendered) lets an unknown name suggest a near spelling.
    """
    from jinja2 import TemplateSyntaxError

    filename, line = _error_position(exc)
    if paragraphs is not None:
        filename, lines = str(template), list(paragraphs)
    else:
        if not filename or filename.startswith("<"):
            filename = str(template)
        lines = _read_lines(filename)
    kind = kind or ("docx" if paragraphs is not None else "")
    what = _explain(exc, context, kind)
    if isinstance(exc, TemplateSyntaxError) and (exc.message or "").startswith(
        "Unexpected end of template"
    ):
        opened = unclosed_block(lines)
        if opened is not None:
            index, tag = opened
            end = "end" + _BLOCK_TAG.match(tag).group(1)  # type: ignore[union-attr]
            if paragraphs is None:
                line = index + 1
                what = (
                    f"{tag} is never closed — add {{% {end} %}} where its part of the template ends"
                )
            else:  # the line of a {%p %} tag is not its own paragraph: quote the tag as typed
                line = None
                shown = as_written(tag, written or ())
                opener = word_opener(shown)
                place = {"{%tr": "a table row", "{%tc": "a table cell"}.get(opener, "a paragraph")
                what = (
                    f"the tag {shown} is never closed — add {opener} {end} %}} in {place} of its own "
                    f"(or {{% {end} %}} in the same paragraph) where its part of the document ends"
                )
    text = lines[line - 1].strip() if line and 0 < line <= len(lines) else ""
    if "\n" in text:  # a Word paragraph's text, then tags that joined it: show the failing one
        parts = text.split("\n")
        token = _culprit(exc)
        text = next((part for part in parts if token and token in part), " ".join(parts))
    if paragraphs is not None:
        text = as_written(text, written or ())
        if kind == "docx" and isinstance(exc, TemplateSyntaxError):  # advise the tag form typed
            what = _misplaced_closing_tag(exc.message or "", word_opener(text)) or what
        where = f"{filename}, paragraph {_quote(text)}" if text else filename
    elif line:
        where = f"{filename}, line {line}" + (f" {_quote(text)}" if text else "")
    else:
        where = filename
    return TemplateProblem(
        f"{where}: {what}", template=filename, line=line if paragraphs is None else None
    )
