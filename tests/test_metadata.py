"""Metadata from the text: place, congress, occasion, period clues, period."""

import pytest

from build_scripts.metadata import estimate_period, extract, find_clues


def meta(corpus, stem):
    return next(s for s in corpus.speeches if s.id.startswith(stem)).meta


@pytest.mark.parametrize("stem, place, congress", [
    ("000", "清远市清新区", "第六次代表大会"),
    ("001", "××区", "第七次代表大会"),
    ("002", "××区", "代表大会"),
    ("003", "县", "第十次代表大会"),
    ("004", "昌平区", "第三次代表大会"),
])
def test_place_and_congress(corpus, stem, place, congress):
    m = meta(corpus, stem)
    assert m.place.value == place
    assert m.congress.value == congress
    # Every value keeps the text it came from, and that text is in the speech.
    speech = next(s for s in corpus.speeches if s.id.startswith(stem))
    body = "\n".join(t for _, t in speech.lines)
    for mv in (m.place, m.congress, m.occasion):
        assert mv.source and mv.source.split("（")[0] in body


def test_003_congress_is_inferred_from_the_previous_one(corpus):
    m = meta(corpus, "003")
    assert m.congress.origin == "inferred"
    assert "第九次代表大会以来" in m.congress.source


@pytest.mark.parametrize("stem, occasion", [
    ("000", "代表大会开幕式"), ("001", "代表大会开幕式"), ("002", "代表大会"),
    ("003", "代表大会开幕式"), ("004", "代表大会"),
])
def test_occasion(corpus, stem, occasion):
    assert meta(corpus, stem).occasion.value == occasion


def test_title_that_contradicts_the_text_is_reported(corpus):
    # 001's title says 工会工作会议 but the text opens the 7th congress.
    assert any("工作会议" in w for w in meta(corpus, "001").warnings)


@pytest.mark.parametrize("stem, clues", [
    ("000", {"十八届五中全会", "十三五", "三严三实", "中国工会十六大"}),
    ("001", {"十七大", "国际金融危机", "建国60周年"}),
    ("002", {"十九大", "习近平新时代中国特色社会主义思想"}),
    ("003", {"十二五"}),
    ("004", {"三个北京、世界城市"}),
])
def test_period_clues(corpus, stem, clues):
    found = {c.label for c in meta(corpus, stem).clues}
    assert clues <= found
    for c in meta(corpus, stem).clues:
        assert c.term in c.sentence


@pytest.mark.parametrize("stem, start, end", [
    ("000", 2015, 2016), ("001", 2009, 2009), ("002", 2017, 2020), ("003", 2012, 2015), ("004", 2010, 2012),
])
def test_estimated_period(corpus, stem, start, end):
    m = meta(corpus, stem)
    assert (m.period_start, m.period_end) == (start, end)


def test_a_year_in_the_title_is_not_trusted_blindly(corpus):
    m = meta(corpus, "003")
    assert m.date.value == "2023" and m.date.origin == "title"
    assert m.period_end < 2023
    assert any("2023" in w and "十二五" in w for w in m.warnings)


def test_no_clues_no_period():
    assert estimate_period([]) is None
    m = extract("讲话", "同志们，今天开会。")
    assert m.period is None and m.clues == []


def test_clue_patterns_do_not_confuse_union_and_party_congresses():
    assert {c.label for c in find_clues("贯彻中国工会十六大精神")} == {"中国工会十六大"}
