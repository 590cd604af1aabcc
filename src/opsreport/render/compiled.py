"""Compiled templates kept between runs, in the user's cache folder.

Jinja compiles every template to Python in every process: the bundled Word body
(137 KB of XML) takes ~150 ms, the Markdown and HTML reports ~90 ms each, a fifth of
a build. Jinja's bytecode cache keeps the compiled code in a file per template, checked
against the template's source text on every load (an edited template compiles afresh).
Code compiled under one configuration (sandbox, autoescape, intercepted operators,
filters) must never run under another, so a fingerprint of the environment is part of
each file's key.

The folder: ``OPSREPORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/opsreport/templates``, else
``~/.cache/opsreport/templates``; ``OPSREPORT_CACHE_DIR=""`` (empty) turns it off. It is
made private to the user (0700); one that is a link, another user's, or open to others
is not used. A cache file that cannot be read, is damaged or cannot be written is
skipped: the template is compiled as if there were no cache, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

__all__ = ["CACHE_ENV", "cache_folder", "compile_string", "template_cache"]

CACHE_ENV = "OPSREPORT_CACHE_DIR"


def cache_folder() -> Path | None:
    """Where compiled templates are kept (None: nowhere), as the environment says now."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "opsreport" / "templates"


def _private_folder(folder: Path) -> bool:
    """Whether ``folder`` is (or is now made) a real folder of this user's, closed to others."""
    try:
        folder.mkdir(mode=stat.S_IRWXU, parents=True, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return False
    owner = getattr(os, "getuid", lambda: found.st_uid)()
    return (
        stat.S_ISDIR(found.st_mode)
        and found.st_uid == owner
        and not stat.S_IMODE(found.st_mode) & (stat.S_IRWXG | stat.S_IRWXO)
    )


@functools.lru_cache(maxsize=1)
def _cache_class() -> type:
    from jinja2.bccache import FileSystemBytecodeCache

    class TemplateCache(FileSystemBytecodeCache):
        """Jinja's file cache, keyed by environment too, and never an error."""

        def get_bucket(self, environment: Any, name: str, filename: Any, source: str) -> Any:
            return super().get_bucket(
                environment, f"{fingerprint(environment)}|{name}", filename, source
            )

        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged file (Jinja reads its checksum with pickle)
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
                _prune(Path(self.directory), self.pattern % "*")
            except Exception:  # a full disk, a folder gone read-only: compiled next time
                pass

    return TemplateCache


def _prune(folder: Path, pattern: str) -> None:
    """Keep the :data:`MOST_FILES` most recently written compiled files of ``folder``."""
    files = sorted(folder.glob(pattern), key=lambda f: f.stat().st_mtime, reverse=True)
    for stale in files[MOST_FILES:]:
        stale.unlink(missing_ok=True)


def template_cache() -> Any:
    """The bytecode cache for a new environment (None: off, or no usable folder)."""
    folder = cache_folder()
    if folder is None or not _private_folder(folder):
        return None
    return _cache_class()(str(folder), "%s.jinja")


def fingerprint(environment: Any) -> str:
    """What the code Jinja generates depends on, besides the source text."""

    def named(thing: Any) -> str:
        if callable(thing):
            return f"{getattr(thing, '__module__', '')}.{getattr(thing, '__qualname__', thing)}"
        return repr(thing)

    import jinja2

    env = environment
    parts = (
        jinja2.__version__,
        sys.version,
        named(type(env)),
        named(env.code_generator_class),
        named(env.template_class),
        named(env.autoescape),
        named(env.finalize),
        sorted(env.filters),
        sorted(env.tests),
        sorted(env.extensions),
        sorted(env.intercepted_binops),
        sorted(getattr(env, "intercepted_unops", ())),
        (env.block_start_string, env.block_end_string, env.variable_start_string),
        (env.variable_end_string, env.comment_start_string, env.comment_end_string),
        (env.line_statement_prefix, env.line_comment_prefix, env.newline_sequence),
        (env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline),
        (env.optimized, env.is_async, getattr(env, "sandboxed", False)),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


# Below this many characters a template compiles in about a millisecond: not worth a file.
WORTH_CACHING = 4096
# The most compiled files kept: the oldest go when there are more (each edit of a Word
# template is a new text, so a new file).
MOST_FILES = 64


def compile_string(environment: Any, source: str) -> Any:
    """``environment.from_string(source)``, through the environment's bytecode cache when
    the text is long enough to be worth it (keyed by the text itself)."""
    cache = environment.bytecode_cache
    if cache is None or len(source) < WORTH_CACHING:  # (the class's: a caller may wrap it)
        return type(environment).from_string(environment, source)
    name = "string:" + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    bucket = cache.get_bucket(environment, name, None, source)
    code = bucket.code
    if code is None:
        code = environment.compile(source)  # unnamed, as from_string compiles it
        bucket.code = code
        cache.set_bucket(bucket)
    return environment.template_class.from_code(
        environment, code, environment.make_globals(None), None
    )
