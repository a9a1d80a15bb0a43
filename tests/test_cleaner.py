"""Cleaning: whitespace, placeholders, punctuation, disclaimers; idempotent."""

import random

import pytest

from build_scripts import cleaner
from build_scripts.cleaner import PLACEHOLDER, clean, clean_line
from conftest import SEEDS


def seed_texts():
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.mark.parametrize("speech_id", sorted(seed_texts()))
def test_cleaning_is_idempotent_on_seeds(speech_id):
    text = seed_texts()[speech_id]
    first = clean(text)
    for _, line in first.lines:
        assert clean_line(line) == line
    again = clean("\n".join(line for _, line in first.lines))
    assert [line for _, line in again.lines] == [line for _, line in first.lines]


def test_cleaning_is_idempotent_on_random_mixtures():
    rng = random.Random(20261121)
    alphabet = list("工会职工的，,。.;；:：!！?？()（）“”XXxx__**× \t\u3000\u00a0\u200b&times;abc12")
    for _ in range(2000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        once = clean_line(s)
        assert clean_line(once) == once, repr(s)


def test_indentation_blank_lines_and_spaces_inside_chinese_are_removed():
    text = "标题\n\n   \n\u3000\u3000同志们：\n    帮职工 群众维权。  \r\n"
    assert [line for _, line in clean(text).lines] == ["标题", "同志们：", "帮职工群众维权。"]


def test_line_numbers_refer_to_the_source():
    assert [n for n, _ in clean("a\n\n  \nb\r\nc").lines] == [1, 4, 5]


@pytest.mark.parametrize("raw", ["times;times;*区工会", "&times;&times;区工会", "XX区工会", "ＸＸ区工会",
                                 "××区工会", "**区工会", "_区工会", "xx区工会"])
def test_every_placeholder_form_is_shown_one_way(raw):
    assert clean_line(raw) == f"{PLACEHOLDER}区工会"


def test_placeholder_inside_latin_text_is_left_alone():
    assert clean_line("file_name XXL size") == "file_name XXL size"


def test_placeholders_are_recorded_with_their_line():
    result = clean("标题\n在XX区和times;times;*县")
    assert result.placeholders == [(2, "XX"), (2, "times;times;*")]


@pytest.mark.parametrize("raw, expected", [
    ("祝贺!向到会", "祝贺！向到会"),
    ("维护者;全区", "维护者；全区"),
    ("大贡献!", "大贡献！"),
    ("千亿gdp区(县);两个", "千亿gdp区（县）；两个"),
    ("增长(劳动报酬同步增长),使", "增长（劳动报酬同步增长），使"),
    ("区委,区政府", "区委，区政府"),
    ("一个目标:到", "一个目标：到"),
    ("增长1.5倍", "增长1.5倍"),
    ("version 1.0, ok", "version 1.0, ok"),
])
def test_half_width_punctuation_between_chinese_becomes_full_width(raw, expected):
    assert clean_line(raw) == expected


def test_disclaimer_is_a_note_not_speech_text():
    seed = seed_texts()["002_3520ac743f25e09c"]
    result = clean(seed)
    assert result.notes == [(1, "本文系邮箱投稿，仅供学习参考，请勿照搬照抄！")]
    assert all("投稿" not in line for _, line in result.lines)


def test_disclaimer_words_in_the_middle_of_a_speech_are_text():
    lines = ["标题", "第一段。", "第二段。", "本文系统地阐述了仅供参考的意见。", "第三段。", "第四段。", "第五段。"]
    result = clean("\n".join(lines))
    assert result.notes == []


def test_nothing_but_whitespace_and_placeholders_changes():
    # Cleaning may only touch spaces, placeholders and punctuation: the
    # Chinese characters of every seed survive in order.
    import re
    for text in seed_texts().values():
        han = lambda s: re.sub(f"[^{cleaner.HAN}]", "", s)  # noqa: E731
        cleaned = "\n".join(line for _, line in clean(text).lines) + "\n".join(n for _, n in clean(text).notes)
        assert sorted(han(text)) == sorted(han(cleaned))
