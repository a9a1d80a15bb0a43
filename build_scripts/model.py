"""The in-memory corpus model every stage fills in and every renderer reads.

One ``Corpus`` holds the themes and the speeches; a ``Speech`` holds its
original text, its cleaned lines, its metadata and its ``Unit`` tree (a flat
list whose ``parent`` fields form the tree).  Nothing here knows about mkdocs.

Glossary — one word per thing, in code, pages and docs:

speech (讲话)
    One input file: a ``Speech``, published as the page ``speeches/<id>``.
unit
    Any piece a speech is split into: a ``Unit`` of one of ``UNIT_KINDS``.
    Its ``id`` is also its anchor on the speech page and its id in the
    export, so ids never change meaning.
part (部分)
    A numbered division of the speech (一、二、…).  Unit kind ``"section"``
    (the value in the export), id ``part-<n>``; ``Speech.parts``.  A part's
    text is its heading plus the text of its children.
sub-point (要点)
    A numbered point inside a part (一是…、二要…).  Unit kind ``"subpoint"``,
    id ``part-<n>-<m>``; its first sentence is its ``heading``.
paragraph (段落)
    Any other paragraph inside a part (kind ``"paragraph"``, id
    ``part-<n>-p<m>``), or outside the parts (``intro-<n>``, ``closing-<n>``).
passage
    The units of speech text that are tagged and searched one by one:
    every leaf unit but a note (``PASSAGE_KINDS``; ``Speech.passages``).
    Counted the same way by ``check``, the site and the search index.  (A
    salutation is a passage the tagger never gives a theme.)
note (附注)
    A source disclaimer found in the file: a leaf, but not speech text.
theme (主题)
    A ``Theme`` from themes.yml; a unit carries it as a ``ThemeTag``.
evidence
    The lexicon terms that made a unit carry a theme (``Evidence``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

#: Unit kinds, in the order they may appear in a speech (see the glossary
#: above: ``section`` is a part, ``subpoint`` a sub-point).
UNIT_KINDS = ("note", "salutation", "intro", "section", "subpoint", "paragraph", "closing")

#: The kind of a part (部分): ``"section"``, as published in the export.
PART = "section"

#: Kinds whose text is not contained in another unit: every non-space
#: character of a speech lies in exactly one leaf unit (or in the title).
LEAF_KINDS = ("note", "salutation", "intro", "subpoint", "paragraph", "closing")

#: Kinds of the passages: every leaf but a note (notes are not speech text).
PASSAGE_KINDS = tuple(k for k in LEAF_KINDS if k != "note")


@dataclass
class Evidence:
    """One matched lexicon term in a unit.

    ``term`` is the lexicon entry, ``weight`` its weight in themes.yml,
    ``sentence`` the cleaned sentence it occurs in, ``count`` how often it
    occurs in the unit, ``cue`` whether it matched in the unit's heading.
    """

    term: str
    weight: float
    sentence: str
    count: int = 1
    cue: bool = False


@dataclass
class ThemeTag:
    """A theme assigned to a unit, with its score and the terms behind it."""

    theme: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    #: The passage is mainly about this theme (its strongest, or close to
    #: it); theme pages list these passages first (``tagger.order_key``).
    main: bool = True

    @property
    def terms(self) -> list[str]:
        """Evidence terms, strongest first, each once (a heading cue can
        also be a keyword of the passage)."""
        return list(dict.fromkeys(e.term for e in self.evidence))


@dataclass
class Unit:
    """One annotated unit of a speech.

    ``id`` is unique within the speech and is also the HTML anchor on the
    speech page (``part-2``, ``part-2-1``, ``part-2-p1``, ``intro-1`` …).
    ``text`` is the cleaned text; for a part it is the concatenation of
    its heading and its children's texts.  ``line`` is the 1-based line of
    the source file where the unit starts.
    """

    id: str
    kind: str
    text: str
    line: int
    parent: Optional[str] = None
    number: Optional[int] = None
    heading: Optional[str] = None
    tags: list[ThemeTag] = field(default_factory=list)
    #: Scores of every theme, also those below the tagging threshold; kept
    #: so the site can explain why a theme was *not* assigned.
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def themes(self) -> list[str]:
        return [t.theme for t in self.tags]

    def tag(self, theme: str) -> Optional[ThemeTag]:
        for t in self.tags:
            if t.theme == theme:
                return t
        return None


@dataclass
class MetaValue:
    """A metadata value with the source text it was read from.

    ``source`` is the sentence or phrase that justifies ``value``;
    ``origin`` says how the value was obtained: ``text`` (found in the
    speech), ``title``, ``byline`` (front matter under the title: byline,
    date line), ``inferred`` (derived, e.g. 第九次…以来 → 第十次),
    ``sidecar`` (given in seeds/<id>.yml) or ``default``.
    """

    value: str
    source: str = ""
    origin: str = "text"


@dataclass
class PeriodClue:
    """A dated expression found in a speech (十二五, 十九大 …).

    ``start``/``end`` are the years (inclusive) in which a speech using the
    expression is plausibly given; see build_scripts/data/period_clues.yml.
    """

    term: str
    label: str
    start: int
    end: int
    weight: float
    sentence: str


@dataclass
class Meta:
    """Speech metadata; every value keeps the text it came from."""

    title: MetaValue
    place: Optional[MetaValue] = None
    congress: Optional[MetaValue] = None
    occasion: Optional[MetaValue] = None
    speaker: Optional[MetaValue] = None
    date: Optional[MetaValue] = None
    source: Optional[MetaValue] = None
    period: Optional[MetaValue] = None
    period_start: Optional[int] = None
    period_end: Optional[int] = None
    clues: list[PeriodClue] = field(default_factory=list)
    #: Human-readable warnings about the metadata (e.g. a title year that
    #: contradicts the text's period clues).
    warnings: list[str] = field(default_factory=list)


@dataclass
class Placeholder:
    """A redaction placeholder found in the source (XX, ××, _, **, times;…)."""

    original: str
    line: int
    count: int = 1


@dataclass
class Speech:
    """One speech: source, cleaned lines, metadata and units."""

    id: str
    source: str
    original: str
    lines: list[tuple[int, str]]
    title: str
    title_line: Optional[int]
    notes: list[str] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    meta: Optional[Meta] = None
    #: How the file was read: "UTF-8", "GB18030", "UTF-16 (BOM)", "docx" …
    encoding: str = "UTF-8"
    #: Line reconstruction decisions, (source line, action): "rejoin" (a
    #: hard-wrapped line joined to the next), "runin" (a heading or greeting
    #: split from its paragraph), "title" (the title split from the greeting
    #: after it), "markup" (web-editor leftovers removed).
    repairs: list[tuple[int, str]] = field(default_factory=list)

    def unit(self, unit_id: str) -> Unit:
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(f"{self.id}: no unit {unit_id!r}")

    def children(self, unit_id: Optional[str]) -> list[Unit]:
        return [u for u in self.units if u.parent == unit_id]

    @property
    def parts(self) -> list[Unit]:
        """The parts (部分), in order."""
        return [u for u in self.units if u.kind == PART]

    @property
    def passages(self) -> list[Unit]:
        """The passages (see the glossary), in order."""
        return [u for u in self.units if u.kind in PASSAGE_KINDS]

    @property
    def themes(self) -> list[str]:
        """Themes of any unit, in first-seen order."""
        seen: list[str] = []
        for u in self.units:
            for t in u.themes:
                if t not in seen:
                    seen.append(t)
        return seen


@dataclass
class Theme:
    """A theme from themes.yml (see build_scripts/themes.py for the schema)."""

    name: str
    slug: str
    description: str
    keywords: dict[str, float]
    phrases: dict[str, float]
    heading_cues: list[str]
    color: str = ""
    #: Sentence subjects (工会干部, 各级党委) that make a sentence about
    #: this theme whatever else it names (build_scripts/tagger.py).
    subjects: list[str] = field(default_factory=list)


@dataclass
class SkippedFile:
    """A seed file that could not be used, and why."""

    path: str
    message: str


@dataclass
class Corpus:
    """Everything the site and the JSON export are rendered from."""

    themes: list[Theme]
    speeches: list[Speech]
    skipped: list[SkippedFile] = field(default_factory=list)
    #: The corpus-wide views (提法, reuse, citations, trends): an
    #: ``insight.Insight``, computed after every speech is analysed; None
    #: when only some files were analysed (the ``tag`` command).
    insight: Optional[object] = None
    #: Entries of seeds/ that are not speeches (hidden files, other
    #: suffixes, sub-folders): logged at INFO and counted, never read.
    ignored: list[SkippedFile] = field(default_factory=list)
    #: SHA-256 of everything the corpus was built from (code, lexicon,
    #: each speech's text and sidecar, skipped files, insight.yml); "" when
    #: built without the analysis cache.  Same digest, same corpus: the
    #: incremental build's key for what is rendered from it.
    digest: str = ""

    def theme(self, name: str) -> Theme:
        for t in self.themes:
            if t.name == name:
                return t
        raise KeyError(name)
