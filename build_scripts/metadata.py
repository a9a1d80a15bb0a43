"""Speech metadata read from the text: place, congress, occasion, speaker,
date, period clues and an estimated period — each value with the text it
came from.

Titles are often generic ("工会讲话致辞") or wrong (003's title says 2023 but
its text speaks of 十二五), so the text's own evidence wins and conflicts
are reported as warnings on the speech page.  Front matter under the title
(byline, date line; see ``splitter.front_kind``) outranks both: its values
have origin ``byline``.

Sources of the vocabulary:

* occasions: ``data/occasions.yml`` (users may extend it);
* places: the administrative divisions of China (province, city, county)
  shipped with jionlp (``jionlp.china_location_loader``), read from the
  installed package, never from the network; masked names (××区) are read
  by ``CONGRESS_RE``;
* dates: ``jionlp.parse_time``, which reads 2016年5月20日 and
  二〇一六年五月二十日 alike, with a fixed time base so results never
  depend on the day of the build.
"""

from __future__ import annotations

import contextlib
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import yaml

from .cleaner import PLACEHOLDER
from .model import Meta, MetaValue, PeriodClue
from .splitter import chinese_numeral, to_chinese_numeral
from .tagger import SENTENCE_RE, sentences

PERIOD_CLUES = Path(__file__).parent / "data" / "period_clues.yml"
OCCASIONS = Path(__file__).parent / "data" / "occasions.yml"
PLACES = Path(__file__).parent / "data" / "places.yml"

_HANX = f"\u4e00-\u9fff{PLACEHOLDER[0]}"
#: An administrative unit name ending in 省/市/区/县/旗/镇/乡, possibly
#: nested (清远市清新区) or redacted (××区), or a bare 县/区 (全县 context).
_PLACE = f"(?P<place>[{_HANX}]{{0,12}}?[省市区县旗镇乡])"
#: "<place>(总)工会第<N>次(会员)代表大会"
CONGRESS_RE = re.compile(
    _PLACE + r"(?:总工会|工会)(?:第(?P<num>[一二三四五六七八九十]{1,3})(?:次|届))?"
    r"(?:会员（代表）大会|会员\(代表\)大会|(?:会员|职工)?代表大会|会员大会)"
)
#: A plenary session of a union committee: 十四届一次全委会, 第十四届委员会
#: 第一次全体（扩大）会议, optionally after the union's place.
PLENARY_RE = re.compile(
    f"(?:{_PLACE}(?:总工会|工会))?第?(?P<term>[一二三四五六七八九十]{{1,3}})届(?:委员会)?第?"
    r"(?P<session>[一二三四五六七八九十]{1,3})次(?:全委|全体委员|全体)(?:（扩大）|扩大)?(?:会议|大会|会)"
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


@lru_cache(maxsize=4)
def load_occasions(path: Path = OCCASIONS) -> tuple[tuple[tuple[str, tuple[re.Pattern, ...]], ...], re.Pattern]:
    """The occasion table of ``path`` (see its header): ((label, patterns),
    …) in order, and the pattern of sentences about the meeting held."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = tuple((r["label"], tuple(re.compile(p) for p in r["patterns"])) for r in data["occasions"])
    return rows, re.compile(data["current"])


#: Opening sentences searched for the occasion.
OPENING_SENTENCES = 6


def _vocabulary_occasion(title: str, front: Sequence[str], text: str) -> Optional[MetaValue]:
    """The first occasion of the table found in the opening sentences about
    the meeting held, else in the front matter, else in the title."""
    rows, current = load_occasions()
    opening = [s for s in sentences(text)[:OPENING_SENTENCES] if current.search(s)]
    for where, origin in ((opening, "text"), (list(front), "byline"), ([title], "title")):
        for label, patterns in rows:
            for sentence in where:
                if any(p.search(sentence) for p in patterns):
                    return MetaValue(label, sentence, origin)
    return None


def _occasion(title: str, text: str, congress: Optional[MetaValue],
              front: Sequence[str] = ()) -> tuple[Optional[MetaValue], list[str]]:
    warnings = []
    opening = next((s for s in sentences(text) if "代表大会" in s and "开幕" in s), None)
    if opening is None and congress and "开幕" in text:
        opening = next((s for s in sentences(text) if "开幕" in s), None)
    vocabulary = _vocabulary_occasion(title, front, text)
    if opening and not (vocabulary and vocabulary.origin == "text" and "代表大会" not in vocabulary.value):
        value = MetaValue("代表大会开幕式", opening)
    elif vocabulary and (vocabulary.origin != "title" or not congress):
        value = vocabulary
    elif "开幕式" in title:
        value = MetaValue("代表大会开幕式", title, "title")
    elif congress:
        value = MetaValue("代表大会", congress.source)
    else:
        value = vocabulary
    if value and "工作会议" in title and value.value.startswith("代表大会"):
        warnings.append(f"标题称“{title}”，但正文表明是{value.value}（“{value.source}”）。")
    return value, warnings


def _plenary(text: str) -> tuple[Optional[MetaValue], Optional[MetaValue]]:
    """(congress, place) of a plenary session (十四届一次全委会), if any."""
    m = PLENARY_RE.search(text)
    if not m:
        return None, None
    sentence = _sentence_of(text, m.start())
    value = MetaValue(f"第{m.group('term')}届委员会第{m.group('session')}次全体会议", sentence)
    place = None
    if m.group("place"):
        name = _PLACE_PREFIX_RE.sub("", m.group("place")) or m.group("place")[-1]
        place = MetaValue(name, sentence)
    return value, place


# --- places: the gazetteer ------------------------------------------------------

def _quietly(fn, *args, **kwargs):
    """Call ``fn`` with its banner (jionlp and jiojio print one on import)
    kept off standard output, which carries the JSON of ``export -o -``."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


@lru_cache(maxsize=1)
def _jionlp():
    import importlib
    return _quietly(importlib.import_module, "jionlp")


#: Level of a gazetteer entry: 0 province, 1 city, 2 county.
_LEVELS = ("province", "city", "county")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[str, int, bool]]:
    """Every name of a Chinese province, city and county → (full name,
    level 0–2, is the full name).  Full names of two characters
    (城区, 郊区), aliases of one, and the aliases listed as common words
    in ``data/places.yml`` (和平, 合作) are left out."""
    tree = _quietly(_jionlp().china_location_loader)
    common = set(yaml.safe_load(PLACES.read_text(encoding="utf-8"))["common_words"])
    names: dict[str, tuple[str, int, bool]] = {}

    def add(node: dict, level: int) -> None:
        full, aliases = node.get("_full_name"), node.get("_alias") or []
        if full and len(full) >= 3:
            names.setdefault(full, (full, level, True))
        for alias in [aliases] if isinstance(aliases, str) else aliases:
            if len(alias) >= 2 and alias != full and alias not in common:
                names.setdefault(alias, (full, level, False))

    for province in tree.values():
        add(province, 0)
        for ck, city in province.items():
            if ck.startswith("_"):
                continue
            add(city, 1)
            for kk, county in city.items():
                if not kk.startswith("_"):
                    add(county, 2)
    return names


_GAZ_MAX = 12


@lru_cache(maxsize=1)
def _gazetteer_index() -> tuple[frozenset[str], tuple[int, ...]]:
    """The gazetteer's names' first two characters, and their lengths
    (longest first, at most ``_GAZ_MAX``): the positions and sizes
    ``_gazetteer_place`` needs to look up at all."""
    names = gazetteer()
    return (frozenset(name[:2] for name in names),
            tuple(sorted({len(name) for name in names if 2 <= len(name) <= _GAZ_MAX}, reverse=True)))
#: After a place name, what shows it names the speech's own place (…工会,
#: 全市…), so one mention is enough.
_OWN_PLACE_AFTER = re.compile(r"^(?:市|区|县|省)?(?:总工会|工会|市委|区委|县委|省委|党委|各级|广大|人民)")


def _gazetteer_place(text: str) -> Optional[MetaValue]:
    """The place the text speaks of most, from the gazetteer: the most
    mentioned full name or alias (a county alias needs two mentions or a
    union/party word after it); ties go to the smaller division."""
    names = gazetteer()
    starts, sizes = _gazetteer_index()
    counts: dict[str, list] = {}
    i = 0
    while i < len(text):
        # Every name has at least two characters: most positions start none.
        if text[i:i + 2] not in starts:
            i += 1
            continue
        for size in sizes:
            if size > len(text) - i:
                continue
            hit = names.get(text[i:i + size])
            if hit:
                full, level, is_full = hit
                entry = counts.setdefault(full, [0, level, False, i])
                entry[0] += 1
                entry[2] = entry[2] or is_full or bool(_OWN_PLACE_AFTER.match(text[i + size:]))
                i += size - 1
                break
        i += 1
    best = None
    for full, (count, level, strong, first) in counts.items():
        if count < 2 and not strong:
            continue
        key = (count, level, -first)
        if best is None or key > best[0]:
            best = (key, full, first)
    if best is None:
        return None
    return MetaValue(best[1], _sentence_of(text, best[2]))


# --- dates -----------------------------------------------------------------

#: A written date: 2016年5月20日, 二〇一六年五月二十日, 2016年5月.
DATE_RE = re.compile(
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?")
#: The time base given to jionlp (2000-01-01 UTC), so a date never depends
#: on the day of the build; only dates with a year are parsed anyway.
_TIME_BASE = 946684800


def parse_date(text: str) -> Optional[str]:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` without a day) of the first written
    date in ``text``, read by ``jionlp.parse_time``; None if there is none
    or it is not a real date."""
    m = DATE_RE.search(text)
    if not m:
        return None
    try:
        parsed = _quietly(_jionlp().parse_time, m.group(0).replace("○", "〇"), time_base=_TIME_BASE)
    except Exception:  # noqa: BLE001 - jionlp raises plain exceptions for dates it cannot read
        return None
    start, end = parsed["time"][0][:10], parsed["time"][1][:10]
    if start == end:
        return start
    if start[:7] == end[:7]:
        return start[:7]
    return None


def extract(title: str, text: str, front: Sequence[tuple[str, int, str]] = ()) -> Meta:
    """Metadata of one speech from its title, cleaned text and front matter.

    ``text`` is the speech's cleaned text without the title and front
    matter (lines joined with newlines); ``front`` the front-matter lines as
    (kind, line, text) from ``splitter.analyse``.  Never raises; missing
    values are None.
    """
    front_text = [t for _, _, t in front]
    congress, place = _congress(text)
    if congress is None:
        congress, plenary_place = _plenary("\n".join([text] + front_text))
        place = place or plenary_place
    if place is None:
        place = _gazetteer_place(text)
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
    occasion, warnings = _occasion(title, text, congress, front_text)
    speaker = None
    byline = next((t for kind, _, t in front if kind == "byline"), None)
    if byline:
        speaker = MetaValue(byline.strip("（）()"), byline, "byline")
    else:
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
    # A date under the title outranks one in the opening text, which
    # outranks a year in the title.
    dated = next(((t, "byline") for kind, _, t in front if kind in ("date", "byline", "subtitle") and DATE_RE.search(t)),
                 None)
    if dated is None:
        dated = next(((s, "text") for s in sentences(text)[:OPENING_SENTENCES] if DATE_RE.search(s)), None)
    if dated is None and DATE_RE.search(title):
        dated = (title, "title")
    if dated and parse_date(dated[0]):
        meta.date = MetaValue(parse_date(dated[0]), dated[0], dated[1])
    year = YEAR_RE.search(title)
    if year:
        y = int(year.group(1))
        if meta.date is None:
            meta.date = MetaValue(str(y), title, "title")
        elif meta.date.value[:4] != str(y) and meta.date.origin != "title":
            meta.warnings.append(f"标题中的年份 {y} 与{'署名' if meta.date.origin == 'byline' else '正文'}中的日期"
                                 f"（“{meta.date.source}”）不符，以后者为准。")
        if period and not (period[0] - 1 <= y <= period[1] + 1):
            meta.warnings.append(
                f"标题中的年份 {y} 与正文的时代线索（{meta.period.source}，估计 {meta.period.value} 年）不符，"
                f"以正文为准。")
    return meta
