"""The input gate, the build lock and the other reliability rules, case by
case: each test names the input, builds it the way a user would (``check``,
``tag``, ``mkdocs build``, ``build_scripts.publish``) and asserts the
outcome and the message.

- the gate (``reader.scan``): links, folders, FIFOs, odd names, sizes,
  empty seeds/ — decided on ``lstat``, reported and counted;
- output paths under 255 bytes (ids capped, NFKC-growing names);
- the build lock: concurrent ``publish`` runs always leave a whole site;
- .docx constructs (``docx_fixtures.CONSTRUCTS``) and the caps;
- highlight and the rawhtml joiner (same output as before, linear);
- jieba's cache and temporary files; the ``tag`` command's messages;
- bidi controls in names and titles.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts import ids, pages, reader, safetext
from build_scripts.errors import ConfigError, SpeechError
from build_scripts.pipeline import build_corpus
from conftest import ROOT, SEEDS, THEMES, mkdocs_build
from docx_fixtures import CONSTRUCTS, docx_with_body, p, r
from support.projects import make_project

SEED_A = (SEEDS / "003_8934f3c4a65f5158.txt").read_text(encoding="utf-8")


def variant(case: str) -> str:
    return SEED_A.rstrip("\n") + f"\n本稿用于测试：{case}。\n"


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "build_scripts", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


def check(project: Path, **kw) -> subprocess.CompletedProcess:
    return run_cli("--seeds", str(project / "seeds"), "--themes", str(project / "themes.yml"), "check", cwd=project,
                   **kw)


# --- the gate -----------------------------------------------------------------


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    """A project whose seeds/ holds one good speech and every kind of entry
    the gate must decide; ``check`` run once on it."""
    base = tmp_path_factory.mktemp("gate")
    project = make_project(base, {"good.txt": variant("good")})
    seeds = project / "seeds"
    secret = base / "secret.txt"
    secret.write_text("SECRET-TOKEN-12345\n" + variant("secret"), encoding="utf-8")
    (seeds / "sub").mkdir()
    (seeds / "sub" / "inner.txt").write_text(variant("inner"), encoding="utf-8")
    os.symlink(secret, seeds / "abs-link.txt")                          # absolute, outside
    os.symlink(os.path.relpath(secret, seeds), seeds / "rel-link.txt")  # ../.., outside
    os.symlink("sub/inner.txt", seeds / "inside-link.txt")              # inside: read
    os.symlink("missing.txt", seeds / "dangling.txt")
    os.symlink("loop-b.txt", seeds / "loop-a.txt")
    os.symlink("loop-a.txt", seeds / "loop-b.txt")
    os.symlink("sub", seeds / "dir-link.txt")
    (seeds / "folder.txt").mkdir()
    os.mkfifo(seeds / "pipe.txt")
    os.mkfifo(seeds / "pipe")
    (seeds / "trailing.txt ").write_text(variant("trailing"), encoding="utf-8")
    (seeds / "readme.md").write_text("# notes\n", encoding="utf-8")
    (seeds / "page.html").write_text("<p>hi</p>\n", encoding="utf-8")
    (seeds / "draft.odt").write_bytes(b"PK\x03\x04odt")
    (seeds / "forge\nERROR - skipped fake.txt: forged.txt").write_text(variant("newline"), encoding="utf-8")
    (seeds / "tab\tcolumn.txt").write_text(variant("tab"), encoding="utf-8")
    (seeds / "讲话\u202egnp.exe.txt").write_text(variant("rlo"), encoding="utf-8")
    (seeds / os.fsdecode(b"latin1-\xe9.txt")).write_text(variant("bytes"), encoding="utf-8")
    with open(seeds / "sparse.txt", "wb") as f:
        f.truncate(3 * 1024 ** 3)
    result = check(project)
    return project, result


def _row(result, name: str) -> str:
    lines = [x for x in result.stdout.splitlines() if x.startswith(f"skipped: seeds/{safetext.printable(name)}:")]
    assert len(lines) == 1, (name, result.stdout)
    return lines[0]


@pytest.mark.parametrize("name, problem", [
    ("abs-link.txt", "is a symbolic link to {secret}, outside the seeds folder"),
    ("rel-link.txt", "is a symbolic link to {secret}, outside the seeds folder"),
    ("dangling.txt", "is a symbolic link to missing.txt, which does not exist"),
    ("loop-a.txt", "is a symbolic link loop"),
    ("loop-b.txt", "is a symbolic link loop"),
    ("dir-link.txt", "which is a folder, not a speech file"),
    ("folder.txt", "is a folder, not a speech file"),
    ("pipe.txt", "is a named pipe (FIFO), not a speech file"),
    ("trailing.txt ", "has a name ending in ' ' after its suffix"),
    ("draft.odt", "is an OpenDocument text (.odt), which cannot be read"),
    ("forge\nERROR - skipped fake.txt: forged.txt", "has control, bidi or undecodable characters in its name"),
    ("tab\tcolumn.txt", "has control, bidi or undecodable characters"),
    ("讲话\u202egnp.exe.txt", "has control, bidi or undecodable characters"),
    (os.fsdecode(b"latin1-\xe9.txt"), "has control, bidi or undecodable characters"),
    ("sparse.txt", "is 3072.0 MB of text, more than the 5 MB"),
])
def test_the_gate_refuses_what_looks_like_a_speech_but_cannot_be_read(gate, name, problem):
    project, result = gate
    secret = (project.parent / "secret.txt").resolve()
    row = _row(result, name)
    assert problem.format(secret=secret) in row
    assert " — " in row and row.split(" — ", 1)[1].strip()  # a fix
    # Logged like every skipped file (ERROR: shown even by mkdocs -q), on one line.
    assert re.search(rf"^ERROR: skipped seeds/{re.escape(safetext.printable(name))}:", result.stderr, re.M)


def test_links_out_of_seeds_are_never_read_or_published(gate, tmp_path):
    project, result = gate
    assert "SECRET-TOKEN" not in result.stdout + result.stderr
    site = tmp_path / "site"
    build = mkdocs_build(project, site, strict=False)
    assert build.returncode == 0, build.stderr
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
                        and p.suffix in (".html", ".json", ".txt", ".xml"))
    assert "SECRET-TOKEN" not in published
    assert not (site / "sources" / "abs-link.txt").exists() and not (site / "sources" / "rel-link.txt").exists()
    # The link inside seeds/ is read, under its own name.
    assert (site / "speeches" / "inside-link" / "index.html").is_file()
    assert (site / "sources" / "inside-link.txt").read_text(encoding="utf-8") == variant("inner")
    # Skipped files are listed on the 讲话 page with escaped names.
    listing = html.unescape((site / "speeches" / "index.html").read_text(encoding="utf-8"))
    assert "\u202e" not in listing
    assert "forge\\nERROR - skipped fake.txt: forged.txt" in listing and "讲话\\u202egnp.exe.txt" in listing


def test_ignored_entries_are_logged_at_info_and_counted(gate):
    project, result = gate
    summary = [x for x in result.stdout.splitlines() if "speech(es) built" in x][0]
    # good + the link inside; folders, md, html, a FIFO without suffix ignored.
    assert summary == "2 speech(es) built, 15 skipped, 4 other file(s) ignored", result.stdout
    for name in ("readme.md", "page.html", "sub", "pipe"):
        assert f"seeds/{name}:" not in result.stdout  # not among the skipped
    info = run_cli("--seeds", str(project / "seeds"), "--themes", str(project / "themes.yml"), "check",
                   cwd=project, env=dict(os.environ))
    assert info.returncode == 1


def test_a_newline_in_a_name_cannot_forge_a_log_line_or_a_column(gate):
    _, result = gate
    for line in result.stderr.splitlines():
        assert not line.startswith("ERROR - skipped fake.txt")
    rows = [x for x in result.stdout.splitlines() if "\t" in x]
    header = rows[0]
    assert all(x.count("\t") == header.count("\t") for x in rows), rows
    assert not any(line.startswith("ERROR") for line in result.stdout.splitlines())


def test_a_sparse_3_gb_file_is_refused_without_reading_it(tmp_path):
    project = make_project(tmp_path, {"good.txt": variant("good")})
    with open(project / "seeds" / "sparse.txt", "wb") as f:
        f.truncate(3 * 1024 ** 3)
    code = ("import resource, sys; from build_scripts.__main__ import main; rc = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, "--seeds", str(project / "seeds"), "--themes",
                             str(project / "themes.yml"), "check"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert "sparse.txt: is 3072.0 MB of text" in result.stdout
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    assert peak_kb < 1024 * 1024, f"peak memory {peak_kb} kB: the file was read"


def test_an_empty_seeds_folder_warns_and_fails_strict_builds(tmp_path):
    project = make_project(tmp_path, {})
    result = check(project)
    assert result.returncode == 1
    assert "no speech files (.txt or .docx) found" in result.stderr
    strict = subprocess.run([sys.executable, "-m", "build_scripts.publish", "--strict", "-f",
                             str(project / "mkdocs.yml")], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert strict.returncode != 0 and "no speech files" in strict.stderr
    assert not (project / "site").exists()
    lenient = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d",
                              str(project / "site")], cwd=project, capture_output=True, text=True, timeout=300)
    assert lenient.returncode == 0 and "WARNING -  seeds: no speech files" in lenient.stderr


def test_seeds_that_is_a_file_or_missing_is_a_config_error(tmp_path):
    (tmp_path / "seeds").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not a folder"):
        reader.scan(tmp_path / "seeds")
    with pytest.raises(ConfigError, match="does not exist"):
        reader.scan(tmp_path / "nothing")


def test_an_unlistable_seeds_folder_is_a_config_error(tmp_path, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", denied)
    with pytest.raises(ConfigError, match=r"cannot be listed \(Permission denied\)"):
        reader.scan(tmp_path)


def test_a_fifo_swapped_in_after_the_gate_does_not_hang_the_read(tmp_path):
    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    with pytest.raises(SpeechError, match="named pipe"):
        reader.read_speech(fifo)


# --- output paths ---------------------------------------------------------------

LONG_ASCII = "a" * 247 + ".txt"       # 251 bytes: the longest name a file system takes with .txt
LONG_CHINESE = "讲" * 83 + ".txt"      # 253 bytes
NFKC_GROWS = "\u3300" * 70 + ".txt"    # ㌀ → アパート: 212 bytes → 840


def _enable_offline(project: Path) -> None:
    """Switch on material's offline plugin (what ``make offline`` does with
    OFFLINE=true): no directory URLs, so pages are ``<id>.html`` files."""
    import yaml

    path = project / "mkdocs.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["plugins"] = [{"offline": {"enabled": True}} if isinstance(p, dict) and "offline" in p else p
                         for p in config["plugins"]]
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("offline", [False, True], ids=["site", "offline"])
def test_long_and_nfkc_growing_names_build_with_every_path_under_255_bytes(tmp_path, offline):
    names = [LONG_ASCII, LONG_CHINESE, NFKC_GROWS, "\u3300" * 69 + "x.txt"]
    project = make_project(tmp_path, {name: variant(f"long name {i}") for i, name in enumerate(names)})
    if offline:
        _enable_offline(project)
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    for path in site.rglob("*"):
        assert len(path.name.encode("utf-8")) <= 255, path.name
    corpus = json.loads((site / "data" / "corpus.json").read_text(encoding="utf-8"))
    got = sorted(s["id"] for s in corpus["speeches"])
    assert len(got) == len(names) and len(set(got)) == len(names)
    for speech_id in got:
        assert len(speech_id.encode("utf-8")) <= ids.MAX_ID_BYTES + 3
        page = site / "speeches" / (f"{speech_id}.html" if offline else f"{speech_id}/index.html")
        assert page.is_file(), page


def test_windows_device_names_are_not_used_as_ids(tmp_path):
    assigned = ids.assign([Path("con.txt"), Path("NUL.txt"), Path("com1.txt"), Path("console.txt")])
    assert list(assigned.values()) == ["con-2", "nul-2", "com1-2", "console"]


# --- the build lock -------------------------------------------------------------


def _publish(config: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "build_scripts.publish", "-f", str(config), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def plain_project(tmp_path) -> Path:
    """A plain mkdocs project of 30 pages: builds in well under a second,
    so the race between two publishes can be run many times."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: lock test\n", encoding="utf-8")
    for i in range(30):
        (tmp_path / "docs" / f"p{i}.md").write_text(f"# page {i}\n", encoding="utf-8")
    return tmp_path


def test_two_concurrent_publishes_twenty_times_always_leave_a_whole_site(plain_project):
    config = plain_project / "mkdocs.yml"
    expected = {f"p{i}/index.html" for i in range(30)} | {"404.html", "sitemap.xml"}
    for round_ in range(20):
        runs = [_publish(config), _publish(config)]
        outputs = [run.communicate(timeout=300) for run in runs]
        for run, (_, err) in zip(runs, outputs):
            assert run.returncode == 0, err
            assert err.count("site built in") == 1, err
        waits = [err for _, err in outputs if "another build is running (pid " in err]
        assert len(waits) <= 1, outputs
        for err in waits:  # the pid named is the other run's
            pid = int(re.search(r"pid (\d+)", err)[1])
            assert pid in {run.pid for run in runs}
        site = plain_project / "site"
        got = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
        assert expected <= got, (round_, expected - got)
        assert not (plain_project / "site.new").exists() and not (plain_project / "site.old").exists()


def test_a_second_build_that_will_not_wait_says_who_holds_the_lock(plain_project):
    from build_scripts.publish import build_lock

    holder_ready, release = threading.Event(), threading.Event()

    def hold():
        with build_lock(plain_project):
            holder_ready.set()
            release.wait(60)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holder_ready.wait(30)
        run = _publish(plain_project / "mkdocs.yml", "--wait", "0")
        _, err = run.communicate(timeout=120)
        assert run.returncode == 1
        assert f"another build is running (pid {os.getpid()})" in err
        assert not (plain_project / "site").exists()
    finally:
        release.set()
        thread.join()
    # Released: the next build runs (a stale lock file never blocks).
    assert (plain_project / ".cache" / "build.lock").exists()
    run = _publish(plain_project / "mkdocs.yml", "--wait", "0")
    assert run.wait(120) == 0


def test_two_real_make_site_builds_at_once_leave_the_whole_site(tmp_path):
    project = make_project(tmp_path, {"a.txt": variant("a"), "b.txt": variant("b")})
    runs = [_publish(project / "mkdocs.yml"), _publish(project / "mkdocs.yml")]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    site = project / "site"
    for page in ("index.html", "speeches/a/index.html", "speeches/b/index.html", "data/corpus.json",
                 "search/search_index.json"):
        assert (site / page).is_file(), page
    assert not (project / "site.new").exists() and not (project / "site.old").exists()


# --- .docx ------------------------------------------------------------------------


@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
def test_the_docx_reader_takes_every_run_of_text(tmp_path, construct):
    body, wanted, unwanted = CONSTRUCTS[construct]
    path = tmp_path / "x.docx"
    path.write_bytes(docx_with_body(p(r("在某区工会第三次代表大会上的讲话")) + body))
    text = reader.read_speech(path).text
    for piece in wanted:
        assert piece in text, (construct, text)
    for piece in unwanted:
        assert piece not in text, (construct, text)


def test_docx_constructs_survive_into_the_built_speech(tmp_path):
    body = "".join(CONSTRUCTS[c][0] for c in ("tracked insertion w:ins", "simple field w:fldSimple", "smart tag",
                                              "inline content control", "block content control"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "x.docx").write_bytes(docx_with_body(p(r("在某区工会第三次代表大会上的讲话")) + p(r("同志们：")) + body))
    corpus = build_corpus(seeds, THEMES)
    assert not corpus.skipped, corpus.skipped
    text = "\n".join(u.text for u in corpus.speeches[0].units)
    for piece in ("维护职工合法权益", "第三页", "在北京市召开", "主持人：张同志", "块级控件里的段落"):
        assert piece in text


def test_entity_references_in_a_docx_are_refused_not_expanded(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(docx_with_body(p("<w:r><w:t>A&xxe;B</w:t></w:r>"),
                                    prolog='<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'))
    with pytest.raises(SpeechError, match="entity references"):
        reader.read_speech(path)


def test_a_docx_of_a_million_tiny_paragraphs_is_refused_with_the_cap(tmp_path):
    path = tmp_path / "big.docx"
    path.write_bytes(docx_with_body("<w:p><w:r><w:t>工</w:t></w:r></w:p>" * 1_000_000))
    with pytest.raises(SpeechError, match=r"has 50,001 lines of text \(or more\), more than the 50,000"):
        reader.read_speech(path)


def test_a_txt_over_the_line_cap_is_refused(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("工会\n" * (reader.MAX_LINES + 1), encoding="utf-8")
    with pytest.raises(SpeechError, match="more than the 50,000 a speech can have"):
        reader.read_speech(path)


def test_a_docx_expanding_to_too_much_xml_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_DOCX_XML_BYTES", 10_000)
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_with_body(p(r("工" * 20_000))))
    with pytest.raises(SpeechError, match="MB of document XML"):
        reader.read_speech(path)


# --- linear time: same output as the quadratic versions ----------------------------


def _highlight_reference(text: str, terms: list[str]) -> str:
    """The former quadratic body of pages.highlight: every match checked
    against every accepted one, longest first (ties: leftmost, then term)."""
    candidates = sorted(((m.start(), m.end(), term) for term in set(terms) if term
                         for m in re.finditer(re.escape(term), text)), key=lambda c: (c[0] - c[1], c[0], c[2]))
    spans: list[tuple[int, int]] = []
    for start, end, _ in candidates:
        if all(end <= s or start >= e for s, e in spans):
            spans.append((start, end))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        out.append(pages.escape(text[pos:s]))
        out.append(f"<mark>{pages.escape(text[s:e])}</mark>")
        pos = e
    out.append(pages.escape(text[pos:]))
    return "".join(out)


ALPHABET = list("工会职工权益合法维护<&*_")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join),
       st.lists(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=4).map("".join), max_size=6))
def test_highlight_marks_what_it_always_marked(text, terms):
    assert pages.highlight(text, terms) == _highlight_reference(text, terms)


def test_highlight_ignores_an_empty_term():
    assert pages.highlight("工会", ["", "工会"]) == "<mark>工会</mark>"


def test_the_rawhtml_joiner_stores_a_long_run_of_blocks_once():
    from markdown import Markdown

    from build_scripts.rawhtml import RawHtmlExtension

    extension = RawHtmlExtension()
    extension.active = True
    md = Markdown(extensions=[extension])
    blocks = [pages.html_block("p", f"第{i}段", "kb-unit", f"u{i}") for i in range(5000)]
    html = md.convert("# 标题\n\n" + "\n\n".join(blocks) + "\n\n正文\n")
    assert html.count("<p class=\"kb-unit\"") == 5000
    assert len(md.htmlStash.rawHtmlBlocks) == 1 and extension.ids == {f"u{i}" for i in range(5000)}
    # Many starts without a closing line: left to Markdown, searched once.
    lines = ['<p class="kb-unit">open'] * 3000
    assert md.convert("\n".join(lines)).count("open") == 3000


# --- process hygiene ----------------------------------------------------------------


def test_a_build_uses_the_projects_jieba_cache_and_leaks_no_temporary_file(tmp_path):
    from build_scripts import segmenter

    project = make_project(tmp_path, {"a.txt": variant("a")})
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp), KB_JOBS="2")
    result = subprocess.run([sys.executable, "-m", "build_scripts.publish", "-f", str(project / "mkdocs.yml")],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Dump cache file failed" not in result.stderr
    assert list(temp.iterdir()) == []
    folder = segmenter.cache_dir()
    assert folder == ROOT / ".cache" / "jieba" / str(os.getuid())
    assert (folder / "jieba.cache").is_file()
    assert segmenter.Segmenter()._tokenizer.tmp_dir == str(folder)


# --- the tag command -------------------------------------------------------------------


def test_tag_names_a_missing_file_a_folder_and_a_repeat(tmp_path):
    good = tmp_path / "draft.txt"
    good.write_text(variant("draft"), encoding="utf-8")
    result = run_cli("tag", str(tmp_path / "nonexistent.txt"), str(tmp_path), str(good), str(good),
                     str(tmp_path / "." / "draft.txt"), cwd=tmp_path)
    assert result.returncode == 1
    err = result.stderr
    assert f"{tmp_path / 'nonexistent.txt'}: does not exist — check the file name" in err
    assert f"{tmp_path}: is a folder, not a speech file — name the speech files in it instead" in err
    assert "permissions" not in err
    assert f"{good}: given more than once; read once" in err
    assert "same speech text" not in err  # not a duplicate of itself
    assert len(json.loads(result.stdout)["speeches"]) == 1


def test_tag_refuses_a_fifo_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run_cli("tag", str(fifo), cwd=tmp_path)
    assert result.returncode == 1 and "is a named pipe (FIFO)" in result.stderr


# --- bidi controls -------------------------------------------------------------------------


def test_bidi_controls_are_removed_from_titles_and_listed_in_the_notes(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    title = "在某区工会第三次代表大会上的\u202e讲话\u2066"
    (seeds / "a.txt").write_text(variant("a").replace(SEED_A.split("\n", 1)[0], title, 1), encoding="utf-8")
    speech = build_corpus(seeds, THEMES).speeches[0]
    assert speech.title == "在某区工会第三次代表大会上的讲话"
    assert not set(speech.meta.title.value) & safetext.BIDI_CONTROLS
    assert any("U+202E" in w and "U+2066" in w for w in speech.meta.warnings)
    assert "\u202e" in speech.original  # the source text is kept as it was


def test_theme_names_with_bidi_or_control_characters_are_refused():
    from build_scripts.themes import parse_lexicon

    for name in ("维\u202e权", "维\n权", "维\u2067权"):
        with pytest.raises(ConfigError, match="without control or direction-override characters"):
            parse_lexicon(f"themes:\n  - name: {json.dumps(name)}\n    slug: weiquan\n    description: 说明\n"
                          "    keywords: {维权: 2}\n")


def test_printable_escapes_every_unsafe_character():
    assert safetext.printable("a\nb\tc\x1b[31m\u202e\udcff\\") == "a\\nb\\tc\\x1b[31m\\u202e\\udcff\\\\"
    assert safetext.printable("讲话 (2016).txt") == "讲话 (2016).txt"
    assert safetext.strip_bidi("a\u202bb\u2069") == ("ab", ["U+202B", "U+2069"])


def test_sources_are_published_only_if_they_still_pass_the_gate(tmp_path):
    # The file published under sources/ is read again at publish time; a
    # file swapped for a link out of seeds/ or a FIFO in between is refused.
    from build_scripts.reader import source_bytes

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    speech = seeds / "a.txt"
    speech.write_bytes("同志们：\n讲话正文。\n".encode("utf-8"))
    assert source_bytes(speech, seeds) == speech.read_bytes()
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    speech.unlink()
    speech.symlink_to(secret)
    assert source_bytes(speech, seeds) is None
    speech.unlink()
    os.mkfifo(speech)
    assert source_bytes(speech, seeds) is None
    inside = seeds / "b.txt"
    inside.write_bytes(b"ok")
    speech.unlink()
    speech.symlink_to(inside)
    assert source_bytes(speech, seeds) == b"ok"
