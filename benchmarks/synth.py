"""Deterministic synthetic corpora for the benchmark, from the seeds' own
clauses, with planted reused passages as ground truth.

The five real speeches in ``seeds/`` are analysed once with the pipeline;
their salutations, part headings, closings' opening clauses and the clauses
of every passage (cut at ，；。！？：) become pools.  A synthetic speech is
put together with ``random.Random(seed)``: a title naming a place and a
meeting, a salutation, a line with a dated expression (so the estimated
periods vary) and 1–2 introduction paragraphs, 2–6 numbered parts (一、…) each
with a lead paragraph and 0 or 2–5 sub-points (一是/一要/（一）/第一，, inline
or one per line), and a closing.  Every paragraph is new: sentences of 2–4
clauses, each a seed clause (30 %) or the halves of two (``_clause``), (3–5 sentences; a sub-point 2–3), so stock formulations recur (as in real
speeches) but no two speeches share a whole passage (a paragraph that would
repeat an earlier one is drawn again).

Reuse ground truth: from the second speech on, with probability
``PLANT_RATE`` a speech borrows one standalone paragraph (≥ ``PLANT_MIN``
characters) of an earlier speech, with a borrower's edits (``borrow``):
the lender's place name replaced by the borrower's, clauses inserted or
dropped, two sentences swapped, a few words replaced, until 10–30 % of the
characters are altered (1 − difflib's ratio).  A paragraph is lent at most
once and a borrowed paragraph is never lent again, so the planted pairs are
exactly the pairs of passages that share their text: ``Synthetic.planted``.

Speech *i* is the same in every corpus size, so the 50-speech corpus is the
first 50 of the 1,000.  ``synthesise(n)`` returns ``[Synthetic]`` (file
name, text, the structure the splitter must find and the planted pairs);
``write_seeds`` writes them.
"""

from __future__ import annotations

import difflib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from build_scripts.pipeline import Analyzer, build_corpus
from build_scripts.segmenter import Segmenter
from build_scripts.splitter import CLOSING_RE, NUMERAL, PART_HEADING_RE, SUBPOINT_RE, to_chinese_numeral
from build_scripts.themes import load_lexicon

ROOT = Path(__file__).resolve().parent.parent
SEED = 20250501

#: Places: prefecture-level cities and the kind of unit below them.
CITIES = ("清远市", "昌平区", "江门市", "绵阳市", "洛阳市", "常州市", "赣州市", "柳州市", "宜昌市", "潍坊市",
          "遵义市", "包头市", "大同市", "湛江市", "岳阳市", "泉州市", "嘉兴市", "芜湖市", "延边州", "酒泉市")
UNITS = ("", "清新区", "城关区", "经济技术开发区", "高新区", "东城区", "西湖县", "南山区")
MEETINGS = ("工会第{n}次代表大会开幕式上的讲话", "总工会{y}年工作会议上的讲话", "工会第{n}次代表大会上的讲话",
            "总工会第{n}届委员会全体会议上的讲话", "劳动模范表彰大会上的讲话")
#: Dated expressions (see build_scripts/data/period_clues.yml) and a year
#: in their range, so each speech gets a consistent, varied period.
ERAS = (
    ("深入贯彻党的十七大精神，认真落实“十一五”规划确定的各项任务", 2009),
    ("深入贯彻党的十八大和十八届三中全会精神，奋力实现“十二五”规划目标", 2014),
    ("全面贯彻党的十八届五中全会精神，科学谋划“十三五”发展", 2016),
    ("深入学习贯彻党的十九大精神，以习近平新时代中国特色社会主义思想为指导", 2019),
    ("深入学习贯彻党的二十大精神，全面落实“十四五”规划部署", 2023),
)
MARKERS = ("{n}是", "{n}要", "（{n}）", "第{n}，")


#: Share of speeches (from the second on) that borrow an earlier paragraph,
#: and the shortest paragraph lent (characters).
PLANT_RATE = 0.3
PLANT_MIN = 120
#: Share of clauses taken whole from the seeds (the rest are two seed
#: clauses' halves joined): with the seeds' ~740 clauses alone, two of
#: 20,000 passages would often share several whole clauses by chance.
INTACT = 0.3
#: The altered share of a borrowed paragraph (1 − difflib ratio).
ALTERED = (0.10, 0.30)
#: Word swaps a borrower makes (both directions).
SYNONYMS = (("进一步", "更加"), ("切实", "认真"), ("加强", "强化"), ("推进", "推动"), ("广大职工", "全体职工"),
            ("积极", "主动"), ("努力", "全力"), ("不断", "持续"), ("充分发挥", "更好发挥"), ("各级工会", "各级工会组织"))
_CLAUSE_END = re.compile(r"(?<=[，；。！？：])")
_SENTENCE = re.compile(r"(?<=[。！？])")


@dataclass
class Pools:
    """Pools cut from the seeds."""

    salutations: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    #: First clauses of the seeds' closings (同志们，…), which mark a closing.
    openers: list[str] = field(default_factory=list)
    #: Clauses of every passage, without their closing punctuation.
    clauses: list[str] = field(default_factory=list)
    #: Each clause cut in two at the word boundary nearest its middle.
    heads: list[str] = field(default_factory=list)
    tails: list[str] = field(default_factory=list)


@dataclass
class Planted:
    """One planted reuse: the lender's file and paragraph, the borrower's
    file and its edited copy, and the share of characters altered."""

    lender: str
    original: str
    borrower: str
    copy: str
    altered: float


@dataclass
class Synthetic:
    """One synthetic speech: its file name, text, the structure the
    splitter must find (sub-points per part, in order) and the paragraphs it
    borrowed from earlier speeches."""

    name: str
    text: str
    subpoints: list[int]
    planted: list[Planted] = field(default_factory=list)


def pools(seeds_dir: Path = ROOT / "seeds", themes: Path = ROOT / "themes.yml") -> Pools:
    """Cut the seeds into pools (one pipeline run, ~2 s)."""
    corpus = build_corpus(seeds_dir, themes, analyzer=Analyzer.from_lexicon(load_lexicon(themes)))
    p = Pools()
    clauses: dict[str, None] = {}
    for speech in corpus.speeches:
        for u in speech.units:
            if u.kind == "salutation":
                p.salutations.append(u.text)
            elif u.kind == "section":
                m = PART_HEADING_RE.match(u.heading or "")
                p.headings.append(m.group("title") if m else (u.heading or "").split("、", 1)[-1])
            elif u.kind in ("intro", "subpoint", "paragraph", "closing"):
                text = u.text.replace("\n", "")
                if u.kind == "subpoint":
                    m = SUBPOINT_RE.match(text)
                    text = text[m.end():] if m else text
                if u.kind == "closing" and CLOSING_RE.match(text):
                    p.openers.append(_CLAUSE_END.split(text)[0].rstrip("，；。！？："))
                for c in _CLAUSE_END.split(text):
                    c = c.rstrip("，；。！？：")
                    if 4 <= len(c) <= 40 and _plain(c):
                        clauses[c] = None
    p.clauses = list(clauses)
    segmenter = Segmenter()
    for c in p.clauses:
        cuts = [e for _, _, e in segmenter.spans(c) if 2 <= e <= len(c) - 2]
        if cuts:
            cut = min(cuts, key=lambda e: (abs(2 * e - len(c)), e))
            p.heads.append(c[:cut])
            p.tails.append(c[cut:])
    p.openers = sorted(set(o for o in p.openers if CLOSING_RE.match(o) and len(o) <= 20)) or ["同志们"]
    return p


def _plain(clause: str) -> bool:
    """A clause that cannot change the structure the splitter finds: no
    sub-point marker, part number, closing cue or quote/bracket half."""
    return not (any(True for _ in SUBPOINT_RE.finditer("。" + clause)) or PART_HEADING_RE.match(clause)
                or CLOSING_RE.search(clause) or re.search(r"[“”‘’（）()《》\[\]【】]", clause)
                or re.match(f"[{NUMERAL}]+、", clause))


def _clause(p: Pools, rng: random.Random) -> str:
    """A clause of the pool (``INTACT`` of the time, so stock formulations
    recur), else the first half of one and the second half of another."""
    if rng.random() < INTACT:
        return rng.choice(p.clauses)
    return rng.choice(p.heads) + rng.choice(p.tails)


def _sentence(p: Pools, rng: random.Random) -> str:
    return "，".join(_clause(p, rng) for _ in range(rng.randrange(2, 5))) + "。"


def _paragraph(p: Pools, rng: random.Random, seen: set[str], sentences: tuple[int, int] = (3, 6),
               first: str = "") -> str:
    """A new paragraph of recombined clauses, never one already in ``seen``."""
    while True:
        text = first + "".join(_sentence(p, rng) for _ in range(rng.randrange(*sentences)))
        if text not in seen:
            seen.add(text)
            return text


def _altered(a: str, b: str) -> float:
    return 1 - difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def borrow(text: str, lender_place: str, place: str, p: Pools, rng: random.Random) -> tuple[str, float]:
    """A borrower's copy of ``text``: the place name replaced, then clauses
    inserted or dropped, two sentences swapped and words replaced, at
    random, until ``ALTERED`` holds; returns (copy, altered share)."""
    best = (text, 0.0)
    for _ in range(50):
        copy = text.replace(lender_place, place)
        for _ in range(rng.randrange(1, 5)):
            edit = rng.randrange(4)
            sentences = [x for x in _SENTENCE.split(copy) if x]
            if edit == 0:  # insert a clause
                k = rng.randrange(len(sentences))
                cl = sentences[k].rstrip("。！？").split("，")
                cl.insert(rng.randrange(len(cl) + 1), rng.choice(p.clauses))
                sentences[k] = "，".join(cl) + "。"
            elif edit == 1:  # drop a clause
                k = rng.randrange(len(sentences))
                cl = sentences[k].rstrip("。！？").split("，")
                if len(cl) > 1:
                    del cl[rng.randrange(len(cl))]
                sentences[k] = "，".join(cl) + "。"
            elif edit == 2 and len(sentences) > 1:  # reorder
                i, j = rng.sample(range(len(sentences)), 2)
                sentences[i], sentences[j] = sentences[j], sentences[i]
            else:  # reword
                a, b = rng.choice(SYNONYMS)
                if rng.random() < 0.5:
                    a, b = b, a
                sentences = [x.replace(a, b, 1) for x in sentences]
            copy = "".join(sentences)
        altered = _altered(text, copy)
        if ALTERED[0] <= altered <= ALTERED[1]:
            return copy, round(altered, 3)
        if abs(altered - 0.2) < abs(best[1] - 0.2):
            best = (copy, altered)
    return best[0], round(best[1], 3)


@dataclass
class _State:
    """What later speeches may borrow: (speech index, file name, place,
    paragraph) of every standalone paragraph not yet lent or borrowed."""

    lendable: list[tuple[int, str, str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def _speech(i: int, p: Pools, rng: random.Random, state: _State) -> Synthetic:
    name = f"bench_{i:04d}.txt"
    city = rng.choice(CITIES)
    place = city + rng.choice(UNITS)
    era, year = rng.choice(ERAS)
    year += rng.randrange(0, 2)
    title = "在" + place + rng.choice(MEETINGS).format(n=to_chinese_numeral(rng.randrange(2, 15)), y=year)
    lines = [title, rng.choice(p.salutations)]
    # The dated expression in a short line of its own: the same era gives
    # the same words, which should not make two introductions "reused".
    lines.append(f"{year}年，全市各级工会组织{era}。")
    lines += [_paragraph(p, rng, state.seen) for _ in range(rng.randrange(1, 3))]
    structure = []
    standalone: list[str] = []
    planted: list[Planted] = []
    n_parts = rng.randrange(2, 7)
    borrow_in = rng.randrange(1, n_parts + 1) if i > 1 and rng.random() < PLANT_RATE else 0
    for k in range(1, n_parts + 1):
        lines.append(f"{to_chinese_numeral(k)}、{rng.choice(p.headings)}")
        if k == borrow_in and state.lendable:
            # First in the part, so it is a passage of its own.
            li, lender, lender_city, original = state.lendable.pop(rng.randrange(len(state.lendable)))
            copy, altered = borrow(original, lender_city, city, p, rng)
            state.seen.add(copy)
            lines.append(copy)
            planted.append(Planted(lender, original, name, copy, altered))
        lead = _paragraph(p, rng, state.seen, first=f"{city}各级工会组织，" if rng.random() < 0.5 else "")
        n_sub = 0 if rng.random() < 0.35 else rng.randrange(2, 6)
        marker = rng.choice(MARKERS)
        subs = [marker.format(n=to_chinese_numeral(j)) + _paragraph(p, rng, state.seen, (2, 4))
                for j in range(1, n_sub + 1)]
        if subs and rng.random() < 0.5:
            # Inline list: lead ending in ：, then 一是…；二是…
            lines.append(lead.rstrip("。") + "：" + "".join(s.rstrip("。；") + "；" for s in subs[:-1]) + subs[-1])
        else:
            lines += [lead] + subs
            standalone.append(lead)
        if rng.random() < 0.3:
            extra = _paragraph(p, rng, state.seen)
            lines.append(extra)
            if not subs:  # after sub-points it may continue the last one
                standalone.append(extra)
        structure.append(n_sub)
    closing = _paragraph(p, rng, state.seen, (1, 3), first=rng.choice(p.openers) + "，")
    lines += [closing, "最后，预祝大会取得圆满成功！"]
    state.lendable += [(i, name, city, t) for t in standalone if len(t) >= PLANT_MIN]
    return Synthetic(name, "\n".join(lines) + "\n", structure, planted)


def synthesise(n: int, seed: int = SEED, source: Pools | None = None) -> list[Synthetic]:
    """The first ``n`` synthetic speeches of the sequence for ``seed``
    (speech *i* depends only on the speeches before it)."""
    p = source or pools()
    state = _State()
    return [_speech(i, p, random.Random(f"{seed}-{i}"), state) for i in range(1, n + 1)]


def planted_pairs(speeches: list[Synthetic]) -> list[Planted]:
    """The ground truth: every planted reuse of ``speeches``."""
    return [pl for s in speeches for pl in s.planted]


def write_seeds(speeches: list[Synthetic], seeds_dir: Path) -> int:
    """Write the speeches as UTF-8 files; returns the number of characters."""
    seeds_dir.mkdir(parents=True, exist_ok=True)
    for s in speeches:
        (seeds_dir / s.name).write_text(s.text, encoding="utf-8")
    return sum(len(re.sub(r"\s", "", s.text)) for s in speeches)
