"""The ``opsreport`` command line: a thin layer over :mod:`opsreport.api`.

Heavy libraries (openpyxl, matplotlib, python-docx) are imported inside the
commands, never at module level, so ``opsreport --help`` stays instant.
Exit codes: 0 fine, 1 invalid input (every problem listed), 2 usage.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="opsreport",
    help="Turn an operations KPI workbook into its year-end report and plan drafts.\n\n"
    "Example: opsreport metrics examples/ecommerce-2026-zh.xlsx --json",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class What(StrEnum):
    kpis = "kpis"
    goals = "goals"
    risks = "risks"
    quarters = "quarters"
    breakdown = "breakdown"


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _fail_with(exc: Exception) -> typer.Exit:
    """Print every problem of a WorkbookError and return the exit to raise."""
    diagnostics = getattr(exc, "diagnostics", None)
    if diagnostics is None:
        _err(f"error: {exc}")
        return typer.Exit(1)
    errors = [d for d in diagnostics if d.severity == "error"]
    for diagnostic in errors:
        _err(f"error: {diagnostic}")
    _err(f"{len(errors)} error{'s' if len(errors) != 1 else ''}: the workbook was not used.")
    return typer.Exit(1)


def _analyze(workbook: Path, quiet: bool = False):
    from opsreport.api import WorkbookError, analyze

    try:
        analysis = analyze(workbook)
    except WorkbookError as exc:
        raise _fail_with(exc) from None
    if not quiet:
        for warning in analysis.warnings:
            _err(f"warning: {warning}")
    return analysis


def _version(value: bool) -> None:
    if value:
        from opsreport import __version__

        sys.stdout.write(f"opsreport {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Turn an operations KPI workbook into its year-end report and plan drafts.

    Example: opsreport build examples/ecommerce-2026-zh.xlsx
    """


WorkbookArg = Annotated[
    Path,
    typer.Argument(help="The KPI workbook (.xlsx).", show_default=False),
]


@app.command()
def metrics(
    workbook: WorkbookArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    what: Annotated[
        What, typer.Option("--what", help="Which figures: kpis, goals, risks, quarters, breakdown.")
    ] = What.kpis,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    """Print the computed KPI figures (attainment, variances, shares, status).

    Example:

        opsreport metrics examples/ecommerce-2026-zh.xlsx --json

        opsreport metrics examples/ecommerce-2026-zh.xlsx --json --what goals
    """
    from opsreport import exports

    analysis = _analyze(workbook, quiet=quiet)
    data = exports.metrics_json(analysis.metrics, what.value)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    exports.print_table(analysis.metrics, what.value, lang=analysis.report.meta.language or "zh")


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
