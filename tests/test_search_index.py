"""The search index (build_scripts/search_index.py) without a browser:
character folding, shard hashing, the encoding, completeness, determinism,
and the one template override that installs the worker."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from build_scripts import search_index as si
from build_scripts.model import LEAF_KINDS
from conftest import ROOT


def test_fold_keeps_length_and_is_idempotent():
    rng = random.Random(7)
    alphabet = "职工之家ＡＢＣａｂｃＸＹＺ１２３ABCxyz　 ，。、；“”×·Ωé\u2028𠀀"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        folded = si.fold(text)
        assert len(folded) == len(text)
        # UTF-16 length too: the worker slices the original by folded offsets.
        assert len(folded.encode("utf-16-le")) == len(text.encode("utf-16-le"))
        assert si.fold(folded) == folded
    assert si.fold("ＧＤＰ２０２３Gdp") == "gdp2023gdp"


def test_indexed_characters_are_letters_and_numbers():
    assert all(si.is_indexed(c) for c in "职工a1二Ω")
    assert not any(si.is_indexed(c) for c in "，。、 ×“”·-\u3000")


def test_key_hash_is_fnv1a_32():
    # Published FNV-1a test vectors; the worker's keyHash must agree.
    assert si.key_hash("") == 0x811C9DC5
    assert si.key_hash("a") == 0xE40C292C
    assert si.key_hash("foobar") == 0xBF9CF968


def test_every_passage_and_heading_is_a_document(corpus):
    for speech in corpus.speeches:
        page = si.speech_page(speech, f"speeches/{speech.id}/")
        anchors = [d.anchor for d in page.docs]
        assert anchors[0] == "" and page.docs[0].title == speech.title
        wanted = [u.id for u in speech.units if u.kind == "section" or (u.kind in LEAF_KINDS and u.kind != "note")]
        assert anchors[1:] == wanted
        for doc in page.docs[1:]:
            unit = speech.unit(doc.anchor)
            assert doc.text == (unit.heading or unit.text if unit.kind == "section" else unit.text)


def _page_entries(manifest: dict, tables: dict[int, list]) -> list[list]:
    """[location, title, kind, facts, starts] of every page, from the
    manifest (pages, kinds) and the page-table files; checks that they
    agree."""
    assert sorted(tables) == list(range(len(tables))) and len(tables) == -(-manifest["pages"] // manifest["chunk"])
    rows = [row for k in sorted(tables) for row in tables[k]]
    assert len(rows) == manifest["pages"]
    kinds = []
    for n in range(manifest["pages"]):
        kinds.append([kind for kind, start in manifest["kinds"] if start <= n][-1])
    return [[loc, title, kind, facts, starts] for (loc, title, facts, starts), kind in zip(rows, kinds)]


def _decode(files: dict[str, bytes]) -> tuple[dict, dict[str, dict], dict[int, list]]:
    """(manifest with its "pages" expanded to entries, postings shards —
    a hot key's parts under "h<n>.<j>" —, documents files with their
    titles expanded), every file parsed as call(name, JSON)."""
    manifest = json.loads(files["search/search_index.json"])["config"]["kb"]
    shards, chunks, tables = {}, {}, {}
    for path, content in files.items():
        m = re.fullmatch(r"search/kb/([pdth])(\d+(?:\.\d+)?)\.js", path)
        if not m:
            continue
        text = content.decode("utf-8")
        prefix = f'kbLoaded("{m.group(1)}{m.group(2)}",'
        assert text.startswith(prefix) and text.endswith(");\n"), path
        data = json.loads(text[len(prefix):-3])
        if m.group(1) == "p":
            shards[int(m.group(2))] = data
        elif m.group(1) == "h":
            shards[f"h{m.group(2)}"] = data
        elif m.group(1) == "t":
            tables[int(m.group(2))] = data
        else:
            page, c = map(int, m.group(2).split("."))
            chunks[page, c] = data
    manifest["pages"] = _page_entries(manifest, tables)
    docs = {}
    for page_no, entry in enumerate(manifest["pages"]):
        # A page's documents files: one more than its starts, each after the
        # first starting at its start, with a part heading.
        starts = entry[4]
        assert sorted(c for p, c in chunks if p == page_no) == list(range(len(starts) + 1)), page_no
        rows = []
        for c in range(len(starts) + 1):
            assert c == 0 or (len(rows) == starts[c - 1] and chunks[page_no, c][0][3] == "section")
            rows += chunks[page_no, c]
        docs[page_no] = _expand(rows)
    return manifest, shards, docs


def _expand(rows: list) -> list:
    """A documents file's rows with their short titles written out (0: the
    part's title, 1: that, " · " and the start of the text, [suffix]; 2:
    the text, 3: the text up to its first U+3000)."""
    out, part = [], ""
    for anchor, title, text, kind in rows:
        if title == 2:
            title = text
        elif title == 3:
            title = text.split("\u3000")[0]
        elif title == 0:
            title = part
        elif title == 1:
            title = f"{part} · {si._short(text, 24)}"
        elif isinstance(title, list):
            title = part + title[0]
        if kind == "section":
            part = si._short(title)
        out.append([anchor, title, text, kind])
    return out


def _pages(corpus):
    pages = [si.speech_page(s, f"speeches/{s.id}/") for s in corpus.speeches]
    pages += [si.theme_page(t.name, t.description, f"themes/{t.slug}/") for t in corpus.themes]
    return pages


#: Digit values (see Numbers): printable ASCII but " and \, in order.
_DIGITS = {ch: n for n, ch in enumerate(c for c in map(chr, range(0x20, 0x7F)) if c not in '"\\')}


def _varint(data: str, i: int) -> tuple[int, int]:
    n, scale = 0, 1
    while True:
        digit = _DIGITS[data[i]]
        i += 1
        if digit < 64:
            return n + digit * scale, i
        n += (digit - 64) * scale
        scale *= 29


def _entries(value: str, bigram: bool) -> list[tuple[int, int, int, object, object]]:
    """A postings value (varints as text) → [(page, local document,
    heading flag, title length or None, positions or None)], decoded
    independently of the builder."""
    data, out, i = value, [], 0
    page, local = 0, -1
    bits = 2 if bigram else 1
    while i < len(data):
        header, i = _varint(data, i)
        step, flags = header >> bits, header & ((1 << bits) - 1)
        if step & 1:
            local += (step - 1) // 2
        else:
            page += step // 2
            local, i = _varint(data, i)
        title = None
        if local == 0:
            title, i = _varint(data, i)
        if bigram:
            if flags & 2:
                position, i = _varint(data, i)
                positions = [position]
            else:
                length, i = _varint(data, i)
                positions, pos, end = [], 0, i + length
                while i < end:
                    delta, i = _varint(data, i)
                    positions.append(pos := pos + delta)
                assert i == end and len(positions) > 1
            out.append((page, local, flags & 1, title, positions))
        else:
            out.append((page, local, flags & 1, title, None))
    return out


def _postings(manifest: dict, shards: dict) -> dict[str, list]:
    """key → its entries (see ``_entries``), a hot key's parts joined;
    checks that every key is in its hashed shard and that a hot key's parts
    cover the pages they say."""
    out = {}
    for k, shard in shards.items():
        if not isinstance(k, int):
            continue
        for key, value in shard.items():
            assert si.key_hash(key) % manifest["shards"] == k, f"{key} is in the wrong shard"
            bigram = len(key) > 1
            if isinstance(value, str):
                out[key] = _entries(value, bigram)
                continue
            number, *ends = value
            entries, start = [], 0
            for j, end in enumerate(ends):
                part = shards[f"h{number}.{j}"]
                assert list(part) == [key]
                got = _entries(part[key], bigram)
                assert got and all(start <= e[0] < end for e in got), (key, j)
                entries += got
                start = end
            out[key] = entries
    return out


def test_postings_hold_every_bigram_exactly_once(corpus):
    index = si.build(_pages(corpus), shard_bytes=20_000)
    manifest, shards, docs = _decode(index.files)
    shard_numbers = [k for k in shards if isinstance(k, int)]
    assert manifest["shards"] == len(shard_numbers) > 1 and manifest["shards"] & (manifest["shards"] - 1) == 0
    texts = {(page_no, local): si.fold(row[2]) for page_no in docs for local, row in enumerate(docs[page_no])}
    assert len(texts) == manifest["docs"] == index.docs
    headings = {(page_no, local) for page_no in docs for local, row in enumerate(docs[page_no]) if row[3] == "section"}

    expected_bigrams = sum(1 for t in texts.values() for a, b in zip(t, t[1:]) if si.is_indexed(a) and si.is_indexed(b))
    found_bigrams = 0
    for key, entries in _postings(manifest, shards).items():
        assert [e[:2] for e in entries] == sorted(set(e[:2] for e in entries)), key
        for page_no, local, heading, title, rest in entries:
            assert heading == ((page_no, local) in headings)
            assert title == (len(manifest["pages"][page_no][1]) if local == 0 else None)
            text = texts[page_no, local]
            if len(key) == 1:
                assert key in text and rest is None
                continue
            for pos in rest:
                assert text[pos:pos + 2] == key
                found_bigrams += 1
    assert found_bigrams == expected_bigrams


def test_hot_keys_are_in_parts_of_their_own(corpus):
    index = si.build(_pages(corpus), shard_bytes=100)
    manifest, shards, _ = _decode(index.files)
    hot = {key: value for k, shard in shards.items() if isinstance(k, int)
           for key, value in shard.items() if isinstance(value, list)}
    assert "职工" in hot and "工会" in hot, sorted(hot)[:20]
    # The first part is small (the first results need only it), the rest
    # grow; every part but the last ends where the next page starts.
    number, *ends = hot["职工"]
    assert len(ends) > 2 and ends == sorted(ends) and ends[-1] <= len(manifest["pages"])
    sizes = [len(shards[f"h{number}.{j}"]["职工"]) for j in range(len(ends))]
    assert all(size >= (100 * 3 // 4) << j for j, size in enumerate(sizes[:-1])), sizes
    # Every other key is in its hashed shard, under the share.
    assert all(len(v) <= 100 * si.HOT_SHARE for k, shard in shards.items() if isinstance(k, int)
               for v in shard.values() if isinstance(v, str))


def test_index_is_byte_identical_for_the_same_input(corpus):
    assert si.build(_pages(corpus)).files == si.build(_pages(corpus)).files


def test_shards_keep_speech_text_inside_string_literals():
    nasty = '");alert(1);//</script><script>alert(2)</script>\u2028\u2029\\"'
    page = si.SearchPage("speeches/x/", nasty, "speech", [si.SearchDoc("", nasty, nasty, "page")])
    index = si.build([page])
    manifest, shards, docs = _decode(index.files)  # parses every file as call(name, JSON)
    assert docs[0][0][2] == nasty
    assert manifest["pages"][0][1] == nasty


def test_built_site_uses_the_knowledge_base_index(built_site, corpus):
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    kb, _, _ = _decode({p.relative_to(built_site).as_posix(): p.read_bytes()
                        for p in [built_site / "search/search_index.json", *(built_site / "search/kb").glob("*.js")]})
    assert index["docs"] == []  # the browser loads shards, never the whole text
    assert index["config"]["separator"]  # material's page highlighter still gets its config
    locations = [p[0] for p in kb["pages"]]
    for speech in corpus.speeches:
        assert f"speeches/{speech.id}/" in locations
    for theme in corpus.themes:
        assert f"themes/{theme.slug}/" in locations
    # Hand-written pages come from material's own index; the original text
    # block and the tags index (speech titles again) are not searchable.
    assert "about/" in locations and "tags/" not in locations
    all_text = "".join(path.read_text(encoding="utf-8") for path in (built_site / "search/kb").glob("d*.js"))
    assert all_text
    assert "展开原文" not in all_text and "#original" not in all_text
    worker = built_site / "assets/javascripts/workers/kb-search.js"
    assert worker.is_file()
    html = (built_site / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert config["search"].endswith("assets/javascripts/workers/kb-search.js")
    assert config["translations"]["search.result.other"] == "# 个页面有匹配"


def _block(template: str) -> str:
    body = template.split("{% block config %}", 1)[1].split("{% endblock %}", 1)[0]
    body = re.sub(r'"search": [^\n]*\n', "", body)
    return re.sub(r"\s+", "", body)


def test_override_is_materials_config_block_but_for_the_worker():
    material = pytest.importorskip("material")
    base = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    ours = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert _block(ours) == _block(base), (
        "mkdocs-material's base.html config block changed: copy it into overrides/main.html again "
        "and keep only the \"search\" entry pointing at kb-search.js")


def test_worker_and_index_agree_on_the_format():
    worker = (ROOT / "overrides/assets/javascripts/workers/kb-search.js").read_text(encoding="utf-8")
    assert re.search(rf"const FORMAT = {si.FORMAT}\b", worker)
    # The shim is vendored (the offline plugin would load it from unpkg.com).
    shim = ROOT / "overrides/assets/javascripts/vendor/iframe-worker/shim.js"
    assert "IFrameWorker" in shim.read_text(encoding="utf-8")


def test_named_periods_cover_at_least_half_of_the_years():
    assert si.named_periods(2015, 2016) == ["十八大"]
    assert si.named_periods(2010, 2012) == ["十七大"]  # 十八大 starts in 2012: 1 of 3 years
    assert si.named_periods(2012, 2015) == ["十八大"]
    assert si.named_periods(2016, 2017) == ["十八大", "十九大"]
    assert si.named_periods(2023, 2023) == ["二十大"]
    assert si.named_periods(1990, 1991) == []
    # 中国工会十六大 is a clue, not a named period.
    assert all("工会" not in n for y in range(2000, 2030) for n in si.named_periods(y, y))


def test_speech_metadata_is_searchable_and_shown(corpus):
    by_id = {s.id: s for s in corpus.speeches}
    line, indexed = si.speech_facts(by_id["004_cee338bc757c0ce3"])
    assert line == "昌平区 · 代表大会 · 2010–2012（十七大时期）"
    for word in ("昌平区", "第三次代表大会", "2010", "2011", "2012", "十七大"):
        assert word in indexed
    line, indexed = si.speech_facts(by_id["000_04ee43fed20adb21"])
    assert "十八大时期" in line and "2016" in indexed and "十八大" in indexed
    index = si.build(_pages(corpus))
    manifest, _, docs = _decode(index.files)
    for page_no, entry in enumerate(manifest["pages"]):
        location, title, kind, facts, _starts = entry
        if kind == "speech":
            speech = by_id[location.split("/")[1]]
            assert facts == si.speech_facts(speech)[0]
            # The page document holds title and metadata: that is what matches 十八大.
            assert docs[page_no][0][2].startswith(title) and si.speech_facts(speech)[1] in docs[page_no][0][2]
        else:
            assert facts == ""
