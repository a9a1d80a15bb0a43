"""Bad configuration stops the build with every problem listed; a bad
speech is reported and skipped; inputs are never modified."""

import hashlib
import logging
import shutil

import pytest

from build_scripts.errors import ConfigError
from build_scripts.pipeline import build_corpus
from build_scripts.themes import parse_lexicon
from conftest import SEEDS, THEMES

GOOD_THEME = """
themes:
  - name: 维权帮扶
    slug: weiquan
    description: 维护职工权益。
    keywords: {维权: 2}
"""


def test_the_shipped_lexicon_is_valid():
    lexicon = parse_lexicon(THEMES.read_text(encoding="utf-8"))
    assert [t.name for t in lexicon.themes] == ["服务大局", "维权帮扶", "自身建设", "党的领导"]


def test_every_problem_is_listed_at_once_with_line_and_fix():
    text = """themes:
  - name: 甲
    slug: Bad Slug
    description: 说明
    keywords: {维权: -1, 帮扶: two}
  - name: 甲
    slug: ok
    keywords: {}
"""
    with pytest.raises(ConfigError) as info:
        parse_lexicon(text, "themes.yml")
    problems = info.value.problems
    messages = "\n".join(str(p) for p in problems)
    assert len(problems) >= 5, messages
    assert "themes.yml:3" in messages and "not a usable URL part" in messages  # slug
    assert "themes.yml:5" in messages and "weight" in messages               # weights
    assert "used twice" in messages                                          # name
    assert "description" in messages                                         # missing
    assert all(p.fix for p in problems)


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(ConfigError) as info:
        parse_lexicon("themes:\n  - name: [unclosed\n", "themes.yml")
    assert info.value.problems[0].line is not None


def test_unknown_keys_are_errors_with_the_nearest_key():
    with pytest.raises(ConfigError) as info:
        parse_lexicon(GOOD_THEME.replace("    slug:", "    keyword: x\n    slug:"), "themes.yml")
    [problem] = info.value.problems
    assert problem.line == 4 and "unknown key `keyword`" in problem.problem
    assert "keyword → keywords?" in problem.fix


def test_a_theme_name_cannot_forge_a_log_line_in_a_problem():
    # The problem's location names the theme; a newline or bidi control in
    # that name is shown escaped, so the message stays one honest line.
    text = GOOD_THEME.replace("name: 维权帮扶", 'name: "维\\u202e权\\nERROR - forged"').replace(
        "    slug:", "    keyword: x\n    slug:")
    with pytest.raises(ConfigError) as info:
        parse_lexicon(text, "themes.yml")
    messages = "\n".join(str(p) for p in info.value.problems)
    assert "keyword" in messages
    assert "\u202e" not in messages and "\nERROR - forged" not in messages
    assert "\\nERROR - forged" in messages or "\\u202e" in messages


def test_a_fifth_theme_needs_no_code(tmp_path):
    themes = THEMES.read_text(encoding="utf-8") + """
  - name: 劳动竞赛
    slug: laodong-jingsai
    description: 劳动竞赛和技能比武。
    keywords: {劳动竞赛: 3, 技术比武: 2, 岗位练兵: 2}
"""
    (tmp_path / "themes.yml").write_text(themes, encoding="utf-8")
    corpus = build_corpus(SEEDS, tmp_path / "themes.yml")
    assert corpus.themes[-1].name == "劳动竞赛"
    assert any("劳动竞赛" in u.themes for s in corpus.speeches for u in s.units)


def seeds_copy(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def test_a_bad_speech_is_reported_and_skipped(tmp_path, caplog):
    seeds = seeds_copy(tmp_path)
    (seeds / "gbk.txt").write_bytes("工会讲话\n同志们：".encode("gbk"))
    (seeds / "empty.txt").write_text("  \n", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="build_scripts"):
        corpus = build_corpus(seeds, THEMES)
    assert len(corpus.speeches) == 5
    assert sorted(s.path.rsplit("/", 1)[-1] for s in corpus.skipped) == ["empty.txt", "gbk.txt"]
    gbk = next(s for s in corpus.skipped if s.path.endswith("gbk.txt"))
    assert "not UTF-8" in gbk.message and "UTF-8" in gbk.message.split("—")[1]
    assert "gbk.txt" in caplog.text


def test_bad_sidecar_stops_the_build_listing_every_problem(tmp_path):
    seeds = seeds_copy(tmp_path)
    (seeds / "000_04ee43fed20adb21.yml").write_text("title: [a, b]\ndate: 2016-05-20\n", encoding="utf-8")
    (seeds / "001_0c6b4164099d1db5.yml").write_text("place: ''\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        build_corpus(seeds, THEMES)
    where = [f"{p.path.rsplit('/', 1)[-1]}:{p.line}" for p in info.value.problems]
    assert where == ["000_04ee43fed20adb21.yml:1", "001_0c6b4164099d1db5.yml:1"]


def test_sidecar_overrides_metadata(tmp_path):
    seeds = seeds_copy(tmp_path)
    (seeds / "004_cee338bc757c0ce3.yml").write_text(
        "title: 在昌平区工会第三次代表大会上的讲话\ndate: 2011-06-28\nspeaker: 区委书记\n", encoding="utf-8")
    speech = next(s for s in build_corpus(seeds, THEMES).speeches if s.id.startswith("004"))
    assert speech.title == "在昌平区工会第三次代表大会上的讲话"
    assert speech.meta.date.value == "2011-06-28" and speech.meta.date.origin == "sidecar"
    assert speech.meta.speaker.value == "区委书记"


def test_inputs_are_never_modified(tmp_path):
    seeds = seeds_copy(tmp_path)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds.iterdir()}
    build_corpus(seeds, THEMES)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds.iterdir()}
    assert before == after


def test_the_original_is_kept_exactly(corpus):
    for speech in corpus.speeches:
        assert speech.original == (SEEDS.parent / speech.source).read_text(encoding="utf-8")
