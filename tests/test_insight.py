"""The corpus-wide views on the real seeds and on small fixtures: the 提法
index (with its KWIC lines), reused passages, citations, trends, and
insight.yml.

The expected formulations and fragments were chosen by reading the five
seeds (each formulation occurs in at least two of them, as a whole phrase;
each fragment is a piece of a longer expression, always followed or
preceded by the same characters, or a bare word) before looking at the
miner's output.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from build_scripts import citations, formulations, insight, reuse, trends
from build_scripts.errors import ConfigError
from build_scripts.model import Corpus

#: Stock formulations recurring in ≥ 2 seeds (read from the seeds).
MUST_HAVE = ["联系职工群众的桥梁和纽带", "建功立业", "职工之家", "构建和谐劳动关系", "维护职工合法权益",
             "劳模精神", "工人先锋号", "党建带工建", "全心全意依靠工人阶级", "科学发展观"]
#: Bare words and fragments cut out of the expressions above.
MUST_NOT = ["工会", "职工", "桥梁和纽", "联系职工群众的桥梁", "全心全意依靠工人", "心全意依靠工人阶级",
            "党建带工", "职工合法权", "构建和谐劳动关", "工人先锋"]


@pytest.fixture(scope="module")
def views(corpus) -> insight.Insight:
    assert corpus.insight is not None
    return corpus.insight


def _by_text(views: insight.Insight) -> dict[str, formulations.Formulation]:
    return {f.text: f for f in views.formulations}


def test_the_index_holds_the_stock_formulations_of_the_seeds(views):
    found = _by_text(views)
    assert [t for t in MUST_HAVE if t not in found] == []
    for text in MUST_HAVE:
        seeds_with = {s for s in found[text].speeches}
        assert len(seeds_with) >= 2, text


def test_fragments_and_bare_words_are_not_formulations(views):
    found = _by_text(views)
    assert [t for t in MUST_NOT if t in found] == []


def test_every_formulation_recurs_in_two_speeches_and_counts_every_occurrence(corpus, views):
    texts = formulations.texts_by_unit(corpus)
    assert len(views.formulations) > 50
    for f in views.formulations:
        assert len(f.speeches) >= 2 or f.pinned, f.text
        assert f.count == len(f.occurrences)
        # A plain search of the same texts finds the same number (mined
        # formulations never span a clause break).
        assert f.count == sum(t.count(f.text) for t in texts.values()), f.text
        assert f.speeches == list(dict.fromkeys(o.speech for o in f.occurrences))
    speeches = [len(f.speeches) for f in views.formulations]
    assert speeches == sorted(speeches, reverse=True)


def test_kwic_lines_show_the_phrase_in_its_passage(corpus, views):
    texts = formulations.texts_by_unit(corpus)
    checked = 0
    for f in views.formulations:
        for o in f.occurrences:
            text = texts[(o.speech, o.unit)]
            left, phrase, right = formulations.kwic(text, o.start, len(f.text))
            assert phrase == f.text
            assert (left + phrase + right) in text.replace("\n", " ")
            assert text.replace("\n", " ")[:o.start].endswith(left)
            assert len(left) <= formulations.KWIC_CONTEXT and len(right) <= formulations.KWIC_CONTEXT
            checked += 1
    assert checked > 500
    # The bridge formulation: its four seeds, each line in context.
    bridge = _by_text(views)["联系职工群众的桥梁和纽带"]
    lines = [formulations.kwic(texts[(o.speech, o.unit)], o.start, len(bridge.text)) for o in bridge.occurrences]
    assert {left[-4:] for left, _, _ in lines} >= {"党和政府", "不愧为党"}


def test_insight_yml_pins_and_bans(corpus):
    config = insight.parse_config("formulations:\n  pin: [上级靠得住、企业离不开、职工信得过, 没有这个词语]\n"
                                  "  ban: [建功立业]\n")
    found = {f.text: f for f in formulations.mine(corpus, config.pin, config.ban)}
    assert "建功立业" not in found
    pinned = found["上级靠得住、企业离不开、职工信得过"]  # in one seed only, so never mined
    assert pinned.pinned and pinned.speeches == ["001_0c6b4164099d1db5"] and pinned.count == 1
    assert "没有这个词语" not in found


@pytest.mark.parametrize("text, problem", [
    ("formulation:\n  pin: [x]\n", "unknown key 'formulation'"),
    ("formulations:\n  pin: 建功立业\n", "formulations.pin must be a list"),
    ("formulations:\n  keep: [x]\n", "unknown key formulations.keep"),
    ("citations:\n  meetings:\n    - {pattern: '([', name: x}\n", "not a valid regular expression"),
    ("citations:\n  meetings:\n    - 十八大\n", "is not {pattern, name}"),
    ("formulations: [\n", "is not valid YAML"),
])
def test_a_bad_insight_yml_stops_the_build_with_every_problem(text, problem):
    with pytest.raises(ConfigError) as info:
        insight.parse_config(text, "insight.yml")
    assert problem in str(info.value)
    assert all(p.path == "insight.yml" and p.fix for p in info.value.problems)


def test_a_bad_insight_yml_is_reported_by_the_pipeline(tmp_path):
    from build_scripts.pipeline import build_corpus
    from support import SEEDS, THEMES

    (tmp_path / "themes.yml").write_bytes(THEMES.read_bytes())
    (tmp_path / "insight.yml").write_text("formulations:\n  pin: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"insight\.yml:1: formulations\.pin must be a list"):
        build_corpus(SEEDS, tmp_path / "themes.yml")


def test_citations_of_the_seeds(corpus, views):
    by = {(c.kind, c.name): c for c in views.citations}
    # 《…》 titles, a meeting listed with 、 (十八届三中、四中、五中全会), the
    # trade-union congress, and programmes from data/citations.yml.
    assert ("document", "《关于构建和谐劳动关系的意见》") in by
    for name in ("十八届三中全会", "十八届四中全会", "十八届五中全会", "中国工会十六大", "党的十七大", "党的十九大"):
        assert ("meeting", name) in by, name
    assert len(by[("programme", "职工之家")].speeches) == 4
    assert ("programme", "送温暖") in by
    texts = formulations.texts_by_unit(corpus)
    for c in views.citations:
        for o in c.occurrences:
            text = texts[(o.speech, o.unit)]
            if c.kind == "programme":
                assert text[o.start:].startswith(c.name)
            elif c.kind == "document":
                assert text[o.start:].startswith(c.name)


def test_user_vocabulary_extends_citations(corpus):
    config = insight.parse_config("citations:\n  programmes: [娘家人]\n  meetings:\n"
                                  "    - {pattern: '第([一二三四五六七八九十]+)次代表大会', name: '第{1}次代表大会'}\n")
    by = {(c.kind, c.name): c for c in citations.find(corpus, config.meetings, config.programmes)}
    assert ("programme", "娘家人") in by
    assert any(kind == "meeting" and name.endswith("次代表大会") for kind, name in by)


def test_trends_count_every_passage_once(corpus, views):
    t = views.trends
    passages = sum(1 for s in corpus.speeches for u in s.units if u.kind in trends.PASSAGE_KINDS)
    assert sum(b.passages for b in t.by_period) + sum(
        trends.profile(corpus, s).passages for s in corpus.speeches if views.periods[s.id] == "undated") == passages
    assert sum(b.speeches for b in t.by_year) + t.undated == len(corpus.speeches)
    for b in t.by_period + t.by_year:
        for theme in corpus.themes:
            tagged = b.themes[theme.name]
            assert 0 <= tagged <= b.passages
            assert b.share(theme.name) == round(tagged / b.passages, 3)
    assert [b.key for b in t.by_period] == [p for p in trends.PERIOD_ORDER if p in {b.key for b in t.by_period}]


def _speech_with(corpus: Corpus, speech_index: int, new_id: str, text: str, period: tuple[int, int]):
    speech = corpus.speeches[speech_index]
    unit = next(u for u in speech.units if u.kind == "paragraph")
    units = [replace(u) for u in speech.units if u.kind in ("salutation", "section")]
    units.append(replace(unit, text=text))
    meta = replace(speech.meta, period_start=period[0], period_end=period[1])
    return replace(speech, id=new_id, units=units, meta=meta), unit.id


def test_an_edited_copy_is_found_and_an_unrelated_passage_is_not(corpus):
    original = ("各级工会要坚持以职工为中心的工作导向，把维护职工合法权益作为工作的出发点和落脚点，"
                "深入开展送温暖、金秋助学活动，健全困难职工帮扶机制，让广大职工共享改革发展成果。"
                "清远市各级工会要加强基层组织建设，推动工会工作向新就业形态劳动者延伸。")
    # A borrower's edits: place replaced, a clause dropped, one inserted,
    # sentences reordered.
    copy = ("江门市各级工会要加强基层组织建设，推动工会工作向新就业形态劳动者延伸。"
            "各级工会要坚持以职工为中心的工作导向，把维护职工合法权益作为工作的出发点和落脚点，"
            "深入开展送温暖、金秋助学活动，积极推进厂务公开，让广大职工共享改革发展成果。")
    other = corpus.speeches[1].units[-1].text
    a, ua = _speech_with(corpus, 0, "lender", original, (2013, 2016))
    b, ub = _speech_with(corpus, 1, "borrower", copy, (2019, 2021))
    c, uc = _speech_with(corpus, 2, "unrelated", other * 2 if len(other) < 60 else other, (2018, 2020))
    small = Corpus(themes=corpus.themes, speeches=[b, c, a])
    pairs = reuse.find(small)
    assert [(p.a, p.b) for p in pairs] == [(("lender", ua), ("borrower", ub))]  # the earlier speech first
    assert 0.45 <= pairs[0].similarity < 1
    marks = reuse.by_unit(pairs)
    assert marks[("borrower", ub)][0][1] == ("lender", ua)


def test_reuse_is_empty_for_the_five_distinct_seeds(views):
    assert views.reuse == []


def test_export_carries_the_views(corpus):
    import json

    from build_scripts import export

    data = json.loads(export.to_json(corpus))
    assert [f["text"] for f in data["formulations"]] == [f.text for f in corpus.insight.formulations]
    first = data["formulations"][0]
    # Its occurrences are on the units that hold them: its index, found
    # at every place its text occurs in theirs.
    texts = [f["text"] for f in data["formulations"]]
    found = [(s["id"], u, start) for s in data["speeches"] for u in s["units"]
             for i, start in export.formulation_starts(u, texts) if i == 0]
    assert first["count"] == len(found)
    for _, u, start in found:
        assert u["text"][start:start + len(first["text"])] == first["text"]
    assert sum(first["periods"].values()) == first["speeches"]
    assert data["trends"]["by_period"][0]["passages"] == corpus.insight.trends.by_period[0].passages
