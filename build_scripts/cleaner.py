"""Clean a speech's text: whitespace, placeholders, punctuation, disclaimers.

Every rule is a named, commented character class or pattern.  ``clean_line``
is idempotent (``clean_line(clean_line(s)) == clean_line(s)``), which the
tests check on the seeds and on arbitrary input.  The original text is never
changed: the cleaner returns new strings and the speech keeps its original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

# --- character classes -------------------------------------------------------

#: CJK Unified Ideographs, Extension A and Compatibility Ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: CJK Symbols and Punctuation (、。〈〉《》「」…) and Halfwidth/Fullwidth
#: Forms (，：；！？（）…).
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
#: Curly quotes, used in Chinese text as “…” and ‘…’.
CURLY_QUOTES = "\u2018\u2019\u201c\u201d"
#: The visible placeholder mark (MULTIPLICATION SIGN); see PLACEHOLDER.
TIMES = "\u00d7"
#: Everything that counts as "Chinese" context for punctuation rules.
CJK_CONTEXT = HAN + CJK_PUNCT + CURLY_QUOTES + TIMES + "\u2026\u2014"

#: Horizontal whitespace seen in pasted speeches: ASCII space and tab,
#: NO-BREAK SPACE, the ideographic (full-width) space U+3000 and the other
#: Unicode space separators; and the whitespace that is not a line break
#: in editors (so it does not start a new source line): vertical tab and
#: form feed (Word's page break in text exports), the information
#: separators U+001C–U+001F, NEXT LINE, LINE/PARAGRAPH SEPARATOR.
SPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x0b\x0c\x1c-\x1f\x85\u2028\u2029"
#: Invisible characters that carry no text: ZERO WIDTH SPACE/NON-JOINER/
#: JOINER, WORD JOINER, the byte-order mark, and the C0/C1 control
#: characters that are not whitespace (stray bytes of OCR or a bad export).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"

#: The one way every placeholder is shown in cleaned text.
PLACEHOLDER = TIMES * 2

# --- patterns ----------------------------------------------------------------

_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_SPACE_RUN_RE = re.compile(f"[{SPACE}]+")
#: Space between two Chinese characters is an artefact of line wrapping or
#: typing, never meaningful ("帮职工 群众维权").
_SPACE_IN_CJK_RE = re.compile(f"(?<=[{CJK_CONTEXT}])[{SPACE}]+(?=[{CJK_CONTEXT}])")

#: Words a redacted name stands next to: the name of a place, a unit or a
#: person's post follows the placeholder (××区, ××单位, ××主席).  Read from
#: data/placeholders.yml, where users can extend them; see ``load_placeholder_rules``.
PLACEHOLDER_RULES = Path(__file__).parent / "data" / "placeholders.yml"


@lru_cache(maxsize=2)
def load_placeholder_rules(path: Path = PLACEHOLDER_RULES) -> tuple[str, str]:
    """(name words, not-a-name words) as regex alternations, from the YAML
    file ``path`` (keys ``name_words`` and ``not_name_words``, lists of
    plain words).  Raises ``OSError``/``yaml.YAMLError`` for an unreadable
    file: it ships with the code, so that is a defect, not bad input."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    alt = lambda words: "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))  # noqa: E731
    return alt(data["name_words"]), alt(data["not_name_words"])


_NAME_WORDS, _NOT_NAME_WORDS = load_placeholder_rules()
#: What may stand on either side of a placeholder inside Chinese text.
_HAN_SIDE = f"[{HAN}{CJK_PUNCT}{CURLY_QUOTES}\u2026\u2014]"
_NUMERAL_ZERO = "〇○零一二三四五六七八九十百"

#: Redaction placeholders: only where a mark stands for a name.
#:
#: * ``times;times;*`` / ``&times;&times;`` (×× with the ampersands lost in
#:   an HTML export) and runs of two or more × are always placeholders;
#: * ``XX``/``xx``/full-width ``ＸＸ`` not part of a Latin word and next to
#:   Chinese text, unless a not-a-name word follows (``XX世纪``);
#: * ``_``/``__`` and ``**`` only between two Chinese characters or quotes
#:   (以_为核心, “_”目标) or before a name word (**区工会); ``2**10``,
#:   ``姓名_____`` and Markdown emphasis (``**加强党的领导**``, removed by
#:   ``strip_markup`` first) are not placeholders;
#: * ○○ before a name word (○○单位), never inside a numeral (二○○八年).
_CANDIDATE_RE = re.compile(
    r"(?:&times;)+\*?|(?:times;){2,}\*?"
    f"|[Xx\uff38\uff58]{{2,}}|_+|\\*{{2,}}|\u25cb{{2,}}|{TIMES}{{2,}}"
)
_NAME_RE = re.compile(_NAME_WORDS)
_NOT_NAME_RE = re.compile(_NOT_NAME_WORDS)
_HAN_SIDE_RE = re.compile(f"{_HAN_SIDE}|{TIMES}")
_LATIN_RE = re.compile(r"[A-Za-z0-9_*]")
_TIMES_RUN_RE = re.compile(f"{TIMES}{{2,}}")


def _stands_for_a_name(text: str, m: re.Match) -> bool:
    """Whether the candidate ``m`` (of ``_CANDIDATE_RE``) in ``text`` is a
    placeholder, by the rules above."""
    form = m.group(0)
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    rest = text[m.end():]
    if form[0] in ("&", "t", TIMES):
        return True
    if form[0] in "XxＸｘ":
        if re.match("[A-Za-z]", before) or re.match("[A-Za-z]", after) or _NOT_NAME_RE.match(rest):
            return False
        return bool(_HAN_SIDE_RE.match(before) or _HAN_SIDE_RE.match(after))
    if form[0] == "\u25cb":
        return (not before or before not in _NUMERAL_ZERO) and bool(_NAME_RE.match(rest))
    # A run of _ or *.
    if _LATIN_RE.match(before) or _LATIN_RE.match(after):
        return False
    if _NAME_RE.match(rest):
        return True
    if form[0] == "*" and text.count(form) >= 2:
        return False  # a pair of * runs is emphasis as typed (***加粗斜体***), not a name
    return bool(_HAN_SIDE_RE.match(before) and _HAN_SIDE_RE.match(after))


def find_placeholders(text: str) -> list[re.Match]:
    """The placeholder marks of ``text`` (a line with normalised spaces),
    as matches in order."""
    return [m for m in _CANDIDATE_RE.finditer(text) if _stands_for_a_name(text, m)]


#: Half-width punctuation that has a full-width form used in Chinese text.
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
#: , ; : ! ? after a Chinese character, followed by Chinese, a space or the
#: end of the line ("祝贺!向到会…", "…贡献!").
_TRAILING_PUNCT_RE = re.compile(f"(?<=[{CJK_CONTEXT}])([,;:!?])(?=[{CJK_CONTEXT}{SPACE}]|$)")
#: ( opening a Chinese parenthetical ("区(县)", "(劳动报酬…)").
_OPEN_PAREN_RE = re.compile(f"\\((?=[{CJK_CONTEXT}])")
#: ) closing a Chinese parenthetical.
_CLOSE_PAREN_RE = re.compile(f"(?<=[{CJK_CONTEXT}])\\)")
#: A full stop between two Han characters is a mistyped 。 (never a decimal).
_FULL_STOP_RE = re.compile(f"(?<=[{HAN}])\\.(?=[{HAN}])")

#: Source disclaimers added by the sites speeches are copied from.  They are
#: notes about the text, not speech text.  A line is one only if it starts
#: with one of these whole phrases (本文系统阐述… and 以上意见，仅供参考。
#: are speech text), is short (``DISCLAIMER_MAX_CHARS``) and stands among
#: the first or last ``DISCLAIMER_EDGE_LINES`` lines of the file.
DISCLAIMER_PHRASES = (
    r"本文系[^，。！]{0,8}(?:投稿|原创|转载|整理)",
    r"本文(?:来自|来源于|来源|转自|摘自|转载自|由[^，。！]{0,12}(?:提供|整理|投稿))",
    r"(?:来源|出处|文章来源|稿件来源)[:：]",
    r"转载请注明",
    r"版权(?:归|所有)",
    r"(?:本文)?仅供(?:学习|交流)(?:参考|使用|之用)?[，。！]",
    r"请勿(?:照搬照抄|照搬|照抄|抄袭|转载)",
    r"免责声明",
)
DISCLAIMER_RE = re.compile("^(?:" + "|".join(DISCLAIMER_PHRASES) + ")")
DISCLAIMER_MAX_CHARS = 80
#: How many non-empty lines at each end of a file may be disclaimers.
DISCLAIMER_EDGE_LINES = 2


@dataclass
class CleanText:
    """The result of cleaning one file.

    ``lines`` are (1-based source line number, cleaned text) for every
    non-empty line that is speech text (a source line holding several
    web-editor paragraphs, or a Markdown-bold heading run into its text,
    gives several entries with the same number, see ``strip_markup``); ``notes`` the same for disclaimer
    lines; ``placeholders`` maps each placeholder form found to its count.
    """

    lines: list[tuple[int, str]]
    notes: list[tuple[int, str]] = field(default_factory=list)
    placeholders: list[tuple[int, str]] = field(default_factory=list)
    #: Source lines that began with whitespace (a paragraph indent).
    indented: frozenset = frozenset()
    #: Source lines whose Markdown/HTML leftovers were removed.
    markup: list[int] = field(default_factory=list)
    #: Every cleaned piece, lines and notes, in source order (a note can be
    #: one of several pieces of a source line).
    pieces: list[tuple[int, str]] = field(default_factory=list)
    #: Characters of each non-blank source line as typed (spaces at its
    #: ends not counted): where it was wrapped, before cleaning shortened it.
    widths: dict[int, int] = field(default_factory=dict)


def normalize_placeholders(text: str) -> str:
    """Replace every placeholder (see ``find_placeholders``) by
    ``PLACEHOLDER`` (××).  Adjacent forms ("_×", "XX××") and a lone ×
    touching one become one ××, so the result never holds a leftover ×
    next to ×× (which keeps the cleaning idempotent)."""
    out, pos = [], 0
    for m in find_placeholders(text):
        out += [text[pos:m.start()], PLACEHOLDER]
        pos = m.end()
    out.append(text[pos:])
    return _TIMES_RUN_RE.sub(PLACEHOLDER, "".join(out))


def normalize_punctuation(text: str) -> str:
    """Half-width , ; : ! ? ( ) . between Chinese characters → full-width.

    Follows the convention of the national standard GB/T 15834-2011 (标点符号
    用法) that Chinese text uses full-width marks.  Latin and numeric text
    (``1.5``, ``gdp (2010)``) is left alone.  Idempotent.
    """
    # One conversion can create the Chinese context of another ("区(县);"
    # needs "）" before ";" qualifies), so repeat to a fixpoint.  Each pass
    # only turns half-width marks into full-width ones, so this terminates.
    while True:
        before = text
        text = _OPEN_PAREN_RE.sub("（", text)
        text = _CLOSE_PAREN_RE.sub("）", text)
        text = _TRAILING_PUNCT_RE.sub(lambda m: _HALF_TO_FULL[m.group(1)], text)
        text = _FULL_STOP_RE.sub("。", text)
        if text == before:
            return text


def normalize_space(text: str) -> str:
    """Drop invisible characters, indentation and spaces inside Chinese text.

    Runs of other whitespace become one ASCII space.  Idempotent.
    """
    text = _INVISIBLE_RE.sub("", text)
    text = _SPACE_IN_CJK_RE.sub("", text)
    return _SPACE_RUN_RE.sub(" ", text).strip(" ")


def clean_line(line: str) -> str:
    """Clean one line of speech text.  Idempotent; never raises.

    Order matters: spaces first (so a placeholder split by a space is seen
    whole), then placeholders (so ``XX,`` is followed by a Chinese mark and
    its comma can be converted), then punctuation.
    """
    # The steps feed each other (a removed space joins two placeholders into
    # one run), so repeat to a fixpoint.  Every pass only removes characters
    # or turns half-width marks full-width, so this ends quickly.
    while True:
        before = line
        line = normalize_space(line)
        line = normalize_placeholders(line)
        line = normalize_punctuation(line)
        line = normalize_space(line)
        if line == before:
            return line


def is_disclaimer(line: str) -> bool:
    """True if a cleaned line is a source disclaimer (本文系…仅供参考…)."""
    return len(line) <= DISCLAIMER_MAX_CHARS and bool(DISCLAIMER_RE.search(line))


def clean(text: str) -> CleanText:
    """Clean a whole speech.

    ``text`` is the decoded file content; line endings may be LF, CRLF or
    CR.  Returns the non-empty cleaned lines with their source line numbers,
    the disclaimer lines as notes, the placeholders that were replaced, the
    indented lines and the lines whose markup was removed.
    """
    raw_lines = split_lines(text)
    lines: list[tuple[int, str]] = []
    placeholders: list[tuple[int, str]] = []
    indented: set[int] = set()
    markup: list[int] = []
    widths: dict[int, int] = {}
    for number, raw in enumerate(raw_lines, start=1):
        if raw.strip(SPACE):
            widths[number] = len(raw.strip(SPACE))
        pieces = strip_markup(raw)
        if pieces != [raw]:
            markup.append(number)
        if re.match(f"[{SPACE}]+[^{SPACE}]", raw):
            indented.add(number)
        for piece in pieces:
            for m in find_placeholders(normalize_space(piece)):
                placeholders.append((number, m.group(0)))
            cleaned = clean_line(piece)
            if cleaned:
                lines.append((number, cleaned))

    notes: list[tuple[int, str]] = []
    edge = {i for i in range(len(lines)) if i < DISCLAIMER_EDGE_LINES or i >= len(lines) - DISCLAIMER_EDGE_LINES}
    kept: list[tuple[int, str]] = []
    for i, (number, line) in enumerate(lines):
        if i in edge and is_disclaimer(line):
            notes.append((number, line))
        else:
            kept.append((number, line))
    return CleanText(lines=kept, notes=notes, placeholders=placeholders, indented=frozenset(indented),
                     markup=markup, pieces=list(lines), widths=widths)


# --- web-editor leftovers --------------------------------------------------------

_ATTR = r"""(?:\s+(?:style|class|align|dir|lang)\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s<>"']*))*"""
#: HTML tags a web editor leaves in pasted text: paragraphs and line breaks
#: (which end a line) and inline formatting, with at most presentational
#: attributes.  Anything else (<b onmouseover=…>, <script>) is speech text
#: and shown literally.
_BLOCK_TAG_RE = re.compile(rf"</?(?:p|div|section|br|li|h[1-6])(?:{_ATTR})\s*/?>", re.I)
_INLINE_TAG_RE = re.compile(rf"</?(?:strong|b|em|i|u|span|font)(?:{_ATTR})\s*>", re.I)
_WEB_LINE_RE = re.compile(f"^[{SPACE}{INVISIBLE}]*(?:{_BLOCK_TAG_RE.pattern}|{_INLINE_TAG_RE.pattern})", re.I)
_NBSP_ENTITY_RE = re.compile(r"&nbsp;?", re.I)
#: Markdown emphasis around text: **加强党的领导**, __三个到位__ (not
#: ``2**10``, not a lone ** standing for a name, not ***…*** which is
#: shown as typed).
_EMPHASIS_RE = re.compile(r"(?<![*_A-Za-z0-9])(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_A-Za-z0-9])")
#: A line that opens with a bold span and goes on: the span is a heading
#: run into its paragraph (**一、增强大局意识**服务大局……).
_BOLD_LEAD_RE = re.compile(rf"^[{SPACE}{INVISIBLE}]*(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_])(?=.)")


def _strip_piece(piece: str) -> list[str]:
    """``strip_markup`` of one piece; every recursion removes markup, so it
    ends."""
    if _WEB_LINE_RE.match(piece):
        parts = [_INLINE_TAG_RE.sub("", _NBSP_ENTITY_RE.sub(" ", p)) for p in _BLOCK_TAG_RE.split(piece)]
        if parts != [piece]:
            return [x for part in parts for x in _strip_piece(part)]
    lead = _BOLD_LEAD_RE.match(piece)
    if lead:
        return _strip_piece(lead.group(2)) + _strip_piece(piece[lead.end():])
    plain = _EMPHASIS_RE.sub(r"\2", piece)
    # Removing emphasis can bring a tag to the start of the piece.
    return _strip_piece(plain) if plain != piece else [plain]


def strip_markup(raw: str) -> list[str]:
    """``raw`` without web-editor leftovers, as one or more pieces.

    A line that starts with an HTML tag of ``_BLOCK_TAG_RE`` or
    ``_INLINE_TAG_RE`` loses those tags (and ``&nbsp;``), and is cut into
    pieces where a block tag stood.  Markdown emphasis markers around text
    are removed everywhere; a bold span that opens a line and is followed
    by more text is a piece of its own (a heading).  A line without markup
    is returned as ``[raw]``.  Removes only markup characters: the text in
    between is kept, in order."""
    out = [p for p in _strip_piece(raw) if p.strip(SPACE + INVISIBLE)] or [""]
    return out if out != [raw.strip(SPACE + INVISIBLE)] or raw == out[0] else [raw]


def split_lines(text: str) -> list[str]:
    """Source lines as editors count them: LF, CRLF and CR end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# --- lossless check ------------------------------------------------------------

#: What cleaning may remove: whitespace and invisible characters.
_DROPPED_RE = re.compile(f"[\\s{SPACE}{INVISIBLE}]")
#: Full-width marks the cleaner may have made from half-width ones, folded
#: back for comparison.
_FOLD = str.maketrans({full: half for half, full in _HALF_TO_FULL.items()} | {"。": "."})
#: The characters a placeholder replaced by ×× may consist of (every form
#: in ``_PLACEHOLDER_FORMS``, spaces already dropped).
_PLACEHOLDER_SOURCE = r"(?:&times;|times;|[×XxＸｘ_*○])+"


def _fold(text: str) -> str:
    return _DROPPED_RE.sub("", text).translate(_FOLD)


def unaccounted(raw: str, cleaned: str) -> bool:
    """True if ``cleaned`` (the cleaned form of the source line ``raw``, or
    "" if the line was dropped) loses or invents a character.

    Cleaning may only drop whitespace and invisible characters, make , ; :
    ! ? ( ) . full-width, and replace a run of placeholder characters by
    ××; every other character must be there, in order.
    """
    pieces = _fold(cleaned).split(PLACEHOLDER)
    if len(pieces) == 1:
        # No placeholder: the pattern would be the escaped text itself, so
        # equality decides (compiling a pattern per line was a fifth of the
        # analysis time).
        return _fold(raw) != pieces[0]
    pattern = _PLACEHOLDER_SOURCE.join(re.escape(p) for p in pieces)
    return re.fullmatch(pattern, _fold(raw)) is None


def check_source(text: str, result: CleanText) -> Optional[str]:
    """None if every source line of ``text`` is accounted for by its
    cleaned line (see ``unaccounted``); else the first line that is not,
    described for an error message."""
    if sorted(result.pieces) != sorted(result.lines + result.notes):
        return "the cleaned lines and notes are not the cleaned pieces of the source"
    cleaned: dict[int, str] = {}
    for number, line in result.pieces:
        cleaned[number] = cleaned.get(number, "") + line
    for number, raw in enumerate(split_lines(text), start=1):
        if unaccounted("".join(strip_markup(raw)), cleaned.get(number, "")):
            return f"line {number}: cleaning turned {raw.strip()[:40]!r} into {cleaned.get(number, '')[:40]!r}"
    return None
