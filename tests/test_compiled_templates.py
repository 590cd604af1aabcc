"""Compiled templates kept between runs (render/compiled.py): used when the source and the
environment are the same, never across configurations, and never an error."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import jinja2
import pytest

from opsreport.render import compiled
from opsreport.render.sandbox import make_environment

# Long enough to be cached (compiled.WORTH_CACHING) and to show escaping.
SOURCE = "{{ value }}" + "{# padding #}" * 400


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(compiled.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def compiles(monkeypatch):
    """How many times Jinja compiled a template to Python."""
    count = [0]
    original = jinja2.Environment.compile

    def counted(self, *args, **kwargs):
        count[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return count


def _env(autoescape: bool = True):
    return make_environment("zh", [], autoescape=autoescape)


def test_a_second_run_loads_the_compiled_code_instead_of_compiling(cache_dir, compiles):
    first = compiled.compile_string(_env(), SOURCE).render(value="<b>")
    assert compiles[0] == 1 and len(list(cache_dir.glob("opsreport-*.jinjac"))) == 1
    second = compiled.compile_string(_env(), SOURCE).render(value="<b>")  # a fresh environment
    assert compiles[0] == 1
    assert first == second and first.startswith("&lt;b&gt;")


def test_an_edited_template_compiles_afresh(cache_dir, compiles):
    compiled.compile_string(_env(), SOURCE)
    edited = compiled.compile_string(_env(), SOURCE.replace("value", "other"))
    assert compiles[0] == 2
    assert edited.render(other=7).startswith("7")


def test_code_compiled_under_one_configuration_never_runs_under_another(cache_dir, compiles):
    escaped = compiled.compile_string(_env(autoescape=True), SOURCE).render(value="<b>")
    plain = compiled.compile_string(_env(autoescape=False), SOURCE).render(value="<b>")
    assert compiles[0] == 2
    assert escaped.startswith("&lt;b&gt;") and plain.startswith("<b>")
    assert compiled.fingerprint(_env(True)) != compiled.fingerprint(_env(False))


def test_file_templates_use_the_cache_too(cache_dir, compiles, tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "a.md.j2").write_text(SOURCE, encoding="utf-8")
    for _ in range(2):
        env = make_environment("zh", [folder], autoescape=False)
        assert env.get_template("a.md.j2").render(value=1).startswith("1")
    assert compiles[0] == 1


def _cached_file(cache_dir: Path) -> Path:
    (file,) = cache_dir.glob("opsreport-*.jinjac")
    return file


@pytest.mark.parametrize(
    "damage",
    [
        "empty",
        "truncated",  # cut short inside the code
        "zeroed",  # 4 KB of zeros in the marshalled code: crashed the interpreter (exit 139)
        "flipped",  # one byte of the code changed
        "garbage",
    ],
)
def test_a_damaged_cache_file_is_compiled_over_not_an_error(cache_dir, compiles, damage):
    compiled.compile_string(_env(), SOURCE)
    file = _cached_file(cache_dir)
    data = bytearray(file.read_bytes())
    if damage == "empty":
        data = bytearray()
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "zeroed":
        middle = len(data) // 2
        data[middle : middle + 4096] = bytes(len(data[middle : middle + 4096]))
    elif damage == "flipped":
        data[-20] ^= 0x5A
    else:
        data = bytearray(b"garbage that is not a cache file at all")
    file.write_bytes(bytes(data))
    assert compiled.compile_string(_env(), SOURCE).render(value=3).startswith("3")
    assert compiles[0] == 2
    assert compiled.compile_string(_env(), SOURCE).render(value=4).startswith("4")
    assert compiles[0] == 2  # written again, whole


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "link to a fifo", "directory", "link"])
def test_a_cache_entry_that_is_not_a_regular_file_is_skipped_without_blocking(
    cache_dir, compiles, tmp_path, kind
):
    compiled.compile_string(_env(), SOURCE)
    file = _cached_file(cache_dir)
    good = file.read_bytes()
    file.unlink()
    if kind == "fifo":
        os.mkfifo(file)  # opened plainly, reading it waits for a writer for ever
    elif kind == "link to a fifo":
        os.mkfifo(tmp_path / "pipe")
        file.symlink_to(tmp_path / "pipe")
    elif kind == "directory":
        file.mkdir()
    else:
        (tmp_path / "elsewhere.jinjac").write_bytes(good)
        file.symlink_to(tmp_path / "elsewhere.jinjac")
    assert compiled.compile_string(_env(), SOURCE).render(value=8).startswith("8")
    assert compiles[0] == 2


def test_only_its_own_files_are_pruned(cache_dir, monkeypatch):
    """A folder a user names may hold their own templates (page01.jinja …): left alone."""
    cache_dir.mkdir(mode=0o700)
    theirs = [cache_dir / f"page{n:02d}.jinja" for n in range(70)]
    for file in theirs:
        file.write_text("{{ mine }}")
    monkeypatch.setattr(compiled, "MOST_FILES", 2)
    for n in range(4):
        compiled.compile_string(_env(), SOURCE + f"{{# {n} #}}")
    assert all(file.exists() for file in theirs)
    assert len(list(cache_dir.glob("opsreport-*.jinjac"))) == 2


def test_a_constant_folded_by_a_filter_is_never_served_in_another_language(cache_dir):
    """Jinja runs {{ 3 | heading_number }} while it compiles: the zh and en filters share
    their names, so the cache must tell them apart (it served 3. in a zh document)."""
    text = "{{ 3 | heading_number }}|{{ 0.5 | pp }}" + "{# padding #}" * 400
    en = compiled.compile_string(make_environment("en", [], autoescape=False), text).render()
    zh = compiled.compile_string(make_environment("zh", [], autoescape=False), text).render()
    assert (en.split("|")[0], zh.split("|")[0]) == ("3. ", "三、")
    assert zh.split("|")[1].startswith("0.5个百分点")
    again = compiled.compile_string(make_environment("zh", [], autoescape=False), text)
    assert again.render() == zh


def test_word_filters_of_another_font_or_style_set_are_apart():
    from opsreport.render import docx

    one = docx._environment("zh", Path("."), "SimSun", ())
    two = docx._environment("zh", Path("."), "KaiTi", ())
    assert compiled.fingerprint(one) != compiled.fingerprint(two)
    assert compiled.fingerprint(one) == compiled.fingerprint(
        docx._environment("zh", Path("/elsewhere"), "SimSun", ())
    )


def test_no_cache_when_turned_off(monkeypatch, compiles):
    monkeypatch.setenv(compiled.CACHE_ENV, "")
    assert compiled.cache_folder() is None and compiled.template_cache() is None
    for _ in range(2):
        compiled.compile_string(_env(), SOURCE)
    assert compiles[0] == 2


def test_the_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(compiled.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert compiled.cache_folder() == tmp_path / "opsreport" / "templates"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert compiled.cache_folder() == tmp_path / "home" / ".cache" / "opsreport" / "templates"
    monkeypatch.setenv(compiled.CACHE_ENV, "here")
    assert compiled.cache_folder() == Path.cwd() / "here"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
@pytest.mark.parametrize("unsafe", ["a file", "a link", "open to others"])
def test_an_unsafe_cache_folder_is_not_used(tmp_path, monkeypatch, compiles, unsafe):
    folder = tmp_path / "cache"
    if unsafe == "a file":
        folder.write_text("x")
    elif unsafe == "a link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder.mkdir()
        folder.chmod(0o777)
    monkeypatch.setenv(compiled.CACHE_ENV, str(folder))
    assert compiled.template_cache() is None
    assert compiled.compile_string(_env(), SOURCE).render(value=5).startswith("5")
    if unsafe == "a link":
        assert not list((tmp_path / "elsewhere").iterdir())


def test_a_new_folder_is_private(cache_dir):
    compiled.compile_string(_env(), SOURCE)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700


def test_a_read_only_cache_folder_is_no_error(cache_dir, compiles):
    cache_dir.mkdir(mode=0o700)
    cache_dir.chmod(0o500)
    try:
        if os.access(cache_dir, os.W_OK):  # root writes anyway: nothing to prove here
            pytest.skip("this user writes into read-only folders")
        assert compiled.compile_string(_env(), SOURCE).render(value=6).startswith("6")
    finally:
        cache_dir.chmod(0o700)


def test_at_most_most_files_are_kept(cache_dir, monkeypatch):
    monkeypatch.setattr(compiled, "MOST_FILES", 3)
    for n in range(6):
        compiled.compile_string(_env(), SOURCE + f"{{# {n} #}}")
    assert len(list(Path(cache_dir).glob("opsreport-*.jinjac"))) == 3
    left = cache_dir / ("opsreport-" + "0" * 40 + ".jinjac.123_ab.tmp")  # a writer that died
    left.write_bytes(b"half")
    os.utime(left, (1, 1))
    compiled.compile_string(_env(), SOURCE + "{# 7 #}")
    assert not left.exists()


def test_a_word_document_from_cached_code_is_the_one_compiled_code_gives(
    cache_dir, tmp_path, compiles, monkeypatch
):
    """The Word body (137 KB) rewritten by docxtpl's patch and compiled, then loaded from
    the cache by a fresh environment, neither rewritten nor compiled: the same document.xml."""
    import zipfile

    from opsreport import build_report
    from opsreport.render import docx, docx_patch, wordstream
    from tests.conftest import ZH_EXAMPLE

    bodies_patched = []
    patch = docx_patch.patch_xml

    def counted(src_xml):
        if "<w:body" in src_xml:
            bodies_patched.append(len(src_xml))
        return patch(src_xml)

    monkeypatch.setattr(docx_patch, "patch_xml", counted)
    parts = []
    for run in ("compiled", "cached"):
        docx._environment.cache_clear()  # a new process, as far as Jinja knows
        wordstream._body_template.cache_clear()
        out = tmp_path / run / "r.docx"
        build_report(ZH_EXAMPLE, formats="docx", output=out, charts=False)
        with zipfile.ZipFile(out) as package:
            parts.append(package.read("word/document.xml"))
        if run == "compiled":
            made = compiles[0]
            assert len(bodies_patched) == 1
    assert compiles[0] - made == made - 1  # all again but the body (the small parts: 1 ms)
    assert len(bodies_patched) == 1  # the cached body was not rewritten again
    assert parts[0] == parts[1]


def test_what_prepares_the_text_is_part_of_the_key(cache_dir, compiles):
    """A ``prepare`` step (docxtpl's rewriting of a Word body) runs only when the text is
    compiled; code prepared another way (``prepared_by``: another docxtpl) is not reused."""
    prepared = []

    def doubled(text):
        prepared.append(text)
        return text.replace("{{ value }}", "{{ value }}{{ value }}")

    one = compiled.compile_string(_env(), SOURCE, doubled, "one").render(value=4)
    again = compiled.compile_string(_env(), SOURCE, doubled, "one").render(value=4)
    assert one == again and one.startswith("44") and len(prepared) == 1 and compiles[0] == 1
    other = compiled.compile_string(_env(), SOURCE, doubled, "two").render(value=5)
    assert other.startswith("55") and len(prepared) == 2 and compiles[0] == 2
    plain = compiled.compile_string(_env(), SOURCE).render(value=6)  # not prepared: apart
    assert plain.startswith("6") and not plain.startswith("66") and compiles[0] == 3


def test_prepare_runs_without_a_cache_too(monkeypatch):
    monkeypatch.setenv(compiled.CACHE_ENV, "")
    text = compiled.compile_string(_env(), SOURCE, lambda t: "x" + t).render(value=1)
    short = compiled.compile_string(_env(), "{{ value }}", lambda t: "y" + t).render(value=2)
    assert text.startswith("x1") and short == "y2"


def test_the_body_key_changes_with_docxtpl_or_the_patch_code():
    """What the Word body's rewriting computes from: docxtpl's version and the source of
    docxtpl.template, render/docx_patch and render/wordstream."""
    import docxtpl

    from opsreport.render import wordstream

    digest = wordstream._body_lines_digest()
    assert digest.startswith(f"docxtpl {docxtpl.__version__} ")
    expected = compiled.modules_digest(
        ("docxtpl.template", "opsreport.render.docx_patch", "opsreport.render.wordstream")
    )
    assert digest.endswith(expected.hex())
    assert expected != compiled.modules_digest(("docxtpl.template", "opsreport.render.docx_patch"))


def test_the_body_key_holds_the_patch_code_even_before_it_is_imported():
    """A fresh process computes the key before anything imported render/docx_patch (it is
    imported only to patch, on a miss): its source must count all the same, or an edited
    patch would be served the bodies its old code patched."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from opsreport.render import compiled, wordstream\n"
        "assert 'opsreport.render.docx_patch' not in sys.modules\n"
        "digest = wordstream._body_lines_digest()\n"
        "names = ('docxtpl.template', 'opsreport.render.docx_patch', 'opsreport.render.wordstream')\n"
        "print(digest.endswith(compiled.modules_digest(names).hex()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_a_module_not_imported_counts_by_its_name():
    assert compiled.modules_digest(["no.such.module"]) != compiled.modules_digest([])


def test_the_fingerprint_is_the_same_in_every_process():
    """(No object address or hash order in it: else no run would find another's code.)"""
    import subprocess
    import sys

    code = (
        "from pathlib import Path\n"
        "from opsreport.render import compiled, docx\n"
        "from opsreport.render.sandbox import make_environment\n"
        "print(compiled.fingerprint(make_environment('zh', [], autoescape=True)),"
        " compiled.fingerprint(docx._environment('en', Path('.'), 'SimSun', ())))\n"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "random")
    }  # fmt: skip
    assert len(runs) == 1
