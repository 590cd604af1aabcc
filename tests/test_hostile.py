"""Run the hostile corpus (tests/hostile): every attack ends in the promised behaviour.

Each case runs ``opsreport`` as a fresh process, bounded in wall-clock time and
address space (RLIMIT_AS), so a bomb that is accepted slowly fails here instead
of hanging CI. Promises checked for every case: no Python traceback, the exit
code, the message fragments, every input byte-identical afterwards, nothing new
outside the case's folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .hostile import Case, all_cases

CASES = all_cases()


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file and link under ``root``: links by their target, files by content."""
    seen: dict[str, bytes] = {}
    for directory, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(directory, name)
            relative = str(path.relative_to(root))
            if path.is_symlink():
                seen[relative] = b"-> " + os.readlink(path).encode()
            elif path.is_file():
                seen[relative] = path.read_bytes()
    return seen


def _limits(memory_mb: int):
    def apply() -> None:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_case(case: Case, sandbox: Path) -> tuple[int, str]:
    folder, outside = sandbox / "case", sandbox / "outside"
    folder.mkdir()
    outside.mkdir()
    case.make(folder)
    before = _snapshot(sandbox)
    argv = [a.replace("{dir}", str(folder)) for a in case.argv]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "opsreport", *argv],
            cwd=folder,
            capture_output=True,
            timeout=case.seconds,
            preexec_fn=_limits(case.memory_mb) if sys.platform == "linux" else None,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.area}/{case.name}: still running after {case.seconds} s")
    output = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    after = _snapshot(sandbox)
    allowed = {f"case/{name}" for name in case.changed}
    changed = sorted(
        name for name, data in before.items() if name not in allowed and after.get(name) != data
    )
    assert not changed, f"inputs changed or removed: {changed}\n{output}"
    appeared = sorted(n for n in after if n not in before and n.startswith("outside"))
    assert not appeared, f"written outside the case's folder: {appeared}\n{output}"
    return done.returncode, output


@pytest.mark.parametrize("case", CASES, ids=[f"{c.area}/{c.name}" for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    code, output = run_case(case, tmp_path)
    assert "Traceback (most recent call last)" not in output, output
    if case.exit_code is not None:
        assert code == case.exit_code, f"exit {code}, promised {case.exit_code}:\n{output}"
    for fragment in case.says:
        assert fragment in output, f"«{fragment}» not said:\n{output}"
    if case.verify is not None:
        case.verify(tmp_path / "case", output)


def test_case_names_are_unique() -> None:
    assert len({(c.area, c.name) for c in CASES}) == len(CASES)
