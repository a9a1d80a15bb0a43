"""Reused passages: near-duplicate passages across speeches.

A speech often copies or adapts a paragraph of an earlier one: a place name
changed, a clause added or dropped, sentences reordered.  Each passage (a
leaf unit but notes, at least ``MIN_CHARS`` characters of text) becomes the
set of its character ``SHINGLE``-grams (punctuation and spaces removed, so
punctuation edits do not count).  datasketch's MinHash LSH (``BANDS`` ×
``ROWS``) proposes candidate pairs; every candidate pair from two different
speeches whose MinHash estimate passes ``SCREEN`` is then verified exactly:
the Jaccard similarity of the two shingle sets must be at least
``MIN_SIMILARITY`` and they must share at least ``MIN_SHARED`` shingles.

Why these figures: a borrower's edits change whole runs of characters, so
with 3-grams a passage with 10–30 % of its characters altered keeps more
than half its shingles (the planted copies of ``benchmarks/synth.py`` are at
Jaccard ≥ 0.56 in the 1,000-speech corpus), while two unrelated passages
that share a stock sentence or two stay below 0.45.  ``benchmarks/bench.py``
reports precision and recall against the planted pairs.

Cost (1,000 speeches, ~16,500 passages, ~2.3 M shingles): the shingles of
all passages are computed in one numpy pass; the LSH uses ``BANDS`` bands
of ``ROWS`` rows (54 permutations; 64 with datasketch's own choice of 21
bands cost a third more for the same pairs).  Stock sentences make ~80,000
candidate pairs, so each is first screened by the MinHash estimate of its
similarity (all at once, in numpy; ``SCREEN``), and only the ~3,000 left
are verified exactly.

Nothing here knows about mkdocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import numpy as np
from datasketch import MinHash, MinHashLSH

from .formulations import gc_paused
from .model import LEAF_KINDS, Corpus, Speech

#: Characters per shingle.
SHINGLE = 3
#: Passages shorter than this (characters without punctuation) are not
#: compared: salutations and one-line closings are the same everywhere.
MIN_CHARS = 50
#: Exact Jaccard similarity of the shingle sets for a pair to count.
MIN_SIMILARITY = 0.45
#: Shingles a pair must share (≈ characters of common text): two short
#: passages that share one long stock sentence (a 34-character 把维护好、
#: 发展好… is common) are not a reused passage.
MIN_SHARED = 40
#: LSH bands and rows per band (``BANDS * ROWS`` MinHash permutations).  A
#: pair at Jaccard J is proposed with probability 1 − (1 − J**ROWS)**BANDS:
#: 0.97 at 0.56 (the least similar planted copy), 0.998 at 0.7, 0.82 at
#: 0.45; two rows per band propose five times more pairs.
BANDS = 18
ROWS = 3
#: A proposed pair is verified exactly only if the MinHash estimate of its
#: Jaccard similarity (the share of equal permutation minima) is at least
#: this: at J = 0.45 the estimate over 54 permutations has a standard
#: deviation of 0.068, so a pair at the threshold falls below 0.25 with
#: probability < 0.2 %.
SCREEN = 0.25
#: Not compared: punctuation, spaces, digits' separators.
_DROP = re.compile(r"[\s，。！？；：、,.!?;:“”\"'‘’（）()《》〈〉【】\[\]…—\-·]+")


@dataclass(frozen=True)
class ReusePair:
    """Two passages of different speeches that share most of their text.

    ``a``/``b`` are (speech id, unit id); ``a`` is the earlier speech when
    both are dated (by the middle of the estimated period), else the one
    first in the corpus.  ``similarity`` is the Jaccard similarity of the
    shingle sets, 0–1, rounded to 3 places."""

    a: tuple[str, str]
    b: tuple[str, str]
    similarity: float


def shingles(text: str, k: Optional[int] = None) -> set[str]:
    """The set of character ``k``-grams (default ``SHINGLE``) of ``text``
    without punctuation (the detector computes the same sets as integers,
    ``_shingle_codes``)."""
    k = k or SHINGLE
    t = _DROP.sub("", text)
    return {t[i:i + k] for i in range(len(t) - k + 1)}


#: Multiplier of the 32-bit hash given to MinHash (Knuth's golden-ratio
#: constant: the high bits of the product are well mixed).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _shingle_codes(texts: list[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """For each text (punctuation already dropped): its ``SHINGLE``-grams as
    exact integer codes (three 21-bit code points), and a 32-bit hash of
    each for MinHash, as ``uint64`` arrays (views into two arrays for all
    texts, made in one numpy pass: Python lists of them took ~90 bytes a
    shingle, the largest allocation of a build)."""
    lengths = [len(t) for t in texts]
    chars = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(chars) < SHINGLE:
        empty = np.zeros(0, dtype=np.uint64)
        return [empty for _ in texts], [empty for _ in texts]
    codes = chars[:len(chars) - SHINGLE + 1].copy()
    for d in range(1, SHINGLE):
        codes = (codes << np.uint64(21)) | chars[d:len(chars) - SHINGLE + 1 + d]
    del chars
    hashes = (codes * _GOLDEN) >> np.uint64(32)
    out_codes, out_hashes = [], []
    start = 0
    for n in lengths:
        end = max(start, start + n - SHINGLE + 1)  # grams starting in this text and ending in it
        out_codes.append(codes[start:end])
        out_hashes.append(hashes[start:end])
        start += n
    return out_codes, out_hashes


def _when(speech: Speech) -> float:
    m = speech.meta
    if m is None or m.period_start is None or m.period_end is None:
        return float("inf")
    return (m.period_start + m.period_end) / 2


@dataclass(frozen=True)
class Passage:
    """What the detector reads of a passage: its speech's id, place in the
    corpus and date (``when``: middle of the estimated period, inf if
    unknown), its unit id and text.  Small, so a worker process can be sent
    the passages instead of the corpus."""

    speech: str
    order: int
    when: float
    unit: str
    text: str


def passages(corpus: Corpus) -> list[Passage]:
    """The passages compared: leaf units but notes, ≥ ``MIN_CHARS``."""
    return [Passage(speech.id, si, _when(speech), u.id, u.text)
            for si, speech in enumerate(corpus.speeches) for u in speech.units
            if u.kind in LEAF_KINDS and u.kind != "note" and len(_DROP.sub("", u.text)) >= MIN_CHARS]


def find(corpus: Corpus, min_similarity: float = MIN_SIMILARITY) -> list[ReusePair]:
    """Every pair of passages from different speeches with similarity ≥
    ``min_similarity`` (and the LSH proposed), most similar first (then by
    ids).  Deterministic: the MinHash seed and hash are fixed and every
    pair reported is verified exactly."""
    return find_in(passages(corpus), min_similarity)


def find_in(items: list[Passage], min_similarity: float = MIN_SIMILARITY) -> list[ReusePair]:
    """``find`` over ``passages(corpus)`` (``formulations.gc_paused``)."""
    if len(items) < 2:
        return []
    with gc_paused():
        return _find(items, min_similarity)


def _find(items: list[Passage], min_similarity: float) -> list[ReusePair]:
    codes, hashes = _shingle_codes([_DROP.sub("", p.text) for p in items])
    num_perm = BANDS * ROWS
    # hashfunc=int: the items are already 32-bit hashes.
    # Python ints one passage at a time (as MinHash hashes them).
    minhashes = MinHash.bulk((h.tolist() for h in hashes), num_perm=num_perm, hashfunc=int)
    del hashes
    lsh = MinHashLSH(num_perm=num_perm, params=(BANDS, ROWS))
    with lsh.insertion_session() as session:
        for i, m in enumerate(minhashes):
            session.insert(i, m, check_duplication=False)
    proposed: list[tuple[int, int]] = []
    for i, m in enumerate(minhashes):
        order = items[i].order
        proposed += [(i, j) for j in lsh.query(m) if j > i and items[j].order != order]
    if not proposed:
        return []
    signatures = np.vstack([m.hashvalues for m in minhashes])
    candidates = np.array(sorted(proposed), dtype=np.int64)
    # In blocks: two signature rows per pair at once would take ~1 KB a
    # pair (~10^5 pairs at 1,000 speeches).
    estimate = np.concatenate([
        (signatures[block[:, 0]] == signatures[block[:, 1]]).mean(axis=1)
        for block in np.array_split(candidates, max(1, len(candidates) // 8192))])
    sets: dict[int, set[int]] = {}
    pairs: list[ReusePair] = []
    for i, j in candidates[estimate >= SCREEN].tolist():
        a = sets[i] if i in sets else sets.setdefault(i, set(codes[i].tolist()))
        b = sets[j] if j in sets else sets.setdefault(j, set(codes[j].tolist()))
        inter = len(a & b)
        if inter < MIN_SHARED:
            continue
        sim = inter / (len(a) + len(b) - inter)
        if sim < min_similarity:
            continue
        x, y = items[i], items[j]
        if (y.when, y.order) < (x.when, x.order):
            x, y = y, x
        pairs.append(ReusePair((x.speech, x.unit), (y.speech, y.unit), round(sim, 3)))
    pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    return pairs


def by_unit(pairs: list[ReusePair]) -> dict[tuple[str, str], list[tuple[ReusePair, tuple[str, str]]]]:
    """(speech id, unit id) → [(pair, the other passage)], most similar
    first: what a speech page marks."""
    out: dict[tuple[str, str], list[tuple[ReusePair, tuple[str, str]]]] = {}
    for p in pairs:
        out.setdefault(p.a, []).append((p, p.b))
        out.setdefault(p.b, []).append((p, p.a))
    return out


def speech_pairs(pairs: list[ReusePair]) -> list[tuple[str, str, list[ReusePair]]]:
    """Pairs of speeches with the passages they share: [(earlier speech id,
    later speech id, pairs)], most shared passages first."""
    groups: dict[tuple[str, str], list[ReusePair]] = {}
    for p in pairs:
        groups.setdefault((p.a[0], p.b[0]), []).append(p)
    return [(a, b, ps) for (a, b), ps in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
