"""Benchmark opsreport as a user runs it: whole processes, cold, medians of several runs.

    python benchmarks/run.py            # the full table (about four minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer repetitions, no 10,000-KPI builds
    python benchmarks/run.py --huge     # also a 50,000-KPI workbook: plan, check and
                                        # build --kpis-per-group 0, once each (≤ 500 MB)

Generates workbooks of 20, 1,000 and 10,000 KPIs (with periods, problems,
goals and risks) in a temporary folder, times each command with its peak memory
(ru_maxrss from wait4: the largest process of the run, chart workers included), and prints a Markdown table with the budget of each
line from issue 6 and whether it is met.

The commands run with compiled bytecode, as an installed opsreport does (pip compiles it
when it installs; an editable install writes it on first use): opsreport is compiled into
a cache in the temporary folder (PYTHONPYCACHEPREFIX) and one unmeasured build imports
every renderer first. A shell with PYTHONDONTWRITEBYTECODE set would otherwise compile
opsreport's ~120 modules from source in every process (~0.35 s each command).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GROUPS = ["利润", "用户", "效率", "服务", "供应链"]
UNITS = [
    ("亿元", "sum"),
    ("万元", "sum"),
    ("%", "avg"),
    ("天", "last"),
    ("元", "avg"),
    ("万人", "sum"),
]


def _deviation(unit: str) -> str:
    """A deviation threshold in the KPI's terms: points for a rate (a percent is refused
    there as ambiguous), percent for an amount."""
    return "dev > 2pp" if unit == "%" else "dev > 8%"


def make_workbook(path: Path, kpis: int) -> None:
    """A realistic workbook of ``kpis`` KPIs; deterministic (no randomness)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    meta = wb.create_sheet("概况")
    for row in (
        ["键", "值"],
        ["标题", f"基准测试 {kpis} 项指标"],
        ["部门", "运营中心"],
        ["年度", 2026],
        ["语言", "zh"],
    ):
        meta.append(row)
    sheet = wb.create_sheet("指标")
    sheet.append(
        [
            "编号",
            "指标",
            "维度",
            "单位",
            "方向",
            "目标",
            "实际",
            "上年",
            "明年目标",
            "汇总方式",
            "权重",
            "数据来源",
        ]
    )
    for n in range(kpis):
        unit, how = UNITS[n % len(UNITS)]
        target = 100 + (n * 37) % 900
        actual = round(target * (0.9 + ((n * 13) % 21) / 100), 2)
        prior = round(target * (0.85 + ((n * 7) % 15) / 100), 2)
        direction = "越低越好" if n % 5 == 3 else "越高越好"
        sheet.append([f"K{n:05d}", f"指标{n:05d}", GROUPS[n % len(GROUPS)], unit, direction, target, actual, prior,
                      round(target * 1.08, 2), how, 1 if n % 4 == 0 else None, "BI看板"])  # fmt: skip
    periods = wb.create_sheet("分期")
    periods.append(["指标", "期间", "实际", "目标", "上年"])
    for n in range(min(kpis, 2000)):
        unit, how = UNITS[n % len(UNITS)]
        target = 100 + (n * 37) % 900
        actual = round(target * (0.9 + ((n * 13) % 21) / 100), 2)
        if how == "sum":  # quarters that add up to the year, as a real workbook's do
            parts = [round(actual * w, 2) for w in (0.22, 0.24, 0.25)]
            quarters = [*parts, round(actual - sum(parts), 2)]
        else:
            quarters = [actual] * 4
        for q, value in enumerate(quarters, start=1):
            periods.append([f"K{n:05d}", f"2026Q{q}", value, None, None])
    problems = wb.create_sheet("问题")
    problems.append(["领域", "问题", "关联指标", "主观原因", "客观原因", "影响", "改进措施"])
    for n in range(min(kpis // 10 + 2, 200)):
        problems.append(
            [
                GROUPS[n % 5],
                f"问题{n}",
                f"K{n:05d}",
                "执行不到位",
                "市场变化",
                "影响目标达成",
                "专项改进",
            ]
        )
    goals = wb.create_sheet("目标")
    goals.append(
        ["目标", "关联指标", "基线", "目标值", "单位", "截止", "负责人", "衡量口径", "对齐"]
    )
    for n in range(min(kpis // 10 + 2, 200)):
        goals.append(
            [
                f"目标{n}",
                f"K{n:05d}",
                None,
                120 + n,
                None,
                "2027-12-31",
                "负责人",
                "BI看板",
                "公司战略",
            ]
        )
    tasks = wb.create_sheet("任务")
    tasks.append(["阶段", "任务", "开始", "结束", "负责人", "里程碑", "交付物"])
    for n in range(min(kpis // 10 + 4, 60)):
        month = 1 + n % 12
        tasks.append([f"阶段{n % 4 + 1}", f"任务{n}", f"2027-{month:02d}-01", f"2027-{month:02d}-25", "负责人",
                      f"里程碑{n}" if n % 3 == 0 else None, "交付物"])  # fmt: skip
    risks = wb.create_sheet("风险")
    risks.append(["风险", "可能性", "影响程度", "触发指标", "阈值", "预案", "负责人"])
    for n in range(min(kpis // 10 + 3, 100)):
        risks.append(
            [
                f"风险{n}",
                1 + n % 5,
                1 + (n * 3) % 5,
                f"K{n:05d}",
                "< 120" if n % 2 else _deviation(UNITS[n % len(UNITS)][0]),
                "预案",
                "负责人",
            ]
        )
    wb.save(path)


def bytecode_environment(cache: Path) -> dict[str, str]:
    """The environment the commands run in: bytecode written to and read from ``cache``
    (never beside the sources), whatever the caller's PYTHONDONTWRITEBYTECODE says; the
    opsreport package compiled into it now."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    package = subprocess.run(
        [sys.executable, "-c", "import opsreport, pathlib; print(pathlib.Path(opsreport.__file__).parent)"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], env=env, check=True)
    return env


def measure(
    command: list[str], runs: int, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Median seconds, median CPU seconds (user + system, the process and the children it
    waited for: chart and check workers) and the largest peak RSS (MB) over ``runs`` cold
    processes. On a shared machine the CPU seconds move less than the wall-clock ones."""
    times, cpus, peaks = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        with tempfile.TemporaryFile() as errors:  # a file, not a pipe: nothing to drain
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
            _, status, usage = os.wait4(process.pid, 0)
            times.append(time.perf_counter() - started)
            cpus.append(usage.ru_utime + usage.ru_stime)
            peaks.append(usage.ru_maxrss / 1024)
            if os.waitstatus_to_exitcode(status) != 0:  # a refused workbook is measured as nothing
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
                raise SystemExit(
                    f"failed (exit {os.waitstatus_to_exitcode(status)}): {' '.join(command)}\n"
                    + "\n".join(said)
                )
    return statistics.median(times), statistics.median(cpus), max(peaks)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs, skip the 10,000-KPI builds"
    )
    parser.add_argument(
        "--huge",
        action="store_true",
        help="add a 50,000-KPI workbook (plan, check, every KPI listed): ten minutes more",
    )
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="time only the lines whose label holds TEXT (e.g. 'check 100', '20 KPIs')",
    )
    args = parser.parse_args()
    runs = 2 if args.quick else 3
    exe = shutil.which("opsreport") or sys.exit("opsreport is not on PATH: pip install . first")
    work = Path(tempfile.mkdtemp(prefix="opsreport-bench-"))
    sizes = (20, 1000) if args.quick else (20, 1000, 10000)
    books = {}
    for size in sizes:
        books[size] = work / f"kpis-{size}.xlsx"
        make_workbook(books[size], size)
    folder = work / "hundred"
    folder.mkdir()
    for n in range(100):
        shutil.copy(books[20], folder / f"unit{n:03d}.xlsx")
    out = work / "out"
    env = bytecode_environment(work / "pycache")
    warm_up = [exe, "build", str(books[20]), "-f", "all", "-f", "pptx", "-o", str(out), "-q"]
    measure(warm_up, 1, env)  # every renderer imported once: its dependencies' bytecode too

    rows: list[tuple[str, float, float, float, str]] = []

    def line(
        label: str,
        command: list[str],
        budget: float | None,
        repeat: int = runs,
        memory: float | None = None,
    ) -> None:
        if args.only and args.only not in label:
            return
        seconds, cpu, peak = measure(command, repeat, env)
        verdicts = []
        if budget is not None:
            verdicts.append(("✓" if seconds <= budget else "✗") + f" ≤ {budget:g} s")
        if memory is not None:
            verdicts.append(("✓" if peak <= memory else "✗") + f" ≤ {memory:g} MB")
        rows.append((label, seconds, cpu, peak, ", ".join(verdicts)))
        print(f"  {label}: {seconds:.2f} s, CPU {cpu:.2f} s, {peak:.0f} MB", file=sys.stderr)

    started = time.perf_counter()
    line("opsreport --help", [exe, "--help"], 0.3)
    line("opsreport check --help", [exe, "check", "--help"], 0.3)
    for size in sizes:
        heavy = runs
        line(
            f"metrics --json, {size:,} KPIs",
            [exe, "metrics", str(books[size]), "--json", "-q"],
            3 if size == 10000 else None,
            heavy,
        )
        line(
            f"build --format md, {size:,} KPIs",
            [exe, "build", str(books[size]), "-f", "md", "-o", str(out), "-q"],
            0.6 if size == 20 else None,
            heavy,
        )
        line(
            f"build --format docx (charts), {size:,} KPIs",
            [exe, "build", str(books[size]), "-o", str(out), "-q"],
            1.5 if size == 20 else 15 if size == 10000 else None,
            heavy,
            memory=500 if size == 10000 else None,
        )
        if size <= 1000:  # issue 16: the deck within 1.5× the Word build's time
            word = next((s for lbl, s, _, _, _ in rows if lbl.startswith("build --format docx") and lbl.endswith(f" {size:,} KPIs")), 1.0)  # fmt: skip
            line(
                f"build --format pptx (deck, native charts), {size:,} KPIs",
                [exe, "build", str(books[size]), "-f", "pptx", "-o", str(out), "-q"],
                round(word * 1.5, 2) if size == 20 else None,
                heavy,
            )
    line(
        "plan --quarter Q1 (docx), 20 KPIs",
        [exe, "plan", str(books[20]), "-Q", "Q1", "-o", str(out), "-q"],
        None,
    )
    if args.huge:  # issue 11: a valid 50,000-KPI workbook passes, within the memory budget
        huge = work / "kpis-50000.xlsx"
        make_workbook(huge, 50000)
        for label, command in (
            ("plan --quarter Q1 (docx)", [exe, "plan", str(huge), "-Q", "Q1", "-o", str(out), "-q"]),
            ("check", [exe, "check", str(huge), "--timeout", "0"]),
            ("build --kpis-per-group 0 (docx, charts)",
             [exe, "build", str(huge), "--kpis-per-group", "0", "-o", str(out), "-q"]),
        ):  # fmt: skip
            line(f"{label}, 50,000 KPIs", command, None, 1, memory=500)
    line("check 100 workbooks, --jobs 1", [exe, "check", str(folder), "--jobs", "1"], None, 1)
    line("check 100 workbooks, --jobs 2", [exe, "check", str(folder), "--jobs", "2"], None, 1)

    print(f"\nopsreport benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"medians of {runs} cold runs (1 for the 100-workbook checks), bytecode compiled\n")  # fmt: skip
    load = os.getloadavg()[0]  # other work on the machine makes the wall-clock times longer
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} CPUs\n")
    print("| command | median s | CPU s | peak MB | budget |")
    print("|---|--:|--:|--:|---|")
    for label, seconds, cpu, peak, verdict in rows:
        print(f"| {label} | {seconds:.2f} | {cpu:.2f} | {peak:.0f} | {verdict} |")
    by_label = {label: seconds for label, seconds, _, _, _ in rows}
    if 10000 in books and not args.only:
        print()
        for command in ("metrics --json", "build --format md", "build --format docx (charts)"):
            per_1k = by_label[f"{command}, 1,000 KPIs"] / 1000
            per_10k = by_label[f"{command}, 10,000 KPIs"] / 10000
            growth = per_10k / per_1k
            mark = "✓" if growth < 1.5 else "✗"
            print(f"{command}: time per KPI, 10,000 vs 1,000: {growth:.2f}× ({mark} < 1.5×)")
    one, two = (
        by_label.get("check 100 workbooks, --jobs 1"),
        by_label.get("check 100 workbooks, --jobs 2"),
    )
    if one and two:
        print(f"check 100 workbooks speed-up with 2 jobs: {one / two:.2f}×")
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
