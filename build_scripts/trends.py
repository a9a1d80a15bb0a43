"""Theme trends: the share of passages per theme by period and by year.

A passage is a leaf unit but notes and salutations (the units the tagger
tags one by one).  A speech's period is the Party-congress period holding
the middle of its estimated period (``layout.period_of``: the periods of the
split theme pages); its year is the year of its date if it has one, else the middle of
its estimated period, rounded down (so undated speeches still count, as
estimates).  Speeches with neither are left out of the charts and counted
as undated.  Nothing here knows about mkdocs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Optional

from .layout import PERIODS, UNDATED, period_of
from .model import LEAF_KINDS, Corpus, Speech

#: Periods oldest first (the order of a time axis).
PERIOD_ORDER = [p[0] for p in reversed(PERIODS)]

PASSAGE_KINDS = tuple(k for k in LEAF_KINDS if k not in ("note", "salutation"))


def year_of(speech: Speech) -> Optional[int]:
    """The year of the speech's date (if it lies in the estimated period, or
    there is none: a title year contradicting the text's period clues is not
    trusted), else the middle of its estimated period rounded down, else
    None."""
    m = speech.meta
    if m is not None and m.date is not None:
        y = re.match(r"(\d{4})", m.date.value)
        if y and (m.period_start is None or m.period_end is None or m.period_start <= int(y[1]) <= m.period_end):
            return int(y[1])
    if m is not None and m.period_start is not None and m.period_end is not None:
        return math.floor((m.period_start + m.period_end) / 2)
    return None


@dataclass
class Bucket:
    """One point of a trend: ``key`` (period slug or year as text), its
    ``label``, the number of speeches and passages, and per theme the
    passages tagged with it."""

    key: str
    label: str
    speeches: int = 0
    passages: int = 0
    themes: dict[str, int] = field(default_factory=dict)

    def share(self, theme: str) -> float:
        """Share of passages tagged ``theme``, 0–1, rounded to 3 places."""
        return round(self.themes.get(theme, 0) / self.passages, 3) if self.passages else 0.0


def profile(corpus: Corpus, speech: Speech) -> Bucket:
    """One speech's theme profile: its passages and how many carry each theme."""
    b = Bucket(speech.id, speech.title, 1, 0, {t.name: 0 for t in corpus.themes})
    for u in speech.units:
        if u.kind in PASSAGE_KINDS:
            b.passages += 1
            for t in u.themes:
                b.themes[t] = b.themes.get(t, 0) + 1
    return b


@dataclass
class Trends:
    """Theme shares over time: ``by_period`` (oldest first, only periods
    with speeches), ``by_year`` (ascending), and ``undated`` speeches."""

    by_period: list[Bucket]
    by_year: list[Bucket]
    undated: int


def compute(corpus: Corpus) -> Trends:
    """The trends of ``corpus`` (linear in the number of units)."""
    periods: dict[str, Bucket] = {}
    years: dict[int, Bucket] = {}
    undated = 0
    for speech in corpus.speeches:
        p = profile(corpus, speech)
        slug, label = period_of(speech)
        year = year_of(speech)
        targets = []
        if slug != UNDATED[0]:
            targets.append(periods.setdefault(slug, Bucket(slug, label, themes={t.name: 0 for t in corpus.themes})))
        if year is not None:
            targets.append(years.setdefault(year, Bucket(str(year), f"{year}年",
                                                         themes={t.name: 0 for t in corpus.themes})))
        if not targets:
            undated += 1
        for b in targets:
            b.speeches += 1
            b.passages += p.passages
            for t, n in p.themes.items():
                b.themes[t] = b.themes.get(t, 0) + n
    return Trends([periods[s] for s in PERIOD_ORDER if s in periods],
                  [years[y] for y in sorted(years)], undated)
