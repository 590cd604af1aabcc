"""Start-up cost of the command line: what a --help imports (no clock: module names)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# A command's --help prints text: none of these is needed for it.
_NOT_FOR_HELP = ("pydantic", "openpyxl", "matplotlib", "docx", "docxtpl", "pptx", "jinja2")


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"], ["build", "--help"]])
def test_help_imports_no_validation_or_document_library(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from opsreport.cli import main\n"
        f"sys.argv = ['opsreport', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        f"print('imported:', *(m for m in {_NOT_FOR_HELP!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage: opsreport" in done.stdout
    assert done.stdout.splitlines()[-1] == "imported:"  # nothing heavy
