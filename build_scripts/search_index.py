"""The Chinese full-text search index: a chunked, positional character-bigram index.

Knows nothing of mkdocs.  ``mkdocs_hook`` collects the pages (speech and theme
pages from the corpus model, hand-written pages from mkdocs-material's own
index), and ``build`` turns them into files under ``search/``, read by the
replacement search worker ``overrides/assets/javascripts/workers/kb-search.js``
behind mkdocs-material's unchanged search box.

Why bigrams and not words: a word index finds only what the segmenter cut out
as a word, so 权益 is lost inside 合法权益 and 纽带 inside 桥梁纽带.  Every
character bigram with its positions finds *every* substring of the corpus
(the standard CJK approach, e.g. Lucene's CJKAnalyzer), and positions make
exact-phrase matching exact.  Why chunked: the whole index is never shipped;
keys are hashed into ``shard_count`` files and a query fetches only the
shards of its own bigrams, plus the text of the passages it shows.

The format (``FORMAT`` = 5; the worker's ``FORMAT`` must be equal, and a
test checks both, and the encodings below, against each other):

Folding and terms
    Text is indexed in its *folded* form, ``fold``: full-width ASCII
    (U+FF01–FF5E) → ASCII, A–Z → a–z, the ideographic space U+3000 → space;
    every other character is kept.  Folding never changes the length (in
    code points or UTF-16 units), so an offset into the folded text is an
    offset into the original, which is what the worker highlights.  Indexed
    characters are Unicode letters and numbers (categories L*, N*:
    ``is_indexed``); every other character separates terms.
Keys
    Every indexed character is a key (its documents only), and so is every
    pair of adjacent indexed characters, a *bigram* (with positions).
Documents
    Pages are numbered in the order added; a page's documents are numbered
    from 0 within it (*local* numbers), 0 being the page itself.  The
    worker numbers a document page × 65536 + local.
Hashing
    A key lives in postings shard ``key_hash(key) % shards``: 32-bit FNV-1a
    over the key's code points (offset basis 0x811C9DC5, prime
    0x01000193); ``shards`` is a power of two.
Numbers
    Varints written as text: a key's value is a string of *digits*, the 93
    printable ASCII characters but ``"`` and ``\\`` (``DIGITS``: U+0020–U+007E
    in order, which JSON never escapes); the first ``TERMINAL`` = 64 of them
    are terminal digits 0–63, the other 29 continuation digits 0–28.  A
    number is its continuation digits, lowest first, then one terminal
    digit: n = c₀ + 29·c₁ + … + 29ᵏ·t, so 0–63 take one character, up to
    1,855 two, up to 53,823 three.  Most numbers are small (steps, single
    positions), and this is 18 % shorter than LEB128 bytes in base64 (the
    previous format) and read straight from the string.  Positions count
    code points of the folded text of one document.
Entries
    A key's value is its entries, one per document holding it, in document
    order.  An entry starts with its *header*, step × 2^b + its low b bits
    (b = 2 for a bigram, 1 for a character): bit 0 is set for a part
    heading, bit 1 (a bigram's) when the document holds the bigram once.
    *step*: odd, the document is in the page of the previous entry and its
    local number is the previous one's plus (step − 1) / 2; even, the page
    is the previous entry's plus step / 2 (pages and local numbers start at
    0 and −1) and the local number follows.  A page's own document (local
    0) then has its title's length in code points (its text starts with the
    title, so positions tell whether a term is in the title).  A bigram's
    entry ends with its position deltas (from the previous position,
    starting at 0): with bit 1 set, its one position; else the number of
    characters of the deltas (so a reader skips them without decoding), then the
    deltas.  A character's entry ends there: its number of occurrences is
    not stored (the only query that would rank by it is a one-character
    term, ranked by page order instead), which halves the characters' keys.
Hot keys
    A key whose value is over ``HOT_SHARE`` of the shard size is
    *hot*: its shard holds ``[n, end₀, end₁, …]`` instead, and its entries
    are in files ``h<n>.<j>`` cut at page boundaries, part *j* holding at
    least shard size × ¾ × 2^j bytes (so the first is small and the number
    of files grows with the logarithm of the key's size); part *j* holds
    the pages from end_{j−1} (0 for the first) to end_j, exclusive, and its
    first entry gives its page in full (step = 2 × page, in its header).  The worker reads
    the first parts of a query's hot keys, answers the first screen from
    the pages they cover when that holds enough exact matches (else reads
    more), then reads the rest for the whole list.

Files written (paths relative to the site root):

``search/search_index.json``
    what mkdocs-material's search box loads and hands to the worker:
    ``{"config": {...material's search config..., "kb": MANIFEST},
    "docs": []}``, with MANIFEST (its size does not grow with the corpus:
    everything per page is in the postings and the page tables)::

        {"format":   FORMAT (int; the worker refuses another),
         "digest":   12 hex digits of SHA-256 over every other file (paths
                     and bytes); appended as ?v= to shard URLs so that a
                     rebuilt site is never read with stale shards,
         "shards":   number of postings shards (a power of two),
         "docs":     number of documents (for idf),
         "pages":    number of pages, in result order among equals,
         "kinds":    [[kind, first page], ...]: runs of page kinds —
                     speech, theme, home or doc (a hand-written page),
         "chunk":    pages per page-table file (``PAGE_CHUNK``),
         "help":     location of the help page (a doc page under about/)
                     or ""}

``search/kb/p<k>.js``
    postings shard *k*: ``kbLoaded("p<k>", {key: value})``, keys sorted;
    value is the key's entries as text (see Numbers, Entries), or a hot key's
    ``[n, end₀, …]``.
``search/kb/h<n>.<j>.js``
    part *j* of hot key *n*: ``kbLoaded("h<n>.<j>", {key: value})``.
``search/kb/t<k>.js``
    the page table, pages k·chunk … (k+1)·chunk − 1:
    ``kbLoaded("t<k>", [[location, title, facts, starts], ...])``; facts is
    the line shown under a speech's title (place · occasion · period), else
    ""; starts, the local number of the first document of each documents
    file of the page after the first (ascending; [] for one file).
``search/kb/d<n>.<c>.js``
    the documents of page *n*, file *c* (``DOC_CHUNK``; every file after
    the first starts at a part heading): ``kbLoaded("d<n>.<c>", [[anchor,
    title, text, kind], ...])``; the first of file 0 is the page itself
    (anchor "").  ``text`` is
    what was indexed (before folding), ``kind`` is ``page``, ``section`` (a
    part heading) or the unit kind of a passage.  A passage's ``title`` is
    short where it repeats its part's (``_row_title``): 0 is the part's
    title (the heading of the last ``section`` row above it, cut by
    ``_short`` to 28 characters), 1 that, " · " and the start of its own
    text (``_short`` to 24), [suffix] the part's title and the suffix.
    A row's title is 2 when it is the row's whole text (a part heading),
    3 when it is its text up to the first ideographic space U+3000 (a
    page: its title, then its metadata).  Any other title is written out.

Shards are JavaScript, not JSON, so that from ``file://`` the worker can load
them with ``<script>`` tags (browsers refuse ``fetch`` there).  Over http the
worker fetches them in parallel and parses the JSON between
``kbLoaded("<name>",`` and the final ``);`` without running anything.  The
payload is ``json.dumps`` output, which never leaves a string literal, so
speech text cannot become code.  A shard that fails to load or parse, or a
manifest of another format, is reported in the result list, never shown as
"no results" (the worker's ``IndexError``).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from operator import sub
from pathlib import Path
from typing import Callable, Iterable, Optional

from .model import LEAF_KINDS, Speech, Unit

#: Index format (see the module docstring); the worker refuses a manifest
#: of another format.  Raise it whenever the files' shape changes.
FORMAT = 5

#: Pages per page-table file: a result list's first screen (six pages)
#: fetches at most six of them, about 0.6 KB each.
PAGE_CHUNK = 4

#: A page's documents are cut, at part headings, into files of about this
#: many bytes: a result list's first screen fetches the files holding its
#: passages, not whole speeches (about 10 KB each).
DOC_CHUNK = 2_000

#: A key whose postings exceed this share of ``SHARD_BYTES`` is a hot key,
#: in files of its own (see Hot keys).
HOT_SHARE = 0.5

#: Target size of one postings shard, in bytes.  A term of n characters
#: fetches the shards of its n − 1 bigrams (of its character when n = 1)
#: and the first part of each hot key among them before its first result:
#: 3 KB keeps a four-character query near 20 KB of postings (the whole
#: first-result budget is 0.35 MB, page and scripts included).  Shards
#: come in powers of two, so the mean shard is between half this and
#: this: the synthetic 1,000-speech corpus (4.2 M characters) gets 2,048
#: shards (median 1.5 KB) and about 1,600 hot keys (first parts about
#: 2.3 KB); at 4 KB it would get 1,024 shards of twice the size.
SHARD_BYTES = 3_000



# --- characters -------------------------------------------------------------

#: Full-width ASCII forms FF01–FF5E map to ASCII 21–7E by this offset.
_FULLWIDTH_OFFSET = 0xFEE0
#: The ideographic space, folded to an ASCII space (a separator).
_IDEOGRAPHIC_SPACE = 0x3000


def fold_char(ch: str) -> str:
    """One character → its search form; always exactly one character.

    Full-width ASCII (ＡＢＣ１２３) → ASCII, A–Z → a–z.  Nothing else changes,
    so a position in the folded text is a position in the original text,
    which is what lets the worker highlight the original.  The worker's
    ``fold`` is the same function; keep them in step.
    """
    cp = ord(ch)
    if 0xFF01 <= cp <= 0xFF5E:
        cp -= _FULLWIDTH_OFFSET
    elif cp == _IDEOGRAPHIC_SPACE:
        cp = 0x20
    if 0x41 <= cp <= 0x5A:
        cp += 0x20
    return chr(cp)


def is_indexed(ch: str) -> bool:
    """Letters and numbers (Unicode categories L* and N*) are indexed;
    punctuation, symbols (× of a placeholder), marks and spaces separate
    terms.  Same class as the worker's ``/[\\p{L}\\p{N}]/u``."""
    return unicodedata.category(ch)[0] in "LN"


#: ``fold_char`` as a str.translate table (it changes only these).
_FOLD = {cp: fold_char(chr(cp)) for cp in [*range(0xFF01, 0xFF5F), _IDEOGRAPHIC_SPACE, *range(0x41, 0x5B)]}


def fold(text: str) -> str:
    """``fold_char`` over ``text`` (same length)."""
    return text.translate(_FOLD)


def key_hash(key: str) -> int:
    """32-bit FNV-1a over the code points of ``key``: which shard a key lives
    in.  The worker computes the same (``Math.imul`` with the FNV prime)."""
    h = 0x811C9DC5
    for ch in key:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


#: Runs of indexed characters.  ``str.isalnum`` is Unicode L* and N*, the
#: same class as ``is_indexed``; ``[^\W_]`` is its regex form.
_RUN = re.compile(r"[^\W_]+")


#: The digits of the index's numbers (see Numbers): printable ASCII but
#: the two characters JSON escapes, in code-point order.
DIGITS = "".join(chr(cp) for cp in range(0x20, 0x7F) if chr(cp) not in '"\\')
#: Digits DIGITS[:TERMINAL] end a number; the others continue it.
TERMINAL = 64
_CONTINUATION = len(DIGITS) - TERMINAL
_DIGIT_VALUE = {ch: n for n, ch in enumerate(DIGITS)}


def _text_varint(n: int) -> str:
    out = []
    while n >= TERMINAL:
        n, low = divmod(n, _CONTINUATION)
        out.append(DIGITS[TERMINAL + low])
    out.append(DIGITS[n])
    return "".join(out)


#: Varint forms of small numbers (most deltas), precomputed.
_VARINT_CACHED = 1 << 14
_VARINT = [_text_varint(i) for i in range(_VARINT_CACHED)]


def _varint(n: int) -> str:
    return _VARINT[n] if n < _VARINT_CACHED else _text_varint(n)


# --- documents --------------------------------------------------------------

@dataclass
class SearchDoc:
    """One searchable unit: a passage, a part heading, or a whole page.

    ``anchor`` is '' for the page itself, else the HTML id on the page.
    ``title`` is what the result list shows above ``text``; ``text`` is what
    is indexed and shown (plain text, never HTML).
    """

    anchor: str
    title: str
    text: str
    kind: str


@dataclass
class SearchPage:
    """A page and its documents; the first document is the page itself."""

    location: str
    title: str
    kind: str
    docs: list[SearchDoc] = field(default_factory=list)
    #: The line shown under the title in the result list ('' for none).
    facts: str = ""


def _short(text: str, limit: int = 28) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Result-list labels of units outside the numbered parts.
_KIND_TITLE = {"salutation": "称呼", "intro": "开场", "closing": "结束语"}


#: Named periods are the terms between two national Party congresses: the
#: labels of the period clue table (``metadata.load_period_clues``) that are
#: a congress (十七大, 十八大 …; not 中国工会十六大), each running from its
#: start year up to, not including, its end year (the next congress).
_CONGRESS_LABEL = re.compile(r"[二三四五六七八九十]+大")
#: Periods of at most this many years are indexed year by year (so that
#: 2011 finds a speech dated 2010–2012); longer ones only by their ends.
_YEARS_LISTED = 12


def named_periods(first: int, last: int) -> list[str]:
    """The named periods (``十八大``…) of a speech given in the years
    ``first``..``last`` (inclusive): those covering at least half of the
    years, in table order.  A speech of 2010–2012 is of 十七大 (2007–2012
    covers 2010 and 2011), not of 十八大 (from 2012)."""
    from .metadata import load_period_clues  # the period table's one owner

    years = range(first, last + 1)
    out = []
    for label, _patterns, start, end, _weight in load_period_clues():
        if _CONGRESS_LABEL.fullmatch(label):
            covered = sum(1 for y in years if start <= y < end)
            if covered and 2 * covered >= len(years) and label not in out:
                out.append(label)
    return out


def _year_span(value: str) -> Optional[tuple[int, int]]:
    years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)", value)]
    return (min(years), max(years)) if years else None


def speech_facts(speech: Speech) -> tuple[str, str]:
    """(line shown under the title, text indexed with the title) of a
    speech's metadata.

    The line is place · occasion · date or period, with the named periods
    of what it shows.  The indexed text is the metadata values, then per
    year span (the date's, then the period estimate's) its named periods and
    its years (each year, up to ``_YEARS_LISTED`` of them), so that 十八大,
    2016, 昌平 or 代表大会 find the speech.  For speech 004 of the seeds:
    line ``昌平区 · 代表大会 · 2010–2012（十七大时期）``, indexed
    ``昌平区　第三次代表大会　代表大会　区委…领导　估计2010–2012年：2010、2011、2012　十七大时期``.
    """
    m = speech.meta
    indexed = list(dict.fromkeys(mv.value for mv in (m.place, m.congress, m.occasion, m.speaker, m.date, m.source)
                                 if mv is not None))
    spans: list[tuple[str, tuple[int, int]]] = []
    when = m.date.value if m.date is not None else ""
    if m.date is not None and (span := _year_span(m.date.value)):
        spans.append(("", span))
    if m.period_start is not None and m.period_end is not None:
        spans.append(("估计", (m.period_start, m.period_end)))
        if not when:
            when = m.period.value if m.period is not None else f"{m.period_start}–{m.period_end}"
    named_all: list[str] = []
    for k, (label, (first, last)) in enumerate(spans):
        named = named_periods(first, last)
        if k == 0 and named:
            when = f"{when}（{'、'.join(named)}时期）"
        if label:
            years = range(first, last + 1) if last - first < _YEARS_LISTED else ()
            span_text = f"{first}年" if first == last else f"{first}–{last}年"
            indexed.append(f"{label}{span_text}" + (f"：{'、'.join(map(str, years))}" if len(years) > 1 else ""))
        elif last > first:
            indexed.append("、".join(map(str, range(first, last + 1)[:_YEARS_LISTED])) + "年")
        indexed += [f"{n}时期" for n in named if n not in named_all]
        named_all += named
    occasion = m.occasion or m.congress
    line = " · ".join(v for v in (m.place and m.place.value, occasion and occasion.value, when) if v)
    return line, "　".join(indexed)


def speech_page(speech: Speech, location: str) -> SearchPage:
    """The search documents of one speech page: the page (title and
    metadata, see ``speech_facts``), each part heading, and each leaf
    passage (sub-point, paragraph, intro, closing) with its own anchor.
    Notes (source disclaimers) are not speech text and are left out."""
    line, facts = speech_facts(speech)
    page = SearchPage(location, speech.title, "speech", facts=line)
    page.docs.append(SearchDoc("", speech.title, "　".join(v for v in (speech.title, facts) if v), "page"))
    for unit in speech.units:
        if unit.kind == "section":
            page.docs.append(SearchDoc(unit.id, unit.heading or unit.text, unit.heading or unit.text, "section"))
        elif unit.kind in LEAF_KINDS and unit.kind != "note":
            page.docs.append(SearchDoc(unit.id, _unit_title(speech, unit), unit.text, unit.kind))
    return page


def _unit_title(speech: Speech, unit: Unit) -> str:
    if unit.parent:
        part = speech.unit(unit.parent)
        head = _short(part.heading or "")
        if unit.kind == "subpoint" and unit.heading:
            return f"{head} · {_short(unit.heading, 24)}"
        return head
    return _KIND_TITLE.get(unit.kind, unit.kind)


def theme_page(name: str, description: str, location: str) -> SearchPage:
    """A theme page is found by its name and description; its passages are
    the speeches' own and are found there, not twice."""
    page = SearchPage(location, name, "theme")
    page.docs.append(SearchDoc("", name, f"{name}　{description}", "page"))
    return page


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(markup: str) -> str:
    parser = _TextOnly()
    parser.feed(markup.replace("\u200b", ""))
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def material_pages(index: dict, exclude: Callable[[str], bool]) -> list[SearchPage]:
    """Pages from mkdocs-material's ``search_index.json`` (its ``docs``:
    ``location``, ``title``, ``text`` as HTML with jieba's zero-width spaces),
    except those ``exclude(location)`` names.  Used for the hand-written
    pages in docs/; material already split them into sections."""
    pages: dict[str, SearchPage] = {}
    for entry in index.get("docs", []):
        location = str(entry.get("location", ""))
        path, _, anchor = location.partition("#")
        if exclude(path):
            continue
        title = _plain(str(entry.get("title", "")))
        text = _plain(str(entry.get("text", "")))
        page = pages.get(path)
        if page is None:
            page = pages[path] = SearchPage(path, title, "doc")
            page.docs.append(SearchDoc("", title, title, "page"))
        if anchor:
            page.docs.append(SearchDoc(anchor, title, text or title, "section"))
        elif text:
            page.docs[0].text = f"{title}　{text}"
    return list(pages.values())


# --- the index --------------------------------------------------------------

@dataclass
class SearchIndex:
    """The built index: site-relative path → file content, and figures."""

    files: dict[str, bytes]
    docs: int
    keys: int
    shards: int


class IndexBuilder:
    """Indexes pages in the order added (that order is the result order
    among equals, so add them in nav order); ``finish`` writes the files.

    Every document is numbered by its page and its place in the page (see
    Documents); each indexed character (see ``is_indexed``) of its folded
    ``text`` is posted under its own key and, with the
    next character when that is indexed too, under the bigram key (with
    positions).  A builder can be
    pickled between ``add`` calls, so part of the pages can be indexed in
    another process (the hook indexes the corpus while mkdocs renders
    pages, and adds the hand-written pages at the end).
    """

    def __init__(self) -> None:
        self.manifest_pages: list[list] = []
        self.doc_files: dict[str, bytes] = {}
        self.docs = 0
        # Per key, its encoded entries (see Entries), one string per page, in page order (pages are added in order,
        # so no sorting is needed), and the last page posted under it.
        self.postings: dict[str, list[str]] = {}
        self.last: dict[str, int] = {}

    def add(self, pages: Iterable[SearchPage]) -> "IndexBuilder":
        """Index ``pages`` after those already added; returns self."""
        postings, last, n = self.postings, self.last, self.docs
        for page in pages:
            page_no = len(self.manifest_pages)
            self.manifest_pages.append([page.location, page.title, page.kind, page.facts])
            title_length = _varint(len(page.title))
            # A key's first entry in this page says so (an even number:
            # twice the page delta, then the local document number); its
            # next entries in the page give only the local delta (odd).
            # Per key, this page's entries and the last local number.
            entries: dict[str, list[str]] = {}
            previous: dict[str, int] = {}
            rows: list[list] = []
            part_title = None
            for local, doc in enumerate(page.docs):
                text = fold(doc.text)
                positions_of: defaultdict[str, list[int]] = defaultdict(list)
                chars_of: dict[str, None] = {}
                for run in _RUN.finditer(text):
                    chars, start = run.group(), run.start()
                    chars_of.update(dict.fromkeys(chars))
                    for i in range(len(chars) - 1):
                        positions_of[chars[i:i + 2]].append(start + i)
                heading = 1 if doc.kind == "section" else 0
                first = _varint(local)
                tail = title_length if local == 0 else ""
                # (key, header bits below the step, the rest of the entry)
                bodies: list[tuple[str, int, int, str]] = []
                for key, items in positions_of.items():
                    deltas = "".join(map(_varint, map(sub, items, [0, *items])))
                    if len(items) == 1:
                        bodies.append((key, 2, 2 | heading, tail + deltas))
                    else:
                        bodies.append((key, 2, heading, tail + _varint(len(deltas)) + deltas))
                bodies += [(key, 1, heading, tail) for key in chars_of]
                for key, bits, low, body in bodies:
                    before = previous.get(key)
                    if before is None:
                        entries[key] = [_varint((2 * (page_no - last.get(key, 0)) << bits) | low), first, body]
                    else:
                        entries[key] += (_varint(((2 * (local - before) + 1) << bits) | low), body)
                    previous[key] = local
                rows.append([doc.anchor, _row_title(doc, part_title), doc.text, doc.kind])
                if doc.kind == "section":
                    part_title = _short(doc.title)
                n += 1
            # One bytes object per key and page: a hot key is cut into
            # parts between them.
            for key, parts in entries.items():
                postings.setdefault(key, []).append("".join(parts))
                last[key] = page_no
            chunks, starts = _chunks(rows)
            self.manifest_pages[-1].append(starts)
            for c, chunk in enumerate(chunks):
                self.doc_files[f"search/kb/d{page_no}.{c}.js"] = _script(f"d{page_no}.{c}", chunk)
        self.docs = n
        return self

    def finish(self, shard_bytes: int = SHARD_BYTES, base_config: Optional[dict] = None) -> SearchIndex:
        """The files of the index.  ``base_config`` is mkdocs-material's
        search ``config`` (lang, separator, …), kept so its page
        highlighter (``?h=``) works; the manifest is added as
        ``config["kb"]``.  Output is byte-identical for the same pages,
        however they were added."""
        # A hot key (职工, 工会) gets files of its own, cut at page
        # boundaries into parts that grow from about ``shard_bytes``: in a
        # shared shard every other key hashed there would be fetched with
        # it, and the first results need only its first part.
        hot = sorted(key for key, entries in self.postings.items()
                     if sum(map(len, entries)) > shard_bytes * HOT_SHARE)
        hot_set = set(hot)
        encoded = {key: "".join(entries)
                   for key, entries in self.postings.items() if key not in hot_set}
        total = sum(len(k.encode()) + len(v) + 6 for k, v in encoded.items())
        shards = 1
        while total / shards > shard_bytes:
            shards *= 2
        buckets: list[dict[str, object]] = [{} for _ in range(shards)]
        for key in sorted(encoded):
            buckets[key_hash(key) % shards][key] = encoded[key]

        files = dict(self.doc_files)
        for number, key in enumerate(hot):
            parts = _parts(self.postings[key], shard_bytes * 3 // 4, _header_bits(key))
            for j, (data, _end) in enumerate(parts):
                name = f"h{number}.{j}"
                files[f"search/kb/{name}.js"] = _script(name, {key: data})
            buckets[key_hash(key) % shards][key] = [number, *(end for _data, end in parts)]
        for k in range(0, len(self.manifest_pages), PAGE_CHUNK):
            rows = [[p[0], p[1], p[3], p[4]] for p in self.manifest_pages[k:k + PAGE_CHUNK]]
            files[f"search/kb/t{k // PAGE_CHUNK}.js"] = _script(f"t{k // PAGE_CHUNK}", rows)
        for k, bucket in enumerate(buckets):
            files[f"search/kb/p{k}.js"] = _script(f"p{k}", bucket)
        digest = hashlib.sha256()
        for path in sorted(files):
            digest.update(path.encode())
            digest.update(files[path])
        pages = self.manifest_pages
        kinds: list[list] = []
        for n, p in enumerate(pages):
            if not kinds or kinds[-1][0] != p[2]:
                kinds.append([p[2], n])
        help_page = next((p[0] for p in pages if p[2] == "doc" and p[0].startswith("about")), "")
        manifest = {"format": FORMAT, "digest": digest.hexdigest()[:12], "shards": shards,
                    "docs": self.docs, "pages": len(pages), "kinds": kinds, "chunk": PAGE_CHUNK, "help": help_page}
        config = dict(base_config or {})
        config["kb"] = manifest
        files["search/search_index.json"] = json.dumps(
            {"config": config, "docs": []}, ensure_ascii=False, separators=(",", ":"), sort_keys=True
        ).encode("utf-8")
        return SearchIndex(files=files, docs=self.docs, keys=len(self.postings), shards=shards)


def _row_title(doc: SearchDoc, part_title: Optional[str]) -> object:
    """A documents-file row's title, short where it can be derived (see
    ``d<n>.js``): 0 for the part's title (``part_title``: the last part
    heading above it, ``_short``), 1 for that, " · " and the start of its
    own text (a sub-point), [suffix] for the part's title and a suffix;
    2 for the row's whole text (a part heading), 3 for its text up to the
    first U+3000 (a page's title before its metadata); else the title
    itself."""
    title = doc.title
    if title == doc.text:
        return 2
    if title and title == doc.text.split("\u3000", 1)[0]:
        return 3
    if part_title is None or doc.kind == "section":
        return title
    if title == part_title:
        return 0
    if title == f"{part_title} · {_short(doc.text, 24)}":
        return 1
    if title.startswith(f"{part_title} · "):
        return [title[len(part_title):]]
    return title


def _chunks(rows: list[list]) -> tuple[list[list[list]], list[int]]:
    """A page's documents-file rows cut into files of about ``DOC_CHUNK``
    bytes, each after the first starting at a part heading (so that its
    short titles need nothing from an earlier file): (chunks, the local
    number each chunk after the first starts at)."""
    chunks: list[list[list]] = [[]]
    starts: list[int] = []
    size = 0
    for local, row in enumerate(rows):
        if row[3] == "section" and size >= DOC_CHUNK:
            chunks.append([])
            starts.append(local)
            size = 0
        chunks[-1].append(row)
        size += len(json.dumps(row, ensure_ascii=False).encode("utf-8"))
    return chunks, starts


def _read_varint(data: str, i: int) -> tuple[int, int]:
    """The number at ``data[i:]`` (see Numbers) and the index after it."""
    n, scale = 0, 1
    while True:
        digit = _DIGIT_VALUE[data[i]]
        i += 1
        if digit < TERMINAL:
            return n + digit * scale, i
        n += (digit - TERMINAL) * scale
        scale *= _CONTINUATION


def _header_bits(key: str) -> int:
    """Bits of an entry's header below its step: 2 for a bigram (single
    position, heading), 1 for a character (heading); see Entries."""
    return 2 if len(key) > 1 else 1


def _parts(pages: list[str], part_bytes: int, bits: int) -> list[tuple[str, int]]:
    """A hot key's entries (see Entries), one string per page, cut
    into parts, part *j* of at least ``part_bytes`` × 2^j bytes (the last
    may be smaller: the first part is small, for the first results, and the
    number of files grows with the logarithm of the key's size), each
    starting with its page number in full (not a delta), so that each part
    is read on its own: [(entries, end page), ...], the end exclusive; the
    last part ends at the last page posted + 1.  ``bits``: the key's
    ``_header_bits``."""
    parts: list[tuple[str, int]] = []
    out: list[str] = []
    size, page = 0, 0
    low_mask = (1 << bits) - 1
    for entries in pages:
        header, j = _read_varint(entries, 0)  # its step is even: a page's first entry
        page += header >> bits >> 1
        if out and size >= part_bytes << len(parts):
            parts.append(("".join(out), page))
            out, size = [], 0
        out.append(entries if out else _varint((2 * page) << bits | (header & low_mask)) + entries[j:])
        size += len(entries)
    parts.append(("".join(out), page + 1))
    return parts


def build(pages: Iterable[SearchPage], shard_bytes: int = SHARD_BYTES,
          base_config: Optional[dict] = None) -> SearchIndex:
    """Index ``pages`` in one go (see ``IndexBuilder``)."""
    return IndexBuilder().add(pages).finish(shard_bytes, base_config)


def index_file(pages_path: Path, builder_path: Path) -> None:
    """For a worker process: index the ``SearchPage`` list pickled in
    ``pages_path`` and pickle the ``IndexBuilder`` to ``builder_path``.

    Files, not the worker's pipe: a pipe moves tens of MB in 64 KB reads,
    each waiting for the GIL of a parent that is busy rendering pages (at
    1,000 speeches that made the handover take longer than the indexing)."""
    with open(pages_path, "rb") as f:
        pages = pickle.load(f)
    builder = IndexBuilder().add(pages)
    with open(builder_path, "wb") as f:
        pickle.dump(builder, f, protocol=pickle.HIGHEST_PROTOCOL)


def _script(name: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f'kbLoaded("{name}",{payload});\n'.encode("utf-8")

