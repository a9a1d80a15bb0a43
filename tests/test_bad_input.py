"""The fixture corpus of bad input: every case, its outcome, its message and
the exit codes of ``python -m build_scripts check`` and ``mkdocs build``.

The corpus ("zoo") is generated in a temporary folder (some cases are
binary or 5 MB); the injection texts come from tests/fixtures/input/.
``CASES`` is the matrix the README and the closing note describe.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from build_scripts import ids, reader
from build_scripts.errors import ConfigError, SpeechError
from build_scripts.pipeline import build_corpus
from build_scripts.safetext import printable
from conftest import ROOT, SEEDS, THEMES, mkdocs_build
from docx_fixtures import CONSTRUCTS, docx_with_body, p, r
from support.projects import make_project

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "input"

SEED_A = (SEEDS / "003_8934f3c4a65f5158.txt").read_text(encoding="utf-8")  # 3 parts, [3, 3, 3]
SEED_B = (SEEDS / "002_3520ac743f25e09c.txt").read_text(encoding="utf-8")  # 4 parts, [3, 3, 3, 3]


def variant(case: str, text: str = SEED_A) -> str:
    """The seed with a line that makes it a different speech (so the
    duplicate check does not fire between encoding variants)."""
    return text.rstrip("\n") + f"\n本稿用于测试：{case}。\n"


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

#: file name → (bytes, expected outcome).  Outcome: ("built", id, read-as)
#: or ("skipped", message fragment) or ("ignored",).
CASES: dict[str, tuple[bytes, tuple]] = {
    "utf8.txt": (variant("utf8").encode("utf-8"), ("built", "utf8", "UTF-8")),
    "utf8-bom.txt": (b"\xef\xbb\xbf" + variant("bom").encode("utf-8"), ("built", "utf8-bom", "UTF-8 (BOM)")),
    "gbk.txt": (variant("gbk").encode("gbk"), ("built", "gbk", "GB18030")),
    "gb18030.txt": (variant("gb18030 𠮷").encode("gb18030"), ("built", "gb18030", "GB18030")),
    "utf16le.txt": (variant("utf16le").encode("utf-16"), ("built", "utf16le", "UTF-16 (BOM)")),
    "utf16be.txt": (b"\xfe\xff" + variant("utf16be").encode("utf-16-be"), ("built", "utf16be", "UTF-16 (BOM)")),
    "crlf.txt": (variant("crlf").replace("\n", "\r\n").encode("utf-8"), ("built", "crlf", "UTF-8")),
    "cr.txt": (variant("cr").replace("\n", "\r").encode("utf-8"), ("built", "cr", "UTF-8")),
    "spaces.txt": (variant("spaces").replace("，", "，\u00a0", 5).replace("。", "。\u3000\t", 5)
                   .replace("\n", "\n\u3000\u3000").encode("utf-8"), ("built", "spaces", "UTF-8")),
    "speech.docx": (docx_bytes(variant("docx", SEED_B)), ("built", "speech", "docx")),
    "no-parts.txt": ("在某区工会工作会议上的讲话\n同志们：\n今天我们召开会议，研究部署工作。\n"
                     "希望大家团结一心，做好维权帮扶工作。\n谢谢大家。\n".encode("utf-8"),
                     ("built", "no-parts", "UTF-8")),
    "我的 讲话（2016）.txt": (variant("chinese name").encode("utf-8"), ("built", "我的-讲话-2016", "UTF-8")),
    "Same Name.txt": (variant("same 1").encode("utf-8"), ("built", "same-name", "UTF-8")),
    "same name.txt": (variant("same 2").encode("utf-8"), ("built", "same-name-2", "UTF-8")),
    "index.txt": (variant("index").encode("utf-8"), ("built", "index-2", "UTF-8")),
    "xss_vectors.txt": ((FIXTURES / "xss_vectors.txt").read_bytes(), ("built", "xss_vectors", "UTF-8")),
    "front_matter.txt": ((FIXTURES / "front_matter.txt").read_bytes(), ("built", "front_matter", "UTF-8")),
    "empty.txt": (b"", ("skipped", "is empty")),
    "blank.txt": (" \t\u3000\r\n\n\u00a0\n".encode("utf-8"), ("skipped", "contains only whitespace")),
    "nul.txt": (b"abc\n\x00\x01def", ("skipped", "contains NUL bytes")),
    "image.txt": (PNG + bytes(range(256)), ("skipped", "is a PNG image, not text")),
    "huge.txt": (("同志们，" * 100 + "\n").encode("utf-8") * (reader.MAX_BYTES // 1201 + 1),
                 ("skipped", "MB of text, more than the 5 MB")),
    "title-only.txt": ("在某区工会第三次代表大会上的讲话\n\n".encode("utf-8"), ("skipped", "has only a title")),
    "short-gbk.txt": ("工会讲话\n同志们：".encode("gbk"), ("skipped", "too weak to decode it without guessing")),
    "latin.txt": ("Café déjà vu, naïve résumé. ".encode("cp1252") * 5, ("skipped", "not a Chinese one")),
    "zz-copy-of-utf8.txt": (variant("utf8").encode("utf-8"), ("skipped", "has the same speech text as seeds/utf8.txt")),
    "broken.docx": (b"this is not a zip file", ("skipped", "is not a Word .docx document")),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), ("skipped", "Word 97–2003 document (.doc)")),
    ".hidden.txt": (variant("hidden").encode("utf-8"), ("ignored",)),
    "~$speech.docx": (b"lock", ("ignored",)),
}

def _symlink(target: str):
    return lambda path: os.symlink(target, path)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


#: Entries that are not plain files, or whose content is made by a
#: function (called with the entry's path): the input gate's cases.
SPECIAL: dict[str, tuple] = {
    "outside.txt": (_symlink("/etc/hostname"), ("skipped", "is a symbolic link to /etc/hostname, outside the seeds folder")),
    "up.txt": (_symlink("../../../../../../etc/hostname"), ("skipped", "outside the seeds folder")),
    "dangling.txt": (_symlink("nowhere.txt"), ("skipped", "which does not exist")),
    "loop.txt": (_symlink("loop.txt"), ("skipped", "is a symbolic link loop")),
    "folder.txt": (lambda path: path.mkdir(), ("skipped", "is a folder, not a speech file")),
    "pipe.txt": (_fifo, ("skipped", "is a named pipe (FIFO)")),
    "trailing.txt ": (lambda path: path.write_bytes(variant("trailing").encode()), ("skipped", "has a name ending in ' '")),
    "line\nERROR - skipped forged.txt": (lambda path: path.write_bytes(variant("nl").encode()),
                                         ("skipped", "has control, bidi or undecodable characters in its name")),
    "讲话\u202egnp.exe.txt": (lambda path: path.write_bytes(variant("rlo").encode()),
                             ("skipped", "has control, bidi or undecodable characters in its name")),
    "notes.odt": (lambda path: path.write_bytes(b"PK\x03\x04"), ("skipped", "OpenDocument text (.odt), which cannot be read")),
    "sparse.txt": (lambda path: os.truncate(path.write_bytes(b"") and path or path, 3 * 1024 ** 3),
                   ("skipped", "is 3072.0 MB of text")),
    "\u3300" * 70 + ".txt": (lambda path: path.write_bytes(variant("nfkc").encode()),
                             ("built", ids.slugify("\u3300" * 70), "UTF-8")),
    "a" * 247 + ".txt": (lambda path: path.write_bytes(variant("251 bytes").encode()), ("built", "a" * 200, "UTF-8")),
    "tracked.docx": (lambda path: path.write_bytes(docx_with_body(
        p(r("在某区工会工作会议上的讲话")) + p(r("同志们：")) + CONSTRUCTS["tracked insertion w:ins"][0]
        + CONSTRUCTS["block content control"][0])), ("built", "tracked", "docx")),
    "readme.md": (lambda path: path.write_bytes(b"# notes\n"), ("ignored",)),
    "page.html": (lambda path: path.write_bytes(b"<p>x</p>\n"), ("ignored",)),
    "subfolder": (lambda path: path.mkdir(), ("ignored",)),
}
ALL = {name: out for name, (_, out) in list(CASES.items()) + list(SPECIAL.items())}
BUILT = {name: out for name, out in ALL.items() if out[0] == "built"}
SKIPPED = {name: out[1] for name, out in ALL.items() if out[0] == "skipped"}
IGNORED = [name for name, out in ALL.items() if out[0] == "ignored"]


def tree_hashes(folder: Path) -> dict[str, str]:
    # Regular files only (not through links, FIFOs or sparse giants).
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink() and p.stat().st_size < 2 ** 30}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> Path:
    """A project whose seeds/ holds every case (and the injection sidecar)."""
    project = make_project(tmp_path_factory.mktemp("zoo"), {})
    for name, (data, _) in CASES.items():
        (project / "seeds" / name).write_bytes(data)
    for name, (make, _) in SPECIAL.items():
        make(project / "seeds" / name)
    shutil.copy(FIXTURES / "xss_vectors.yml", project / "seeds" / "xss_vectors.yml")
    return project


@pytest.fixture(scope="module")
def zoo_hashes(zoo) -> dict[str, str]:
    return tree_hashes(zoo / "seeds")


def run_check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "build_scripts", "--seeds", str(project / "seeds"),
                           "--themes", str(project / "themes.yml"), "check"],
                          cwd=project, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def check_run(zoo, zoo_hashes):
    return run_check(zoo)


@pytest.fixture(scope="module")
def lenient_build(zoo, zoo_hashes, tmp_path_factory):
    site = tmp_path_factory.mktemp("zoo-site") / "site"
    return mkdocs_build(zoo, site, strict=False), site


def test_check_builds_the_usable_files_and_exits_1(check_run):
    assert check_run.returncode == 1, check_run.stderr
    out = check_run.stdout
    # Hidden and lock files, the .md, .html and the sub-folder are ignored and counted.
    assert f"{len(BUILT)} speech(es) built, {len(SKIPPED)} skipped, {len(IGNORED)} other file(s) ignored" in out
    rows = {line.split("\t")[0]: line.split("\t") for line in out.splitlines() if "\t" in line}
    for name, (_, speech_id, read_as) in BUILT.items():
        assert speech_id in rows, name
        assert rows[speech_id][-1] == read_as, name


@pytest.mark.parametrize("name", sorted(SKIPPED))
def test_each_unusable_file_is_skipped_with_file_problem_and_fix(check_run, name):
    lines = [line for line in check_run.stdout.splitlines() if line.startswith(f"skipped: seeds/{printable(name)}:")]
    assert len(lines) == 1, check_run.stdout
    message = lines[0]
    assert SKIPPED[name] in message
    problem, _, fix = message.partition(" — ")
    assert fix.strip(), f"no fix in {message}"
    assert printable(name) in check_run.stderr  # also logged, on one line


def test_hidden_and_lock_files_are_ignored_not_skipped(check_run):
    assert ".hidden" not in check_run.stdout and "~$" not in check_run.stdout


@pytest.mark.slow
def test_structure_survives_encodings_and_line_endings(zoo):
    corpus = build_corpus(zoo / "seeds", zoo / "themes.yml")
    by_id = {s.id: s for s in corpus.speeches}
    for speech_id in ("utf8", "utf8-bom", "gbk", "gb18030", "utf16le", "utf16be", "crlf", "cr", "spaces",
                      "我的-讲话-2016"):
        s = by_id[speech_id]
        assert len(s.parts) == 3, speech_id
        assert len([u for u in s.units if u.kind == "subpoint"]) == 9, speech_id
        assert s.title == by_id["utf8"].title, speech_id
    assert "𠮷" in by_id["gb18030"].lines[-1][1]
    # Tabs, NBSP and full-width spaces are gone from the cleaned text.
    assert not any(c in u.text for u in by_id["spaces"].units for c in "\t\u00a0\u3000")
    docx_speech = by_id["speech"]
    assert len(docx_speech.parts) == 4 and docx_speech.encoding == "docx"
    plain = by_id["no-parts"]
    assert not plain.parts and [u.kind for u in plain.units] == ["salutation", "paragraph", "paragraph", "paragraph"]


def test_collisions_and_reserved_ids_are_reported(check_run):
    assert "id 'same-name' is already taken by" in check_run.stderr
    assert "published as 'same-name-2'" in check_run.stderr
    assert "id 'index' is used by the site itself" in check_run.stderr


@pytest.mark.slow
def test_strict_mkdocs_build_fails_before_writing(zoo, zoo_hashes, tmp_path):
    site = tmp_path / "site"
    result = mkdocs_build(zoo, site, strict=True)
    assert result.returncode == 1
    log = result.stdout + result.stderr
    assert f"{len(SKIPPED)} speech file(s) skipped" in log and "strict mode stops before writing" in log
    for name in SKIPPED:
        assert f"seeds/{printable(name)}" in log, name
    assert not site.exists()


def test_lenient_mkdocs_build_publishes_the_rest(zoo, lenient_build):
    result, site = lenient_build
    assert result.returncode == 0, result.stderr
    for name, (_, speech_id, _) in BUILT.items():
        assert (site / "speeches" / speech_id / "index.html").is_file(), name
        # The published source is the input, byte for byte (.docx included).
        assert (site / "sources" / name).read_bytes() == (zoo / "seeds" / name).read_bytes(), name
    listing = html.unescape((site / "speeches/index.html").read_text(encoding="utf-8"))
    assert "未能收录的文件" in listing
    for name in SKIPPED:
        assert f"seeds/{printable(name)}" in listing, name
    for name in SKIPPED:  # in the build log too, even with -q
        assert f"skipped seeds/{printable(name)}:" in result.stderr, name
    data = json.loads((site / "data/corpus.json").read_text(encoding="utf-8"))
    assert sorted(s["id"] for s in data["speeches"]) == sorted(out[1] for out in BUILT.values())


def test_the_speech_index_is_not_replaced_by_a_speech_named_index(lenient_build):
    _, site = lenient_build
    assert "共 " in (site / "speeches/index.html").read_text(encoding="utf-8")
    assert (site / "speeches/index-2/index.html").is_file()


def test_inputs_are_never_modified(zoo, zoo_hashes, check_run, lenient_build):
    assert tree_hashes(zoo / "seeds") == zoo_hashes


# --- smaller cases: decoding, ids, sidecars, lossless ------------------------


def test_decode_reports_what_it_read(tmp_path):
    path = tmp_path / "x.txt"
    assert reader.decode(path, "讲话".encode("utf-8")).encoding == "UTF-8"
    assert reader.decode(path, b"\xef\xbb\xbf" + "讲话".encode("utf-8")).text == "讲话"
    assert reader.decode(path, "\ufeff讲话".encode("utf-16")).text == "讲话"
    assert reader.decode(path, SEED_A.encode("gbk")).text == SEED_A
    with pytest.raises(SpeechError, match="UTF-16 text without a byte-order mark"):
        reader.decode(path, SEED_A.encode("utf-16-le"))
    with pytest.raises(SpeechError, match="JPEG"):
        reader.decode(path, b"\xff\xd8\xff\xe0" + bytes(100))


def test_encoding_is_logged(tmp_path, caplog):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_bytes(variant("a").encode("gb18030"))
    with caplog.at_level(logging.INFO, logger="build_scripts"):
        build_corpus(seeds, THEMES)
    assert "a.txt: read as GB18030" in caplog.text


@pytest.mark.parametrize("stem, slug", [
    ("000_04ee43fed20adb21", "000_04ee43fed20adb21"),  # the seeds keep their ids
    ("我的 讲话（2016）", "我的-讲话-2016"),
    ("讲话，定稿！", "讲话-定稿"),
    ("Speech Final (v2)", "speech-final-v2"),
    ("ＡＢＣ１２", "abc12"),
    ("a<script>b", "a-script-b"),
    ("..hidden..", "hidden"),
    ("（）", "speech"),
])
def test_slugs_are_url_safe(stem, slug):
    assert ids.slugify(stem) == slug
    assert not set(slug) & set(" /?#%&<>\"'(){}[]")


def test_seed_ids_are_unchanged(corpus):
    assert [s.id for s in corpus.speeches] == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_collision_suffix_never_steals_another_files_id():
    paths = [Path("a b.txt"), Path("a-b-2.txt"), Path("a_b.txt"), Path("A B.txt")]
    assigned = ids.assign(sorted(paths, key=lambda p: p.name.encode()))
    assert assigned[Path("A B.txt")] == "a-b"
    assert assigned[Path("a b.txt")] == "a-b-3"
    assert assigned[Path("a-b-2.txt")] == "a-b-2"
    assert len(set(assigned.values())) == 4


def test_sidecar_problems_are_all_listed_with_line_and_fix(tmp_path, caplog):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(variant("a"), encoding="utf-8")
    (seeds / "a.yml").write_text("title: 好\ndate: 2016-13-01\nplace: [x]\ntitle: 二\nauthor: 某\n", encoding="utf-8")
    (seeds / "b.txt").write_text(variant("b"), encoding="utf-8")
    (seeds / "b.yml").write_bytes("place: 某区".encode("gbk"))
    with caplog.at_level(logging.WARNING, logger="build_scripts"), pytest.raises(ConfigError) as info:
        build_corpus(seeds, THEMES)
    found = [(Path(p.path).name, p.line, p.problem) for p in info.value.problems]
    assert [(n, line) for n, line, _ in found] == [("a.yml", 2), ("a.yml", 3), ("a.yml", 4), ("a.yml", 5),
                                                   ("b.yml", None)]
    assert "is not a date" in found[0][2] and "given twice" in found[2][2] and "not UTF-8" in found[4][2]
    assert "unknown key `author`" in found[3][2]
    assert all(p.fix for p in info.value.problems)


def test_theme_names_with_markup_are_refused():
    from build_scripts.themes import parse_lexicon

    with pytest.raises(ConfigError, match="markup characters"):
        parse_lexicon("themes:\n  - name: <b>维权</b>\n    slug: weiquan\n    description: 说明\n"
                      "    keywords: {维权: 2}\n")


def test_a_lossy_split_fails_loudly_naming_the_file(tmp_path, monkeypatch, caplog):
    from build_scripts import splitter

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "lossy.txt").write_text(variant("lossy"), encoding="utf-8")
    real_analyse = splitter.analyse

    def drop_last_unit(*args, **kwargs):
        structure = real_analyse(*args, **kwargs)
        structure.units = structure.units[:-1]
        return structure

    monkeypatch.setattr(splitter, "analyse", drop_last_unit)
    with caplog.at_level(logging.ERROR, logger="build_scripts"):
        corpus = build_corpus(seeds, THEMES)
    assert not corpus.speeches
    assert "lossy.txt: splitting would lose text" in corpus.skipped[0].message
    assert "lossy.txt" in caplog.text


def test_a_lossy_cleaner_fails_loudly_naming_the_file(tmp_path, monkeypatch):
    from build_scripts import cleaner

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "lossy.txt").write_text(variant("lossy"), encoding="utf-8")
    real = cleaner.clean_line
    monkeypatch.setattr(cleaner, "clean_line", lambda line: real(line).replace("职工", "职"))
    corpus = build_corpus(seeds, THEMES)
    assert "lossy.txt: cleaning would lose text: line" in corpus.skipped[0].message


def test_cleaner_accounting_rules():
    from build_scripts.cleaner import unaccounted

    assert not unaccounted("  帮职工 群众维权 ,XX(县)\u200b", "帮职工群众维权，××（县）")
    assert unaccounted("帮职工群众", "帮职工群")          # a character lost
    assert unaccounted("帮职工", "帮职工们")              # a character invented
    assert unaccounted("甲乙", "××")                      # only placeholder characters may become ××
    assert not unaccounted("\t \u3000", "")


@pytest.mark.slow
def test_broken_themes_yml_stops_make_site_and_keeps_the_old_site(tmp_path):
    project = make_project(tmp_path, {"a.txt": variant("a")})
    site = project / "site"

    def publish(*args):
        return subprocess.run([sys.executable, "-m", "build_scripts.publish", "-f", str(project / "mkdocs.yml"),
                               *args], cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert publish().returncode == 0
    before = tree_hashes(site)
    assert "speeches/a/index.html" in before
    # A bad speech under --strict: refused, old site kept.
    (project / "seeds" / "b.txt").write_bytes(b"")
    failed = publish("--strict")
    assert failed.returncode == 1 and "left as it was" in failed.stderr
    assert tree_hashes(site) == before and not (project / "site.new").exists()
    # A broken themes.yml: refused even without --strict.
    (project / "seeds" / "b.txt").unlink()
    good_themes = (project / "themes.yml").read_text(encoding="utf-8")
    (project / "themes.yml").write_text("themes: [oops\n", encoding="utf-8")
    failed = publish()
    assert failed.returncode == 1 and "themes.yml" in failed.stderr
    assert tree_hashes(site) == before
    # Fixed: the new site replaces the old one.
    (project / "themes.yml").write_text(good_themes, encoding="utf-8")
    (project / "seeds" / "c.txt").write_text(variant("c"), encoding="utf-8")
    assert publish().returncode == 0
    assert (site / "speeches/c/index.html").is_file() and not (project / "site.old").exists()
