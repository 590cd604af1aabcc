"""Templates reach data, nothing else (issue 11, Deliver 1): attacks through ``--template``.

A Word template that calls methods of what it is given (the old ``images[…].tpl``:
docxtpl's document, whose ``save`` wrote anywhere), symbolic links out of the
template folder, damaged and bomb-sized Word packages, links to the web inside a
Word template, hostile tags in every kind of template. Every input is made here by
code; the helpers are shared with the unit tests (tests/test_templates.py,
tests/test_render_docx.py).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from . import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce-2026-zh.xlsx"
SECRET = "TOP SECRET 4711"
ATTACHED = "http://templates.example.invalid/evil.dotm"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --------------------------------------------------------------------------- makers


def word_docx(*paragraphs: str, header: str | None = None) -> bytes:
    """A Word document with one paragraph per string (and a header paragraph)."""
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rezip(
    data: bytes,
    change: Callable[[str, bytes], bytes | None] = lambda name, body: body,
    add: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The package with each entry passed through ``change`` (None drops it), plus ``add``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression) as target,
    ):
        for info in source.infolist():
            body = change(info.filename, source.read(info.filename))
            if body is not None:
                target.writestr(info.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def with_external_links(data: bytes, url: str = ATTACHED) -> bytes:
    """An ``attachedTemplate`` on the web (Word fetches it on opening) and a hyperlink,
    which is only followed when clicked."""
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R}/attachedTemplate" Target="{url}" TargetMode="External"/>'
        "</Relationships>"
    ).encode()

    def change(name: str, body: bytes) -> bytes:
        if not name.endswith((".xml", ".rels")):
            return body
        text = body.decode("utf-8")
        if name == "word/settings.xml":
            text = re.sub(
                r"(<w:settings[^>]*>)",
                rf'\1<w:attachedTemplate xmlns:r="{R}" r:id="rId1"/>',
                text,
                count=1,
            )
        elif name == "word/_rels/document.xml.rels":
            text = text.replace(
                "</Relationships>",
                f'<Relationship Id="rId99" Type="{R}/hyperlink" Target="https://example.org/help" '
                'TargetMode="External"/></Relationships>',
            )
        elif name == "word/document.xml":  # before the section properties, which stay last
            text = text.replace(
                "<w:sectPr",
                f'<w:p><w:hyperlink xmlns:r="{R}" r:id="rId99"><w:r><w:t>help</w:t></w:r>'
                "</w:hyperlink></w:p><w:sectPr",
                1,
            )
        return text.encode("utf-8")

    return rezip(data, change, add={"word/_rels/settings.xml.rels": settings_rels})


def crc_damaged(data: bytes) -> bytes:
    """The document part's bytes changed after its CRC was written (stored, not deflated)."""
    stored = rezip(data, compression=zipfile.ZIP_STORED)
    at = stored.index(b"<w:body>")
    return stored[:at] + b"<w:bodx>" + stored[at + 8 :]


def inflate_damaged(data: bytes) -> bytes:
    """The document part's deflate stream garbled in its middle."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("word/document.xml")
    raw = bytearray(data)
    name_length, extra_length = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little"), int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")  # fmt: skip
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(start + 10, start + min(info.compress_size - 4, 200)):
        raw[offset] ^= 0xA5
    return bytes(raw)


def ratio_bomb(data: bytes, megabytes: int = 8) -> bytes:
    """A part of zeros that expands about 1,000× (refused above 200× for parts over 1 MB)."""
    return rezip(data, add={"word/media/padding.bin": bytes(megabytes * 1024 * 1024)})


def many_parts(data: bytes, count: int = 5_001) -> bytes:
    return rezip(data, add={f"word/padding/part{i}.xml": b"<a/>" for i in range(count)})


# --------------------------------------------------------------------------- case helpers


def _workbook(folder: Path) -> None:
    shutil.copyfile(EXAMPLE, folder / "good.xlsx")


def _word(*paragraphs: str, transform: Callable[[bytes], bytes] = lambda d: d, name: str = "report.docx") -> Callable[[Path], None]:  # fmt: skip
    def make(folder: Path) -> None:
        _workbook(folder)
        (folder / "tpl").mkdir()
        text = [p.replace("{outside}", str(folder.parent / "outside")) for p in paragraphs]
        (folder / "tpl" / name).write_bytes(transform(word_docx(*text)))

    return make


def _text(files: dict[str, str], links: dict[str, str] | None = None) -> Callable[[Path], None]:
    """Text templates in tpl/, and symbolic links (name → target; {outside} is the outside folder)."""

    def make(folder: Path) -> None:
        _workbook(folder)
        outside = folder.parent / "outside"
        (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
        (outside / "secret.md.j2").write_text(SECRET, encoding="utf-8")
        (outside / "report.docx").write_bytes(word_docx(SECRET))
        tpl = folder / "tpl"
        tpl.mkdir()
        for name, text in files.items():
            (tpl / name).parent.mkdir(parents=True, exist_ok=True)
            (tpl / name).write_text(text, encoding="utf-8")
        for name, target in (links or {}).items():
            os.symlink(target.replace("{outside}", str(outside)), tpl / name)

    return make


def _no_secret(folder: Path, output: str) -> None:
    """Nothing of the outside file reached the output or any file written."""
    assert SECRET not in output, output
    for path in folder.rglob("*"):
        if "tpl" in path.relative_to(folder).parts:
            continue  # the inputs (the harness checks they are unchanged)
        if path.is_file() and path.suffix in {".md", ".html", ".docx"}:
            data = path.read_bytes()
            assert SECRET.encode() not in data, path
            if path.suffix == ".docx":
                with zipfile.ZipFile(path) as archive:
                    assert not any(
                        SECRET.encode() in archive.read(n) for n in archive.namelist()
                    ), path


def _nothing_written(folder: Path, output: str) -> None:
    written = [p.name for p in folder.iterdir() if p.suffix in {".docx", ".md", ".html"}]
    assert not written, written
    assert not (folder / "evil.docx").exists()
    _no_secret(folder, output)


def _external_links_dropped(folder: Path, output: str) -> None:
    with zipfile.ZipFile(folder / "good.docx") as archive:
        rels = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".rels"))
        settings = archive.read("word/settings.xml").decode()
    assert ATTACHED not in rels and "attachedTemplate" not in settings
    assert "https://example.org/help" in rels  # the hyperlink stays


BUILD_DOCX = ("build", "good.xlsx", "--template", "tpl", "--format", "docx")
CHECK = ("check", "good.xlsx", "--template", "tpl")
BUILD_MD = ("build", "good.xlsx", "--template", "tpl", "--format", "md", "--no-charts")
CHECK_FAST = (*CHECK, "--no-charts")

IMAGE_CALLS = {
    "tpl-save-outside": "{{ images['attainment'].tpl.save('{outside}/evil.docx') }}",
    "tpl-save-input": "{{ images['attainment'].tpl.save('good.xlsx') }}",
    "tpl-replace-zipname": "{{ images['attainment'].tpl.replace_zipname('word/styles.xml', '/etc/passwd') }}",
    "tpl-new-subdoc": "{{ images['attainment'].tpl.new_subdoc('/etc/passwd') }}",
    "tpl-docx-save": "{{ images['attainment'].tpl.docx.save('{outside}/evil.docx') }}",
    "image-descriptor": "{{ images['attainment'].image_descriptor.read() }}",
}
FILTER_CALLS = {
    "richtext-add": "{{r (kpis[0].name | good(true)).add('x', style='evil') }}",
    "richtext-xml": "{{r (kpis[0].name | status('met')).xml }}",
}

CASES: list[Case] = []
for label, tag in IMAGE_CALLS.items():
    CASES += [
        Case(f"word-{label}-build", _word("{%p if 'attainment' in images %}", tag, "{%p endif %}"),
             BUILD_DOCX, exit_code=1, says=("tpl/report.docx", "unknown name"), seconds=90,
             verify=_nothing_written),
        Case(f"word-{label}-check", _word("{%p if 'attainment' in images %}", tag, "{%p endif %}"),
             CHECK, exit_code=1, says=("tpl/report.docx", "unknown name"), seconds=90,
             verify=_nothing_written),
    ]  # fmt: skip
for label, tag in FILTER_CALLS.items():
    CASES.append(
        Case(f"word-{label}-check", _word(tag), CHECK_FAST, exit_code=1,
             says=("tpl/report.docx", "unknown name"), verify=_nothing_written)
    )  # fmt: skip

CASES += [
    # lipsum(10**7) built 10 million paragraphs of lorem ipsum: it is not a template name any more
    Case("lipsum-bomb-md", _text({"report.md.j2": "{{ lipsum(10**7) }}\n"}), BUILD_MD,
         exit_code=1, says=("report.md.j2, line 1", "unknown name «lipsum»"), seconds=60),
    Case("lipsum-bomb-word", _word("{{ lipsum(10**7) }}"), CHECK_FAST,
         exit_code=1, says=("tpl/report.docx", "unknown name «lipsum»"), seconds=60),
    # symbolic links out of the template folder
    Case("link-include-outside", _text({"report.md.j2": "{% include 'evil.md.j2' %}\n"},
                                       {"evil.md.j2": "{outside}/secret.txt"}),
         BUILD_MD, exit_code=1, says=("evil.md.j2", "leads outside the template folder"),
         verify=_nothing_written),
    Case("link-include-etc-passwd", _text({"report.md.j2": "{% include 'evil.md.j2' %}\n"},
                                          {"evil.md.j2": "/etc/passwd"}),
         CHECK_FAST, exit_code=1, says=("evil.md.j2", "leads outside the template folder"),
         verify=_nothing_written),
    Case("link-include-word", lambda folder: (_text({}, {"evil.md.j2": "{outside}/secret.txt"})(folder),
                                             (folder / "tpl" / "report.docx").write_bytes(word_docx("{% include 'evil.md.j2' %}"))),
         CHECK_FAST, exit_code=1, says=("tpl/report.docx", "leads outside the template folder"),
         verify=_nothing_written),
    Case("link-subfolder-outside", _text({"report.html.j2": "{% include 'parts/secret.md.j2' %}\n"},
                                         {"parts": "{outside}"}),
         ("build", "good.xlsx", "--template", "tpl", "--format", "html", "--no-charts"),
         exit_code=1, says=("parts/secret.md.j2", "leads outside the template folder"),
         verify=_nothing_written),
    Case("link-report-md", _text({}, {"report.md.j2": "{outside}/secret.md.j2"}), BUILD_MD,
         exit_code=2, says=("report.md.j2", "leads outside the template folder"),
         verify=_nothing_written),
    Case("link-report-docx", _text({}, {"report.docx": "{outside}/report.docx"}), BUILD_DOCX,
         exit_code=2, says=("report.docx", "leads outside the template folder"),
         verify=_nothing_written),
    Case("link-report-docx-check", _text({}, {"report.docx": "{outside}/report.docx"}), CHECK_FAST,
         exit_code=2, says=("report.docx", "leads outside the template folder"),
         verify=_nothing_written),
    Case("link-dangling-outside", _text({}, {"report.md.j2": "{outside}/not-there.md.j2"}),
         BUILD_MD, exit_code=2, says=("report.md.j2", "leads outside the template folder")),
    Case("link-inside-folder-is-followed",
         _text({"real/report.md.j2": "# {{ meta.title }}\n"}, {"report.md.j2": "real/report.md.j2"}),
         BUILD_MD, exit_code=0, says=("wrote",), changed=("good.md",)),
    # damaged and bomb-sized Word templates
    Case("word-not-a-zip", _word(transform=lambda d: b"hello, I am not a Word file\n"), CHECK_FAST,
         says=("tpl/report.docx", "not a Word document")),
    Case("word-old-doc", _word(transform=lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
         CHECK_FAST, says=("tpl/report.docx", "Word 97–2003")),
    Case("word-truncated", _word(transform=lambda d: d[: len(d) // 2]), CHECK_FAST,
         says=("tpl/report.docx", "damaged")),
    Case("word-crc-error", _word("{{ meta.title }}", transform=crc_damaged), CHECK_FAST,
         says=("tpl/report.docx", "damaged", "CRC")),
    Case("word-inflate-error", _word("{{ meta.title }}", transform=inflate_damaged), BUILD_DOCX,
         says=("tpl/report.docx", "damaged"), verify=_nothing_written, seconds=60),
    Case("word-ratio-bomb", _word("{{ meta.title }}", transform=ratio_bomb), CHECK_FAST,
         says=("tpl/report.docx", "word/media/padding.bin expands", "zip bomb"), memory_mb=1000),
    Case("word-too-many-parts", _word("{{ meta.title }}", transform=many_parts), CHECK_FAST,
         says=("tpl/report.docx", "parts (limit 5000)")),
    Case("word-is-a-workbook", _word(transform=lambda d: EXAMPLE.read_bytes()), CHECK_FAST,
         says=("tpl/report.docx", "not a Word document", "spreadsheetml")),
    # a link to the web in the template: dropped, with a warning
    Case("word-attached-template-dropped", _word("{{ meta.title }}", transform=with_external_links),
         ("build", "good.xlsx", "--template", "tpl", "--format", "docx", "--no-charts"),
         exit_code=0, says=("warning:", "removed the link to " + ATTACHED, "attachedTemplate"),
         changed=("good.docx",), verify=_external_links_dropped),
    Case("word-attached-template-check", _word("{{ meta.title }}", transform=with_external_links),
         CHECK_FAST, exit_code=0, says=("removed the link to " + ATTACHED,)),
    # hostile tags end as a message naming the template, in every kind, report and plan
    Case("md-internals", _text({"report.md.j2": "{{ meta.__class__.__mro__ }}\n"}), BUILD_MD,
         says=("report.md.j2, line 1", "refused by the template sandbox")),
    Case("html-plan-internals", _text({"plan.html.j2": "{{ plan.__class__ }}\n"}), CHECK_FAST,
         says=("plan.html.j2, line 1", "refused by the template sandbox")),
    Case("word-plan-internals", _word("{{ plan.update({'x': 1}) }}", name="plan.docx"), CHECK_FAST,
         says=("tpl/plan.docx", "refused by the template sandbox")),
    Case("md-not-utf8", lambda folder: (_text({})(folder), (folder / "tpl" / "report.md.j2").write_bytes(b"# \xff\xfe title\n")),
         BUILD_MD, says=("report.md.j2", "not UTF-8")),
]  # fmt: skip

# A check renders fifteen documents (the report and four plan drafts, three formats each):
# generous bounds for a loaded CI host; the bombs here are refused before any work.
CASES = [replace(case, seconds=max(case.seconds, 90)) for case in CASES]
