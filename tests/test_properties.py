"""Property-based tests: the cleaner and the splitter never crash, are
idempotent and lose no character, on arbitrary Unicode input.

Deterministic (``derandomize``) and bounded, so CI is neither flaky nor
slow.  The text strategy mixes arbitrary characters with the ones the
rules care about (numerals, 、, 是/要, brackets, placeholders, odd spaces,
line breaks), so the structural paths are exercised, not just plain text.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts import cleaner, splitter

SPEECHY = list("一二三四五六七八九十、是要（）()第，,。.；;：:！!？?同志们各位代表最后让我们预祝工会职工")
SPECIAL = ["\n", "\r\n", "\r", " ", "\t", "\u00a0", "\u3000", "\u200b", "\ufeff", "\x0c", "\u2028", "\x85", "\x00",
           "X", "x", "Ｘ", "×", "_", "*", "○", "&times;", "times;", "本文系", "仅供参考", "来源：", "一、", "一是",
           "（一）", "第一，"]
pieces = st.one_of(st.characters(), st.sampled_from(SPEECHY), st.sampled_from(SPECIAL))
texts = st.lists(pieces, max_size=120).map("".join)

PROPERTY = settings(max_examples=300, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(texts)
def test_clean_line_is_idempotent(text):
    once = cleaner.clean_line(text)
    assert cleaner.clean_line(once) == once


@PROPERTY
@given(texts)
def test_clean_loses_no_character(text):
    result = cleaner.clean(text)
    assert cleaner.check_source(text, result) is None
    for _, line in result.lines + result.notes:
        assert line and line == line.strip()


@PROPERTY
@given(texts)
def test_clean_is_idempotent_on_whole_texts(text):
    first = cleaner.clean(text)
    # Put every kept line back at its own line number and clean again.
    numbered = dict(first.lines + first.notes)
    rebuilt = "\n".join(numbered.get(n, "") for n in range(1, len(cleaner.split_lines(text)) + 1))
    second = cleaner.clean(rebuilt)
    assert second.lines == first.lines and second.notes == first.notes


@PROPERTY
@given(texts)
def test_split_never_crashes_and_loses_nothing(text):
    clean = cleaner.clean(text)
    title, title_line, units = splitter.split(clean.lines, clean.notes)
    assert splitter.check_lossless(clean.lines, clean.notes, title, title_line, units) is None
    ids = [u.id for u in units]
    assert len(ids) == len(set(ids))
    assert all(u.text.strip() for u in units)
    # Idempotent: the lines rebuilt from the units are exactly the input
    # lines, so splitting them again gives the same units.
    rebuilt = rebuild_lines(clean.lines, title, title_line, units)
    assert rebuilt == clean.lines
    again = splitter.split(rebuilt, clean.notes)
    assert again[:2] == (title, title_line)
    assert [(u.id, u.kind, u.text, u.line) for u in again[2]] == [(u.id, u.kind, u.text, u.line) for u in units]


def rebuild_lines(lines, title, title_line, units):
    """The (line number, text) pairs the units were cut from: a unit's
    paragraphs lie on consecutive speech lines starting at its ``line``;
    units starting on one line (inline sub-points) are concatenated."""
    numbers = [n for n, _ in lines]
    pieces = [(u.line, i, u.text) for i, u in enumerate(units) if u.kind in splitter.LEAF_KINDS and u.kind != "note"]
    pieces += [(u.line, i, u.heading) for i, u in enumerate(units) if u.kind == "section"]
    if title is not None:
        pieces.append((title_line, -1, title))
    out: dict[int, str] = {}
    for line, _, text in sorted(pieces):
        start = numbers.index(line)
        for k, para in enumerate(text.split("\n")):
            out[numbers[start + k]] = out.get(numbers[start + k], "") + para
    return sorted(out.items())
