"""Text that is safe to show: file names in logs, names and titles on pages.

Two dangers, two rules:

- **Control characters in a log line or a tab-separated row.**  A file
  name may hold a newline (which would start a forged log line such as
  ``ERROR - skipped …``), a tab (a forged column in ``check``'s output),
  an escape sequence (terminal control) or bytes that are not UTF-8
  (Python's ``surrogateescape`` turns them into lone surrogates, which
  cannot even be printed).  ``printable`` writes each such character as a
  Python-style escape (``\\n``, ``\\x1b``, ``\\u202e``, ``\\udcff``), so the
  text stays on one line and says what is there.
- **Bidirectional controls in displayed names.**  U+202A–U+202E (LRE, RLE,
  PDF, LRO, RLO) and U+2066–U+2069 (LRI, RLI, FSI, PDI) reorder the
  characters around them when displayed: ``讲话\\u202egnp.exe.txt`` shows as
  ``讲话txt.exe.png`` (the "Trojan Source" / RLO spoofing trick, Unicode
  Technical Report #36 §2.3 and CVE-2021-42574).  ``strip_bidi`` removes
  them from a title or name before it is displayed; the build logs what
  it removed.
"""

from __future__ import annotations

import unicodedata

#: The explicit bidirectional embedding, override and isolate controls
#: (Unicode Standard Annex #9, table 1).  The implicit marks LRM/RLM/ALM
#: (U+200E, U+200F, U+061C) only affect neutral characters next to them
#: and cannot reorder a name, so they are kept.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: Escapes for the common control characters, as Python writes them.
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _unsafe(char: str) -> bool:
    """A control character (Cc), a lone surrogate (Cs: undecodable bytes of
    a file name), a bidi control, or a line/paragraph separator."""
    return char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")


def has_unsafe(text: str) -> bool:
    """True if ``text`` holds a character ``printable`` would escape
    (other than the backslash)."""
    return any(_unsafe(c) for c in text)


def printable(text: str) -> str:
    """``text`` with every control character, lone surrogate, bidi control
    and line separator written as an escape (``\\n``, ``\\x07``,
    ``\\u202e``); a backslash becomes ``\\\\`` so an escape cannot be faked.
    One line, printable in any encoding that holds the rest of ``text``.

    >>> printable("a\\nERROR - b\\u202e.txt")
    'a\\\\nERROR - b\\\\u202e.txt'
    """
    if not any(_unsafe(c) or c == "\\" for c in text):
        return text
    out = []
    for c in text:
        if c in _SHORT:
            out.append(_SHORT[c])
        elif _unsafe(c):
            code = ord(c)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)


def strip_bidi(text: str) -> tuple[str, list[str]]:
    """``text`` without its bidi controls, and the controls removed as
    ``U+202E`` labels (in order, repeated as often as they occurred)."""
    if not any(c in BIDI_CONTROLS for c in text):
        return text, []
    removed = [f"U+{ord(c):04X}" for c in text if c in BIDI_CONTROLS]
    return "".join(c for c in text if c not in BIDI_CONTROLS), removed
