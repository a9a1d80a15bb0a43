"""Deterministic synthetic corpora for the benchmark, from the seeds' own
paragraphs.

The five real speeches in ``seeds/`` are analysed once with the pipeline;
their salutations, introductions, part headings, part lead paragraphs,
sub-points (marker stripped), other paragraphs and closings become pools.
A synthetic speech is then put together from the pools with
``random.Random(seed)``: a title naming a place and a meeting, a salutation,
2–3 introduction paragraphs (one carrying a dated expression, so the
estimated periods vary), 2–6 numbered parts (一、…) each with a lead
paragraph and 0 or 2–5 sub-points (一是/一要/（一）/第一，, inline or one per
line), and a closing.  Speech *i* is the same in every corpus size, so the
50-speech corpus is the first 50 of the 1,000.

``synthesise(n)`` returns ``[Synthetic]`` (file name, text and the
structure the splitter must find); ``write_seeds`` writes them.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from build_scripts.pipeline import Analyzer, build_corpus
from build_scripts.splitter import PART_HEADING_RE, SUBPOINT_RE, to_chinese_numeral
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


@dataclass
class Pools:
    """Paragraph pools cut from the seeds."""

    salutations: list[str] = field(default_factory=list)
    intros: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    subpoints: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    closings: list[str] = field(default_factory=list)


@dataclass
class Synthetic:
    """One synthetic speech: its file name, text, and the structure the
    splitter must find (sub-points per part, in order)."""

    name: str
    text: str
    subpoints: list[int]


def pools(seeds_dir: Path = ROOT / "seeds", themes: Path = ROOT / "themes.yml") -> Pools:
    """Cut the seeds into pools (one pipeline run, ~2 s)."""
    corpus = build_corpus(seeds_dir, themes, analyzer=Analyzer.from_lexicon(load_lexicon(themes)))
    p = Pools()
    for speech in corpus.speeches:
        for u in speech.units:
            if u.kind == "salutation":
                p.salutations.append(u.text)
            elif u.kind == "intro":
                p.intros += u.text.split("\n")
            elif u.kind == "section":
                m = PART_HEADING_RE.match(u.heading or "")
                p.headings.append(m.group("title") if m else (u.heading or "").split("、", 1)[-1])
            elif u.kind == "subpoint":
                m = SUBPOINT_RE.match(u.text)
                body = u.text[m.end():] if m else u.text
                # A sub-point that ran on into a new paragraph keeps one line.
                p.subpoints.append(body.replace("\n", ""))
            elif u.kind == "paragraph":
                first = speech.children(u.parent)[0].id == u.id
                (p.leads if first else p.paragraphs).append(u.text.replace("\n", ""))
            elif u.kind == "closing" and not u.text.startswith("最后"):
                p.closings.append(u.text)
    # A lead paragraph that itself holds a sub-point list would be split.
    p.leads = [t for t in p.leads + p.paragraphs if not _has_marker(t)]
    p.paragraphs = [t for t in p.paragraphs if not _has_marker(t)]
    p.subpoints = [t for t in p.subpoints if not _has_marker(t)]
    return p


def _has_marker(text: str) -> bool:
    return any(True for _ in SUBPOINT_RE.finditer(text))


def _speech(i: int, p: Pools, rng: random.Random) -> Synthetic:
    place = rng.choice(CITIES) + rng.choice(UNITS)
    era, year = rng.choice(ERAS)
    year += rng.randrange(0, 2)
    title = "在" + place + rng.choice(MEETINGS).format(n=to_chinese_numeral(rng.randrange(2, 15)), y=year)
    lines = [title, rng.choice(p.salutations)]
    intros = rng.sample(p.intros, rng.randrange(2, 4))
    intros[0] = f"{year}年，全市各级工会组织{era}，团结动员广大职工建功立业。" + intros[0]
    lines += intros
    structure = []
    for k in range(1, rng.randrange(2, 7) + 1):
        lines.append(f"{to_chinese_numeral(k)}、{rng.choice(p.headings)}")
        lead = rng.choice(p.leads)
        n_sub = 0 if rng.random() < 0.35 else rng.randrange(2, 6)
        marker = rng.choice(MARKERS)
        subs = [marker.format(n=to_chinese_numeral(j)) + rng.choice(p.subpoints) for j in range(1, n_sub + 1)]
        if subs and rng.random() < 0.5:
            # Inline list: lead ending in ：, then 一是…；二是…
            lines.append(lead.rstrip("。") + "：" + "".join(s.rstrip("。；") + "；" for s in subs[:-1]) + subs[-1])
        else:
            lines += [lead] + subs
        if rng.random() < 0.3:
            lines.append(rng.choice(p.paragraphs))
        structure.append(n_sub)
    lines += [rng.choice(p.closings), "最后，预祝大会取得圆满成功！"]
    return Synthetic(f"bench_{i:04d}.txt", "\n".join(lines) + "\n", structure)


def synthesise(n: int, seed: int = SEED, source: Pools | None = None) -> list[Synthetic]:
    """The first ``n`` synthetic speeches of the sequence for ``seed``."""
    p = source or pools()
    return [_speech(i, p, random.Random(f"{seed}-{i}")) for i in range(1, n + 1)]


def write_seeds(speeches: list[Synthetic], seeds_dir: Path) -> int:
    """Write the speeches as UTF-8 files; returns the number of characters."""
    seeds_dir.mkdir(parents=True, exist_ok=True)
    for s in speeches:
        (seeds_dir / s.name).write_text(s.text, encoding="utf-8")
    return sum(len(re.sub(r"\s", "", s.text)) for s in speeches)
