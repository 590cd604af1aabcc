"""Compiled templates kept between runs, in the user's cache folder.

Jinja compiles every template to Python in every process: the bundled Word body
(137 KB of XML) takes ~150 ms, the Markdown and HTML reports ~90 ms each, a fifth of
a build. Jinja's bytecode cache keeps the compiled code in a file per template, checked
against the template's source text on every load (an edited template compiles afresh).
Code compiled under one configuration (sandbox, autoescape, intercepted operators,
filters) must never run under another, so a fingerprint of the environment is part of
each file's key.

Jinja also runs a filter on constant arguments while it compiles (``{{ 3 |
heading_number }}`` is stored as 三、), so the fingerprint holds what every filter and test
computes from: its code, the values it holds (language, font, style ids) and the source
of its module.

The folder: ``OPSREPORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/opsreport/templates``, else
``~/.cache/opsreport/templates``; ``OPSREPORT_CACHE_DIR=""`` (empty) turns it off. It is
made private to the user (0700); one that is a link, another user's, or open to others
is not used. Files are named ``opsreport-<sha1>.jinjac`` (nothing else in the folder is
touched), written whole (a temporary file, then renamed), each with a SHA-256 of its
content that is checked before Jinja reads it: damaged marshalled code could crash the
interpreter. A cache file that is not a regular file (a FIFO, a link), cannot be read,
is damaged or cannot be written is skipped: the template is compiled as if there were no
cache, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["CACHE_ENV", "cache_folder", "compile_string", "modules_digest", "template_cache"]

CACHE_ENV = "OPSREPORT_CACHE_DIR"


def cache_folder() -> Path | None:
    """Where compiled templates are kept (None: nowhere), as the environment says now."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured).expanduser().absolute() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
        base = str(Path("~/.cache").expanduser())
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


# A cache file: this header, the SHA-256 of the rest, then Jinja's bucket (its magic,
# the source checksum, the marshalled code). Jinja checks only its header and the
# source checksum; marshalled code that is damaged can crash the interpreter, so the
# whole is checked before Jinja reads it.
_HEADER = b"opsreport-compiled-1\n"
_NAME = re.compile(r"opsreport-[0-9a-f]{40}\.jinjac")
_TEMPORARY = re.compile(r"opsreport-[0-9a-f]{40}\.jinjac\.[0-9a-z_]+\.tmp")
# The most a cache file may be: the bundled Word body compiles to ~180 KB.
_LARGEST_FILE = 64 * 1024 * 1024
# A temporary file older than this was left by a process that died while writing.
_STALE_SECONDS = 3600.0


def _read_regular(path: str) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of a sane size (not a link, a FIFO
    that would block, a device); else None."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    try:
        found = os.fstat(handle)
        if not stat.S_ISREG(found.st_mode) or found.st_size > _LARGEST_FILE:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read(_LARGEST_FILE + 1)
    except OSError:
        return None
    finally:
        os.close(handle)


@functools.lru_cache(maxsize=1)
def _cache_class() -> type:
    from jinja2.bccache import BytecodeCache

    class TemplateCache(BytecodeCache):
        """Compiled templates in ``folder``, keyed by environment too, each file checked
        whole before use, never an error."""

        def __init__(self, folder: str) -> None:
            self.directory = folder

        def get_bucket(self, environment: Any, name: str, filename: Any, source: str) -> Any:
            return super().get_bucket(
                environment, f"{fingerprint(environment)}|{name}", filename, source
            )

        def _path(self, bucket: Any) -> str:
            return os.path.join(self.directory, f"opsreport-{bucket.key}.jinjac")

        def load_bytecode(self, bucket: Any) -> None:
            data = _read_regular(self._path(bucket))
            if data is None or not data.startswith(_HEADER):
                return
            digest, body = data[len(_HEADER) : len(_HEADER) + 32], data[len(_HEADER) + 32 :]
            if hashlib.sha256(body).digest() != digest:
                return  # damaged: compiled again, and written over
            try:
                bucket.bytecode_from_string(body)
            except Exception:
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                body = bucket.bytecode_to_string()
                data = _HEADER + hashlib.sha256(body).digest() + body
                target = self._path(bucket)
                temporary = f"{target}.{os.getpid()}_{os.urandom(4).hex()}.tmp"
                handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    with os.fdopen(handle, "wb") as stream:
                        stream.write(data)
                    os.replace(temporary, target)  # whole or not at all, for every reader
                finally:
                    with contextlib.suppress(OSError):
                        os.unlink(temporary)
                _prune(Path(self.directory))
            except Exception:  # a full disk, a folder gone read-only: compiled next time
                pass

    return TemplateCache


def _prune(folder: Path) -> None:
    """Keep the :data:`MOST_FILES` most recently written compiled files of ``folder``, and
    remove temporary files left by a process that died while writing; any other file of
    the folder is left alone."""
    now = time.time()
    kept = []
    for entry in os.scandir(folder):
        if not entry.is_file(follow_symlinks=False):
            continue
        if _NAME.fullmatch(entry.name):
            kept.append((entry.stat(follow_symlinks=False).st_mtime, entry.path))
        elif (
            _TEMPORARY.fullmatch(entry.name)
            and now - entry.stat(follow_symlinks=False).st_mtime > _STALE_SECONDS
        ):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    for _, stale in sorted(kept, reverse=True)[MOST_FILES:]:
        with contextlib.suppress(OSError):
            os.unlink(stale)


def template_cache() -> Any:
    """The bytecode cache for a new environment (None: off, or no usable folder)."""
    folder = cache_folder()
    if folder is None or not _private_folder(folder):
        return None
    return _cache_class()(str(folder))


def _describe(thing: Any, digest: Any, modules: set[str], depth: int = 0) -> None:
    """Feed ``digest`` what a filter or test computes from: its code, the values it holds
    (a language, a font, style ids, bound arguments) and, through ``modules``, the source
    of the modules it is written in. Jinja runs a filter on constant arguments while it
    compiles ({{ 3 | heading_number }} is stored as 三、), so code compiled with one
    language's filters must not serve another's."""
    if depth > 6:
        digest.update(b"deep")
        return
    if isinstance(thing, functools.partial):
        _describe(thing.func, digest, modules, depth + 1)
        digest.update(repr((thing.args, sorted(thing.keywords.items()))).encode())
        return
    code = getattr(thing, "__code__", None)
    if code is None:
        digest.update(f"{type(thing).__module__}.{type(thing).__qualname__}".encode())
        modules.add(type(thing).__module__)
        return
    modules.add(getattr(thing, "__module__", "") or "")  # its code: the module's source
    digest.update(f"{thing.__module__}.{code.co_qualname}".encode())
    digest.update(_stable(repr((thing.__defaults__, thing.__kwdefaults__))))
    for cell in thing.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if callable(value):
            _describe(value, digest, modules, depth + 1)
        else:
            digest.update(_stable(repr(value)))


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(text: str) -> bytes:
    """``text`` without object addresses, which differ from one process to the next."""
    return _ADDRESS.sub("", text).encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=64)
def _file_digest(path: str, modified: int, size: int) -> bytes:
    with open(path, "rb") as source:
        return hashlib.sha256(source.read()).digest()


def modules_digest(names: Iterable[str]) -> bytes:
    """A digest of the source files of the modules ``names`` (imported ones: a module not
    imported counts by its name only; the digest of a file is kept while its size and
    modification time stay the same)."""
    digest = hashlib.sha256()
    for name in sorted(names):
        file = getattr(sys.modules.get(name), "__file__", None)
        if not file:
            digest.update(f"{name} (not imported)".encode())
            continue
        try:
            found = os.stat(file)
            digest.update(_file_digest(file, found.st_mtime_ns, found.st_size))
        except OSError:
            digest.update(name.encode())
    return digest.digest()


def _behaviour(environment: Any) -> str:
    """A digest of what the environment's filters and tests compute (see :func:`_describe`)."""
    digest = hashlib.sha256()
    modules: set[str] = set()
    for kind in (environment.filters, environment.tests):
        for name in sorted(kind):
            digest.update(name.encode())
            _describe(kind[name], digest, modules)
    digest.update(modules_digest(modules))
    return digest.hexdigest()


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
        _behaviour(env),  # the filters' and tests' code and what they hold
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


def compile_string(
    environment: Any,
    source: str,
    prepare: Callable[[str], str] | None = None,
    prepared_by: str = "",
) -> Any:
    """``environment.from_string(source)``, through the environment's bytecode cache when
    the text is long enough to be worth it (keyed by the text itself).

    ``prepare`` turns ``source`` into the text Jinja compiles (docxtpl's rewriting of a
    Word body: tens of milliseconds), so a cached template skips it too; ``prepared_by``
    names what ``prepare`` computes from (see :func:`modules_digest`) and is part of the key.
    """
    cache = environment.bytecode_cache
    if cache is None or len(source) < WORTH_CACHING:  # (the class's: a caller may wrap it)
        text = source if prepare is None else prepare(source)
        return type(environment).from_string(environment, text)
    key = (prepared_by + "|" if prepare is not None else "") + source
    name = "string:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    bucket = cache.get_bucket(environment, name, None, source)
    code = bucket.code
    if code is None:
        text = source if prepare is None else prepare(source)
        code = environment.compile(text)  # unnamed, as from_string compiles it
        bucket.code = code
        cache.set_bucket(bucket)
    return environment.template_class.from_code(
        environment, code, environment.make_globals(None), None
    )
