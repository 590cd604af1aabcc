"""The package's import rules, read from the source with ``ast`` (nothing is imported).

1. No module uses another opsreport module's private (``_name``) helper, neither by
   ``from … import _name`` nor as ``module._name``: what another module needs is public,
   in its module's ``__all__``, with a docstring saying why it exists.
2. The layers: core < io < engine < present < render < app < the facade
   (``opsreport/__init__.py``) < cli (and ``__main__``). A module imports only its own layer or
   lower ones; ``opsreport.errors`` is usable by all (and imports others for types only, under
   ``TYPE_CHECKING``). Imports inside functions and under ``TYPE_CHECKING`` count too: they
   are dependencies all the same.

Both checks are run on a small package written in the test, to show they find what they look for.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "opsreport"

LAYERS = ("core", "io", "engine", "present", "render", "app", "facade", "cli")
"""Lowest first; a module may import its own layer and those before it."""


@dataclass(frozen=True)
class Import:
    """One opsreport name a module uses: where (file:line), from which module, which name."""

    module: str
    line: int
    source: str
    name: str | None
    typing_only: bool = False


def module_name(path: Path, package: Path) -> str:
    """The dotted name of a module file below ``package`` (``opsreport.io.rows``)."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> int | None:
    """The layer's rank of a module; None for ``opsreport.errors``, usable by all."""
    parts = module.split(".")
    if parts[1:] == ["errors"]:
        return None
    if len(parts) == 1:
        return LAYERS.index("facade")
    top = parts[1]
    if top in ("cli", "__main__"):
        return LAYERS.index("cli")
    return LAYERS.index(top)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a ``from … import`` names, with relative levels resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(path: Path, package: Path) -> list[Import]:
    """Every opsreport module and name the file at ``path`` uses, at any depth."""
    module = module_name(path, package)
    root = package.name
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = {module_name(p, package) for p in package.rglob("*.py")}
    found: list[Import] = []
    aliases: dict[str, str] = {}  # a local name bound to an opsreport module
    typing_only = {
        id(child)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
        for statement in block.body
        for child in ast.walk(statement)
    }
    for node in ast.walk(tree):
        for_types = id(node) in typing_only
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root:
                    found.append(Import(module, node.lineno, alias.name, None, for_types))
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases.setdefault(root, root)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, module, path.name == "__init__.py")
            if source.split(".")[0] != root:
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    found.append(Import(module, node.lineno, submodule, None, for_types))
                    aliases[alias.asname or alias.name] = submodule
                else:
                    found.append(Import(module, node.lineno, source, alias.name, for_types))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = ast.unparse(node.value)
            head, _, rest = owner.partition(".")
            if head in aliases:
                source = ".".join(filter(None, (aliases[head], rest)))
                if source in modules:
                    found.append(Import(module, node.lineno, source, node.attr))
    return found


def _private(name: str | None) -> bool:
    return name is not None and name.startswith("_") and not name.startswith("__")


def private_uses(package: Path) -> list[str]:
    """``file:line module uses source._name`` for each private name used across modules."""
    return [
        f"{use.module}:{use.line} uses {use.source}.{use.name}"
        for path in sorted(package.rglob("*.py"))
        for use in imports(path, package)
        if use.source != use.module and _private(use.name)
    ]


def layer_breaches(package: Path) -> list[str]:
    """``file:line module imports source`` for each import of a higher layer."""
    breaches = []
    for path in sorted(package.rglob("*.py")):
        for use in imports(path, package):
            mine, theirs = layer(use.module), layer(use.source)
            if mine is not None and theirs is not None and theirs > mine:
                breaches.append(f"{use.module}:{use.line} ({LAYERS[mine]}) imports {use.source} ({LAYERS[theirs]})")  # fmt: skip
            if mine is None and theirs is not None and not use.typing_only:
                breaches.append(f"{use.module}:{use.line} (errors, usable by all) imports {use.source}")  # fmt: skip
    return breaches


def test_no_module_uses_another_modules_private_names() -> None:
    assert private_uses(PACKAGE) == []


def test_every_module_imports_only_its_own_layer_or_lower_ones() -> None:
    assert layer_breaches(PACKAGE) == []


def test_every_module_is_in_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        layer(module_name(path, PACKAGE))  # ValueError for a folder outside LAYERS


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    """A package with one of each mistake: the checks name each one, file and line."""
    package = tmp_path / "opsreport"
    files = {
        "__init__.py": "",
        "errors.py": (
            "from typing import TYPE_CHECKING\n"
            "from opsreport.core import text\n"
            "if TYPE_CHECKING:\n"
            "    from opsreport.core.text import clean\n"
        ),
        "core/__init__.py": "",
        "core/text.py": "def _clean(s): return s\n_BLANK = ()\n__all__ = []\n",
        "io/__init__.py": "",
        "io/rows.py": (
            "from opsreport.core.text import _clean\n"
            "from opsreport.core import text\n"
            "import opsreport.core.text as t\n"
            "from . import sheets\n"
            "from ..engine import metrics\n"
            "def f():\n"
            "    from opsreport.render.docx import render\n"
            "    return text._BLANK, t._clean, sheets.read, text.__all__\n"
        ),
        "io/sheets.py": "def read(): pass\n",
        "engine/__init__.py": "",
        "engine/metrics.py": "",
        "render/__init__.py": "",
        "render/docx.py": "def render(): pass\n",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    assert private_uses(package) == [
        "opsreport.io.rows:1 uses opsreport.core.text._clean",
        "opsreport.io.rows:8 uses opsreport.core.text._BLANK",
        "opsreport.io.rows:8 uses opsreport.core.text._clean",
    ]
    assert layer_breaches(package) == [
        "opsreport.errors:2 (errors, usable by all) imports opsreport.core.text",
        "opsreport.io.rows:5 (io) imports opsreport.engine.metrics (engine)",
        "opsreport.io.rows:7 (io) imports opsreport.render.docx (render)",
    ]


@pytest.mark.parametrize(
    ("module", "rank"),
    [
        ("opsreport.core.text", "core"),
        ("opsreport.present.charts.layout", "present"),
        ("opsreport", "facade"),
        ("opsreport.cli", "cli"),
        ("opsreport.__main__", "cli"),
    ],
)
def test_layers_of_modules(module: str, rank: str) -> None:
    assert layer(module) == LAYERS.index(rank)
