"""Split a cleaned speech into annotated units.

The structure of a 讲话 follows a fixed rhetoric: title; front matter
(byline, date, 根据录音整理, source); salutation (各位代表、同志们：);
introduction paragraphs; numbered parts, each with a heading; inside a part,
optional numbered sub-points written inline or as separate paragraphs; and a
closing (同志们…, 最后，预祝大会…, 让我们…).

Speeches arrive pasted from PDFs, Word files and web pages, so the lines are
first reconstructed (``reconstruct``):

* a hard-wrapped line is re-joined with the next line when it ends without
  sentence-final punctuation and the next line continues the sentence (it
  does not start with a marker or a salutation, and no blank
  line or paragraph indent separates them).  When most lines share one
  length (the wrap width), a line of that length continues into the next
  (even after a full stop: far likelier a sentence ending at the margin than
  a paragraph ending there) and a shorter line ends its paragraph;
* a part heading run into its first paragraph (一、增强大局意识，……主力军。
  服务大局……) is split after its first 。/：/！/？ (``_split_part_line``).

Every such decision is kept as a ``Repair``.

**Which markers number the parts** is decided per speech, from the marker
families in ``FAMILIES`` ranked from the highest level down: 第一部分 >
一、 > 第一，/第一、/第一个 > （一） > 1./1、 > 一是/一要.  A family is a
chain when lines *starting* with its marker are numbered 1, 2, 3 … (each
the next number; an out-of-sequence one is ordinary text).  第一部分 and 一、
number nothing but parts, so any chain of them gives the parts (a single
一、 too, when its line is a heading).  The other families also number
lists, so their chain must have two members or more and span the body: its
first member starts in the first 60 % of the body's characters and its
members spread over at least 20 % of them.  The parts are the
highest-ranked family that qualifies.

**Sub-points** of a part use the highest-ranked family *below* the parts'
family that forms a chain of at least two inside that part — （一）, 一是/
一要/一是要, 1./1、, 首先…其次…(再次)…最后 — at a line start or right after a
sentence end (。！？；：).  第一，/第二， inside a paragraph counts only
when a colon introduces it (……的能力和水平：第一，…；第二，…); otherwise
(我讲两点。第一，…；第二，…) it is an enumeration of arguments, ambiguous,
and stays paragraph text.  So does any marker that does not continue its
chain.

Every character of every cleaned line ends up in exactly one leaf unit (or
in the title); ``check_lossless`` verifies it and the pipeline calls it for
every speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from .model import LEAF_KINDS, Unit

# --- numerals ----------------------------------------------------------------

#: Chinese numerals used to number parts and sub-points (一 … 九十九).
NUMERAL = "一二三四五六七八九十"
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def chinese_numeral(text: str) -> Optional[int]:
    """Value of a Chinese numeral from 一 (1) to 九十九 (99), else None."""
    if not text or any(c not in NUMERAL for c in text):
        return None
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            return None
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return _DIGITS[text] if len(text) == 1 else None


def to_chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (1–99); the inverse of
    ``chinese_numeral``."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# --- patterns ----------------------------------------------------------------

#: Marks that end a sentence (or a clause that can be followed by a
#: sub-point marker: ；and ： introduce "一是…；二是…" lists).
SENTENCE_END = "。！？；：!?;:"
#: Marks after which a run-in part heading ends (the heading is the
#: numbered clause up to the first of them).
HEADING_END = "。！？："
#: What a line ends with when its sentence is complete: SENTENCE_END,
#: …… and a closing quote or bracket after one of them.
_COMPLETE_RE = re.compile(f"(?:[{SENTENCE_END}…]|[{SENTENCE_END}][”’」』）)]+)$")


@dataclass(frozen=True)
class Family:
    """A family of numbering markers (一、二、…; （一）（二）…).

    ``pattern`` matches one marker at the start of a string and has a
    group ``n`` with its number; ``number`` turns the match into an int
    (None: not a number).  ``inline`` says whether a marker of the family
    counts right after a sentence end, not only at a line start."""

    name: str
    pattern: re.Pattern
    inline: bool = True
    number: Callable[[re.Match], Optional[int]] = lambda m: chinese_numeral(m.group("n"))


_N = f"(?P<n>[{NUMERAL}]{{1,3}})"
_ORDINAL_WORDS = {"首先": 1, "其次": 2, "再次": 3, "第三": 3}
#: Marker families, from the highest level down (see the module docstring).
FAMILIES = (
    Family("第一部分", re.compile(f"第{_N}部分")),
    Family("一、", re.compile(f"{_N}、")),
    Family("第一，", re.compile(f"第{_N}(?:[，、,：:]|个(?=[{NUMERAL}]?[^\\s{NUMERAL}]))")),
    Family("（一）", re.compile(f"[（(]{_N}[）)]")),
    Family("1.", re.compile(r"(?P<n>[1-9]\d?)(?:[.．、](?!\d)|[）)])"), number=lambda m: int(m.group("n"))),
    Family("一是", re.compile(f"{_N}(?:是要|是|要)")),
    Family("首先", re.compile("(?P<n>首先|其次|再次)[，,、]"), number=lambda m: _ORDINAL_WORDS[m.group("n")]),
)
#: Families that may number the parts (首先…其次… never does).
PART_FAMILIES = FAMILIES[:6]

#: A sub-point marker at a sentence start (kept for callers that only need
#: to know whether a passage starts like a sub-point): 一是 / 一要 / 一是要
#: / （一） / 第一，.  "第一要务" is not a marker: 第 must be followed by
#: 、or ，.
SUBPOINT_RE = re.compile(
    f"(?:(?<=^)|(?<=[{SENTENCE_END}]))"
    f"(?:(?P<a>[{NUMERAL}]{{1,2}})(?:是要|是|要)"
    f"|[（(](?P<b>[{NUMERAL}]{{1,2}})[）)]"
    f"|第(?P<c>[{NUMERAL}]{{1,2}})[，、,])"
)
#: A part heading in the classic layout: a numeral, 、 and a short heading
#: without a sentence end inside it.
PART_HEADING_RE = re.compile(f"^(?P<num>[{NUMERAL}]{{1,3}})、(?P<title>[^。！？；]{{1,60}})[。！？]?$")
#: A salutation line: short, addressed to the audience, ending in ：or ！;
#: or a line of nothing but forms of address (各位代表，同志们).
SALUTATION_RE = re.compile(
    r"^(?:(?:尊敬的|各位|同志们|女士们|亲爱的|全体)[^。]{0,28}[：:！!]"
    r"|(?:(?:尊敬的|亲爱的|各位|全体)?[^，。、：！]{0,8}(?:代表|同志|来宾|委员|朋友|女士|先生|领导|嘉宾|职工|会员)们?[，、,]?){1,5}[：:！!]?)$"
)
#: A first line holding the title and the greeting after it
#: (在××大会上的讲话同志们：“……”): split after the title word.
TITLE_RUNIN_RE = re.compile(r"^(?P<title>[^。！？：:]{4,50}?(?:讲话|致辞|发言|开幕词|闭幕词|报告|主持词|讲稿))"
                            r"(?P<rest>(?:尊敬的|各位|同志们|亲爱的|女士们|朋友们).+)$")
#: A greeting run into the first paragraph (同志们：今天……): split after
#: its colon.
SALUTATION_RUNIN_RE = re.compile(r"^(?P<salutation>(?:尊敬的|各位|同志们|女士们|亲爱的|全体)[^。：:！!]{0,28}[：:])(?P<rest>.+)$")
#: A closing paragraph after the last part: addresses the audience again,
#: or rallies (让我们…), or wishes the meeting success (预祝…).
CLOSING_RE = re.compile(r"^(?:各位代表|各位同志|同志们|最后|朋友们)|让我们|预祝")
#: A title: one short line with no sentence end inside.
TITLE_MAX_CHARS = 50
#: A sub-point's heading is its first sentence when that is this short.
SUBPOINT_HEADING_MAX_CHARS = 60

# --- front matter ------------------------------------------------------------

_CN_DIGIT = "〇○零一二三四五六七八九"
#: A date: 2016年5月20日, 二〇一六年五月二十日 (day optional).
DATE_TEXT = (f"(?:\\d{{4}}|[{_CN_DIGIT}]{{4}})\\s*年\\s*(?:\\d{{1,2}}|[{NUMERAL}]{{1,3}})\\s*月"
             f"(?:\\s*(?:\\d{{1,2}}|[{NUMERAL}]{{1,3}})\\s*日)?")
#: Posts a byline names before the speaker's name.
_POSTS = ("书记|副书记|主席|副主席|区长|县长|市长|省长|州长|旗长|镇长|乡长|部长|主任|委员|常委|局长|厅长|"
          "组长|会长|理事长|总经理|董事长|院长|校长|秘书长|主任委员|党组书记|代表")
#: Front matter: lines under the title that say who spoke, when and where
#: the text comes from — metadata, never a passage.
FRONT_PATTERNS = (
    ("date", re.compile(f"^[（(]?{DATE_TEXT}(?:[，,]?在[^。！？]{{0,60}}?(?:上|时|中))?(?:的讲话|讲话)?[）)]?$")),
    ("recording", re.compile(r"^[（(]?(?:根据|据)?录音整理[，,]?(?:有删节|未经本人审阅)?[）)]?$")),
    ("source", re.compile(r"^[（(]?(?:来源|出处|文章来源|选自|原载|刊于|发表于|摘自|转自)[:：]?[^。！？]{1,60}[）)]?$")),
    ("subtitle", re.compile(r"^[—－\-]{1,2}[^。！？]{2,60}$")),
    ("byline", re.compile(f"^(?:[\\u4e00-\\u9fff、]{{0,24}}?(?:{_POSTS}))?[\\u4e00-\\u9fff×]{{2,4}}$")),
    ("byline", re.compile(f"^[\\u4e00-\\u9fff×]{{2,4}}[（(][^（）()]{{0,24}}(?:{_POSTS})[）)]$")),
)
#: At most this many front-matter lines follow a title.
FRONT_MAX_LINES = 4


def front_kind(line: str, next_lines: tuple[str, ...] = ()) -> Optional[str]:
    """The kind of front-matter line ``line`` is — "date", "byline",
    "recording", "source", "subtitle" — or None.

    A bare 2–4 character name ("张某某") counts as a byline only when a
    date or another front-matter line follows it (otherwise it could be a
    heading such as 开幕词)."""
    for kind, pattern in FRONT_PATTERNS:
        if pattern.match(line):
            if kind == "byline" and not re.search(_POSTS, line) and not re.search(r"某|×", line):
                if not (next_lines and front_kind(next_lines[0]) in ("date", "recording", "source")):
                    continue
            return kind
    return None


@dataclass
class Repair:
    """One decision of line reconstruction: ``action`` is "rejoin" (line
    ``line`` was a hard wrap and continues on the next line), "runin" (a
    heading or greeting was split from the paragraph run into it on line
    ``line``), "title" (the title was split from the greeting after it) or
    "markup" (Markdown/HTML leftovers removed, see ``cleaner.strip_markup``)."""

    line: int
    action: str


@dataclass
class Structure:
    """What ``analyse`` finds: the title and its line, the units, the
    reconstruction decisions, and the front matter as (kind, line, text)."""

    title: Optional[str]
    title_line: Optional[int]
    units: list[Unit]
    repairs: list[Repair] = field(default_factory=list)
    front: list[tuple[str, int, str]] = field(default_factory=list)
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Marker:
    line_index: int
    start: int
    number: int
    end: int = 0


def _first_sentence(text: str) -> str:
    m = re.search(f"[{SENTENCE_END}]", text)
    return text[: m.end()] if m else text


def _heading_of(text: str) -> Optional[str]:
    """A sub-point's heading: its first sentence, or its first clause when
    the sentence is too long to be read as a heading."""
    first = _first_sentence(text).rstrip(SENTENCE_END)
    if len(first) > SUBPOINT_HEADING_MAX_CHARS:
        first = re.split("[，,]", first, maxsplit=1)[0]
    return first if 0 < len(first) <= SUBPOINT_HEADING_MAX_CHARS else None


def subpoint_heading(text: str) -> Optional[str]:
    """The heading of a passage that starts with a sub-point marker
    (一是…, 二要…, （三）…), as the splitter would give it; else None."""
    m = SUBPOINT_RE.match(text)
    return _heading_of(text) if m else None


def is_title(line: str) -> bool:
    """True if a cleaned line looks like a speech title (short, no 。)."""
    return (
        len(line) <= TITLE_MAX_CHARS
        and not re.search(f"[{SENTENCE_END}]", line)
        and not PART_HEADING_RE.match(line)
        and not SALUTATION_RE.match(line)
    )


def _marker_at_start(text: str) -> Optional[tuple[Family, re.Match]]:
    for family in FAMILIES:
        m = family.pattern.match(text)
        if m and family.number(m) is not None:
            return family, m
    return None


def _heading_like(text: str) -> bool:
    """A line that reads as a numbered heading: it starts with a part-level
    marker and holds no sentence end before its last character."""
    found = _marker_at_start(text)
    return bool(found and found[0] in PART_FAMILIES and not re.search(f"[{SENTENCE_END}]", text[:-1]))


# --- line reconstruction -------------------------------------------------------

#: A wrap width is assumed when at least this many lines, and this share of
#: the lines of 10 characters or more, have one same length.
WRAP_MIN_LINES = 3
WRAP_MIN_SHARE = 0.25
#: Without a wrap width, a line shorter than this is never re-joined (a
#: short line without a full stop is a heading or a label, not a wrap).
UNWRAPPED_MIN_CHARS = 20


def _wrap_width(lines: list[tuple[int, str]], length: Callable[[int, str], int]) -> Optional[int]:
    """The length most lines were hard-wrapped at, or None."""
    lengths = [length(n, t) for n, t in lines if length(n, t) >= 10]
    if not lengths:
        return None
    counts: dict[int, int] = {}
    for n in lengths:
        counts[n] = counts.get(n, 0) + 1
    width, count = max(sorted(counts.items()), key=lambda kv: kv[1])
    if count >= WRAP_MIN_LINES and count >= WRAP_MIN_SHARE * len(lengths) and width >= 12:
        return width
    return None


def _starts_block(text: str) -> bool:
    """A line that cannot continue the previous line's sentence."""
    return bool(_marker_at_start(text) or SALUTATION_RE.match(text))


def reconstruct(lines: list[tuple[int, str]], indented: frozenset = frozenset(),
                widths: Optional[dict[int, int]] = None) -> tuple[list[tuple[int, str]], list[Repair]]:
    """Re-join hard-wrapped lines (see the module docstring).

    ``lines`` are (source line number, cleaned text); ``indented`` the
    source line numbers that began with whitespace; ``widths`` the length
    of each source line as typed (``cleaner.CleanText.widths``; cleaning
    shortens a wrapped line that held spaces or ``times;``), else the
    cleaned length is used.  Returns the logical
    lines — each numbered by its first source line, its text the
    concatenation of the joined lines, so no character is lost — and a
    "rejoin" ``Repair`` for every line joined to the next."""
    if len(lines) < 2:
        return list(lines), []

    def length(n: int, t: str) -> int:
        return widths.get(n, len(t)) if widths else len(t)

    width = _wrap_width(lines, length)
    pairs = list(zip(lines, lines[1:]))
    # Blank lines mean "new paragraph" unless they stand between almost all
    # lines (then they carry no information); the same for indentation.
    gaps = sum(1 for (a, _), (b, _) in pairs if b - a > 1)
    gaps_tell = gaps < 0.8 * len(pairs)
    n_indented = sum(1 for n, _ in lines if n in indented)
    indent_tells = 2 <= n_indented <= len(lines) - 2

    def continues(prev: tuple[int, str], cur: tuple[int, str]) -> bool:
        (pn, pt), (cn, ct) = prev, cur
        if (gaps_tell and cn - pn > 1) or (indent_tells and cn in indented) or _starts_block(ct):
            return False
        if SALUTATION_RE.match(pt):
            return False
        if width is not None:
            if length(pn, pt) < width - 2:
                return False
            # A full stop at the wrap width is far more often a sentence
            # that happened to end at the margin (about one wrap in twenty)
            # than a paragraph as long as a whole number of lines, so the
            # paragraph goes on (indents and blank lines, checked above, say
            # otherwise).
            if _heading_like(pt):
                # A heading as long as the wrap width continues only into a
                # short last line (its own tail), not into a paragraph.
                return length(cn, ct) < width - 2 and not _COMPLETE_RE.search(ct)
            return True
        return not _COMPLETE_RE.search(pt) and not _heading_like(pt) and len(pt) >= UNWRAPPED_MIN_CHARS

    out: list[list] = [[lines[0][0], lines[0][1]]]
    repairs: list[Repair] = []
    for prev, cur in pairs:
        if continues(prev, cur):
            out[-1][1] += cur[1]
            repairs.append(Repair(prev[0], "rejoin"))
        else:
            out.append([cur[0], cur[1]])
    return [(n, t) for n, t in out], repairs


# --- parts and sub-points ------------------------------------------------------

def _chain(texts: list[str], family: Family, inline: bool) -> list[_Marker]:
    """The chain 1, 2, 3 … of ``family``'s markers in ``texts`` (each
    marker the next number; others are ordinary text).  ``inline``: a
    marker also counts right after a sentence end, not only at a line
    start.  首先…其次… may end with 最后."""
    head = f"(?:(?<=^)|(?<=[{SENTENCE_END}]))" if inline and family.inline else "^"
    pattern = re.compile(head + f"(?:{family.pattern.pattern}|(?P<last>最后)[，,])" if family.name == "首先"
                         else head + family.pattern.pattern)
    chain: list[_Marker] = []
    expected = 1
    for li, text in enumerate(texts):
        for m in pattern.finditer(text):
            if (family.name == "第一，" and expected == 1 and m.start() > 0 and text[m.start() - 1] not in "：:"):
                continue  # 第一， inside a paragraph opens a list only after a colon
            if family.name == "首先" and m.group("last"):
                if expected >= 3:
                    chain.append(_Marker(li, m.start(), expected, m.end()))
                    return chain
                continue
            if family.number(m) == expected:
                chain.append(_Marker(li, m.start(), expected, m.end()))
                expected += 1
    return chain


def _part_chain(lines: list[tuple[int, str]]) -> tuple[Optional[Family], list[_Marker]]:
    """The parts' family and its chain (see the module docstring)."""
    texts = [t for _, t in lines]
    sizes = [len(t) for t in texts]
    total = sum(sizes) or 1
    offsets = [sum(sizes[:i]) for i in range(len(sizes))]
    for family in PART_FAMILIES:
        chain = _chain(texts, family, inline=False)
        if family in PART_FAMILIES[:2]:
            # 第一部分 and 一、 number nothing but parts: any chain will do,
            # even one part when its line is a heading.
            if len(chain) >= 2 or (chain and _heading_like(texts[chain[0].line_index])):
                return family, chain
            continue
        if len(chain) < 2:
            continue
        first, last = offsets[chain[0].line_index], offsets[chain[-1].line_index]
        if first <= 0.6 * total and last - first >= 0.2 * total:
            return family, chain
    return None, []


def _split_part_line(text: str, marker_end: int) -> tuple[str, str]:
    """(heading, run-in paragraph) of a part's line: the heading is the
    numbered clause up to the first 。/：/！/？; the paragraph is "" when
    nothing follows it."""
    m = re.search(f"[{HEADING_END}]", text[marker_end:])
    if not m:
        return text, ""
    cut = marker_end + m.end()
    # Keep closing quotes and brackets with the heading.
    while cut < len(text) and text[cut] in "”’」』）)":
        cut += 1
    return text[:cut], text[cut:]


def _split_part(part: Unit, body: list[tuple[int, str]], part_family: Family) -> list[Unit]:
    """Children of one part: paragraphs and sub-points, in text order."""
    texts = [t for _, t in body]
    rank = FAMILIES.index(part_family)
    markers: list[_Marker] = []
    for family in FAMILIES[rank + 1:]:
        markers = _chain(texts, family, inline=True)
        if len(markers) >= 2:
            break
        markers = []
    by_line: dict[int, list[_Marker]] = {}
    for mk in markers:
        by_line.setdefault(mk.line_index, []).append(mk)

    children: list[Unit] = []
    paragraphs = 0
    # A sub-point whose line holds only its heading sentence ("一是加强党对
    # 工会工作的领导。") continues over the following unmarked lines.
    open_subpoint: Optional[Unit] = None

    def add_paragraph(text: str, line: int) -> None:
        nonlocal paragraphs
        paragraphs += 1
        children.append(Unit(id=f"{part.id}-p{paragraphs}", kind="paragraph", text=text,
                             line=line, parent=part.id))

    for li, (line_no, text) in enumerate(body):
        line_markers = by_line.get(li, [])
        if not line_markers:
            if open_subpoint is not None:
                open_subpoint.text += "\n" + text
            else:
                add_paragraph(text, line_no)
            continue
        open_subpoint = None
        if line_markers[0].start > 0:
            add_paragraph(text[: line_markers[0].start], line_no)
        for k, mk in enumerate(line_markers):
            end = line_markers[k + 1].start if k + 1 < len(line_markers) else len(text)
            piece = text[mk.start:end]
            unit = Unit(id=f"{part.id}-{mk.number}", kind="subpoint", text=piece, line=line_no,
                        parent=part.id, number=mk.number, heading=_heading_of(piece))
            children.append(unit)
            heading_only = (len(line_markers) == 1 and mk.start == 0 and _first_sentence(piece) == piece
                            and len(piece) <= SUBPOINT_HEADING_MAX_CHARS)
            if heading_only:
                open_subpoint = unit
    return children


def _take_front(rest: list[tuple[int, str]]) -> list[tuple[str, int, str]]:
    """Front-matter lines at the start of ``rest`` (removed from it)."""
    front: list[tuple[str, int, str]] = []
    while rest and len(front) < FRONT_MAX_LINES:
        kind = front_kind(rest[0][1], tuple(t for _, t in rest[1:2]))
        if kind is None:
            break
        n, t = rest.pop(0)
        front.append((kind, n, t))
    return front


def analyse(lines: list[tuple[int, str]], notes: list[tuple[int, str]] = (),
            indented: frozenset = frozenset(), sidecar_title: Optional[str] = None,
            repairs: list[Repair] = (), rejoin: bool = True,
            widths: Optional[dict[int, int]] = None) -> Structure:
    """Reconstruct and split cleaned lines into units.

    ``lines`` are (source line number, cleaned text) pairs as returned by
    ``cleaner.clean``; ``notes`` the disclaimer lines; ``indented`` the
    source lines that began with whitespace; ``widths`` their lengths as
    typed (see ``reconstruct``); ``repairs`` decisions already
    made by the cleaner (kept first in the result).  ``sidecar_title``:
    the title a sidecar sets — the first line is then the title only if it
    is that same text; a different title-like first line is kept as a note
    (``source-title``), so no line vanishes.  ``rejoin=False`` takes the
    lines as already reconstructed.  Never raises."""
    units: list[Unit] = [Unit(id=f"note-{i}", kind="note", text=t, line=n)
                         for i, (n, t) in enumerate(notes, start=1)]
    rest = list(lines)
    title: Optional[str] = None
    title_line: Optional[int] = None
    early: list[Repair] = []
    m = TITLE_RUNIN_RE.match(rest[0][1]) if rest else None
    if m:
        rest[0:1] = [(rest[0][0], m.group("title")), (rest[0][0], m.group("rest"))]
        early.append(Repair(rest[0][0], "title"))
    if rest and is_title(rest[0][1]):
        if sidecar_title is None or rest[0][1] == sidecar_title:
            title_line, title = rest.pop(0)
        else:
            n, t = rest.pop(0)
            units.append(Unit(id="source-title", kind="note", text=t, line=n))
    front = _take_front(rest)
    units += [Unit(id=f"byline-{i}", kind="note", text=t, line=n) for i, (_, n, t) in enumerate(front, start=1)]
    rest, joined = reconstruct(rest, indented, widths) if rejoin else (rest, [])
    all_repairs = list(repairs) + early + joined
    m = SALUTATION_RUNIN_RE.match(rest[0][1]) if rest and not SALUTATION_RE.match(rest[0][1]) else None
    if m:
        rest[0:1] = [(rest[0][0], m.group("salutation")), (rest[0][0], m.group("rest"))]
        all_repairs.append(Repair(rest[0][0], "runin"))
    structure = Structure(title, title_line, units, all_repairs, front, list(rest))

    if rest and SALUTATION_RE.match(rest[0][1]):
        n, t = rest.pop(0)
        units.append(Unit(id="salutation", kind="salutation", text=t, line=n))

    family, heads = _part_chain(rest)
    if not heads:
        # No numbered parts: the speech is published as plain paragraphs
        # (still with a closing if it has one).
        body, closing = _take_closing(rest, min_body=1)
        units += [Unit(id=f"p{i}", kind="paragraph", text=t, line=n)
                  for i, (n, t) in enumerate(body, start=1)]
        units += _closing_units(closing)
        return structure

    units += [Unit(id=f"intro-{i}", kind="intro", text=t, line=n)
              for i, (n, t) in enumerate(rest[: heads[0].line_index], start=1)]

    for k, mk in enumerate(heads):
        end = heads[k + 1].line_index if k + 1 < len(heads) else len(rest)
        line_no, text = rest[mk.line_index]
        heading, runin = _split_part_line(text, mk.end)
        body = rest[mk.line_index + 1:end]
        if runin:
            body.insert(0, (line_no, runin))
            all_repairs.append(Repair(line_no, "runin"))
        closing: list[tuple[int, str]] = []
        if k == len(heads) - 1:
            body, closing = _take_closing(body, min_body=1)
        part = Unit(id=f"part-{mk.number}", kind="section", text=heading, line=line_no,
                    number=mk.number, heading=heading)
        children = _split_part(part, body, family)
        part.text = "\n".join([heading] + [c.text for c in children])
        units.append(part)
        units += children
        units += _closing_units(closing)
    structure.repairs = sorted(all_repairs, key=lambda r: (r.line, r.action))
    return structure


def split(lines: list[tuple[int, str]], notes: list[tuple[int, str]] = ()
          ) -> tuple[Optional[str], Optional[int], list[Unit]]:
    """``analyse`` without reconstruction details: ``(title, title_line,
    units)``; ``title`` is None when the first line does not look like a
    title.  Units are in document order; see ``model.Unit`` for ids."""
    s = analyse(lines, notes)
    return s.title, s.title_line, s.units


def _take_closing(body: list[tuple[int, str]], min_body: int) -> tuple[list, list]:
    """Split the lines after the last part into (part body, closing).

    The closing starts at the first line, after at least ``min_body`` body
    lines, that matches ``CLOSING_RE``; everything after it is closing too.
    """
    for i in range(min_body, len(body)):
        if CLOSING_RE.search(body[i][1]):
            return body[:i], body[i:]
    return body, []


def _closing_units(closing: list[tuple[int, str]]) -> list[Unit]:
    return [Unit(id=f"closing-{i}", kind="closing", text=t, line=n)
            for i, (n, t) in enumerate(closing, start=1)]


def leaf_text(units: list[Unit]) -> str:
    """All leaf units' text, in order, with whitespace removed."""
    return "".join(re.sub(r"\s", "", u.text) for u in units if u.kind in LEAF_KINDS)


def check_lossless(lines: list[tuple[int, str]], notes: list[tuple[int, str]],
                   title: Optional[str], title_line: Optional[int], units: list[Unit]) -> Optional[str]:
    """None if every non-space character of the cleaned text is in exactly
    one leaf unit or the title, in source order; else where it differs.

    The cleaner's notes (disclaimers) must be the ``note-N`` units, in
    order; every other character — title, front matter, a first line a
    sidecar title replaced, the speech — must be in the other leaf units.
    """
    def squeeze(text: str) -> str:
        return re.sub(r"\s", "", text)

    if [squeeze(t) for _, t in notes] != [squeeze(u.text) for u in units if u.kind == "note" and u.id.startswith("note-")]:
        return "the disclaimer notes are not the note units"
    # Pieces of one source line (web-editor paragraphs) keep their order.
    expected = "".join(squeeze(t) for _, t in sorted(lines, key=lambda nl: nl[0]))
    # Several units can start on one line (inline sub-points): sort by line,
    # then by position in ``units``, which is document order within a line.
    pieces = [(u.line, i, u.text) for i, u in enumerate(units)
              if u.kind in LEAF_KINDS and not (u.kind == "note" and u.id.startswith("note-"))]
    # A section's own text is its heading line; the rest is in its children.
    pieces += [(u.line, i, u.heading or "") for i, u in enumerate(units) if u.kind == "section"]
    if title is not None:
        pieces.append((title_line, -1, title))
    got = "".join(squeeze(t) for _, _, t in sorted(pieces))
    if got == expected:
        return None
    for i, (a, b) in enumerate(zip(expected, got)):
        if a != b:
            return (f"text differs at character {i}: source has …{expected[max(0, i - 10):i + 10]}…, "
                    f"units have …{got[max(0, i - 10):i + 10]}…")
    return f"source has {len(expected)} non-space characters, units hold {len(got)}"
