"""Every workbook of a batch gets its own result (issue 11, Deliver 2 and 3, batch part).

``check`` and batch ``build`` of folders holding damaged workbooks (a truncated
zip, a CRC mismatch, a file that is no zip, a sheet whose XML stops midway, an
Excel error in a contract column) next to good ones; two workbooks of one name in
two subfolders; text in file names that a terminal or CI log would take for
markup, a new line or a workflow command. The damaged files are made here by code
and shared with tests/test_batch.py.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from . import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce-2026-zh.xlsx"
SHEET = "xl/worksheets/sheet2.xml"  # the example's 指标 (kpis) sheet


# --------------------------------------------------------------------------- makers


def _parts() -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(EXAMPLE) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _zip(parts: list[tuple[str, bytes]], stored: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            kind = zipfile.ZIP_STORED if name == stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def truncated_zip() -> bytes:
    """The example cut in the middle: no central directory."""
    data = EXAMPLE.read_bytes()
    return data[: len(data) // 2]


def not_a_zip() -> bytes:
    """Text named .xlsx (a CSV saved under the wrong name)."""
    return "名称,目标,实际\nGMV,100,90\n".encode()


def bad_crc() -> bytes:
    """A valid zip whose kpis sheet (stored, uncompressed) has one byte changed after
    its CRC was written: the XML still parses, the CRC check fails."""
    parts = [(info.filename, data) for info, data in _parts()]
    data = _zip(parts, stored=SHEET)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(SHEET)
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_length + extra_length
    body = data[start : start + info.compress_size]
    at = start + body.index(b"<sheetData>") + 1  # '<s' → '<t': same length, new CRC
    return data[:at] + b"t" + data[at + 1 :]


def truncated_sheet_xml() -> bytes:
    """A valid zip whose kpis sheet stops in the middle of its XML."""
    parts = []
    for info, data in _parts():
        parts.append((info.filename, data[: len(data) // 2] if info.filename == SHEET else data))
    return _zip(parts)


def error_in_contract_column(path: Path) -> None:
    """The example with #DIV/0! (an Excel error cell) as one KPI's actual."""
    from openpyxl import load_workbook

    workbook = load_workbook(EXAMPLE)
    sheet = workbook["指标"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("实际") + 1
    sheet.cell(row=2, column=column).value = "#DIV/0!"
    assert sheet.cell(row=2, column=column).data_type == "e"
    workbook.save(path)


DAMAGED: dict[str, Callable[[], bytes]] = {
    "1-truncated.xlsx": truncated_zip,
    "2-bad-crc.xlsx": bad_crc,
    "3-not-a-zip.xlsx": not_a_zip,
    "4-truncated-xml.xlsx": truncated_sheet_xml,
}


def one_good_five_damaged(folder: Path) -> None:
    """The issue's acceptance folder: 0-good.xlsx and five damaged workbooks."""
    shutil.copyfile(EXAMPLE, folder / "0-good.xlsx")
    for name, make in DAMAGED.items():
        (folder / name).write_bytes(make())
    error_in_contract_column(folder / "5-formula-error.xlsx")


# --------------------------------------------------------------------------- cases


def _six_results(folder: Path, output: str) -> None:
    assert output.count("FAIL ") == 5, output
    assert output.count("ok   ") == 1, output
    lines = [line for line in output.splitlines() if line.startswith(("ok ", "FAIL "))]
    names = [line.split()[1] for line in lines]
    assert names == sorted(names), f"results not in input order: {names}"


def _mixed_folder(folder: Path) -> None:
    stores = folder / "stores"
    stores.mkdir()
    one_good_five_damaged(stores)


def _same_stem(folder: Path) -> None:
    for sub in ("a", "b"):
        (folder / "stores" / sub).mkdir(parents=True)
        shutil.copyfile(EXAMPLE, folder / "stores" / sub / "x.xlsx")


def _mirrored(folder: Path, output: str) -> None:
    built = sorted(p.relative_to(folder).as_posix() for p in (folder / "reports").rglob("*.md"))
    assert built == ["reports/a/x.md", "reports/b/x.md"], built


def _two_folders_one_stem(folder: Path) -> None:
    for sub in ("north", "south"):
        (folder / sub).mkdir()
        shutil.copyfile(EXAMPLE, folder / sub / "x.xlsx")


def _nothing_written(folder: Path, output: str) -> None:
    assert not (folder / "reports").exists(), list((folder / "reports").rglob("*"))


def _hostile_names(folder: Path) -> None:
    stores = folder / "stores"
    stores.mkdir()
    (stores / "[red]evil[bold] \u202egnp.xlsx").write_bytes(not_a_zip())
    (stores / "line\n::error title=owned::x.xlsx").write_bytes(not_a_zip())
    shutil.copyfile(EXAMPLE, stores / "good.xlsx")


def _no_workflow_command(folder: Path, output: str) -> None:
    assert not any(line.startswith("::") for line in output.splitlines()), output
    assert "[red]evil[bold]" in output, output  # shown as typed, not taken as markup
    assert "\u202e" not in output and "\\u202e" in output, output


CASES = [
    Case("check-one-good-five-damaged", _mixed_folder, ("check", "stores"), exit_code=1,
         says=("1 passed, 5 failed",), seconds=90, verify=_six_results),
    Case("check-one-good-five-damaged-jobs-1", _mixed_folder,
         ("check", "stores", "--jobs", "1", "--no-charts"), exit_code=1,
         says=("1 passed, 5 failed",), seconds=90, verify=_six_results),
    Case("build-one-good-five-damaged", _mixed_folder,
         ("build", "stores", "-o", "reports", "-f", "md", "--jobs", "2"), exit_code=1,
         says=("1 built, 5 failed",), seconds=90,
         changed=("reports/0-good.md",)),
    Case("build-same-stem-in-two-subfolders-is-mirrored", _same_stem,
         ("build", "stores", "-o", "reports", "-f", "md"), exit_code=0,
         says=("2 built, 0 failed",), seconds=90,
         changed=("reports/a/x.md", "reports/b/x.md"), verify=_mirrored),
    Case("build-two-folders-one-output-name-refused", _two_folders_one_stem,
         ("build", "north", "south", "-o", "reports", "-f", "md"), exit_code=1,
         says=("would both be written as", "nothing was written"), verify=_nothing_written),
    Case("check-markup-bidi-and-newline-in-file-names", _hostile_names,
         ("check", "stores", "--no-charts"), exit_code=1, says=("1 passed, 2 failed",),
         seconds=90, verify=_no_workflow_command),
    Case("check-github-format-newline-in-file-name", _hostile_names,
         ("check", "stores", "--no-charts", "--format", "github"), exit_code=1,
         seconds=90, verify=lambda folder, output: _no_workflow_command_but_ours(output)),
    Case("build-markup-in-file-names-batch-table", _hostile_names,
         ("build", "stores", "-o", "reports", "-f", "md"), exit_code=1,
         says=("1 built, 2 failed",), seconds=90, changed=("reports/good.md",),
         verify=_no_workflow_command),
]  # fmt: skip


def _no_workflow_command_but_ours(output: str) -> None:
    commands = [line for line in output.splitlines() if line.startswith("::")]
    assert sum(line.startswith("::error file=") for line in commands) >= 2, output
    for line in commands:  # ours only: an annotation of a file, its name escaped
        assert line.startswith(("::error file=", "::warning file=")), line
        properties = line.split(" ", 1)[1].split("::", 1)[0]
        keys = [item.split("=", 1)[0] for item in properties.split(",")]
        assert len(keys) == len(set(keys)) and set(keys) <= {"file", "line", "title"}, line
