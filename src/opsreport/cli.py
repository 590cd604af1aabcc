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

Built on click: typer 0.2x coerces every option through a pydantic TypeAdapter, which
cost every command ~0.15 s of imports and adapters (a sixth of a Word build).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

import opsreport
from opsreport.errors import OpsreportError, UsageError, WorkbookError
from opsreport.present.terminal import terminal_text

if TYPE_CHECKING:
    from opsreport.app.analysis import Analysis


class _Commands(click.Group):
    """The commands in the order they are defined, with the one place where a refusal
    becomes its message and exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OpsreportError as exc:
            raise click.exceptions.Exit(_report(exc)) from None
        except KeyboardInterrupt:  # Ctrl-C: the shell's 130, not 1 ("invalid input")
            _err("interrupted")
            raise click.exceptions.Exit(130) from None


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


_F = TypeVar("_F", bound=Callable[..., Any])
_PATH = click.Path(path_type=Path)  # any path, as typed: what it must be is the library's to say

WHAT = ("kpis", "goals", "risks", "quarters", "breakdown", "resources", "plan", "value", "in_year")
FORMATS = ("docx", "md", "html", "pdf", "pptx", "all")
CHART_KINDS = ("native", "image", "none")
LANGS = ("zh", "en")
CHECK_FORMATS = ("text", "json", "github")


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


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        from opsreport import __version__

        sys.stdout.write(f"opsreport {__version__}\n")
        ctx.exit()


@click.group(
    cls=_Commands,
    context_settings={"show_default": True},
    help="Turn an operations KPI workbook into its year-end report and plan drafts.\n\n"
    "Example: opsreport metrics examples/ecommerce-2026-zh.xlsx --json",
)
@click.option(
    "--version",
    is_flag=True,
    callback=_version,
    is_eager=True,
    expose_value=False,
    help="Print the version and exit.",
)
def app() -> None:
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


def _workbook_argument(name: str = "workbook") -> Callable[[_F], _F]:
    return click.argument(name, type=_PATH)


def _quiet() -> Callable[[_F], _F]:
    return click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")


def _lang(help: str, default: str | None = None) -> Callable[[_F], _F]:
    return click.option(
        "--lang", type=click.Choice(LANGS), default=default, help=help, show_default=bool(default)
    )


@app.command()
@_workbook_argument()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print CSV (for Excel; formula-like text is neutralised)."
)
@click.option(
    "--what",
    type=click.Choice(WHAT),
    default="kpis",
    help="Which figures: kpis, goals, risks, quarters, breakdown, resources, plan, value, in_year.",
)
@click.option(
    "--quarter",
    "-Q",
    help="With --what plan: a quarter of the year in progress (2026Q3, or a bare Q3 by "
    "the plan rule) prints its re-plan (the in_year rows) instead.",
)
@_quiet()
def metrics(
    workbook: Path, as_json: bool, as_csv: bool, what: str, quarter: str | None, quiet: bool
) -> None:
    """Print the computed KPI figures (attainment, variances, shares, status).

    WORKBOOK: the KPI workbook (.xlsx).

    Example:

        opsreport metrics examples/ecommerce-2026-zh.xlsx --json

        opsreport metrics examples/ecommerce-2026-zh.xlsx --json --what goals

        opsreport metrics examples/ecommerce-2026-zh.xlsx --csv > kpis.csv

        opsreport metrics year.xlsx --json --what plan --quarter 2026Q3
    """
    from opsreport.present import tables as exports

    analysis = _analyze(workbook, quiet=quiet)
    table = what
    if quarter is not None:
        if what != "plan":
            raise UsageError("--quarter goes with --what plan")
        table = "in_year" if opsreport.plan_is_in_year(analysis, quarter) else "plan"
    data = analysis.rows(table)
    if as_json:
        # strict JSON, never Infinity/NaN (the engine makes none); as json.dumps(indent=2)
        from opsreport.present.json_text import indented_json

        sys.stdout.write(indented_json(data) + "\n")
        return
    if as_csv:
        sys.stdout.write(exports.metrics_csv(analysis.metrics, table))
        return
    exports.print_table(analysis.metrics, table, lang=analysis.report.meta.language or "zh")


def _chart_choice(charts: str | None, no_charts: bool, formats: tuple[str, ...]) -> bool | str:
    """The build's ``charts``: --no-charts or none: False; else the kind named; by default
    native charts, none for Markdown alone."""
    if no_charts or charts == "none":
        return False
    if charts is not None:
        return charts
    return formats != ("md",)


def _formats(values: tuple[str, ...]) -> tuple[str, ...]:
    from opsreport.app.pipeline import format_list

    return format_list(list(values))


def _format_option() -> Callable[[_F], _F]:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(FORMATS),
        multiple=True,
        default=("docx",),
        help="docx, md, html, pdf, pptx or all (= docx, md and html); repeat for several: "
        "-f all -f pdf. PDF needs LibreOffice; pptx is the year-end deck (build only).",
    )


def _pdf_options(command: _F) -> _F:
    command = click.option(
        "--pdf-timeout",
        type=click.FloatRange(min=0),
        help="Seconds one PDF conversion may take before LibreOffice is stopped (0: no limit). "
        "Default: $OPSREPORT_PDF_TIMEOUT, else 120.",
    )(command)
    return click.option(
        "--soffice",
        type=_PATH,
        help="LibreOffice's soffice program for --format pdf. Default: $OPSREPORT_SOFFICE, "
        "else found on PATH.",
    )(command)


def _seconds(_ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A number of seconds: click's range lets NaN and infinity through."""
    if value is not None and (value != value or value == float("inf")):
        raise click.BadParameter(f"{value} is not a number of seconds (0: no limit)")
    return value


def _batch_options(command: _F) -> _F:
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        callback=_seconds,
        default=300.0,
        help="Seconds one workbook of a batch (check; build of several) may take before it "
        "is stopped and reported as failed (0: no limit).",
    )(command)
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        help="Workbooks built in parallel (default: CPU count).",
    )(command)


@app.command()
@click.argument("workbooks", nargs=-1, required=True, type=_PATH)
@click.option(
    "--output",
    "-o",
    type=_PATH,
    help="Output file, or a folder. Default: next to the workbook, same name.",
)
@_format_option()
@_lang("Document language. Default: the workbook's meta language, else zh.")
@click.option(
    "--template",
    type=_PATH,
    help="A folder of your own templates (see `opsreport templates export`).",
)
@click.option(
    "--charts",
    type=click.Choice(CHART_KINDS),
    help="native: editable Word charts with their data (the default for docx/pdf); "
    "image: pictures in Word too. HTML always gets SVG, Markdown PNG (Markdown alone "
    "only with --charts). none: no charts.",
)
@click.option("--no-charts", is_flag=True, help="No charts (= --charts none).")
@_batch_options
@click.option(
    "--kpis-per-group",
    type=click.IntRange(min=0),
    default=50,
    help="KPIs each dimension lists one by one; the rest are summarised in a sentence. 0: all.",
)
@_pdf_options
@_quiet()
def build(
    workbooks: tuple[Path, ...],
    output: Path | None,
    fmt: tuple[str, ...],
    lang: str | None,
    template: Path | None,
    charts: str | None,
    no_charts: bool,
    jobs: int | None,
    timeout: float,
    kpis_per_group: int,
    soffice: Path | None,
    pdf_timeout: float | None,
    quiet: bool,
) -> None:
    """Write the year-end summary and next-year plan (Word, Markdown, HTML, PDF).

    WORKBOOKS: workbooks (.xlsx) or folders of them.

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
        "lang": lang,
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
    _build_many(list(workbooks), output, options, jobs, timeout)


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
        raise click.exceptions.Exit(1)


@app.command()
@click.argument("paths", nargs=-1, required=True, type=_PATH)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default="text",
    help="text, json, or github (::error annotations).",
)
@click.option(
    "--template",
    type=_PATH,
    help="Check these templates too (your --template folder).",
)
@click.option("--no-charts", is_flag=True, help="Leave the charts out (faster).")
@click.option(
    "--pictures",
    is_flag=True,
    help="Draw the Markdown and HTML chart pictures too (matplotlib: ~1 s a workbook).",
)
@_batch_options
def check(
    paths: tuple[Path, ...],
    strict: bool,
    fmt: str,
    template: Path | None,
    no_charts: bool,
    pictures: bool,
    jobs: int | None,
    timeout: float,
) -> None:
    """Load, validate and render every workbook; exit 1 if any fails (for CI).

    PATHS: workbooks or folders (searched for .xlsx).

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
        progress=len(files) > 3 and sys.stderr.isatty() and fmt == "text",
        template_dir=_template_folder(template),
        charts=not no_charts,
        pictures=pictures and not no_charts,
    )
    sys.stdout.write(opsreport.format_check_results(results, fmt, strict) + "\n")
    if not all(r.passed(strict) for r in results):
        raise click.exceptions.Exit(1)


@app.command()
@click.argument("path", type=_PATH)
@_lang("Sheet and column names in zh or en.", "zh")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def init(path: Path, lang: str, force: bool) -> None:
    """Write a starter workbook with every sheet, headers, guidance and drop-downs.

    PATH: the workbook to create (.xlsx).

    A symbolic link at PATH (even one pointing nowhere) is refused, --force or not.

    Example:

        opsreport init myteam.xlsx

        opsreport init myteam.xlsx --lang en
    """
    _out(f"wrote {opsreport.write_starter(path, lang, force)}")


@app.command()
@_workbook_argument()
@click.option("--quarter", "-Q", help="Q1–Q4 or e.g. 2027Q1 (the plan year).")
@click.option("--all-quarters", is_flag=True, help="Write all four drafts.")
@click.option(
    "--output",
    "-o",
    type=_PATH,
    help="Output file, or a folder. Default: next to the workbook.",
)
@_format_option()
@_lang("Document language.")
@click.option("--template", type=_PATH, help="A folder of your own templates.")
@click.option("--no-charts", is_flag=True, help="Leave the charts out.")
@_pdf_options
@_quiet()
def plan(
    workbook: Path,
    quarter: str | None,
    all_quarters: bool,
    output: Path | None,
    fmt: tuple[str, ...],
    lang: str | None,
    template: Path | None,
    no_charts: bool,
    soffice: Path | None,
    pdf_timeout: float | None,
    quiet: bool,
) -> None:
    """Draft a quarterly plan: targets split from the annual goals, tasks, risks, resources.

    WORKBOOK: the KPI workbook (.xlsx).

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
            lang=lang, template_dir=template, charts=not no_charts,
            analysis=analysis, soffice=soffice, pdf_timeout=pdf_timeout,
        )  # fmt: skip
    for path in written:
        _out(f"wrote {path}")


@app.command()
@_workbook_argument()
@click.option("--json", "as_json", is_flag=True, help="Print the whole context as JSON.")
@_lang("Language of the context.")
@click.option("--quarter", "-Q", help="The context of a plan draft (Q1–Q4) instead.")
def context(workbook: Path, as_json: bool, lang: str | None, quarter: str | None) -> None:
    """Show the data a template receives: every name, with this workbook's values.

    WORKBOOK: the KPI workbook (.xlsx).

    Example:

        opsreport context examples/ecommerce-2026-zh.xlsx

        opsreport context examples/ecommerce-2026-zh.xlsx --json --quarter Q1
    """
    analysis = _analyze(workbook, quiet=True)
    data = opsreport.template_context(analysis, lang=lang, quarter=quarter or None)
    data["charts"] = {"<name>": {"title": "…", "alt": "…", "file": "…", "svg": "…"}}
    if as_json:
        import json  # (here: only --json needs it)

        sys.stdout.write(
            json.dumps(data, ensure_ascii=False, indent=2, default=str, allow_nan=False) + "\n"
        )
        return
    from opsreport.present.tables import print_context_outline

    print_context_outline(data)


@app.group("templates", cls=_Commands, help="Work with your own templates.")
def templates_app() -> None:
    pass


@templates_app.command("export")
@click.argument("directory", type=_PATH)
@_lang("Which language's Word templates.", "zh")
@click.option("--force", is_flag=True, help="Replace files that exist.")
def templates_export(directory: Path, lang: str, force: bool) -> None:
    """Copy the bundled templates to a folder, as a starting point for your own.

    DIRECTORY: the folder to copy the templates into.

    Edit them in Word/WPS or a text editor, then build with --template DIR; any
    file the folder lacks falls back to the bundled one. Files that exist are kept
    unless --force; a symbolic link there is refused (nothing is written).

    Example:

        opsreport templates export my-templates --lang zh
    """
    done = opsreport.export_templates(directory, lang, force)
    for target in done.skipped:
        _err(f"skipped {target}: it exists (use --force to replace it)")
    for target in done.written:
        _out(f"wrote {target}")
    if not done.written:
        raise click.exceptions.Exit(1)


def _bare_charts(argv: list[str]) -> list[str]:
    """``--charts`` written alone, before another option or last (as before it took a kind:
    "draw the charts", e.g. for Markdown), means the default kind, ``native``; ``--charts
    image`` etc. as typed, and an unknown kind is refused by name."""
    fixed: list[str] = []
    for index, arg in enumerate(argv):
        fixed.append(arg)
        if arg == "--charts" and (index + 1 == len(argv) or argv[index + 1].startswith("-")):
            fixed.append("native")
    return fixed


def main() -> None:
    import sys

    app(args=_bare_charts(sys.argv[1:]), prog_name="opsreport")


if __name__ == "__main__":  # pragma: no cover
    main()
