"""Write every hostile case's inputs to a folder, to look at or to try by hand.

    python scripts/make_hostile_corpus.py out/

Each case gets ``out/<area>/<name>/case/`` (its inputs, made by the case's own
code) and ``out/<area>/<name>/command.txt`` (the command the tests run there).
The tests (tests/test_hostile.py) build the same inputs in temporary folders.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile import all_cases  # noqa: E402


def main(out: Path) -> None:
    for case in all_cases():
        sandbox = out / case.area / case.name
        folder = sandbox / "case"
        folder.mkdir(parents=True, exist_ok=False)
        (sandbox / "outside").mkdir()
        case.make(folder)
        argv = [a.replace("{dir}", str(folder)) for a in case.argv]
        promise = f"exit {case.exit_code}" if case.exit_code is not None else "any exit"
        (sandbox / "command.txt").write_text(
            f"cd {shlex.quote(str(folder))} && opsreport {shlex.join(argv)}\n"
            f"# promised: {promise}; says {list(case.says)}; "
            f"within {case.seconds:g} s and {case.memory_mb} MB\n",
            encoding="utf-8",
        )
        print(f"{case.area}/{case.name}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/make_hostile_corpus.py OUT_FOLDER")
    main(Path(sys.argv[1]))
