"""``opsreport check``: prove that workbooks (and templates) still load and render.

Each workbook is loaded, validated and rendered in every format in memory (and
its quarterly drafts when ``opsreport.plan`` can draft them); nothing is written
next to it. Results are plain records the CLI prints as text, JSON or GitHub
annotations.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from opsreport.model import Diagnostic, Location

__all__ = ["CheckResult", "check_file", "check_one", "find_workbooks", "format_results"]

_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class CheckResult:
    path: Path
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    rendered: list[str] = field(default_factory=list)

    def passed(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def as_dict(self, strict: bool = False) -> dict[str, object]:
        return {
            "file": str(self.path),
            "passed": self.passed(strict),
            "seconds": round(self.seconds, 3),
            "rendered": self.rendered,
            "errors": [d.as_dict() for d in self.errors],
            "warnings": [d.as_dict() for d in self.warnings],
        }


def find_workbooks(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched recursively for .xlsx (Excel's ~$ lock files skipped)."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if (
                    found.suffix.lower() in _SUFFIXES
                    and found.is_file()
                    and not found.name.startswith(("~$", "."))
                ):
                    yield found
        else:
            yield path


def check_file(
    path: Path,
    *,
    formats: tuple[str, ...] = ("docx", "md", "html"),
    template_dir: Path | None = None,
    charts: bool = True,
) -> CheckResult:
    """Load, validate and render one workbook; every failure becomes a diagnostic."""
    from opsreport.api import WorkbookError, analyze
    from opsreport.build import render_documents
    from opsreport.render.common import TemplateProblem

    started = time.perf_counter()
    result = CheckResult(Path(path))
    try:
        analysis = analyze(path)
    except WorkbookError as exc:
        result.errors = exc.errors
        result.warnings = [d for d in exc.diagnostics if d.severity == "warning"]
        result.seconds = time.perf_counter() - started
        return result
    result.warnings = list(analysis.warnings)
    languages = [analysis.report.meta.language or "zh"]
    for lang in languages:
        try:
            render_documents(
                analysis, formats, lang=lang, template_dir=template_dir, charts=charts, chart_jobs=1
            )  # CI checks many workbooks: --jobs spreads them, one process each
            result.rendered += [f"report.{fmt}" for fmt in formats]
        except TemplateProblem as exc:
            result.errors.append(_template_diagnostic(exc, path))
        except Exception as exc:  # a renderer bug must fail the check, not crash the run
            result.errors.append(
                Diagnostic(
                    "error",
                    f"rendering failed: {type(exc).__name__}: {exc}",
                    Location(str(path)),
                    code="render",
                )
            )
        try:
            from opsreport import plan
        except ImportError:
            continue
        try:
            for quarter in plan.quarters_to_draft(analysis):
                # The plan's charts are the report's chart code, already exercised above.
                plan.render_plan_documents(
                    analysis, quarter, formats, lang=lang, template_dir=template_dir, charts=False
                )
                result.rendered += [f"plan-Q{quarter}.{fmt}" for fmt in formats]
        except TemplateProblem as exc:
            result.errors.append(_template_diagnostic(exc, path))
        except Exception as exc:
            result.errors.append(
                Diagnostic(
                    "error",
                    f"plan rendering failed: {type(exc).__name__}: {exc}",
                    Location(str(path)),
                    code="render",
                )
            )
    result.seconds = time.perf_counter() - started
    return result


def _template_diagnostic(problem: Exception, workbook: Path) -> Diagnostic:
    """A template error met while rendering ``workbook``, pointing at the template too."""
    return Diagnostic(
        "error",
        str(problem),
        Location(str(workbook)),
        code="template",
        template=getattr(problem, "template", None),
        template_line=getattr(problem, "line", None),
    )


def check_one(arguments: tuple[Path, dict[str, object]]) -> CheckResult:
    """check_file for a worker process: one picklable argument."""
    path, options = arguments
    return check_file(path, **options)  # type: ignore[arg-type]


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A value inside ``file=…,title=…``: its commas and colons would end it early."""
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def format_results(results: list[CheckResult], fmt: str = "text", strict: bool = False) -> str:
    """The report of a check run: human text, JSON, or GitHub Actions annotations."""
    if fmt == "json":
        return json.dumps(
            {
                "passed": all(r.passed(strict) for r in results),
                "files": [r.as_dict(strict) for r in results],
            },
            ensure_ascii=False,
            indent=2,
        )
    lines: list[str] = []
    if fmt == "github":
        for result in results:
            for severity, items in (("error", result.errors), ("warning", result.warnings)):
                level = "error" if severity == "error" or strict else "warning"
                for d in items:
                    if d.template:  # mark the template at fault, and say which workbook met it
                        where = f"file={_github_property(d.template)}"
                        if d.template_line:
                            where += f",line={d.template_line}"
                        title = f"template › {Path(d.location.file).name}"
                    else:
                        where = f"file={_github_property(d.location.file)}"
                        title = " › ".join(p for p in (d.location.sheet, d.location.cell) if p)
                    if title:
                        where += f",title={_github_property(title)}"
                    message = d.message + (f" — {d.hint}" if d.hint else "")
                    lines.append(f"::{level} {where}::{_github_escape(message)}")
    else:
        for result in results:
            mark = "ok  " if result.passed(strict) else "FAIL"
            counts = f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)"
            lines.append(f"{mark} {result.path}  ({counts}, {result.seconds:.2f} s)")
            for d in result.errors:
                lines.append(f"     error: {d}")
            for d in result.warnings:
                lines.append(f"     warning: {d}")
    failed = sum(1 for r in results if not r.passed(strict))
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)
