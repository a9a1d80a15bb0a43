"""A wider attack round: inputs tried as an attacker and as a careless user
would, each with the outcome it must have.

Most cases are entries of one seeds folder (the "arena"), built once with
``build_corpus`` and once with a lenient ``mkdocs build``: a case is a
file name, how to make the entry, and what must come of it — ``built``
(with its id, a text it must contain …), ``skipped`` (with a message
fragment), ``ignored`` (not a speech: logged at INFO, counted), or
``handled`` (built, or skipped with a message: never a crash, never lost
silently).  The other cases (the ``tag`` command, ``publish`` and its lock,
the seeds folder itself, highlight, configuration) run on their own.

A case outside the reliability scope that still fails would be marked
``xfail(strict=True)`` with its owner in the reason (``Case.xfail``), so
it is counted and cannot pass unnoticed.
"""

from __future__ import annotations

import html
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest

from build_scripts import ids, pages, reader, safetext
from build_scripts.errors import ConfigError
from build_scripts.pipeline import build_corpus
from conftest import ROOT, SEEDS, THEMES, mkdocs_build
from docx_fixtures import CONSTRUCTS, docx_with_body, p, r
from support.projects import make_project

SEED_A = (SEEDS / "003_8934f3c4a65f5158.txt").read_text(encoding="utf-8")
TITLE = SEED_A.split("\n", 1)[0]


def variant(case: str) -> str:
    return SEED_A.rstrip("\n") + f"\n本稿用于测试：{case}。\n"


def text(case: str) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(variant(case).encode("utf-8"))


def raw(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def utf8(content: str) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode("utf-8"))


def link(target: str) -> Callable[[Path], None]:
    return lambda path: os.symlink(target, path)


def sparse(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with open(path, "wb") as f:
            f.truncate(size)
    return make


def docx_of(body: str) -> Callable[[Path], None]:
    return raw(docx_with_body(p(r("在某区工会第三次代表大会上的讲话")) + p(r("同志们：")) + body))


def fifo(path: Path) -> None:
    os.mkfifo(path)


def unix_socket(path: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()


@dataclass
class Case:
    """One arena entry: ``name`` in seeds/, ``make(path)`` creates it,
    ``outcome`` is "built", "skipped", "ignored", "silent" (a sidecar: in
    no list) or "handled" (built, or skipped with a message); ``expect``
    is the id (built) or a message fragment (skipped); ``contains`` texts
    the built speech must hold; ``xfail`` names the owner of a known gap."""

    name: str
    make: Callable[[Path], None]
    outcome: str
    expect: Optional[str] = None
    contains: tuple[str, ...] = ()
    xfail: str = ""


UNSAFE = "has control, bidi or undecodable characters in its name"
LINK_OUT = "outside the seeds folder"

ARENA: list[Case] = [
    # --- file names ---------------------------------------------------------------
    Case("space in name.txt", text("n1"), "built", "space-in-name"),
    Case(" leading.txt", text("n2"), "built", "leading"),
    Case("UPPER.TXT", text("n3"), "built", "upper"),
    Case("Mixed.DocX", docx_of(p(r("大小写后缀的文档。"))), "built", "mixed", ("大小写后缀的文档",)),
    Case("double.txt.txt", text("n5"), "built", "double-txt"),
    Case("dot.txt.", text("n6"), "skipped", "has a name ending in '.' after its suffix"),
    Case("ideo.txt\u3000", text("n7"), "skipped", "after its suffix"),
    Case("trail.TXT ", text("n7b"), "skipped", "after its suffix"),
    Case("emoji😀.txt", text("n8"), "built", "emoji"),
    Case("مرحبا.txt", text("n9"), "built", "مرحبا"),
    Case("zw\u200bj.txt", text("n10"), "built", "zw-j"),
    Case("ＡＢＣ１２.txt", text("n11"), "built", "abc12"),
    Case("back\\slash.txt", text("n12"), "built", "back-slash"),
    Case('quote"s.txt', text("n13"), "built", "quote-s"),
    Case("<script>alert(1)<.txt", text("n14"), "built", "script-alert-1"),
    Case("pct%2F.txt", text("n15"), "built", "pct-2f"),
    Case("hash#q?.txt", text("n16"), "built", "hash-q"),
    Case("amp&lt;.txt", text("n16b"), "built", "amp-lt"),
    Case("con.txt", text("n17"), "built", "con-2"),
    Case("NUL.txt", text("n18"), "built", "nul-2"),
    Case("lpt9.txt", text("n19"), "built", "lpt9-2"),
    Case("Index.TXT", text("n20"), "built", "index-2"),
    # Ids go to files in bytewise name order: "-" (0x2d) before "！" (0xef …),
    # "cafe\u0301" (e, 0x65) before "café" (é, 0xc3 0xa9); NFKC makes both café.
    Case("！！.txt", text("n21"), "built", "speech-2"),
    Case("-.txt", text("n22"), "built", "speech"),
    Case("café.txt", text("n23"), "built", "café-2"),
    Case("cafe\u0301.txt", text("n23b"), "built", "café"),
    Case("del\x7f.txt", text("n25"), "skipped", UNSAFE),
    Case("esc\x1b[31mred.txt", text("n26"), "skipped", UNSAFE),
    Case("cr\rname.txt", text("n27"), "skipped", UNSAFE),
    Case("ls\u2028name.txt", text("n28"), "skipped", UNSAFE),
    Case("ps\u2029name.txt", text("n29"), "skipped", UNSAFE),
    *[Case(f"bidi{c:04x}\u0020{chr(c)}x.txt", text(f"bidi {c:04x}"), "skipped", UNSAFE)
      for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)],
    Case(os.fsdecode(b"bytes\xff\xfe.txt"), text("n39"), "skipped", UNSAFE),
    Case("nel\x85.txt", text("n40"), "skipped", UNSAFE),
    Case("bell\x07.txt", text("n40b"), "skipped", UNSAFE),
    Case("b" * 251 + ".txt", text("n41"), "built", "b" * 200),
    Case("\ufdfa" * 20 + ".txt", text("n42"), "built"),
    Case("讲" * 83 + ".txt", text("n42b"), "built", "讲" * 66),
    Case("....txt", text("n43"), "ignored"),
    Case("~$lock.docx", raw(b"lock"), "ignored"),
    Case("~$x.txt", text("n44"), "ignored"),
    Case("._mac.txt", raw(b"\x00\x05\x16\x07"), "ignored"),
    Case("orphan.yml", utf8("title: 无主的附加信息\n"), "silent"),
    Case("typo.yaml", utf8("title: 拼错的后缀\n"), "ignored"),
    Case("spacedot .txt", text("n49"), "built", "spacedot"),
    Case("README", utf8("no suffix\n"), "ignored"),
    Case("notes.md", utf8("# md\n"), "ignored"),
    Case("page.htm", utf8("<p>x</p>\n"), "ignored"),
    Case("draft.odt", raw(b"PK\x03\x04"), "skipped", "OpenDocument text (.odt)"),
    Case("old.doc", raw(b"\xd0\xcf\x11\xe0" + bytes(60)), "skipped", "Word 97–2003 document (.doc)"),
    Case("wps.wps", raw(b"\xd0\xcf\x11\xe0" + bytes(60)), "skipped", "a WPS document (.wps)"),
    Case("rich.rtf", raw(b"{\\rtf1 hi}"), "skipped", "an RTF document"),
    Case("scan.PDF", raw(b"%PDF-1.4"), "skipped", "a PDF file"),
    # --- kinds and links --------------------------------------------------------------
    Case("etc-hostname.txt", link("/etc/hostname"), "skipped", LINK_OUT),
    Case("proc-environ.txt", link("/proc/self/environ"), "skipped", LINK_OUT),
    Case("dev-zero.txt", link("/dev/zero"), "skipped", LINK_OUT),
    Case("dev-null.txt", link("/dev/null"), "skipped", LINK_OUT),
    Case("dotdot.txt", link("../../outside/secret.txt"), "skipped", LINK_OUT),
    Case("deep-dotdot.txt", link("sub/../../../outside/secret.txt"), "skipped", LINK_OUT),
    Case("self-folder.txt", link("."), "skipped", "which is a folder"),
    Case("into-sub.txt", link("sub/inner.txt"), "built", "into-sub"),
    Case("chain-a.txt", link("chain-b.lnk"), "built", "chain-a"),
    Case("chain-b.lnk", link("sub/chain-target.txt"), "ignored"),
    Case("chain-out.txt", link("chain-out.lnk"), "skipped", LINK_OUT),
    Case("chain-out.lnk", link("../../outside/secret.txt"), "ignored"),
    Case("dangling.txt", link("missing.txt"), "skipped", "which does not exist"),
    Case("self-loop.txt", link("self-loop.txt"), "skipped", "is a symbolic link loop"),
    Case("loop-1.txt", link("loop-2.txt"), "skipped", "is a symbolic link loop"),
    Case("loop-2.txt", link("loop-1.txt"), "skipped", "is a symbolic link loop"),
    Case("to-fifo.txt", link("sub/fifo"), "skipped", "which is a named pipe"),
    Case("folder.txt", lambda path: path.mkdir(), "skipped", "is a folder, not a speech file"),
    Case("folder.docx", lambda path: path.mkdir(), "skipped", "is a folder, not a speech file"),
    Case("fifo.txt", fifo, "skipped", "is a named pipe (FIFO)"),
    Case("fifo", fifo, "ignored"),
    Case("sock.txt", unix_socket, "skipped", "is a socket"),
    Case("plain-folder", lambda path: path.mkdir(), "ignored"),
    Case("out-link", link("/etc/hostname"), "ignored"),
    Case("md-as-txt.txt", link("sub/real.md"), "built", "md-as-txt"),
    # --- sizes and caps -----------------------------------------------------------------
    Case("sparse-3g.txt", sparse(3 * 1024 ** 3), "skipped", "is 3072.0 MB of text"),
    Case("sparse-100m.docx", sparse(100 * 1024 ** 2), "skipped", "MB .docx, more than the 64 MB read"),
    Case("exactly-5mb.txt", raw(b"a" * reader.MAX_BYTES), "skipped", "is 5.0 MB of text"),
    Case("too-many-lines.txt", utf8("工会\n" * (reader.MAX_LINES + 1)), "skipped", "more than the 50,000"),
    Case("million.docx", lambda path: path.write_bytes(docx_with_body("<w:p><w:r><w:t>工</w:t></w:r></w:p>" * 1_000_000)),
         "skipped",
         "more than the 50,000"),
    Case("entity.docx", raw(docx_with_body(p("<w:r><w:t>A&x;B</w:t></w:r>"),
                                           prolog='<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]>')),
         "skipped", "entity references"),
    Case("laughs.docx", raw(docx_with_body(p("<w:r><w:t>&e;</w:t></w:r>"), prolog=(
        '<!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'))), "skipped", "docx"),
    Case("no-document.docx", lambda path: _zip(path, {"[Content_Types].xml": b"<Types/>"}), "skipped", ".docx"),
    Case("random-zip.docx", lambda path: _zip(path, {"a.txt": b"hello"}), "skipped", ".docx"),
    Case("empty.docx", raw(docx_with_body("")), "skipped", "is empty"),
    Case("blank.docx", raw(docx_with_body(p(r("  ")) + p(r("\u3000")))), "skipped", "contains only whitespace"),
    Case("ole.docx", raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "skipped", ".docx"),
    Case("truncated.docx", lambda path: path.write_bytes(docx_with_body(p(r("半个文件")))[:900]), "skipped", ".docx"),
    Case("huge-text.docx", lambda path: path.write_bytes(docx_with_body(p(r("工" * (reader.MAX_BYTES // 3 + 10))))),
         "skipped", "MB of text"),
    Case("only-deleted.docx", raw(docx_with_body(p('<w:del w:id="1" w:author="a"><w:r><w:delText>删</w:delText>'
                                                     '</w:r></w:del>'))), "skipped", "is empty"),
    Case("one-long-line.txt", utf8(TITLE + "\n" + SEED_A.split("\n", 1)[1].replace("\n", "") * 15), "built",
         "one-long-line"),
    Case("many-short-lines.txt", utf8(TITLE + "\n" + "".join(f"工会维权{i}。\n" for i in range(10_000))), "built",
         "many-short-lines"),
    # --- .docx constructs: every run of text is read -----------------------------------------
    *[Case(f"construct-{i:02d}.docx", docx_of(CONSTRUCTS[name][0] + p(r(f"构件{i}。"))), "built", f"construct-{i:02d}",
           tuple(w.replace("\t", "") for w in CONSTRUCTS[name][1] if "\n" not in w))
      for i, name in enumerate(sorted(CONSTRUCTS))],
    Case("docx-bidi-title.docx", raw(docx_with_body(p(r("在某区工会\u202e第三次代表大会上的讲话")) + p(r("同志们：")) + p(r("内容。")))),
         "built", "docx-bidi-title"),
    Case("docx-tables-only.docx", raw(docx_with_body("<w:tbl><w:tr><w:tc>" + p(r("在某区工会第三次代表大会上的讲话"))
                                                     + "</w:tc></w:tr><w:tr><w:tc>" + p(r("同志们：表格里的讲话。"))
                                                     + "</w:tc></w:tr></w:tbl>")), "built", "docx-tables-only",
         ("表格里的讲话",)),
    # --- text content --------------------------------------------------------------------------
    Case("bidi-title.txt", utf8(variant("t1").replace(TITLE, TITLE[:4] + "\u202e" + TITLE[4:], 1)), "built", "bidi-title"),
    Case("bidi-body.txt", utf8(variant("t2 \u2067体\u2069")), "built", "bidi-body"),
    Case("controls-body.txt", utf8(variant("t3 \x07\x1b[2J")), "built", "controls-body"),
    Case("lone-surrogate-utf16.txt", raw(b"\xff\xfe" + "讲话".encode("utf-16-le") + b"\x00\xd8" + "。".encode("utf-16-le")),
         "skipped", "not valid UTF-16"),
    Case("surrogate-bytes.txt", raw(variant("t5").encode("utf-8") + b"\xed\xa0\x80"), "handled"),
    Case("utf32.txt", raw(variant("t6").encode("utf-32")), "built", "utf32"),
    Case("mixed-eol.txt", raw(variant("t7").replace("\n", "\r\n", 5).replace("\n", "\r", 3).encode("utf-8")),
         "built", "mixed-eol"),
    Case("form-feed.txt", utf8(variant("t8").replace("\n", "\n\x0c", 3)), "built", "form-feed"),
    Case("long-title.txt", utf8("讲" * 5000 + "\n" + variant("t9")), "built", "long-title"),
    Case("punctuation.txt", utf8("。" * 100 + "\n" + "，" * 100 + "\n"), "handled"),
    Case("placeholders.txt", utf8("XX\nXX同志：\n××××\n"), "handled"),
    Case("thousand-parts.txt", utf8(TITLE + "\n同志们：\n" + "".join(f"{i}、第{i}部分。\n"
                                                                  for i in range(1000))), "handled"),
    Case("html-title.txt", utf8(variant("t13").replace(TITLE, '<img src=x onerror=alert(1)>讲话', 1)), "built",
         "html-title"),
    Case("md-link-title.txt", utf8(variant("t14").replace(TITLE, "[讲话](javascript:alert(1))", 1)), "built",
         "md-link-title"),
    Case("jinja.txt", utf8(variant("t15 {{ config.site_name }} {% raw %}")), "built", "jinja"),
    Case("snippet.txt", utf8(variant("t16") + '--8<-- "/etc/hostname"\n;--8<-- "mkdocs.yml"\n'), "built", "snippet"),
    Case("nul-utf8.txt", utf8(variant("t18") + "\x00"), "skipped", "NUL"),
    Case("gb18030-4byte.txt", raw(variant("t19 𠮷𠮷").encode("gb18030")), "built", "gb18030-4byte"),
    Case("brackets.txt", utf8(TITLE + "\n" + "（" * 10000 + "\n" + variant("t21")), "built", "brackets"),
    Case("x-run.txt", utf8(variant("t22") + "X" * 100_000 + "\n"), "built", "x-run"),
    Case("yishi-run.txt", utf8(TITLE + "\n" + "一是" * 20000 + "\n"), "handled"),
    Case("star-run.txt", utf8(variant("t24") + "*" * 50_000 + "\n"), "built", "star-run"),
    Case("underscore-run.txt", utf8(variant("t25") + "_" * 100_000 + "\n"), "built", "underscore-run"),
    Case("times-run.txt", utf8(variant("t26") + "&times;" * 20_000 + "\n"), "built", "times-run"),
    Case("astral.txt", utf8(variant("t27 " + "𠮷" * 1000)), "built", "astral"),
    Case("arabic.txt", utf8("خطاب\n" + "مرحبا بكم " * 50 + "\n"), "handled"),
    Case("zero-width.txt", utf8(variant("t29").replace("工会", "工\u200b会")), "built", "zero-width"),
    Case("bom-inside.txt", utf8(variant("t30").replace("职工", "职\ufeff工", 3)), "built", "bom-inside"),
    Case("only-disclaimer.txt", utf8("转载请注明出处\n版权所有\n"), "skipped", "no speech text"),
    Case("title-only-long.txt", utf8("在某区工会第三次代表大会上的讲话" * 3 + "\n"), "skipped", "has only a title"),
    Case("latin1-name-ok.txt", raw(variant("t33").encode("utf-8")), "built", "latin1-name-ok"),
    Case("deep-numbering.txt", utf8(TITLE + "\n同志们：\n一、总\n（一）分\n1.细\n（1）更细\n①最细\n一是再细\n"), "handled"),
    Case("tabs-columns.txt", utf8(variant("t35").replace("，", "\t", 5)), "built", "tabs-columns"),
    Case("newline-title-escape.txt", utf8(variant("t36").replace(TITLE, TITLE + "\\n伪造", 1)), "built",
         "newline-title-escape"),
]


def _zip(path: Path, members: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    path.write_bytes(out.getvalue())


@pytest.fixture(scope="module")
def arena(tmp_path_factory, analyzer):
    base = tmp_path_factory.mktemp("arena")
    project = make_project(base, {})
    seeds = project / "seeds"
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text("ARENA-SECRET\n" + variant("secret"), encoding="utf-8")
    (seeds / "sub").mkdir()
    (seeds / "sub" / "inner.txt").write_text(variant("inner"), encoding="utf-8")
    (seeds / "sub" / "chain-target.txt").write_text(variant("chain"), encoding="utf-8")
    (seeds / "sub" / "real.md").write_text(variant("md"), encoding="utf-8")
    os.mkfifo(seeds / "sub" / "fifo")
    for case in ARENA:
        case.make(seeds / case.name)
    corpus = build_corpus(seeds, THEMES, analyzer=analyzer)
    return project, corpus


@pytest.fixture(scope="module")
def arena_site(arena, tmp_path_factory):
    project, _ = arena
    site = tmp_path_factory.mktemp("arena-site") / "site"
    result = mkdocs_build(project, site, strict=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def _source(case: Case) -> str:
    return f"seeds/{safetext.printable(case.name)}"


@pytest.mark.parametrize("case", [pytest.param(c, id=safetext.printable(c.name)[:60], marks=(
    [pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])) for c in ARENA])
def test_arena_case(arena, case):
    _, corpus = arena
    built = {s.source: s for s in corpus.speeches}
    skipped = {sk.path: sk.message for sk in corpus.skipped}
    ignored = {sk.path for sk in corpus.ignored}
    source = _source(case)
    if case.outcome == "built":
        assert f"seeds/{case.name}" in built, skipped.get(source, f"{source} neither built nor skipped")
        speech = built[f"seeds/{case.name}"]
        if case.expect:
            assert speech.id == case.expect
        assert len(speech.id.encode("utf-8")) <= ids.MAX_ID_BYTES + 3
        body = "\n".join(u.text for u in speech.units)
        for piece in case.contains:
            assert piece in body, (piece, body[:300])
        assert not set(speech.title) & safetext.BIDI_CONTROLS
    elif case.outcome == "skipped":
        assert source in skipped, f"{source} not skipped"
        assert case.expect in skipped[source], skipped[source]
        assert " — " in skipped[source]  # names a fix
    elif case.outcome == "ignored":
        assert source in ignored and source not in skipped and source not in built
    elif case.outcome == "silent":
        assert source not in ignored and source not in skipped and source not in built
    else:  # handled: built, or skipped with a message — never lost silently
        assert f"seeds/{case.name}" in built or (source in skipped and " — " in skipped[source])


def test_arena_nothing_unaccounted(arena):
    """Every entry of seeds/ is built, skipped or ignored (sidecars aside)."""
    project, corpus = arena
    names = {f"seeds/{safetext.printable(p.name)}" for p in (project / "seeds").iterdir()} - {"seeds/orphan.yml"}
    accounted = {safetext.printable(s.source) for s in corpus.speeches} | {sk.path for sk in corpus.skipped} | {
        sk.path for sk in corpus.ignored}
    assert names == accounted


def test_arena_site_publishes_nothing_from_outside_and_runs_no_snippet(arena_site):
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    for path in arena_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".txt", ".xml"):
            content = path.read_text(encoding="utf-8", errors="replace")
            assert "ARENA-SECRET" not in content, path
            if hostname and len(hostname) > 6:
                assert f">{hostname}<" not in content, path


def test_arena_site_paths_fit_every_file_system(arena_site):
    for path in arena_site.rglob("*"):
        assert len(path.name.encode("utf-8")) <= 255, path.name


def test_arena_site_shows_no_raw_bidi_control_in_titles(arena_site):
    for page in (arena_site / "speeches").rglob("index.html"):
        content = page.read_text(encoding="utf-8")
        title = content.split("<title>", 1)[1].split("</title>", 1)[0]
        assert not set(html.unescape(title)) & safetext.BIDI_CONTROLS, page


# --- the tag command ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tag_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("tag")
    good = base / "good.txt"
    good.write_text(variant("tag good"), encoding="utf-8")
    os.symlink(good, base / "alias.txt")
    os.mkfifo(base / "pipe.txt")
    (base / "notes.md").write_text("# x\n", encoding="utf-8")
    (base / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60))
    (base / "line\nbreak.txt").write_text(variant("tag nl"), encoding="utf-8")
    with open(base / "sparse.txt", "wb") as f:
        f.truncate(3 * 1024 ** 3)
    args = ["missing.txt", ".", "good.txt", "good.txt", "./good.txt", "alias.txt", "pipe.txt", "notes.md", "old.doc",
            "sparse.txt", "-", "line\nbreak.txt", ""]
    result = subprocess.run([sys.executable, "-m", "build_scripts", "tag", *args], cwd=base, capture_output=True,
                            text=True, timeout=300)
    return base, result


@pytest.mark.parametrize("fragment", [
    "missing.txt: does not exist — check the file name",
    ".: is a folder, not a speech file — name the speech files in it instead",
    "good.txt: given more than once; read once",
    "alias.txt: given more than once (also as good.txt); read once",
    "pipe.txt: is a named pipe (FIFO), not a speech file",
    "notes.md: is a .md file, not a speech (only .txt and .docx are read)",
    "old.doc: is a Word 97–2003 document (.doc), which cannot be read",
    "sparse.txt: is 3072.0 MB of text",
    "-: does not exist",
])
def test_tag_messages(tag_run, fragment):
    _, result = tag_run
    assert fragment in result.stderr, result.stderr


def test_tag_output_and_exit_code(tag_run):
    _, result = tag_run
    assert result.returncode == 1
    assert "permissions" not in result.stderr and "same speech text" not in result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert sorted(s["source"] for s in data["speeches"]) == ["good.txt", "line\nbreak.txt"]


def test_tag_with_no_usable_file_exits_1(tmp_path):
    result = subprocess.run([sys.executable, "-m", "build_scripts", "tag", str(tmp_path / "none.txt")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "does not exist" in result.stderr and "Traceback" not in result.stderr


# --- publish and its lock -------------------------------------------------------------------


@pytest.fixture
def plain(tmp_path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: attack\n", encoding="utf-8")
    for i in range(5):
        (tmp_path / "docs" / f"p{i}.md").write_text(f"# {i}\n", encoding="utf-8")
    return tmp_path


def publish(project: Path, *args: str, wait: bool = True):
    cmd = [sys.executable, "-m", "build_scripts.publish", "-f", str(project / "mkdocs.yml"), *args]
    if wait:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _site_ok(project: Path, site: str = "site") -> bool:
    return (project / site / "p4" / "index.html").is_file() and not (project / f"{site}.new").exists() \
        and not (project / f"{site}.old").exists()


@pytest.mark.parametrize("setup", ["stale-lock-garbage", "stale-lock-pid", "leftover-new", "leftover-old",
                                   "site-is-file", "site-is-link", "empty-lock"])
def test_publish_recovers_from_leftovers(plain, setup):
    (plain / ".cache").mkdir()
    lock = plain / ".cache" / "build.lock"
    if setup == "stale-lock-garbage":
        lock.write_bytes(b"\xff\x00garbage")
    elif setup == "stale-lock-pid":
        lock.write_text("999999\n")
    elif setup == "empty-lock":
        lock.write_text("")
    elif setup == "leftover-new":
        (plain / "site.new" / "junk").mkdir(parents=True)
    elif setup == "leftover-old":
        (plain / "site.old" / "junk").mkdir(parents=True)
    elif setup == "site-is-file":
        (plain / "site").write_text("not a folder")
    elif setup == "site-is-link":
        (plain / "elsewhere").mkdir()
        (plain / "elsewhere" / "keep.txt").write_text("kept")
        os.symlink(plain / "elsewhere", plain / "site")
    result = publish(plain)
    assert result.returncode == 0, result.stderr
    assert _site_ok(plain)
    if setup == "site-is-link":  # the site is built where the link points (a web root, say)
        assert (plain / "site").is_symlink() and (plain / "elsewhere" / "p4" / "index.html").is_file()
        assert not (plain / "elsewhere" / "keep.txt").exists()
        assert not (plain / "elsewhere.new").exists() and not (plain / "elsewhere.old").exists()


def test_publish_with_a_lock_that_is_a_folder_says_so(plain):
    (plain / ".cache" / "build.lock").mkdir(parents=True)
    result = publish(plain)
    assert result.returncode == 1 and "the build lock" in result.stderr and "Traceback" not in result.stderr


def test_a_killed_publish_leaves_no_lock_behind(plain):
    run = publish(plain, wait=False)
    time.sleep(0.3)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=60)
    time.sleep(0.5)  # its mkdocs child may still be finishing
    result = publish(plain, "--wait", "30")
    assert result.returncode == 0, result.stderr
    assert _site_ok(plain)


def test_site_and_offline_builds_at_once_share_the_lock(plain):
    runs = [publish(plain, wait=False), publish(plain, "-d", str(plain / "site-offline"), wait=False)]
    outs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outs
    assert _site_ok(plain) and _site_ok(plain, "site-offline")


def test_a_failed_build_under_the_lock_keeps_the_old_site_and_releases_the_lock(plain):
    assert publish(plain).returncode == 0
    (plain / "mkdocs.yml").write_text("site_name: [broken\n", encoding="utf-8")
    failed = publish(plain)
    assert failed.returncode != 0 and "left as it was" in failed.stderr
    assert _site_ok(plain)
    (plain / "mkdocs.yml").write_text("site_name: fixed\n", encoding="utf-8")
    assert publish(plain, "--wait", "0").returncode == 0


# --- the seeds folder itself ------------------------------------------------------------------


def _check(seeds: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "build_scripts", "--seeds", str(seeds), "check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("kind, code, fragment", [
    ("empty", 1, "no speech files (.txt or .docx) found"),
    ("only-hidden", 1, "no speech files"),
    ("only-ignored", 1, "no speech files"),
    ("a-file", 3, "is not a folder"),
    ("missing", 3, "the seeds folder does not exist"),
    ("dangling-link", 3, "the seeds folder does not exist"),
    ("link-to-folder", 0, ""),
])
def test_the_seeds_folder(tmp_path, kind, code, fragment):
    seeds = tmp_path / "seeds"
    if kind in ("empty", "only-hidden", "only-ignored"):
        seeds.mkdir()
        if kind == "only-hidden":
            (seeds / ".x.txt").write_text(variant("hidden"), encoding="utf-8")
        if kind == "only-ignored":
            (seeds / "x.md").write_text(variant("md"), encoding="utf-8")
    elif kind == "a-file":
        seeds.write_text("x")
    elif kind == "dangling-link":
        os.symlink(tmp_path / "nowhere", seeds)
    elif kind == "link-to-folder":
        (tmp_path / "real").mkdir()
        (tmp_path / "real" / "a.txt").write_text(variant("linked seeds"), encoding="utf-8")
        os.symlink(tmp_path / "real", seeds)
    result = _check(seeds)
    assert result.returncode == code, result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


# --- highlight -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, terms, expected", [
    ("依法维护职工合法权益", ["权益", "合法权益"], "依法维护职工<mark>合法权益</mark>"),
    ("a(.*)b", ["(.*)"], f"a<mark>{pages.escape('(.*)')}</mark>b"),
    ("工会", [""], "工会"),
    ("<b>工会</b>", ["<b>"], "<mark>&lt;b&gt;</mark>工会&lt;/b&gt;"),
    ("工工工", ["工工"], "<mark>工工</mark>工"),
    ("X权益保障", ["权益", "益保障"], "X权<mark>益保障</mark>"),
    ("", ["工会"], ""),
    # Terms of the same length: the leftmost match wins.
    ("工会" * 3, ["工会", "会工"], "<mark>工会</mark><mark>工会</mark><mark>工会</mark>"),
    ("会工会", ["工会", "会工"], "<mark>会工</mark>会"),
])
def test_highlight_cases(text, terms, expected):
    assert pages.highlight(text, terms) == expected


# --- configuration and sidecars (owned by the tagger engineer) -----------------------------------


def _corpus_with_sidecar(tmp_path: Path, sidecar: Callable[[Path], None]):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(variant("sidecar"), encoding="utf-8")
    sidecar(seeds / "a.yml")
    return build_corpus(seeds, THEMES)


@pytest.mark.parametrize("name, make", [
    ("title with RLO", utf8("title: 讲话\u202egnp.exe\n")),
    ("place with LRI", utf8("place: 某\u2066区\n")),
])
def test_sidecar_bidi_is_never_displayed_raw(tmp_path, name, make):
    try:
        corpus = _corpus_with_sidecar(tmp_path, make)
    except ConfigError:
        return  # refused as a configuration problem: fine too
    speech = corpus.speeches[0]
    values = [speech.title] + [mv.value for mv in (speech.meta.title, speech.meta.place) if mv is not None]
    assert not any(set(v) & safetext.BIDI_CONTROLS for v in values)


@pytest.mark.parametrize("kind, fragment", [
    ("link-out", "is a symbolic link to {outside}, outside the seeds folder"),
    ("folder", "is a directory, not a file"),
    ("link-to-folder", "which is a folder, not a sidecar"),
    ("fifo", "is a named pipe (FIFO), not a sidecar"),
    ("dangling", "which does not exist"),
])
def test_a_sidecar_the_gate_refuses_is_a_config_problem(tmp_path, kind, fragment):
    outside = tmp_path / "secret.yml"
    outside.write_text("title: 外部文件的标题\n", encoding="utf-8")

    def link_to_folder(path: Path) -> None:
        (path.parent / "subdir").mkdir()
        os.symlink("subdir", path)

    make = {"link-out": link(str(outside)), "folder": lambda path: path.mkdir(), "fifo": fifo,
            "dangling": link("nowhere.yml"), "link-to-folder": link_to_folder}[kind]
    with pytest.raises(ConfigError) as info:
        _corpus_with_sidecar(tmp_path, make)
    (problem,) = info.value.problems
    assert problem.path.endswith("a.yml") and fragment.format(outside=outside) in problem.problem and problem.fix
    assert "外部文件的标题" not in str(info.value)
