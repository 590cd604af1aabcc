"""The ``opsreport`` command line: a thin layer over the public API (:mod:`opsreport`).

Each command parses its options, calls the facade (``opsreport.analyze``,
``build_report``, ``build_plan``, ``check`` …) and prints. Every refusal is an
:class:`~opsreport.errors.OpsreportError`, turned into its message and exit code in
one place (:class:`_Commands`): 0 fine, 1 invalid input (every problem listed), 2 usage.
Heavy libraries (openpyxl, matplotlib, python-docx, pandas) are imported on first use
by the facade, never at module level, so ``opsreport --help`` stays instant.
Every line printed goes through :func:`opsreport.present.terminal.terminal_text` (user text
is data: one line, control and bidi characters escaped); Rich tables get text
cells, never markup; JSON output is exact.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

import opsreport
from opsreport.errors import OpsreportError, UsageError, WorkbookError
from opsreport.present.terminal import terminal_text

if TYPE_CHECKING:
    from opsreport.app.analysis import Analysis


class _Commands(TyperGroup):
    """The commands, with the one place where a refusal becomes its message and exit code."""

    def invoke(self, ctx: Any) -> Any:  # a click Context (typer may vendor click)
        try:
            return super().invoke(ctx)
        except OpsreportError as exc:
            raise typer.Exit(_report(exc)) from None

    def get_help_option(self, ctx: Any) -> Any:
        """The group's ``--help``, False when not given (typer leaves it None): typer 0.2x
        coerces every option value but a bool through a pydantic TypeAdapter, so each
        ``opsreport <command> --help`` imported pydantic (~0.15 s) for the group's unset flag."""
        option = super().get_help_option(ctx)
        if option is not None and option.default is None:
            option.default = False
        return option


def _report(exc: OpsreportError) -> int:
    """Print what was refused, every problem of a workbook on its own line; the exit code."""
    if isinstance(exc, WorkbookError):
        errors = exc.errors
        for diagnostic in errors:
            _err(f"error: {diagnostic}")
        _err(f"{len(errors)} error{'s' if len(errors) != 1 else ''}: the workbook was not used.")
    else:
        _err(f"error: {exc}")
    return exc.exit_code


app = typer.Typer(
    name="opsreport",
    cls=_Commands,
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
    resources = "resources"
    plan = "plan"
    value = "value"
    in_year = "in_year"


def _err(text: str) -> None:
    """One line on stderr; user text in it cannot break the line or fake another."""
    sys.stderr.write(terminal_text(text) + "\n")


def _out(text: str) -> None:
    """One line on stdout, like :func:`_err`."""
    sys.stdout.write(terminal_text(text) + "\n")


def _template_folder(folder: Path | None) -> Path | None:
    """A --template folder that exists; a notice when none of its files is a template.

    A folder that cannot be used is a mistake in the option: a UsageError (exit 2).
    """
    if folder is None:
        return None
    from opsreport.errors import TemplateProblem
    from opsreport.render.lookup import inspect_template_dir

    try:
        notices = inspect_template_dir(folder)
    except TemplateProblem as exc:
        raise UsageError(str(exc)) from None
    for notice in notices:
        _err(f"warning: {notice}")
    return folder


def _analyze(workbook: Path, quiet: bool = False) -> Analysis:
    """The workbook analysed, its warnings printed (unless ``quiet``)."""
    analysis = opsreport.analyze(workbook)
    if quiet:
        _NOTICES_SHOWN[0] = False  # --quiet hides template notices as it hides workbook warnings
    else:
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
    _print_template_notices()


_NOTICES_SHOWN = [True]


def _print_template_notices() -> None:
    """Template notices (a web link dropped from a Word template, issued as Python
    warnings by the renderers) print as ``warning: …`` lines, like workbook warnings."""
    import warnings

    _NOTICES_SHOWN[0] = True  # each invocation starts showing them (until --quiet)
    previous = warnings.showwarning
    if getattr(previous, "opsreport_notices", False):
        return

    def show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
        if category.__name__ == "TemplateNotice":
            if _NOTICES_SHOWN[0]:
                _err(f"warning: {message}")
        else:
            previous(message, category, filename, lineno, file, line)

    show.opsreport_notices = True  # type: ignore[attr-defined]
    warnings.showwarning = show


WorkbookArg = Annotated[
    Path,
    typer.Argument(help="The KPI workbook (.xlsx).", show_default=False),
]


@app.command()
def metrics(
    workbook: WorkbookArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV (for Excel; formula-like text is neutralised).")
    ] = False,
    what: Annotated[
        What,
        typer.Option(
            "--what",
            help="Which figures: kpis, goals, risks, quarters, breakdown, resources, plan, "
            "value, in_year.",
        ),
    ] = What.kpis,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            "-Q",
            help="With --what plan: a quarter of the year in progress (2026Q3, or a bare Q3 by "
            "the plan rule) prints its re-plan (the in_year rows) instead.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    """Print the computed KPI figures (attainment, variances, shares, status).

    Example:

        opsreport metrics examples/ecommerce-2026-zh.xlsx --json

        opsreport metrics examples/ecommerce-2026-zh.xlsx --json --what goals

        opsreport metrics examples/ecommerce-2026-zh.xlsx --csv > kpis.csv

        opsreport metrics year.xlsx --json --what plan --quarter 2026Q3
    """
    from opsreport.present import tables as exports

    analysis = _analyze(workbook, quiet=quiet)
    table = what.value
    if quarter is not None:
        if what is not What.plan:
            raise UsageError("--quarter goes with --what plan")
        table = "in_year" if opsreport.plan_is_in_year(analysis, quarter) else "plan"
    data = analysis.rows(table)
    if as_json:
        # allow_nan=False: strict JSON, never Infinity/NaN (the engine makes none).
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
        return
    if as_csv:
        sys.stdout.write(exports.metrics_csv(analysis.metrics, table))
        return
    exports.print_table(analysis.metrics, table, lang=analysis.report.meta.language or "zh")


class Format(StrEnum):
    docx = "docx"
    md = "md"
    html = "html"
    pdf = "pdf"
    pptx = "pptx"
    all = "all"


class ChartKind(StrEnum):
    native = "native"
    image = "image"
    none = "none"


def _chart_choice(
    charts: ChartKind | None, no_charts: bool, formats: tuple[str, ...]
) -> bool | str:
    """The build's ``charts``: --no-charts or none: False; else the kind named; by default
    native charts, none for Markdown alone."""
    if no_charts or charts is ChartKind.none:
        return False
    if charts is not None:
        return charts.value
    return formats != ("md",)


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _formats(values: list[Format]) -> tuple[str, ...]:
    from opsreport.app.pipeline import format_list

    return format_list([value.value for value in values])


FormatOption = Annotated[
    list[Format],
    typer.Option(
        "--format",
        "-f",
        help="docx, md, html, pdf, pptx or all (= docx, md and html); repeat for several: "
        "-f all -f pdf. PDF needs LibreOffice; pptx is the year-end deck (build only).",
    ),
]
SofficeOption = Annotated[
    Path | None,
    typer.Option(
        "--soffice",
        help="LibreOffice's soffice program for --format pdf. Default: $OPSREPORT_SOFFICE, "
        "else found on PATH.",
        show_default=False,
    ),
]
PdfTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--pdf-timeout",
        help="Seconds one PDF conversion may take before LibreOffice is stopped (0: no limit). "
        "Default: $OPSREPORT_PDF_TIMEOUT, else 120.",
        min=0,
        show_default=False,
    ),
]


JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", help="Workbooks built in parallel (default: CPU count).", min=1),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        help="Seconds one workbook of a batch (check; build of several) may take before it "
        "is stopped and reported as failed (0: no limit).",
        min=0,
    ),
]


@app.command()
def build(
    workbooks: Annotated[
        list[Path], typer.Argument(help="Workbooks (.xlsx) or folders of them.", show_default=False)
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Output file, or a folder. Default: next to the workbook, same name.",
        ),
    ] = None,
    fmt: FormatOption = [Format.docx],  # noqa: B006 (typer reads the default, never mutates it)
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang", help="Document language. Default: the workbook's meta language, else zh."
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", help="A folder of your own templates (see `opsreport templates export`)."
        ),
    ] = None,
    charts: Annotated[
        ChartKind | None,
        typer.Option(
            "--charts",
            help="native: editable Word charts with their data (the default for docx/pdf); "
            "image: pictures in Word too. HTML always gets SVG, Markdown PNG (Markdown alone "
            "only with --charts). none: no charts.",
            show_default=False,
        ),
    ] = None,
    no_charts: Annotated[
        bool, typer.Option("--no-charts", help="No charts (= --charts none).")
    ] = False,
    jobs: JobsOption = None,
    timeout: TimeoutOption = 300.0,
    kpis_per_group: Annotated[
        int,
        typer.Option(
            "--kpis-per-group",
            help="KPIs each dimension lists one by one; the rest are summarised in a sentence. 0: all.",
            min=0,
        ),
    ] = 50,
    soffice: SofficeOption = None,
    pdf_timeout: PdfTimeoutOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    """Write the year-end summary and next-year plan (Word, Markdown, HTML, PDF).

    Several workbooks or a folder are built in parallel; one that fails (or takes
    longer than --timeout, or crashes its worker) does not stop the others, and the
    exit code is 1 if any failed. With -o, a folder's subfolders are mirrored
    (stores/a/x.xlsx -> reports/a/x.docx). Outputs are written whole, never
    through a symbolic link, never over the input.

    Example:

        opsreport build examples/ecommerce-2026-zh.xlsx

        opsreport build examples/support-2026-en.xlsx --format all -o out/

        opsreport build examples/ecommerce-2026-zh.xlsx -f docx -f pdf -o out/

        opsreport build stores/ -o reports/ --jobs 2
    """
    files = [path for path, _ in opsreport.workbook_sources(workbooks)]
    formats = _formats(fmt)
    options: dict[str, Any] = {
        "formats": formats,
        "lang": lang.value if lang else None,
        "template_dir": _template_folder(template),
        "charts": _chart_choice(charts, no_charts, formats),
        "kpis_per_group": kpis_per_group,
    }
    if "pdf" in formats:  # no LibreOffice: said before any workbook is read
        from opsreport.render.pdf import pdf_settings

        found = pdf_settings(soffice, pdf_timeout)
        options |= {"soffice": found.soffice, "pdf_timeout": found.timeout or 0}
    if len(files) == 1 and not any(p.is_dir() for p in workbooks):
        _build_single(files[0], output, options, quiet)
        return
    if output is not None and output.suffix and not output.is_dir():
        raise UsageError("with several workbooks, -o must be a folder")
    _build_many(workbooks, output, options, jobs, timeout)


def _build_single(
    workbook: Path, output: Path | None, options: dict[str, Any], quiet: bool
) -> None:
    from opsreport.app.pipeline import chart_workers_started

    with chart_workers_started(options["formats"], options["charts"]):
        # the chart workers load matplotlib while the workbook is read
        analysis = _analyze(workbook, quiet=quiet)
        result = opsreport.build_report(workbook, output=output, analysis=analysis, **options)
    for path in result.outputs:
        _out(f"wrote {path}")
    _out(result.one_line())


def _build_many(
    workbooks: list[Path],
    output: Path | None,
    options: dict[str, Any],
    jobs: int | None,
    timeout: float,
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # an OutputError for two workbooks with one output name: nothing was written
    outcomes = opsreport.build_reports(
        workbooks, output=output, jobs=jobs, timeout=timeout, **options
    )
    table = Table(title=f"{len(outcomes)} workbooks")
    for column in ("workbook", "result", "seconds"):
        table.add_column(column, justify="right" if column == "seconds" else "left")
    for outcome in outcomes:  # Text cells: a name with [red] in it is a name, not markup
        table.add_row(
            Text(terminal_text(outcome.workbook)),
            Text(terminal_text(outcome.summary)) if outcome.ok else Text("failed", style="red"),
            Text(f"{outcome.seconds:.2f}"),
        )
    Console().print(table)
    for outcome in outcomes:
        for message in outcome.errors:
            _err(f"error: {message}")
    failed = sum(1 for o in outcomes if not o.ok)
    _out(f"{len(outcomes) - failed} built, {failed} failed")
    if failed:
        raise typer.Exit(1)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Workbooks or folders (searched for .xlsx).", show_default=False),
    ],
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", help="text, json, or github (::error annotations)."),
    ] = CheckFormat.text,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="Check these templates too (your --template folder)."),
    ] = None,
    no_charts: Annotated[
        bool, typer.Option("--no-charts", help="Leave the charts out (faster).")
    ] = False,
    pictures: Annotated[
        bool,
        typer.Option(
            "--pictures",
            help="Draw the Markdown and HTML chart pictures too (matplotlib: ~1 s a workbook).",
        ),
    ] = False,
    jobs: JobsOption = None,
    timeout: TimeoutOption = 300.0,
) -> None:
    """Load, validate and render every workbook; exit 1 if any fails (for CI).

    Every chart's data is made and the Word charts written; the Markdown and HTML
    pictures are drawn with --pictures.

    Every workbook gets its own result, in the order given: a damaged one, one that
    takes longer than --timeout, or one that crashes its worker process fails alone.

    Example:

        opsreport check examples/

        opsreport check workbooks/ --strict --format github
    """
    files = [path for path, _ in opsreport.workbook_sources(paths)]
    results = opsreport.check(
        files,
        jobs=jobs,
        timeout=timeout,
        progress=len(files) > 3 and sys.stderr.isatty() and fmt is CheckFormat.text,
        template_dir=_template_folder(template),
        charts=not no_charts,
        pictures=pictures and not no_charts,
    )
    sys.stdout.write(opsreport.format_check_results(results, fmt.value, strict) + "\n")
    if not all(r.passed(strict) for r in results):
        raise typer.Exit(1)


@app.command()
def init(
    path: Annotated[
        Path, typer.Argument(help="The workbook to create (.xlsx).", show_default=False)
    ],
    lang: Annotated[
        Lang, typer.Option("--lang", help="Sheet and column names in zh or en.")
    ] = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write a starter workbook with every sheet, headers, guidance and drop-downs.

    A symbolic link at PATH (even one pointing nowhere) is refused, --force or not.

    Example:

        opsreport init myteam.xlsx

        opsreport init myteam.xlsx --lang en
    """
    _out(f"wrote {opsreport.write_starter(path, lang.value, force)}")


@app.command()
def plan(
    workbook: WorkbookArg,
    quarter: Annotated[
        str | None, typer.Option("--quarter", "-Q", help="Q1–Q4 or e.g. 2027Q1 (the plan year).")
    ] = None,
    all_quarters: Annotated[
        bool, typer.Option("--all-quarters", help="Write all four drafts.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Output file, or a folder. Default: next to the workbook."
        ),
    ] = None,
    fmt: FormatOption = [Format.docx],  # noqa: B006 (typer reads the default, never mutates it)
    lang: Annotated[Lang | None, typer.Option("--lang", help="Document language.")] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="A folder of your own templates.")
    ] = None,
    no_charts: Annotated[bool, typer.Option("--no-charts", help="Leave the charts out.")] = False,
    soffice: SofficeOption = None,
    pdf_timeout: PdfTimeoutOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    """Draft a quarterly plan: targets split from the annual goals, tasks, risks, resources.

    Example:

        opsreport plan examples/ecommerce-2026-zh.xlsx --quarter Q1

        opsreport plan examples/support-2026-en.xlsx --all-quarters --format md -o plans/
    """
    from opsreport.app.pipeline import chart_workers_started

    if (quarter is None) == (not all_quarters):
        raise UsageError("give --quarter Q1…Q4 or --all-quarters")
    template = _template_folder(template)
    formats = _formats(fmt)
    if "pptx" in formats:  # the deck is the annual report's: said before any work
        raise UsageError(
            "--format pptx is the year-end deck of `opsreport build`; a plan draft has no deck"
        )
    if "pdf" in formats:  # no LibreOffice: said before the workbook is read
        from opsreport.render.pdf import pdf_settings

        found = pdf_settings(soffice, pdf_timeout)
        soffice, pdf_timeout = found.soffice, found.timeout or 0
    with chart_workers_started(formats, not no_charts):
        # the chart workers load matplotlib while the workbook is read
        analysis = _analyze(workbook, quiet=quiet)
        if all_quarters and output is not None and output.suffix:
            raise UsageError("with --all-quarters, -o must be a folder")
        # the drafts of every quarter asked for are written as one all-or-nothing set
        written = opsreport.build_plan(
            workbook, "all" if all_quarters else quarter or "", output=output, formats=formats,
            lang=lang.value if lang else None, template_dir=template, charts=not no_charts,
            analysis=analysis, soffice=soffice, pdf_timeout=pdf_timeout,
        )  # fmt: skip
    for path in written:
        _out(f"wrote {path}")


@app.command()
def context(
    workbook: WorkbookArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole context as JSON.")
    ] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Language of the context.")] = None,
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", "-Q", help="The context of a plan draft (Q1–Q4) instead."),
    ] = None,
) -> None:
    """Show the data a template receives: every name, with this workbook's values.

    Example:

        opsreport context examples/ecommerce-2026-zh.xlsx

        opsreport context examples/ecommerce-2026-zh.xlsx --json --quarter Q1
    """
    analysis = _analyze(workbook, quiet=True)
    data = opsreport.template_context(
        analysis, lang=lang.value if lang else None, quarter=quarter or None
    )
    data["charts"] = {"<name>": {"title": "…", "alt": "…", "file": "…", "svg": "…"}}
    if as_json:
        sys.stdout.write(
            json.dumps(data, ensure_ascii=False, indent=2, default=str, allow_nan=False) + "\n"
        )
        return
    from opsreport.present.tables import print_context_outline

    print_context_outline(data)


templates_app = typer.Typer(help="Work with your own templates.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


@templates_app.command("export")
def templates_export(
    directory: Annotated[
        Path, typer.Argument(help="Folder to copy the templates into.", show_default=False)
    ],
    lang: Annotated[
        Lang, typer.Option("--lang", help="Which language's Word templates.")
    ] = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist.")] = False,
) -> None:
    """Copy the bundled templates to a folder, as a starting point for your own.

    Edit them in Word/WPS or a text editor, then build with --template DIR; any
    file the folder lacks falls back to the bundled one. Files that exist are kept
    unless --force; a symbolic link there is refused (nothing is written).

    Example:

        opsreport templates export my-templates --lang zh
    """
    done = opsreport.export_templates(directory, lang.value, force)
    for target in done.skipped:
        _err(f"skipped {target}: it exists (use --force to replace it)")
    for target in done.written:
        _out(f"wrote {target}")
    if not done.written:
        raise typer.Exit(1)


def _bare_charts(argv: list[str]) -> list[str]:
    """``--charts`` written alone, before another option or last (as before it took a kind:
    "draw the charts", e.g. for Markdown), means the default kind, ``native``; ``--charts
    image`` etc. as typed, and an unknown kind is refused by name."""
    fixed: list[str] = []
    for index, arg in enumerate(argv):
        fixed.append(arg)
        if arg == "--charts" and (index + 1 == len(argv) or argv[index + 1].startswith("-")):
            fixed.append(ChartKind.native.value)
    return fixed


def main() -> None:
    import sys

    app(args=_bare_charts(sys.argv[1:]))


if __name__ == "__main__":  # pragma: no cover
    main()
