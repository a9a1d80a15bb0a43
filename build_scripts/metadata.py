"""Speech metadata read from the text: place, congress, occasion, speaker,
period clues and an estimated period — each value with the text it came from.

Titles are often generic ("工会讲话致辞") or wrong (003's title says 2023 but
its text speaks of 十二五), so the text's own evidence wins and conflicts
are reported as warnings on the speech page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from .cleaner import PLACEHOLDER
from .model import Meta, MetaValue, PeriodClue
from .splitter import chinese_numeral, to_chinese_numeral
from .tagger import SENTENCE_RE, sentences

PERIOD_CLUES = Path(__file__).parent / "data" / "period_clues.yml"

_HANX = f"\u4e00-\u9fff{PLACEHOLDER[0]}"
#: An administrative unit name ending in 省/市/区/县/旗/镇/乡, possibly
#: nested (清远市清新区) or redacted (××区), or a bare 县/区 (全县 context).
_PLACE = f"(?P<place>[{_HANX}]{{0,12}}?[省市区县旗镇乡])"
#: "<place>(总)工会第<N>次(会员)代表大会"
CONGRESS_RE = re.compile(
    _PLACE + r"(?:总工会|工会)(?:第(?P<num>[一二三四五六七八九十]{1,3})(?:次|届))?(?:会员|职工)?代表大会"
)
#: Words that can precede a place name but are not part of it.
_PLACE_PREFIX_RE = re.compile(r"^(?:在|由|向|对|是|和|与|今天|出席|召开|全)+")
#: Sentence cues that the congress named is the one being held.
_CURRENT_RE = re.compile(r"开幕|召开了|隆重召开|胜利召开|顺利召开|今天|这次大会|本次大会")
#: "第九次代表大会以来": the congress named is the previous one.
_SINCE_RE = re.compile(r"^(?:召开)?以来")
#: "我代表区委、区政府…": whom the speaker speaks for.
SPEAKER_RE = re.compile(f"我代表(?P<who>[{_HANX}、]{{1,30}}?(?:委|政府|人大|政协|组织))(?!、)")
#: A year written in a title (2023工会代表大会…).
YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def _sentence_of(text: str, start: int) -> str:
    """The sentence of ``text`` that contains offset ``start``."""
    for m in SENTENCE_RE.finditer(text):
        if m.start() <= start < m.end():
            return m.group(0).strip()
    return text


@lru_cache(maxsize=4)
def load_period_clues(path: Path = PERIOD_CLUES) -> tuple:
    """The period clue table (see the header of data/period_clues.yml).

    Returns a tuple of (label, compiled patterns, start, end, weight).
    """
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple((r["label"], [re.compile(p) for p in r["patterns"]], int(r["start"]), int(r["end"]),
                  float(r["weight"])) for r in rows)


def find_clues(text: str) -> list[PeriodClue]:
    """Every period clue in ``text``, in table order, with its sentence."""
    out = []
    for label, patterns, start, end, weight in load_period_clues():
        for p in patterns:
            m = p.search(text)
            if m:
                out.append(PeriodClue(term=m.group(0), label=label, start=start, end=end, weight=weight,
                                      sentence=_sentence_of(text, m.start())))
                break
    return out


def estimate_period(clues: list[PeriodClue]) -> Optional[tuple[int, int]]:
    """The run of years best supported by the clues, as (first, last).

    Each year scores the summed weight of the clues whose window contains
    it; the result is the earliest contiguous run of top-scoring years.
    None when there are no clues.
    """
    if not clues:
        return None
    years = range(min(c.start for c in clues), max(c.end for c in clues) + 1)
    score = {y: sum(c.weight for c in clues if c.start <= y <= c.end) for y in years}
    best = max(score.values())
    first = next(y for y in years if score[y] == best)
    last = first
    while last + 1 in score and score[last + 1] == best:
        last += 1
    return first, last


def _congress(text: str) -> tuple[Optional[MetaValue], Optional[MetaValue]]:
    """(congress, place) of the congress being held, from the text."""
    current: Optional[tuple] = None
    previous: Optional[tuple] = None
    for m in CONGRESS_RE.finditer(text):
        place = _PLACE_PREFIX_RE.sub("", m.group("place")) or m.group("place")[-1]
        sentence = _sentence_of(text, m.start())
        after = text[m.end():m.end() + 4]
        if _SINCE_RE.match(after):
            previous = previous or (m, place, sentence)
        elif _CURRENT_RE.search(sentence) and not current:
            current = (m, place, sentence)
    if current:
        m, place, sentence = current
        num = m.group("num")
        value = f"第{num}次代表大会" if num else "代表大会"
        return MetaValue(value, sentence), MetaValue(place, sentence)
    if previous and previous[0].group("num"):
        m, place, sentence = previous
        n = chinese_numeral(m.group("num"))
        return (MetaValue(f"第{to_chinese_numeral(n + 1)}次代表大会", f"{sentence}（上一次为第{m.group('num')}次）", "inferred"),
                MetaValue(place, sentence))
    return None, None


def _occasion(title: str, text: str, congress: Optional[MetaValue]) -> tuple[Optional[MetaValue], list[str]]:
    warnings = []
    opening = next((s for s in sentences(text) if "代表大会" in s and "开幕" in s), None)
    if opening is None and congress and "开幕" in text:
        opening = next((s for s in sentences(text) if "开幕" in s), None)
    if opening:
        value = MetaValue("代表大会开幕式", opening)
    elif "开幕式" in title:
        value = MetaValue("代表大会开幕式", title, "title")
    elif congress:
        value = MetaValue("代表大会", congress.source)
    elif "工作会议" in title:
        value = MetaValue("工会工作会议", title, "title")
    else:
        held = next((s for s in sentences(text) if re.search(r"(工作会议|座谈会|表彰大会|代表大会)", s)), None)
        value = MetaValue(re.search(r"(工作会议|座谈会|表彰大会|代表大会)", held).group(1), held) if held else None
    if value and "工作会议" in title and value.value.startswith("代表大会"):
        warnings.append(f"标题称“{title}”，但正文表明是{value.value}（“{value.source}”）。")
    return value, warnings


def extract(title: str, text: str) -> Meta:
    """Metadata of one speech from its title and cleaned text.

    ``text`` is the speech's cleaned text without the title (lines joined
    with newlines).  Never raises; missing values are None.
    """
    congress, place = _congress(text)
    if place is None:
        m = re.search(f"(?P<p>[{_HANX}]{{1,12}}?[省市区县])(?:总工会|工会)", title)
        if m:
            place = MetaValue(_PLACE_PREFIX_RE.sub("", m.group("p")), title, "title")
    if place is None:
        counts = {p: len(re.findall(f"全{p}", text)) for p in "省市区县"}
        best = max(counts, key=lambda p: counts[p])
        if counts[best]:
            src = next(s for s in sentences(text) if f"全{best}" in s)
            place = MetaValue(best, src, "inferred")
    occasion, warnings = _occasion(title, text, congress)
    speaker = None
    m = SPEAKER_RE.search(text)
    if m:
        speaker = MetaValue(f"{m.group('who')}领导", _sentence_of(text, m.start()), "inferred")

    clues = find_clues(title + "\n" + text)
    meta = Meta(title=MetaValue(title, title, "title"), place=place, congress=congress, occasion=occasion,
                speaker=speaker, clues=clues, warnings=warnings)
    period = estimate_period(clues)
    if period:
        first, last = period
        meta.period_start, meta.period_end = first, last
        label = str(first) if first == last else f"{first}–{last}"
        meta.period = MetaValue(label, "、".join(c.label for c in clues), "inferred")
    year = YEAR_RE.search(title)
    if year:
        y = int(year.group(1))
        meta.date = MetaValue(str(y), title, "title")
        if period and not (period[0] - 1 <= y <= period[1] + 1):
            meta.warnings.append(
                f"标题中的年份 {y} 与正文的时代线索（{meta.period.source}，估计 {meta.period.value} 年）不符，"
                f"以正文为准。")
    return meta
