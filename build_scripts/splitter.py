"""Split a cleaned speech into annotated units.

The structure of a 讲话 follows a fixed rhetoric: title; salutation
(各位代表、同志们：); introduction paragraphs; numbered parts (一、… 十、)
each with a heading line; inside a part, optional numbered sub-points
(一是/二是…, 一要/二要…, 一是要…, （一）…, 第一，…) written inline or as
separate paragraphs; and a closing (同志们…, 最后，预祝大会…, 让我们…).

Every character of every cleaned line ends up in exactly one leaf unit (or
in the title); ``check_lossless`` verifies it and the pipeline calls it for
every speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

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
#: A part heading: a numeral, 、 and a short heading without a sentence end
#: inside it ("一、着力于服务大局，在促进发展上创造新的业绩").
PART_HEADING_RE = re.compile(f"^(?P<num>[{NUMERAL}]{{1,3}})、(?P<title>[^。！？；]{{1,60}})[。！？]?$")
#: A sub-point marker at a sentence start: 一是 / 一要 / 一是要 / （一） /
#: 第一，.  "第一要务" is not a marker: 第 must be followed by 、or ，.
SUBPOINT_RE = re.compile(
    f"(?:(?<=^)|(?<=[{SENTENCE_END}]))"
    f"(?:(?P<a>[{NUMERAL}]{{1,2}})(?:是要|是|要)"
    f"|[（(](?P<b>[{NUMERAL}]{{1,2}})[）)]"
    f"|第(?P<c>[{NUMERAL}]{{1,2}})[，、,])"
)
#: A salutation line: short, addressed to the audience, ending in ：or ！.
SALUTATION_RE = re.compile(r"^(?:尊敬的|各位|同志们|女士们|亲爱的|全体)[^。]{0,28}[：:！!]$")
#: A closing paragraph after the last part: addresses the audience again,
#: or rallies (让我们…), or wishes the meeting success (预祝…).
CLOSING_RE = re.compile(r"^(?:各位代表|各位同志|同志们|最后|朋友们)|让我们|预祝")
#: A title: one short line with no sentence end inside.
TITLE_MAX_CHARS = 50
#: A sub-point's heading is its first sentence when that is this short.
SUBPOINT_HEADING_MAX_CHARS = 60


@dataclass
class _Marker:
    line_index: int
    start: int
    number: int


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


def _part_headings(lines: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(line index, number, heading) of the numbered parts, in sequence.

    Only a run 一、二、三… counts: a heading whose number is not the next
    expected one is ordinary text (a list item inside a paragraph, say).
    """
    found: list[tuple[int, int, str]] = []
    expected = 1
    for i, (_, text) in enumerate(lines):
        m = PART_HEADING_RE.match(text)
        if m and chinese_numeral(m.group("num")) == expected:
            found.append((i, expected, text))
            expected += 1
    return found


def _subpoint_markers(body: list[str]) -> list[_Marker]:
    """Accepted sub-point markers of one part: a chain 一, 二, 三… (≥ 2)."""
    chain: list[_Marker] = []
    expected = 1
    for li, text in enumerate(body):
        for m in SUBPOINT_RE.finditer(text):
            num = chinese_numeral(m.group("a") or m.group("b") or m.group("c"))
            if num == expected:
                chain.append(_Marker(li, m.start(), num))
                expected += 1
    return chain if len(chain) >= 2 else []


def _split_part(part: Unit, body: list[tuple[int, str]]) -> list[Unit]:
    """Children of one part: paragraphs and sub-points, in text order."""
    markers = _subpoint_markers([t for _, t in body])
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


def split(lines: list[tuple[int, str]], notes: list[tuple[int, str]] = ()) -> tuple[Optional[str], Optional[int], list[Unit]]:
    """Split cleaned lines into units.

    ``lines`` are (source line number, cleaned text) pairs as returned by
    ``cleaner.clean``; ``notes`` the disclaimer lines.  Returns ``(title,
    title_line, units)``; ``title`` is None when the first line does not look
    like a title.  Units are in document order; see ``model.Unit`` for ids.
    """
    units: list[Unit] = [Unit(id=f"note-{i}", kind="note", text=t, line=n)
                         for i, (n, t) in enumerate(notes, start=1)]
    rest = list(lines)
    title: Optional[str] = None
    title_line: Optional[int] = None
    if rest and is_title(rest[0][1]):
        title_line, title = rest.pop(0)

    if rest and SALUTATION_RE.match(rest[0][1]):
        n, t = rest.pop(0)
        units.append(Unit(id="salutation", kind="salutation", text=t, line=n))

    heads = _part_headings(rest)
    if not heads:
        # No numbered parts: the speech is published as plain paragraphs
        # (still with a closing if it has one).
        body, closing = _take_closing(rest, min_body=1)
        units += [Unit(id=f"p{i}", kind="paragraph", text=t, line=n)
                  for i, (n, t) in enumerate(body, start=1)]
        units += _closing_units(closing)
        return title, title_line, units

    units += [Unit(id=f"intro-{i}", kind="intro", text=t, line=n)
              for i, (n, t) in enumerate(rest[: heads[0][0]], start=1)]

    for k, (index, number, heading) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(rest)
        body = rest[index + 1:end]
        closing: list[tuple[int, str]] = []
        if k == len(heads) - 1:
            body, closing = _take_closing(body, min_body=1)
        part = Unit(id=f"part-{number}", kind="section", text=heading, line=rest[index][0],
                    number=number, heading=heading)
        children = _split_part(part, body)
        part.text = "\n".join([heading] + [c.text for c in children])
        units.append(part)
        units += children
        units += _closing_units(closing)
    return title, title_line, units


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
    """
    def squeeze(text: str) -> str:
        return re.sub(r"\s", "", text)

    expected = "".join(squeeze(t) for _, t in sorted(list(lines) + list(notes)))
    # Several units can start on one line (inline sub-points): sort by line,
    # then by position in ``units``, which is document order within a line.
    pieces = [(u.line, i, u.text) for i, u in enumerate(units) if u.kind in LEAF_KINDS]
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
