"""Splitting into units: the seeds' structure, and no sentence lost."""

import pytest

from build_scripts.cleaner import clean
from build_scripts.splitter import (SUBPOINT_RE, check_lossless, chinese_numeral, split, subpoint_heading,
                                    to_chinese_numeral)
from conftest import SEED_STRUCTURE, SEEDS


def split_file(stem):
    c = clean((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
    title, title_line, units = split(c.lines, c.notes)
    return c, title, title_line, units


@pytest.mark.parametrize("stem, subpoints", sorted(SEED_STRUCTURE.items()))
def test_seed_parts_and_subpoints(stem, subpoints):
    _, _, _, units = split_file(stem)
    sections = [u for u in units if u.kind == "section"]
    assert [s.number for s in sections] == list(range(1, len(subpoints) + 1))
    assert [len([u for u in units if u.parent == s.id and u.kind == "subpoint"]) for s in sections] == subpoints


@pytest.mark.parametrize("stem", sorted(SEED_STRUCTURE))
def test_no_character_of_a_seed_is_lost(stem):
    c, title, title_line, units = split_file(stem)
    assert check_lossless(c.lines, c.notes, title, title_line, units) is None


def test_lossless_check_notices_a_dropped_unit():
    c, title, title_line, units = split_file("003_8934f3c4a65f5158")
    without = [u for u in units if u.id != "part-2-2"]
    assert "differs" in check_lossless(c.lines, c.notes, title, title_line, without)


def test_003_third_part_mixes_yi_shi_and_er_yao():
    _, _, _, units = split_file("003_8934f3c4a65f5158")
    subs = [u for u in units if u.parent == "part-3" and u.kind == "subpoint"]
    assert [u.text[:2] for u in subs] == ["一是", "二要", "三要"]
    assert subs[0].heading == "一是加强党对工会工作的领导"


def test_004_second_part_subpoints_are_separate_paragraphs():
    _, _, _, units = split_file("004_cee338bc757c0ce3")
    subs = [u for u in units if u.parent == "part-2" and u.kind == "subpoint"]
    assert len({u.line for u in subs}) == 3
    assert [u.id for u in units if u.parent == "part-1"] == ["part-1-p1", "part-1-p2", "part-1-p3"]


def test_title_salutation_intro_and_closing():
    _, title, _, units = split_file("000_04ee43fed20adb21")
    assert title == "工会代表大会开幕式领导讲话"
    kinds = [u.kind for u in units if u.parent is None]
    assert kinds[:4] == ["salutation", "intro", "intro", "intro"]
    closing = [u for u in units if u.kind == "closing"]
    assert [u.text[:4] for u in closing] == ["各位代表", "最后，预"]


def test_002_disclaimer_is_a_note_and_the_title_is_the_next_line():
    _, title, _, units = split_file("002_3520ac743f25e09c")
    assert title == "在××区工会代表大会上的讲话"
    assert units[0].kind == "note"


def test_content_line_after_the_last_part_stays_in_the_part():
    # 002 line 15 (XX区工会的领导班子要…) is part four's text, not the closing.
    _, _, _, units = split_file("002_3520ac743f25e09c")
    p2 = [u for u in units if u.id == "part-4-p2"][0]
    assert p2.text.startswith("××区工会的领导班子")
    assert [u.line for u in units if u.kind == "closing"] == [16]


def test_first_task_is_not_a_subpoint_marker():
    assert not SUBPOINT_RE.search("服务大局是工会工作的第一要务。")
    assert SUBPOINT_RE.search("要求。一要着力开展")
    assert not SUBPOINT_RE.search("必须统一是非标准")


def test_section_text_contains_its_children():
    _, _, _, units = split_file("002_3520ac743f25e09c")
    part = [u for u in units if u.id == "part-2"][0]
    for child in (u for u in units if u.parent == "part-2"):
        assert child.text in part.text


def test_speech_without_parts_is_paragraphs():
    lines = list(enumerate(["一篇没有结构的讲话", "同志们：", "第一段话。", "第二段话。", "最后，预祝大会圆满成功！"], 1))
    title, _, units = split(lines)
    assert title == "一篇没有结构的讲话"
    assert [u.kind for u in units] == ["salutation", "paragraph", "paragraph", "closing"]


def test_out_of_sequence_numbering_is_text():
    lines = list(enumerate(["标题", "开场白。", "二、这不是第一部分", "正文。"], 1))
    _, _, units = split(lines)
    assert not [u for u in units if u.kind == "section"]


@pytest.mark.parametrize("text, value", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("零", None), ("甲", None)])
def test_chinese_numerals(text, value):
    assert chinese_numeral(text) == value


def test_subpoint_heading_of_a_loose_passage():
    assert subpoint_heading("二是增强服务中心大局意识。工会工作要以服从大局为己任。") == "二是增强服务中心大局意识"
    assert subpoint_heading("工会工作要以服从大局为己任。") is None


def test_numerals_round_trip():
    assert [to_chinese_numeral(n) for n in (1, 10, 12, 20, 23)] == ["一", "十", "十二", "二十", "二十三"]
    assert all(chinese_numeral(to_chinese_numeral(n)) == n for n in range(1, 100))
