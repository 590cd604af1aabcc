"""check_zip: the bounds a zip package (a Word template, later a workbook) must stay within."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest

from opsreport.io.zipbounds import DEFAULT_BOUNDS, ZipBounds, ZipRefused, check_zip

MIB = 1024 * 1024


def package(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


def refusal(data: bytes, bounds: ZipBounds = DEFAULT_BOUNDS) -> tuple[str, str]:
    with pytest.raises(ZipRefused) as caught:
        check_zip(data, bounds)
    return caught.value.code, str(caught.value)


def test_an_ordinary_package_passes_and_its_entries_are_listed():
    data = package({"a.xml": b"<a/>", "b.xml": b"<b/>" * 100})
    assert [info.filename for info in check_zip(data)] == ["a.xml", "b.xml"]
    assert [info.filename for info in check_zip(io.BytesIO(data))] == ["a.xml", "b.xml"]


def test_each_bound_is_refused_with_its_figures():
    # 3 entries against a limit of 2
    assert refusal(package({"a": b"", "b": b"", "c": b""}), ZipBounds(max_entries=2)) == (
        "zip_bomb",
        "the file holds 3 parts (limit 2)",
    )
    # 2 entries of 1.5 MiB stored: 3 MiB in total against 2 MiB (ratio 1: not a ratio refusal)
    stored = package({"a": bytes(3 * MIB // 2), "b": bytes(3 * MIB // 2)}, zipfile.ZIP_STORED)
    assert refusal(stored, ZipBounds(max_uncompressed_bytes=2 * MIB)) == (
        "zip_bomb",
        "the file expands to 3 MB (limit 2 MB)",
    )
    # 2 MiB of zeros deflate to a few kB: file_size / compress_size, above 200
    bomb = package({"zeros.bin": bytes(2 * MIB)})
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("zeros.bin")
    ratio = info.file_size / info.compress_size
    assert ratio > 200
    assert refusal(bomb) == (
        "zip_bomb",
        f"the part zeros.bin expands {ratio:.0f}× (2 MB): refused as a zip bomb",
    )
    # the same ratio under the 1 MiB floor is an ordinary compressed part
    assert check_zip(package({"zeros.bin": bytes(MIB)}))
    # 2,048 bytes against a 1,024-byte file limit: 0 MB shown, as the workbook loader shows it
    assert (
        refusal(package({"a": bytes(2048)}, zipfile.ZIP_STORED), ZipBounds(max_file_bytes=1024))[0]
        == "too_large"
    )


def test_not_a_zip_damaged_and_duplicated_entries():
    assert refusal(b"hello") == ("not_zip", "not a zip package (the file does not start like one)")
    data = package({"a.xml": b"<a/>" * 1000})
    code, message = refusal(data[: len(data) // 2])
    assert code == "corrupt_zip" and message.startswith(
        "the file is damaged: not a complete zip package"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        twice = _twice()
    assert refusal(twice) == ("duplicate_entry", "the part a.xml appears twice")


def _twice() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.xml", b"<a/>")
        archive.writestr("a.xml", b"<b/>")
    return out.getvalue()
