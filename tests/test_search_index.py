"""The search index (build_scripts/search_index.py) without a browser:
character folding, shard hashing, the encoding, completeness, determinism,
and the one template override that installs the worker."""

from __future__ import annotations

import base64
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
    """[location, title, kind, first document, facts] of every page, from
    the manifest (firsts, titles, kinds) and the page-table files; checks
    that they agree."""
    firsts, first = [], 0
    for delta in manifest["firsts"].split(",") if manifest["firsts"] else []:
        firsts.append(first := first + int(delta, 36))
    lengths = [int(n, 36) for n in manifest["titles"].split(",")] if manifest["titles"] else []
    assert len(firsts) == len(lengths) == manifest["pages"]
    assert sorted(tables) == list(range(len(tables))) and len(tables) == -(-manifest["pages"] // manifest["chunk"])
    rows = [row for k in sorted(tables) for row in tables[k]]
    assert len(rows) == manifest["pages"]
    kinds = []
    for n in range(manifest["pages"]):
        kinds.append([kind for kind, start in manifest["kinds"] if start <= n][-1])
    entries = [[loc, title, kind, first, facts] for (loc, title, facts), kind, first in zip(rows, kinds, firsts)]
    assert [len(e[1]) for e in entries] == lengths
    return entries


def _decode(files: dict[str, bytes]) -> tuple[dict, dict[str, dict], dict[int, list]]:
    """(manifest with its "pages" expanded to entries, postings shards,
    documents files), every file parsed as call(name, JSON)."""
    manifest = json.loads(files["search/search_index.json"])["config"]["kb"]
    shards, docs, tables = {}, {}, {}
    for path, content in files.items():
        m = re.fullmatch(r"search/kb/([pdth])(\d+)\.js", path)
        if not m:
            continue
        text = content.decode("utf-8")
        prefix = f'kbLoaded("{m.group(1)}{m.group(2)}",'
        assert text.startswith(prefix) and text.endswith(");\n"), path
        data = json.loads(text[len(prefix):-3])
        if m.group(1) == "p":
            shards[int(m.group(2))] = data
        elif m.group(1) == "h":
            # A hot key's file: filed under a negative number.
            assert list(data) == [manifest["hot"][int(m.group(2))]], path
            shards[-1 - int(m.group(2))] = data
        elif m.group(1) == "t":
            tables[int(m.group(2))] = data
        else:
            docs[int(m.group(2))] = data
    manifest["pages"] = _page_entries(manifest, tables)
    return manifest, shards, docs


def _pages(corpus):
    pages = [si.speech_page(s, f"speeches/{s.id}/") for s in corpus.speeches]
    pages += [si.theme_page(t.name, t.description, f"themes/{t.slug}/") for t in corpus.themes]
    return pages


def _varints(data: bytes) -> list[int]:
    out, n, shift = [], 0, 0
    for byte in data:
        n |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            out.append(n)
            n, shift = 0, 0
    assert shift == 0, "a varint runs past the end"
    return out


def _entries(value: str, bigram: bool) -> list[tuple[int, object]]:
    """A postings value (base64 of varints) → [(doc delta, position deltas
    or count)], decoded independently of the builder."""
    data, out, i = base64.b64decode(value, validate=True), [], 0
    while i < len(data):
        (d, length), i = _two(data, i)
        if bigram:
            out.append((d, _varints(data[i:i + length])))
            i += length
        else:
            out.append((d, length))
    return out


def _two(data: bytes, i: int) -> tuple[tuple[int, int], int]:
    numbers = []
    while len(numbers) < 2:
        n, shift = 0, 0
        while True:
            byte = data[i]
            i += 1
            n |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        numbers.append(n)
    return (numbers[0], numbers[1]), i


def test_postings_hold_every_bigram_exactly_once(corpus):
    index = si.build(_pages(corpus), shard_bytes=20_000)
    manifest, shards, docs = _decode(index.files)
    assert manifest["shards"] == len(shards) > 1 and manifest["shards"] & (manifest["shards"] - 1) == 0
    texts = []
    for page_no in sorted(docs):
        assert manifest["pages"][page_no][3] == len(texts)
        texts += [si.fold(row[2]) for row in docs[page_no]]
    assert len(texts) == manifest["docs"] == index.docs

    expected_bigrams = sum(1 for t in texts for a, b in zip(t, t[1:]) if si.is_indexed(a) and si.is_indexed(b))
    found_bigrams = 0
    for k, shard in shards.items():
        for key, value in shard.items():
            if k >= 0:
                assert si.key_hash(key) % manifest["shards"] == k, f"{key} is in the wrong shard"
            doc = 0
            for d, rest in _entries(value, bigram=len(key) > 1):
                doc += d
                if len(key) == 1:
                    assert texts[doc].count(key) == rest
                    continue
                pos = 0
                for delta in rest:
                    pos += delta
                    assert texts[doc][pos:pos + 2] == key
                    found_bigrams += 1
    assert found_bigrams == expected_bigrams


def test_hot_keys_are_alone_in_their_files(corpus):
    index = si.build(_pages(corpus), shard_bytes=600)
    manifest, shards, _ = _decode(index.files)
    hot = manifest["hot"]
    assert "职工" in hot and "工会" in hot, hot[:20]
    assert hot == sorted(hot)
    for n, key in enumerate(hot):
        assert len(shards[-1 - n][key]) > 600 * si.HOT_SHARE
        assert not any(key in shard for k, shard in shards.items() if k >= 0), key
    # Every other key is in its hashed shard, under the share.
    assert all(len(v) <= 600 * si.HOT_SHARE for k, shard in shards.items() if k >= 0 for v in shard.values())


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
    all_text = "".join((built_site / "search/kb").joinpath(f"d{i}.js").read_text(encoding="utf-8")
                       for i in range(len(kb["pages"])))
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
        location, title, kind, first, facts = entry
        if kind == "speech":
            speech = by_id[location.split("/")[1]]
            assert facts == si.speech_facts(speech)[0]
            # The page document holds title and metadata: that is what matches 十八大.
            assert docs[page_no][0][2].startswith(title) and si.speech_facts(speech)[1] in docs[page_no][0][2]
        else:
            assert facts == ""
