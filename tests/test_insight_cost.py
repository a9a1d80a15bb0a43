"""The views' switch (``enabled`` in insight.yml), their on-disk cache, and
the numpy paths of the detectors checked against plain Python on the seeds.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest

from build_scripts import formulations, insight, reuse
from build_scripts.errors import ConfigError
from build_scripts.model import Corpus


def test_enabled_false_turns_the_views_off(corpus):
    config = insight.parse_config("enabled: false\n")
    assert config.enabled is False
    assert insight.analyse(corpus, config) is None
    assert insight.parse_config("").enabled is True


@pytest.mark.parametrize("text", ["enabled: 1\n", "enabled: 'no'\n", "enabled:\n"])
def test_enabled_must_be_true_or_false(text):
    with pytest.raises(ConfigError, match="enabled must be true or false"):
        insight.parse_config(text, "insight.yml")


def test_a_build_without_the_views_has_no_insight_pages(tmp_path):
    from build_scripts import urls
    from build_scripts.generated import nav, render_pages
    from build_scripts.pipeline import build_corpus
    from support import SEEDS, THEMES

    (tmp_path / "themes.yml").write_bytes(THEMES.read_bytes())
    (tmp_path / "insight.yml").write_text("enabled: false\n", encoding="utf-8")
    corpus = build_corpus(SEEDS, tmp_path / "themes.yml")
    assert corpus.insight is None
    pages = render_pages(corpus)
    assert urls.INSIGHT not in pages and urls.FORMULATIONS not in pages and urls.REUSE not in pages
    assert "洞察" not in json.dumps(nav(corpus), ensure_ascii=False)
    speech = pages[urls.speech_path(corpus.speeches[0])]
    assert "kb-profile" not in speech and "kb-reuse" not in speech


def test_views_round_trip_through_the_cache_format(corpus):
    views = corpus.insight
    data = json.loads(json.dumps(insight.to_data(views), ensure_ascii=False))
    assert insight.from_data(data) == views


def test_the_cache_computes_once_and_loads_the_same_views(corpus, tmp_path, monkeypatch, caplog):
    config = insight.parse_config("")
    folder = tmp_path / "insight"
    first = insight.cached_analyse(corpus, config, 1, folder, "digest-1")
    assert first == insight.analyse(corpus, config)
    assert len(list(folder.glob("*.json"))) == 1

    def fail(*args, **kwargs):
        raise AssertionError("analysed again although nothing changed")
    monkeypatch.setattr(insight, "analyse", fail)
    assert insight.cached_analyse(corpus, config, 1, folder, "digest-1") == first
    monkeypatch.undo()

    # Another digest (a speech changed) or another config: computed again;
    # only the newest entry is kept.
    banned = insight.parse_config("formulations:\n  ban: [建功立业]\n")
    other = insight.cached_analyse(corpus, banned, 1, folder, "digest-1")
    assert "建功立业" not in {f.text for f in other.formulations}
    assert len(list(folder.glob("*.json"))) == 1
    insight.cached_analyse(corpus, config, 1, folder, "digest-2")
    assert len(list(folder.glob("*.json"))) == 1


def test_a_corrupt_cache_file_is_a_miss(corpus, tmp_path, caplog):
    config = insight.parse_config("")
    folder = tmp_path / "insight"
    views = insight.cached_analyse(corpus, config, 1, folder, "d")
    (entry,) = folder.glob("*.json")
    for bad in ("{not json", json.dumps({"speeches": [1, 2]}), entry.read_text(encoding="utf-8")[:-40]):
        entry.write_text(bad, encoding="utf-8")
        with caplog.at_level(logging.INFO, logger="build_scripts"):
            assert insight.cached_analyse(corpus, config, 1, folder, "d") == views
        assert "ignoring unreadable" in caplog.text
        caplog.clear()


def test_a_rebuild_with_unchanged_text_loads_the_views_from_disk(tmp_path):
    from build_scripts.cache import AnalysisCache
    from build_scripts.pipeline import _INSIGHT, build_corpus
    from support import SEEDS, THEMES

    _INSIGHT.clear()  # another test's build of the seeds may be in memory
    cache = AnalysisCache(tmp_path / "analysis")
    first = build_corpus(SEEDS, THEMES, cache=cache)
    assert list((tmp_path / "insight").glob("*.json"))
    _INSIGHT.clear()  # a new process: only the disk is left
    second = build_corpus(SEEDS, THEMES, cache=AnalysisCache(tmp_path / "analysis"))
    assert second.insight == first.insight


def test_shingle_codes_are_the_character_shingles(corpus):
    texts = [reuse._DROP.sub("", p.text) for p in reuse.passages(corpus)]
    codes, hashes = reuse._shingle_codes(texts)
    for text, c, h in zip(texts, codes, hashes):
        grams = [text[i:i + reuse.SHINGLE] for i in range(len(text) - reuse.SHINGLE + 1)]
        assert len(c) == len(h) == len(grams)
        assert len(set(c)) == len(set(grams))
        assert all(0 <= x < 2 ** 32 for x in h)
        # The code is the three code points, so it decodes to the gram.
        assert [chr(x >> 42) + chr(x >> 21 & 0x1FFFFF) + chr(x & 0x1FFFFF) for x in c] == grams


def _python_candidates(strings, speech_sets, weights):
    """The miner's candidate test written out plainly (every substring
    counted; no apriori, no numpy)."""
    from collections import defaultdict
    count, left, right = defaultdict(int), defaultdict(dict), defaultdict(dict)
    ledge, redge, where = defaultdict(int), defaultdict(int), defaultdict(set)
    for ci, (text, w) in enumerate(zip(strings, weights)):
        for k in range(formulations.MIN_CHARS, formulations.MAX_CHARS + 1):
            for i in range(len(text) - k + 1):
                g = text[i:i + k]
                where[g] |= speech_sets[ci]
                count[g] += w
                if i == 0 or text[i - 1] in formulations.PARTICLES:
                    ledge[g] += w
                else:
                    left[g][text[i - 1]] = left[g].get(text[i - 1], 0) + w
                if i + k == len(text) or text[i + k] in formulations.PARTICLES:
                    redge[g] += w
                else:
                    right[g][text[i + k]] = right[g].get(text[i + k], 0) + w
    out = {}
    for g, c in count.items():
        if len(where[g]) < 2:
            continue
        hl, hr = formulations._entropy(left[g], ledge[g]), formulations._entropy(right[g], redge[g])
        if hl >= formulations.MIN_ENTROPY and hr >= formulations.MIN_ENTROPY:
            out[g] = (c, hl, hr)
    return out


def test_numpy_candidates_equal_a_plain_count(corpus):
    texts = list(formulations.unit_texts(corpus))
    clauses = formulations._clauses(texts)
    strings = list(clauses)
    speech_sets = [frozenset(texts[o >> formulations._SHIFT][0] for o in occ) for occ in clauses.values()]
    weights = [len(occ) for occ in clauses.values()]
    fast = formulations._candidates(strings, speech_sets, weights)
    plain = _python_candidates(strings, speech_sets, weights)
    assert set(fast) == set(plain)
    for g, (c, hl, hr, held) in fast.items():
        assert (c, pytest.approx(hl, abs=1e-9), pytest.approx(hr, abs=1e-9)) == plain[g]
        assert held and all(g in strings[ci] for ci in held) and len(set(held)) == len(held)


def test_reuse_verifies_every_pair_it_reports(corpus):
    original = ("各级工会要坚持以职工为中心的工作导向，把维护职工合法权益作为工作的出发点和落脚点，"
                "深入开展送温暖、金秋助学活动，健全困难职工帮扶机制，让广大职工共享改革发展成果。")
    copy = original.replace("健全困难职工帮扶机制", "积极推进厂务公开")
    speeches = []
    for k, text in enumerate([original, copy, copy]):
        s = corpus.speeches[k]
        unit = next(u for u in s.units if u.kind == "paragraph")
        speeches.append(replace(s, id=f"s{k}", units=[replace(unit, text=text)]))
    pairs = reuse.find(Corpus(themes=corpus.themes, speeches=speeches))
    assert {frozenset([p.a[0], p.b[0]]) for p in pairs} == {frozenset(x) for x in [("s0", "s1"), ("s0", "s2"),
                                                                                  ("s1", "s2")]}
    for p in pairs:
        a = reuse.shingles(speeches[int(p.a[0][1])].units[0].text)
        b = reuse.shingles(speeches[int(p.b[0][1])].units[0].text)
        assert p.similarity == round(len(a & b) / len(a | b), 3)


def test_the_reuse_report_is_paginated_and_lists_every_pair_of_speeches(corpus, monkeypatch):
    from build_scripts import page_insight, urls
    from build_scripts.layout import Site

    text = ("各级工会要坚持以职工为中心的工作导向，把维护职工合法权益作为工作的出发点和落脚点，"
            "深入开展送温暖、金秋助学活动，健全困难职工帮扶机制，让广大职工共享改革发展成果。")
    speeches = []
    for k in range(4):
        s = corpus.speeches[k]
        unit = next(u for u in s.units if u.kind == "paragraph")
        units = [u for u in s.units if u.kind in ("salutation", "section")]
        units.append(replace(unit, text=text.replace("金秋助学", "金秋助学" * (k % 2 + 1))))
        speeches.append(replace(s, units=units))
    small = Corpus(themes=corpus.themes, speeches=speeches)
    small.insight = insight.analyse(small)
    assert len(small.insight.reuse) == 6  # every pair of the four speeches
    monkeypatch.setattr(page_insight, "REUSE_PAGE_PAIRS", 4)
    pages = dict(page_insight.reuse_pages(Site(small)))
    assert list(pages) == [urls.REUSE, "reuse/2.md"]
    headings = [line for md in pages.values() for line in md.splitlines() if line.startswith("## ")]
    assert len(headings) == len(set(headings)) == 6
    assert "[2](2.md)" in pages[urls.REUSE] and "[1](index.md)" in pages["reuse/2.md"]
    assert "第 5–6 对" in pages["reuse/2.md"]


def test_a_long_kwic_is_spread_over_the_whole_time_span(corpus, monkeypatch):
    from build_scripts import page_insight, urls
    from build_scripts.layout import Site

    site = Site(corpus)
    f = max(corpus.insight.formulations[:page_insight.FORMULATION_PAGES], key=lambda f: f.count)
    assert f.count > 4
    monkeypatch.setattr(page_insight, "KWIC_MAX_LINES", 3)
    md = page_insight.render_formulation(site, f)
    kwic = md[md.index("kb-kwic"):]
    rows = kwic.split("<tr>")[2:]  # after the header row
    assert len(rows) == 3
    by_date = sorted(f.occurrences, key=lambda o: (page_insight._date_key(site_speech(corpus, o.speech)), o.speech))
    for o in (by_date[0], by_date[-1]):
        assert f"#{o.unit}\"" in kwic and urls.speech_path(site_speech(corpus, o.speech)).split("/")[-1] in kwic
    assert f"共 {f.count} 处" in md and "data/insight.json" in md


def site_speech(corpus, speech_id):
    return next(s for s in corpus.speeches if s.id == speech_id)
