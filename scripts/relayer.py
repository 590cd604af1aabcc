"""One-off: move the flat modules into layer subpackages and rewrite every reference.

Run from the repository root: python scripts/relayer.py [--shims] [--skip FILE ...]
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

PKG = Path("src/opsreport")

# old dotted name (under opsreport.) -> new dotted name
MOVES = {
    "model": "core.records",
    "values": "core.values",
    "schema": "io.schema",
    "workbook": "io.workbook",
    "zipbounds": "io.zipbounds",
    "files": "io.files",
    "metrics": "engine.metrics",
    "validate": "engine.content_warnings",
    "formatting": "present.formatting",
    "exports": "present.tables",
    "terminal": "present.terminal",
    "charts": "present.charts",
    "context": "present.report_context",
    "api": "app.analysis",
    "build": "app.build",
    "plan": "app.plan",
    "check": "app.check",
    "batch": "app.batch",
    "starter": "app.starter",
}

PACKAGE_DOCS = {
    "core": "Records and value parsing: what a workbook's cells mean, with no I/O.",
    "io": "Reading workbooks safely and writing output files atomically.",
    "engine": "Every figure: metrics, plan targets, content warnings (pure Decimal).",
    "present": "How figures are shown: formatting, per-KPI views, contexts, tables, charts.",
    "app": "The pipelines behind build, plan, check and batch runs.",
}


def new_path(dotted: str) -> Path:
    parts = dotted.split(".")
    if parts[-1] == "charts":
        return PKG.joinpath(*parts) / "__init__.py"
    return PKG.joinpath(*parts[:-1]) / f"{parts[-1]}.py"


def rewrite(text: str, moves: dict[str, str]) -> str:
    # from opsreport import a, b as c  ->  one line per module
    def split_from(match: re.Match[str]) -> str:
        indent, names = match.group(1), match.group(2)
        lines = []
        rest = []
        for item in [n.strip() for n in names.split(",")]:
            name, _, alias = item.partition(" as ")
            name, alias = name.strip(), alias.strip()
            if name in moves:
                package, _, module = moves[name].rpartition(".")
                local = alias or name
                suffix = f" as {local}" if local != module else ""
                lines.append(f"{indent}from opsreport.{package} import {module}{suffix}")
            else:
                rest.append(item)
        if rest:
            lines.insert(0, f"{indent}from opsreport import {', '.join(rest)}")
        return "\n".join(lines)

    text = re.sub(
        r"^([ \t]*)from opsreport import ([A-Za-z_][\w, ]*(?: as \w+)?[\w, ]*)$",
        split_from,
        text,
        flags=re.M,
    )
    def inline_from(match: re.Match[str]) -> str:
        package, _, module = moves[match.group(1)].rpartition(".")
        return f"from opsreport.{package} import {module}"

    names = "|".join(moves)
    text = re.sub(rf"(?<=[\"'])from opsreport import ({names})\b", inline_from, text)
    text = re.sub(rf"(?<=\\n)from opsreport import ({names})\b", inline_from, text)
    for old, new in moves.items():
        text = re.sub(rf"\bopsreport\.{old}\b(?!\.py)", f"opsreport.{new}", text)
        text = re.sub(rf"\bopsreport\.{old}\.py\b", f"opsreport/{new.replace('.', '/')}.py", text)
        text = re.sub(
            rf"\bopsreport/{old}\.py\b",
            str(new_path(new).relative_to("src")),
            text,
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shims", action="store_true")
    parser.add_argument("--skip", nargs="*", default=[])
    parser.add_argument("--only", nargs="*", default=None, help="move only these old names")
    args = parser.parse_args()
    moves = {k: v for k, v in MOVES.items() if args.only is None or k in args.only}
    for package, doc in PACKAGE_DOCS.items():
        init = PKG / package / "__init__.py"
        if not init.exists():
            init.parent.mkdir(exist_ok=True)
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
    for old, new in moves.items():
        source = PKG / f"{old}.py"
        target = new_path(new)
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", str(source), str(target)], check=True)
        if args.shims:
            source.write_text(
                f'"""Moved to opsreport.{new} (temporary alias while the re-layering lands)."""\n'
                "import importlib\nimport sys\n\n"
                f'sys.modules[__name__] = importlib.import_module("opsreport.{new}")\n',
                encoding="utf-8",
            )
    skip = {Path(p) for p in args.skip}
    files = subprocess.run(
        ["git", "ls-files", "src", "tests", "scripts", "benchmarks", "docs", "README.md"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        path = Path(name)
        if path in skip or path.suffix not in {".py", ".md", ".j2", ".toml"} or not path.exists():
            continue
        if path.name == "relayer.py":
            continue
        text = path.read_text(encoding="utf-8")
        new_text = rewrite(text, moves)
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")


if __name__ == "__main__":
    main()
