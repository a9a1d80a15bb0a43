"""The 提法 index: stock formulations mined from the corpus, with their
occurrences for a KWIC concordance.

Method (character n-grams; no hand list):

1. The text of every passage (leaf unit but notes) and every part heading is
   cut into clauses at punctuation (``CLAUSE_BREAK``; the enumeration comma
   、 stays inside, so 上级靠得住、企业离不开、职工信得过 is one candidate).
2. Candidates are the substrings of ``MIN_CHARS``–``MAX_CHARS`` characters
   inside a clause whose every character 4-gram occurs in at least two
   speeches (a cheap necessary condition that keeps the count linear).
3. A candidate is kept when it occurs in at least ``MIN_SPEECHES`` speeches
   and both its boundaries are stable: the branching entropy of the
   character before it and of the character after it (over all occurrences;
   a clause boundary counts as a new neighbour each time) is at least
   ``MIN_ENTROPY`` bits.  A fragment of a longer expression (党建带工 inside
   党建带工建) is almost always followed by the same character, so its
   entropy is near 0 and the maximal phrase wins (Jin & Tanaka-Ishii 2006,
   "Unsupervised segmentation of Chinese text by use of branching entropy").
4. Both boundaries must also be word boundaries: jieba (``segmenter.py``)
   must put a token boundary at the phrase's start and end in at least half
   of (up to ``BOUNDARY_SAMPLE``) distinct clauses holding it, so a phrase
   that cuts a word (点和落脚点 from 出发点和落脚点) is dropped.  Only the
   clauses of the surviving candidates are segmented.
5. Candidates beginning or ending with a function character (的, 和, 是 …;
   ``EDGE_STOP``) are dropped: such a boundary is never a phrase boundary.
6. ``insight.yml`` (beside themes.yml) pins expressions (always listed, found
   by plain search, even across punctuation) and bans others.

Everything is computed once per build from the corpus model; nothing here
knows about mkdocs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .model import LEAF_KINDS, Corpus
from .segmenter import Segmenter

#: Clause breaks: sentence and clause punctuation, quotes, brackets,
#: dashes, ellipses and white space.  、 is not one (see module docstring).
CLAUSE_BREAK = re.compile(r"[，。！？；：,.!?;:“”\"'‘’（）()《》〈〉【】\[\]…—\-\s·/]+")

#: Length limits of a mined formulation, in characters.  Four characters is
#: the shortest 成语-like 提法 (建功立业); longer repeats are whole copied
#: sentences, which the reuse detector reports instead.
MIN_CHARS = 4
MAX_CHARS = 20
#: A formulation occurs in at least this many speeches.
MIN_SPEECHES = 2
#: Minimum left and right branching entropy (bits).  Two occurrences with
#: different neighbours give 1 bit; 0.9 keeps (2, 1, …) splits of three
#: and more occurrences but not a neighbour that is fixed in most of them.
MIN_ENTROPY = 0.9
#: Characters that never start / end a formulation (particles,
#: conjunctions, prepositions, the copula; 、 itself).
EDGE_STOP_START = set("的了和与及或而并也都就又之其、在对为把被将从向以于中上下是要")
EDGE_STOP_END = set("的了和与及或而并也都就又之其、在对为把被将从向以于是要")
#: Distinct clauses segmented per candidate for the word-boundary test.
BOUNDARY_SAMPLE = 5
#: Characters of context shown on each side of a KWIC line.
KWIC_CONTEXT = 18


@dataclass(frozen=True)
class Occurrence:
    """One occurrence: ``speech`` id, ``unit`` id, ``start`` character
    offset of the phrase in the unit's text (for a section, its heading)."""

    speech: str
    unit: str
    start: int


@dataclass
class Formulation:
    """A mined (or pinned) formulation and where it occurs.

    ``speeches`` lists the ids of the speeches using it, in corpus order;
    ``count`` is the number of occurrences; ``pinned`` says it came from
    insight.yml rather than from the miner."""

    text: str
    speeches: list[str]
    count: int
    occurrences: list[Occurrence] = field(default_factory=list)
    left_entropy: float = 0.0
    right_entropy: float = 0.0
    pinned: bool = False


def unit_texts(corpus: Corpus) -> Iterable[tuple[int, str, str]]:
    """(speech index, unit id, text) of every passage and part heading: the
    text a formulation can occur in.  A part's text is only its heading
    (its passages come as their own units)."""
    for i, speech in enumerate(corpus.speeches):
        for u in speech.units:
            if u.kind == "section":
                if u.heading:
                    yield i, u.id, u.heading
            elif u.kind in LEAF_KINDS and u.kind != "note":
                yield i, u.id, u.text


def _entropy(neighbours: Counter, boundaries: int) -> float:
    """Branching entropy in bits; each boundary is a distinct neighbour."""
    total = sum(neighbours.values()) + boundaries
    if total == 0:
        return 0.0
    h = -sum(c / total * math.log2(c / total) for c in neighbours.values())
    if boundaries:
        h += boundaries * (1 / total) * math.log2(total)
    return h


def mine(corpus: Corpus, pin: Iterable[str] = (), ban: Iterable[str] = (),
         segmenter: Optional[Segmenter] = None) -> list[Formulation]:
    """The formulations of ``corpus``, most speeches first (then most
    occurrences, then text).  ``pin`` are always included (if they occur at
    all), ``ban`` never.  ``segmenter`` is loaded if not given (~1 s) and
    only if some candidate survives the entropy test.  Deterministic.  Cost
    is linear in the text (the distinct clauses are mined once however
    often they repeat)."""
    # Distinct clauses: text → [(speech index, unit id, offset in unit)].
    clauses: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for si, unit_id, text in unit_texts(corpus):
        pos = 0
        for m in CLAUSE_BREAK.finditer(text + "。"):
            if m.start() - pos >= MIN_CHARS:
                clauses[text[pos:m.start()]].append((si, unit_id, pos))
            pos = m.end()
    clause_list = list(clauses.items())
    speech_sets = [frozenset(si for si, _, _ in occ) for _, occ in clause_list]

    # 4-grams seen in two speeches or more (owner -1), else their one speech.
    owner: dict[str, int] = {}
    for (text, _), speeches in zip(clause_list, speech_sets):
        multi = len(speeches) > 1
        first = next(iter(speeches))
        for k in range(len(text) - 3):
            g = text[k:k + 4]
            o = owner.get(g)
            if multi:
                owner[g] = -1
            elif o is None:
                owner[g] = first
            elif o != first:
                owner[g] = -1

    # Candidate statistics: occurrences, neighbours, the clauses holding it.
    count: Counter = Counter()
    left: dict[str, Counter] = defaultdict(Counter)
    right: dict[str, Counter] = defaultdict(Counter)
    left_edge: Counter = Counter()
    right_edge: Counter = Counter()
    holders: dict[str, list[int]] = defaultdict(list)
    for ci, ((text, occ), speeches) in enumerate(zip(clause_list, speech_sets)):
        n = len(text)
        weight = len(occ)
        # Maximal windows whose every 4-gram is repeated across speeches.
        k = 0
        while k <= n - 4:
            if owner.get(text[k:k + 4]) != -1:
                k += 1
                continue
            end = k
            while end <= n - 4 and owner.get(text[end:end + 4]) == -1:
                end += 1
            a, b = k, end + 3  # characters [a, b) are covered
            for i in range(a, b - MIN_CHARS + 1):
                for j in range(i + MIN_CHARS, min(b, i + MAX_CHARS) + 1):
                    s = text[i:j]
                    count[s] += weight
                    holders[s].append(ci)
                    if i == 0:
                        left_edge[s] += weight
                    else:
                        left[s][text[i - 1]] += weight
                    if j == n:
                        right_edge[s] += weight
                    else:
                        right[s][text[j]] += weight
            k = end + 1

    banned = set(ban)
    kept: dict[str, Formulation] = {}
    for s, c in count.items():
        if s in banned or s[0] in EDGE_STOP_START or s[-1] in EDGE_STOP_END:
            continue
        hl = _entropy(left[s], left_edge[s])
        if hl < MIN_ENTROPY:
            continue
        hr = _entropy(right[s], right_edge[s])
        if hr < MIN_ENTROPY:
            continue
        speeches = frozenset().union(*(speech_sets[ci] for ci in holders[s]))
        if len(speeches) < MIN_SPEECHES:
            continue
        kept[s] = Formulation(s, [], c, left_entropy=round(hl, 3), right_entropy=round(hr, 3))

    # Word boundaries (jieba) at both ends, in most of a sample of clauses.
    cuts: dict[int, set[int]] = {}
    for s in list(kept):
        sample = holders[s][:0] + sorted(set(holders[s]))[:BOUNDARY_SAMPLE]
        agree = 0
        for ci in sample:
            if ci not in cuts:
                if segmenter is None:
                    segmenter = Segmenter()
                cuts[ci] = {e for _, _, e in segmenter.spans(clause_list[ci][0])} | {0}
            text = clause_list[ci][0]
            i = text.find(s)
            if i in cuts[ci] and i + len(s) in cuts[ci]:
                agree += 1
        if 2 * agree < len(sample):
            del kept[s]

    # Occurrences, from the clauses (each distinct clause scanned once).
    order = {(si, u.id): k for si, sp in enumerate(corpus.speeches) for k, u in enumerate(sp.units)}
    lengths = sorted({len(s) for s in kept})
    found: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for text, occ in clause_list:
        for length in lengths:
            for i in range(len(text) - length + 1):
                s = text[i:i + length]
                if s in kept:
                    found[s] += [(si, uid, off + i) for si, uid, off in occ]
    for s, occ in found.items():
        _fill(corpus, order, kept[s], occ)

    # Pinned expressions: plain search, so they may span punctuation.
    for s in dict.fromkeys(pin):
        if s in banned or not s:
            continue
        occ = [(si, uid, m.start()) for si, uid, text in unit_texts(corpus)
               for m in re.finditer(re.escape(s), text)]
        if not occ:
            continue
        f = kept.get(s) or Formulation(s, [], len(occ))
        f.pinned = True
        f.count = len(occ)
        _fill(corpus, order, f, occ)
        kept[s] = f
    return sorted(kept.values(), key=lambda f: (-len(f.speeches), -f.count, f.text))


def _fill(corpus: Corpus, order: dict[tuple[int, str], int], f: Formulation,
          occ: list[tuple[int, str, int]]) -> None:
    """Set ``f``'s occurrences (in corpus, unit and text order) and speeches;
    ``order`` maps (speech index, unit id) to the unit's place in its speech."""
    occ = sorted(set(occ), key=lambda o: (o[0], order[(o[0], o[1])], o[2]))
    f.occurrences = [Occurrence(corpus.speeches[si].id, uid, start) for si, uid, start in occ]
    f.speeches = list(dict.fromkeys(corpus.speeches[si].id for si, _, _ in occ))
    f.count = len(occ)
