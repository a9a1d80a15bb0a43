"""Clean a speech's text: whitespace, placeholders, punctuation, disclaimers.

Every rule is a named, commented character class or pattern.  ``clean_line``
is idempotent (``clean_line(clean_line(s)) == clean_line(s)``), which the
tests check on the seeds and on arbitrary input.  The original text is never
changed: the cleaner returns new strings and the speech keeps its original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

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

#: Redaction placeholders, in the forms seen in published speeches:
#: ``times;times;*`` — ``&times;&times;`` (××) with the ampersands lost in an
#: HTML export; ``XX``/``xx``/full-width ``ＸＸ`` not part of a Latin word;
#: a lone ``_`` or ``__`` standing for a term (“_”目标); ``**``; ○○; and runs
#: of two or more ×.
_PLACEHOLDER_FORMS = (
    r"(?:&times;)+\*?|(?:times;){2,}\*?"
    r"|(?<![A-Za-z])[Xx\uff38\uff58]{2,}(?![A-Za-z])"
    r"|(?<![A-Za-z0-9_])_+(?![A-Za-z0-9_])"
    r"|\*{2,}"
    r"|\u25cb{2,}"
    f"|{TIMES}{{2,}}"
)
#: Adjacent forms ("_×", "XX××") are one placeholder, and a lone × touching
#: one belongs to it, so the replacement never sits next to a leftover ×
#: (which keeps the cleaning idempotent).
PLACEHOLDER_RE = re.compile(f"{TIMES}?(?:{_PLACEHOLDER_FORMS})(?:{_PLACEHOLDER_FORMS}|{TIMES})*")

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
#: notes about the text, not speech text.  Only short lines at the very start
#: or end of a file are considered (see ``DISCLAIMER_MAX_CHARS``).
DISCLAIMER_RE = re.compile(
    r"本文(?:系|为|来自|来源|由)"
    r"|仅供(?:学习|参考|交流)"
    r"|请勿(?:照搬|照抄|抄袭|转载)"
    r"|转载请注明"
    r"|版权(?:归|所有)"
    r"|^(?:来源|出处|文章来源)[:：]"
)
DISCLAIMER_MAX_CHARS = 80
#: How many non-empty lines at each end of a file may be disclaimers.
DISCLAIMER_EDGE_LINES = 2


@dataclass
class CleanText:
    """The result of cleaning one file.

    ``lines`` are (1-based source line number, cleaned text) for every
    non-empty line that is speech text; ``notes`` the same for disclaimer
    lines; ``placeholders`` maps each placeholder form found to its count.
    """

    lines: list[tuple[int, str]]
    notes: list[tuple[int, str]] = field(default_factory=list)
    placeholders: list[tuple[int, str]] = field(default_factory=list)


def normalize_placeholders(text: str) -> str:
    """Replace every placeholder form by ``PLACEHOLDER`` (××).  Idempotent."""
    return PLACEHOLDER_RE.sub(PLACEHOLDER, text)


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
    the disclaimer lines as notes, and the placeholders that were replaced.
    """
    raw_lines = split_lines(text)
    lines: list[tuple[int, str]] = []
    placeholders: list[tuple[int, str]] = []
    for number, raw in enumerate(raw_lines, start=1):
        for m in PLACEHOLDER_RE.finditer(normalize_space(raw)):
            placeholders.append((number, m.group(0)))
        cleaned = clean_line(raw)
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
    return CleanText(lines=kept, notes=notes, placeholders=placeholders)


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
    pattern = _PLACEHOLDER_SOURCE.join(re.escape(p) for p in pieces)
    return re.fullmatch(pattern, _fold(raw)) is None


def check_source(text: str, result: CleanText) -> Optional[str]:
    """None if every source line of ``text`` is accounted for by its
    cleaned line (see ``unaccounted``); else the first line that is not,
    described for an error message."""
    cleaned = dict(result.lines + result.notes)
    for number, raw in enumerate(split_lines(text), start=1):
        if unaccounted(raw, cleaned.get(number, "")):
            return f"line {number}: cleaning turned {raw.strip()[:40]!r} into {cleaned.get(number, '')[:40]!r}"
    return None
