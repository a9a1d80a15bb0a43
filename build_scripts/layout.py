"""What goes on which generated page: theme groups, split themes, labels.

A ``Site`` is the corpus seen by the page renderers: for each theme, which
speeches' passages it shows (``Group``) and, for a large theme, how they are
divided among pages by period (``ThemeLayout``).  Paths come from ``urls``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple, Optional

from . import compilation, urls
from .model import PART, PASSAGE_KINDS, Corpus, Speech, Theme, Unit
from .splitter import to_chinese_numeral

KIND_LABEL = {"salutation": "称呼", "intro": "开场", "section": "部分", "subpoint": "要点",
              "paragraph": "段落", "closing": "结束语", "note": "附注"}

#: A theme page holds at most this many entries (tagged passages plus part
#: notes).  A larger theme is split into a page per period, and a period
#: with more entries into numbered pages.  An entry is ~2 KB of HTML
#: (measured with benchmarks/bench.py), so a page stays well under 1 MB
#: with room for the navigation.
THEME_PAGE_MAX_ENTRIES = 200

#: The periods of a split theme, newest first: (URL slug, label, first
#: year).  They follow the Party congresses that date the speeches'
#: vocabulary (十七大 Oct 2007, 十八大 Nov 2012, 十九大 Oct 2017, 二十大
#: Oct 2022; see data/period_clues.yml).  A speech belongs to the period
#: holding the middle of its estimated period.
PERIODS = (("2022", "二十大以来（2022年起）", 2022.8),
           ("2017", "十九大至二十大（2017–2022）", 2017.8),
           ("2012", "十八大至十九大（2012–2017）", 2012.85),
           ("2007", "十七大至十八大（2007–2012）", 2007.8),
           ("before-2007", "十七大以前", float("-inf")))
UNDATED = ("undated", "时期不详")

#: Badge colours for themes.yml entries without ``color`` (Material palette).
FALLBACK_COLORS = ("#1565c0", "#c62828", "#2e7d32", "#ad1457", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e")


class Group(NamedTuple):
    """One speech's entries on a theme page: its parts and its passages
    tagged with the theme."""

    speech: Speech
    parts: list[Unit]
    passages: list[Unit]

    @property
    def entries(self) -> int:
        return len(self.parts) + len(self.passages)


@dataclass
class ThemeSubpage:
    """One page of a split theme: the speeches of one period (or of one
    numbered slice of it)."""

    path: str
    period: str
    number: int
    groups: list[Group]
    pages_in_period: int = 1
    #: The period's URL slug (``PERIODS``, ``UNDATED``): its downloads' too.
    slug: str = ""

    @property
    def label(self) -> str:
        return self.period + (f" · 第{self.number}页" if self.pages_in_period > 1 else "")


@dataclass
class ThemeLayout:
    """Where a theme's passages are: its groups, and its sub-pages if it is
    split (else ``subpages`` is empty and all is on the theme page)."""

    theme: Theme
    groups: list[Group]
    subpages: list[ThemeSubpage]
    page_of: dict[str, str]
    limit: int = THEME_PAGE_MAX_ENTRIES

    @property
    def entries(self) -> int:
        return sum(counts(self.groups))


def counts(groups: list[Group]) -> tuple[int, int]:
    """(tagged parts, tagged passages) over ``groups``."""
    return sum(len(g.parts) for g in groups), sum(len(g.passages) for g in groups)


def period_of(speech: Speech) -> tuple[str, str]:
    """(slug, label) of the period a speech belongs to (``PERIODS``)."""
    # The speech's date, else the middle of its estimated period.
    year = compilation.year(speech)
    if year is None:
        return UNDATED
    return next((slug, label) for slug, label, first in PERIODS if year >= first)


def tagged_units(speech: Speech, theme: Theme) -> Group:
    """``speech``'s parts and passages tagged with ``theme`` (a note is
    never tagged: see ``tagger.tag_units``)."""
    parts = [u for u in speech.units if u.kind == PART and theme.name in u.themes]
    passages = [u for u in speech.units if u.kind in PASSAGE_KINDS and theme.name in u.themes]
    return Group(speech, parts, passages)


def theme_layout(corpus: Corpus, theme: Theme, limit: Optional[int] = None) -> ThemeLayout:
    """Group ``theme``'s passages by speech and, if there are more than
    ``limit`` entries (default ``THEME_PAGE_MAX_ENTRIES``), lay them out
    on sub-pages (``urls.theme_subpage_path``) by period, each with at
    most ``limit`` entries (a speech is never divided; one with more
    entries than ``limit`` has a page to itself)."""
    limit = THEME_PAGE_MAX_ENTRIES if limit is None else limit
    groups = [g for g in (tagged_units(s, theme) for s in corpus.speeches) if g.entries]
    layout = ThemeLayout(theme, groups, [], {}, limit)
    if layout.entries <= limit:
        return layout
    by_period: dict[str, list[Group]] = {}
    for group in groups:
        by_period.setdefault(period_of(group.speech)[0], []).append(group)
    for slug, label in [(p[0], p[1]) for p in PERIODS] + [UNDATED]:
        pages: list[list[Group]] = []
        size = limit
        for group in by_period.get(slug, []):
            if size + group.entries > limit:
                pages.append([])
                size = 0
            pages[-1].append(group)
            size += group.entries
        for number, page_groups in enumerate(pages, 1):
            name = slug if number == 1 else f"{slug}-{number}"
            sub = ThemeSubpage(urls.theme_subpage_path(theme, name), label, number, page_groups, len(pages), slug)
            layout.subpages.append(sub)
            for group in page_groups:
                layout.page_of[group.speech.id] = sub.path
    return layout


@dataclass
class Site:
    """The corpus as the page renderers see it: layouts and labels."""

    corpus: Corpus
    #: Entries per theme page before a theme is split (tests lower it).
    theme_page_limit: int = THEME_PAGE_MAX_ENTRIES
    #: Docs paths of the site's own pages (None: this repository's docs/).
    hand_written: Optional[set[str]] = None

    def has(self, path: str) -> bool:
        """Whether the hand-written page ``path`` (``urls.DATA_FORMAT`` …)
        is there to be linked to."""
        return self.hand_written is None or path in self.hand_written

    @functools.cached_property
    def layouts(self) -> dict[str, ThemeLayout]:
        """Each theme's layout (split or not), by theme name."""
        return {t.name: theme_layout(self.corpus, t, self.theme_page_limit) for t in self.corpus.themes}

    def theme_page_of(self, theme: Theme, speech: Speech) -> str:
        """The docs path of the theme page (or sub-page) that holds
        ``speech``'s passages."""
        return self.layouts[theme.name].page_of.get(speech.id, urls.theme_path(theme))

    def label(self, speech: Speech) -> str:
        """Short label for navigation: title plus place and period."""
        extra = [v for v in (speech.meta.place and speech.meta.place.value,
                             speech.meta.period and speech.meta.period.value) if v]
        return f"{speech.title}（{'，'.join(extra)}）" if extra else speech.title

    def ordered(self, names: list[str]) -> list[str]:
        """Theme names in themes.yml order."""
        order = [t.name for t in self.corpus.themes]
        return sorted(names, key=order.index)

    def theme_color(self, theme: Theme) -> str:
        """The theme's badge colour: its ``color`` or a fallback by position."""
        return theme.color or FALLBACK_COLORS[self.corpus.themes.index(theme) % len(FALLBACK_COLORS)]


def location(speech: Speech, unit: Unit) -> str:
    """Human-readable place of a unit in its speech: 第二部分 · 要点一."""
    if unit.kind == PART:
        return f"第{to_chinese_numeral(unit.number)}部分"
    if unit.parent:
        parent = speech.unit(unit.parent)
        if unit.kind == "subpoint":
            return f"第{to_chinese_numeral(parent.number)}部分 · 要点{to_chinese_numeral(unit.number)}"
        return f"第{to_chinese_numeral(parent.number)}部分 · 段落{unit.id.rsplit('p', 1)[-1]}"
    return KIND_LABEL[unit.kind]
