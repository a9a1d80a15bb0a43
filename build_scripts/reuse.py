"""Reused passages: near-duplicate passages across speeches.

A speech often copies or adapts a paragraph of an earlier one: a place name
changed, a clause added or dropped, sentences reordered.  Each passage (a
leaf unit but notes, at least ``MIN_CHARS`` characters of text) becomes the
set of its character ``SHINGLE``-grams (punctuation and spaces removed, so
punctuation edits do not count).  datasketch's MinHash LSH proposes
candidate pairs whose estimated Jaccard similarity is near
``LSH_THRESHOLD`` or above; every candidate pair from two different
speeches is then verified exactly: the Jaccard similarity of the two
shingle sets must be at least ``MIN_SIMILARITY`` and they must share at
least ``MIN_SHARED`` shingles.

Why these figures: a borrower's edits change whole runs of characters, so
with 3-grams a passage with 10–30 % of its characters altered keeps more
than half its shingles (the planted copies of ``benchmarks/synth.py`` are at
Jaccard ≥ 0.56 in the 1,000-speech corpus), while two unrelated passages
that share a stock sentence or two stay below 0.45.  ``benchmarks/bench.py``
reports precision and recall against the planted pairs (1.0 and 1.0 at
1,000 speeches with these settings; an LSH threshold of 0.4 lost 2 % of
the planted pairs, 128 permutations cost more time for no gain).

Nothing here knows about mkdocs.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Optional
from datasketch import MinHash, MinHashLSH

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
#: MinHash permutations and the LSH threshold (below ``MIN_SIMILARITY`` so
#: that pairs just above it are still proposed; datasketch picks the bands).
NUM_PERM = 64
LSH_THRESHOLD = 0.3
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


def shingles(text: str, k: Optional[int] = None) -> set[bytes]:
    """The set of character ``k``-grams (default ``SHINGLE``) of ``text``
    without punctuation, each as UTF-32 bytes (encoded once per passage,
    sliced, and hashed as they are)."""
    k = k or SHINGLE
    t = _DROP.sub("", text)
    b = t.encode("utf-32-le")
    return {b[4 * i:4 * (i + k)] for i in range(len(t) - k + 1)}


def _hash(data: bytes) -> int:
    # Deterministic and fast (the default sha1 is ~3x slower); 32 bits is
    # what datasketch's permutations expect.
    return zlib.crc32(data)


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
    ``min_similarity``, most similar first (then by ids).  Deterministic:
    the MinHash seed and hash are fixed and every candidate is verified."""
    return find_in(passages(corpus), min_similarity)


def find_in(items: list[Passage], min_similarity: float = MIN_SIMILARITY) -> list[ReusePair]:
    """``find`` over ``passages(corpus)``."""
    if len(items) < 2:
        return []
    sets = [shingles(p.text) for p in items]
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    hashes = MinHash.bulk([sorted(shs) for shs in sets], num_perm=NUM_PERM, hashfunc=_hash)
    with lsh.insertion_session() as session:
        for i, m in enumerate(hashes):
            session.insert(i, m, check_duplication=False)
    pairs: list[ReusePair] = []
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j <= i or items[i].order == items[j].order:
                continue
            inter = len(sets[i] & sets[j])
            if inter < MIN_SHARED:
                continue
            sim = inter / (len(sets[i]) + len(sets[j]) - inter)
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
