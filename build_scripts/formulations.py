"""The 提法 index: stock formulations mined from the corpus, with their
occurrences for a KWIC concordance.

Method (character n-grams; no hand list):

1. The text of every passage (leaf unit but notes) and every part heading is
   cut into clauses at punctuation (``CLAUSE_BREAK``; the enumeration comma
   、 stays inside, so 上级靠得住、企业离不开、职工信得过 is one candidate).
2. Candidates are the substrings of ``MIN_CHARS``–``MAX_CHARS`` characters
   inside a clause that occur in at least two speeches, grown level by
   level: an n-gram is looked at only where both its (n−1)-grams occur in
   two speeches (apriori), so unique text costs one pass.  Each level is a
   few numpy operations over every position at once (``_candidates``: exact
   n-gram ids, no hashing).  A corpus of more than ``MINE_MAX_SPEECHES``
   speeches is mined on that many, spread evenly; occurrences are counted
   in all of it.
3. A candidate is kept when it occurs in at least ``MIN_SPEECHES`` speeches
   and both its boundaries are stable: the branching entropy of the
   character before it and of the character after it (over all occurrences;
   a clause boundary counts as a new neighbour each time) is at least
   ``MIN_ENTROPY`` bits; a particle next to it (的, 和 …; ``PARTICLES``)
   counts as a boundary too.  A fragment of a longer expression (党建带工 inside
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

import contextlib
import gc
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, NamedTuple, Optional

import numpy as np

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
#: Speeches mined at most (spread evenly over a larger corpus; occurrences
#: are counted in all): a stock formulation recurs, so it shows in a
#: sample, and mining cost stays bounded.  Measured on the 1,000-speech
#: synthetic corpus against mining all of it (1.9 → 3.8 CPU-s): with 100
#: speeches the 60 formulations with a page overlap 94 % (Jaccard) and the
#: 500 listed 74 %; with 400 (2.6 CPU-s) 100 % and 85 %.  The tail of the
#: list is where many phrases have nearly the same count.
MINE_MAX_SPEECHES = 400
#: Formulations listed at most (most speeches first; pinned ones always):
#: a large corpus has thousands of repeated phrases, and the index is for
#: the stock ones.
FORMULATIONS_MAX = 500
#: Distinct clauses segmented per candidate for the word-boundary test.
BOUNDARY_SAMPLE = 5
#: Particles and conjunctions next to a phrase count as a boundary, like
#: punctuation: 全心全意依靠工人阶级 is always followed by 的 in the seeds
#: (…的方针, …的根本指导方针), which says the phrase is complete, not that
#: it continues.
PARTICLES = set("的了和与及等")
#: Characters of context shown on each side of a KWIC line.
KWIC_CONTEXT = 18


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the views allocate ~10^6 small
    tuples and strings in one go, and with a corpus on the heap every
    collection walks it too (at 1,000 speeches a third of the views' time).
    Nothing in the views makes reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Occurrence(NamedTuple):
    """One occurrence: ``speech`` id, ``unit`` id, ``start`` character
    offset of the phrase in the unit's text (for a section, its heading).
    A named tuple: a large corpus has hundreds of thousands."""

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


def _entropy(neighbours: dict[str, int], boundaries: int) -> float:
    """Branching entropy in bits; each boundary is a distinct neighbour."""
    total = sum(neighbours.values()) + boundaries
    if total == 0:
        return 0.0
    h = -sum(c / total * math.log2(c / total) for c in neighbours.values())
    if boundaries:
        h += boundaries * (1 / total) * math.log2(total)
    return h


#: An occurrence inside ``mine`` is one int: (index of its text in
#: ``unit_texts`` order) << ``_SHIFT`` | offset, so sorting the ints sorts
#: by speech, unit and offset.
_SHIFT = 32


def _clauses(texts: list[tuple[int, str, str]]) -> dict[str, list[int]]:
    """Distinct clauses: text → its occurrences (``_SHIFT``-coded)."""
    clauses: dict[str, list[int]] = defaultdict(list)
    for t, (_, _, text) in enumerate(texts):
        pos = 0
        base = t << _SHIFT
        for m in CLAUSE_BREAK.finditer(text + "。"):
            if m.start() - pos >= MIN_CHARS:
                clauses[text[pos:m.start()]].append(base | pos)
            pos = m.end()
    return clauses


def _sample(n: int) -> set[int]:
    """Speech indices mined: all, or ``MINE_MAX_SPEECHES`` spread evenly."""
    if n <= MINE_MAX_SPEECHES:
        return set(range(n))
    return {k * n // MINE_MAX_SPEECHES for k in range(MINE_MAX_SPEECHES)}


def _grouped_entropy(gram: np.ndarray, neighbour: np.ndarray, weight: np.ndarray, groups: int) -> np.ndarray:
    """Branching entropy (bits) per gram id 0…``groups``−1 of the weighted
    (gram, neighbour) observations; a neighbour of −1 is a boundary, a new
    neighbour each time (as ``_entropy``).  With t the total weight and c
    the weight of each distinct neighbour: H = log2 t − Σ c·log2 c / t."""
    total = np.bincount(gram, weights=weight, minlength=groups)
    inner = neighbour >= 0
    base = int(neighbour.max(initial=0)) + 1
    keys, inverse = np.unique(gram[inner] * base + neighbour[inner], return_inverse=True)
    c = np.bincount(inverse, weights=weight[inner])
    owner = keys // base
    sum_clogc = np.bincount(owner, weights=c * np.log2(c), minlength=groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.log2(total) - sum_clogc / total
    return np.where(total > 0, h, 0.0)


def _candidates(strings: list[str], speech_sets: list[frozenset[int]],
                weights: list[int]) -> dict[str, tuple[int, float, float, list[int]]]:
    """The n-grams (``MIN_CHARS``–``MAX_CHARS`` characters, within a
    clause) of the distinct clauses ``strings`` that occur in at least two
    speeches and pass the entropy test: gram → (occurrences, left entropy,
    right entropy, up to ``BOUNDARY_SAMPLE`` indices of distinct clauses
    holding it).  ``speech_sets[c]`` are the speeches clause ``c`` occurs in
    and ``weights[c]`` its occurrences.

    Level by level in numpy, over every position of the clauses at once: a
    gram of length k gets a dense id from the id of its (k−1)-prefix and its
    last character, exactly (no hashing); a position is kept for the next
    level only where the grams at it and at the next position both recur
    (apriori).  Neighbours are counted with their weights as in
    ``_entropy``."""
    if not strings:
        return {}
    # Each clause followed by one separator (clause −1), so a gram never
    # spans two clauses and p + k is always a valid index.
    joined = "".join(c + "\x00" for c in strings)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    _, chars = np.unique(codes, return_inverse=True)
    chars = chars.astype(np.int64)
    n = len(codes)
    lengths = np.array([len(c) + 1 for c in strings], dtype=np.int64)
    clause = np.repeat(np.arange(len(strings), dtype=np.int64), lengths)
    clause[np.cumsum(lengths) - 1] = -1
    alphabet = int(chars.max()) + 1
    multi = np.array([len(x) > 1 for x in speech_sets])
    first = np.array([min(x) for x in speech_sets], dtype=np.int64)
    weight = np.array(weights, dtype=np.float64)
    particle = np.isin(codes, np.array([ord(c) for c in PARTICLES], dtype=np.uint32))

    found: dict[str, tuple[int, float, float, list[int]]] = {}
    pos = np.flatnonzero(clause >= 0)   # positions where a k-gram fits in its clause
    ids = chars[pos]                    # id of the k-gram at each of pos
    k = 1
    while len(pos) and k <= MAX_CHARS:
        uniq, inv = np.unique(ids, return_inverse=True)
        groups = len(uniq)
        cl = clause[pos]
        several = np.bincount(inv, weights=multi[cl], minlength=groups) > 0
        low = np.full(groups, np.iinfo(np.int64).max)
        high = np.full(groups, -1)
        np.minimum.at(low, inv, first[cl])
        np.maximum.at(high, inv, first[cl])
        recurs = (several | (low != high))[inv]
        pos, inv, cl = pos[recurs], inv[recurs], cl[recurs]
        if k >= MIN_CHARS and len(pos):
            w = weight[cl]
            before = pos - 1
            left = np.where((before >= 0) & (clause[np.maximum(before, 0)] == cl) & ~particle[np.maximum(before, 0)],
                            chars[np.maximum(before, 0)], -1)
            after = pos + k  # < n: every clause is followed by a separator
            right = np.where((clause[after] == cl) & ~particle[after], chars[after], -1)
            hl = _grouped_entropy(inv, left, w, groups)
            hr = _grouped_entropy(inv, right, w, groups)
            total = np.bincount(inv, weights=w, minlength=groups)
            good = (hl >= MIN_ENTROPY) & (hr >= MIN_ENTROPY)
            chosen = np.flatnonzero(good[inv])
            for p, g, c in zip(pos[chosen].tolist(), inv[chosen].tolist(), cl[chosen].tolist()):
                text = joined[p:p + k]
                entry = found.get(text)
                if entry is None:
                    found[text] = (int(total[g]), float(hl[g]), float(hr[g]), [c])
                elif len(entry[3]) < BOUNDARY_SAMPLE and c not in entry[3]:
                    entry[3].append(c)
        # Apriori: the (k+1)-gram at p needs the k-grams at p and p+1 to recur.
        alive = np.zeros(n + 1, dtype=bool)
        alive[pos] = True
        grow = alive[pos + 1]
        pos, inv = pos[grow], inv[grow]
        ids = inv.astype(np.int64) * alphabet + chars[pos + k]
        k += 1
    return found


def mine(corpus: Corpus, pin: Iterable[str] = (), ban: Iterable[str] = (),
         segmenter: Optional[Segmenter] = None) -> list[Formulation]:
    """The formulations of ``corpus``, most speeches first (then most
    occurrences, then text).  ``pin`` are always included (if they occur at
    all), ``ban`` never.  ``segmenter`` is loaded if not given (~1 s) and
    only if some candidate survives the entropy test.  Deterministic.

    Cost: candidates are grown level by level (an n-gram is only counted
    where both its (n−1)-grams occur in two speeches), over the distinct
    clauses of at most ``MINE_MAX_SPEECHES`` speeches spread evenly over the
    corpus; occurrences are then counted in the whole corpus (``gc_paused``)."""
    with gc_paused():
        return _mine(corpus, pin, ban, segmenter)


def _mine(corpus: Corpus, pin: Iterable[str], ban: Iterable[str], segmenter: Optional[Segmenter]) -> list[Formulation]:
    sample = _sample(len(corpus.speeches))
    texts = list(unit_texts(corpus))
    all_clauses = _clauses(texts)
    speech_of = [si for si, _, _ in texts]
    clause_list = list(all_clauses.items()) if len(sample) == len(corpus.speeches) else [
        (c, kept_occ) for c, occ in all_clauses.items()
        if (kept_occ := [o for o in occ if speech_of[o >> _SHIFT] in sample])]
    strings = [c for c, _ in clause_list]
    speech_sets = [frozenset(speech_of[o >> _SHIFT] for o in occ) for _, occ in clause_list]
    weights = [len(occ) for _, occ in clause_list]

    banned = set(ban)
    kept: dict[str, Formulation] = {}
    count: dict[str, int] = {}
    holders: dict[str, list[int]] = {}
    for g, (c, hl, hr, held) in _candidates(strings, speech_sets, weights).items():
        if g in banned or g[0] in EDGE_STOP_START or g[-1] in EDGE_STOP_END:
            continue
        kept[g] = Formulation(g, [], c, left_entropy=round(hl, 3), right_entropy=round(hr, 3))
        count[g], holders[g] = c, held

    # The most frequent candidates only (by occurrences in the mined speeches).
    ranked = sorted(kept, key=lambda s: (-count[s], s))
    kept = {s: kept[s] for s in ranked[:3 * FORMULATIONS_MAX // 2]}

    # Word boundaries (jieba) at both ends, in most of a sample of clauses.
    cuts: dict[int, set[int]] = {}
    for s in list(kept):
        sample_clauses = holders[s]
        agree = 0
        for ci in sample_clauses:
            if ci not in cuts:
                if segmenter is None:
                    segmenter = Segmenter()
                cuts[ci] = {e for _, _, e in segmenter.spans(strings[ci])} | {0}
            i = strings[ci].find(s)
            if i in cuts[ci] and i + len(s) in cuts[ci]:
                agree += 1
        if 2 * agree < len(sample_clauses):
            del kept[s]

    # Occurrences in the whole corpus, from its distinct clauses: a lookup
    # of the 4-character prefix first, then of each kept length.
    lengths = sorted({len(s) for s in kept})
    prefixes = {s[:MIN_CHARS] for s in kept}
    found: dict[str, list[int]] = defaultdict(list)
    for text, occ in all_clauses.items():
        for i in range(len(text) - MIN_CHARS + 1):
            if text[i:i + MIN_CHARS] not in prefixes:
                continue
            for length in lengths:
                s = text[i:i + length]
                if len(s) < length:
                    break
                if s in kept:
                    found[s] += [o + i for o in occ]
    ids = [sp.id for sp in corpus.speeches]
    for s, occ in found.items():
        _fill(texts, ids, kept[s], occ)

    # Pinned expressions: plain search, so they may span punctuation.
    for s in dict.fromkeys(pin):
        if s in banned or not s:
            continue
        occ = [t << _SHIFT | m.start() for t, (_, _, text) in enumerate(texts) for m in re.finditer(re.escape(s), text)]
        if not occ:
            continue
        f = kept.get(s) or Formulation(s, [], len(occ))
        f.pinned = True
        _fill(texts, ids, f, occ)
        kept[s] = f
    result = sorted((f for f in kept.values() if f.speeches), key=lambda f: (-len(f.speeches), -f.count, f.text))
    return [f for f in result[:FORMULATIONS_MAX]] + [f for f in result[FORMULATIONS_MAX:] if f.pinned]


def _fill(texts: list[tuple[int, str, str]], ids: list[str], f: Formulation, occ: list[int]) -> None:
    """Set ``f``'s occurrences (in corpus, unit and text order) and speeches
    from ``occ`` (``_SHIFT``-coded into ``texts``); ``ids`` are the speech
    ids by speech index."""
    mask = (1 << _SHIFT) - 1
    occ = sorted(set(occ))
    where = [texts[o >> _SHIFT] for o in occ]
    f.occurrences = [Occurrence(ids[si], uid, o & mask) for (si, uid, _), o in zip(where, occ)]
    f.speeches = list(dict.fromkeys(ids[si] for si, _, _ in where))
    f.count = len(occ)


def kwic(text: str, start: int, length: int, context: int = KWIC_CONTEXT) -> tuple[str, str, str]:
    """A KWIC concordance line: (left context, phrase, right context) of the
    phrase ``text[start:start + length]``, with up to ``context``
    characters on each side, within the unit's text (line breaks become
    spaces)."""
    flat = text.replace("\n", " ")
    return (flat[max(0, start - context):start], flat[start:start + length],
            flat[start + length:start + length + context])


def texts_by_unit(corpus: Corpus) -> dict[tuple[str, str], str]:
    """(speech id, unit id) → the text offsets refer to (``unit_texts``)."""
    return {(corpus.speeches[si].id, uid): text for si, uid, text in unit_texts(corpus)}
