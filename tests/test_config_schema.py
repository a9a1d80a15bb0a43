"""themes.yml and sidecars through their JSON Schemas: every problem is a
``Problem`` with the file, the line and a fix, and `check` exits 3."""

import shutil
import subprocess
import sys

import pytest

from build_scripts import config_schema
from build_scripts.errors import ConfigError
from build_scripts.reader import read_sidecar
from build_scripts.themes import TaggingSettings, parse_lexicon
from conftest import ROOT, SEEDS, THEMES

SHIPPED = THEMES.read_text(encoding="utf-8")


def problems_of(text):
    with pytest.raises(ConfigError) as info:
        parse_lexicon(text, "themes.yml")
    return info.value.problems


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_typo_in_the_shipped_file_names_file_line_and_the_key_meant():
    bad = SHIPPED.replace("    keywords:\n      服务大局: 1.5", "    keyword:\n      服务大局: 1.5", 1)
    [problem] = problems_of(bad)
    assert problem.path == "themes.yml"
    assert problem.line == line_of(bad, "    keyword:")
    assert "unknown key `keyword` in themes[服务大局]" in problem.problem
    assert "keyword → keywords?" in problem.fix


def test_a_typo_fails_check_with_exit_3(tmp_path):
    themes = tmp_path / "themes.yml"
    themes.write_text(SHIPPED.replace("  sentence_min:", "  sentence_mn:"), encoding="utf-8")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    run = subprocess.run([sys.executable, "-m", "build_scripts", "--seeds", str(seeds), "--themes", str(themes), "check"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 3, run.stderr
    assert f"{themes}:{line_of(themes.read_text(encoding='utf-8'), 'sentence_mn')}: unknown key `sentence_mn`" in run.stderr
    assert "sentence_mn → sentence_min?" in run.stderr


@pytest.mark.parametrize("old, new, expected", [
    ('slug: fuwu-daju', 'slug: index', "`index` is the 主题 overview page"),
    ('color: "#1565c0"', 'color: "#fff\\n"', "not a hex colour"),
    ('color: "#1565c0"', 'color: "red"', "not a hex colour"),
    ("- name: 服务大局", '- name: "服务\\n大局"', "one line of text"),
    ("- name: 服务大局", '- name: "服务\\u202e大局"', "direction-override"),
    ("- name: 服务大局", '- name: "坏\\uD800名"', "one line of text"),
    ("      服务大局: 1.5", '      "劳动 竞赛": 2', "without spaces"),
    ("      服务大局: 1.5", "      服务大局: 0", "weight must be a number > 0"),
    ("      服务大局: 1.5", "      服务大局: true", "weight must be a number > 0"),
    ("  sentence_min: 2.0", "  sentence_min: two", "must be a number"),
    ("  dominance: 0.6", "  dominance: 1.5", "from 0 to 1"),
    ("  sentence_min: 2.0", "  sentence_min: !!python/name:os.system 2.0", "YAML tag"),
    ("  sentence_min: 2.0", "  sentence_min: !foo 2.0", "YAML tag"),
    ("tagging:", "base: &b {sentence_min: 2}\ntagging:\n  <<: *b", "merge key"),
    ("    slug: fuwu-daju", "    slug: fuwu-daju\n    slug: other", "given twice"),
    ("      服务大局: 1.5", "      服务大局: 1.5\n      服务大局: 2", "given twice"),
    ("    slug: weiquan-bangfu", "    slug: fuwu-daju", "used twice"),
])
def test_each_invalid_value_is_a_problem_with_line_and_fix(old, new, expected):
    assert old in SHIPPED
    bad = SHIPPED.replace(old, new, 1)
    problems = problems_of(bad)
    found = [p for p in problems if expected in p.problem]
    assert found, "\n".join(map(str, problems))
    assert all(p.line and p.fix and p.path == "themes.yml" for p in found)
    first_changed = new.splitlines()[-1].strip()
    assert any(p.line == line_of(bad, first_changed) for p in found) or "used twice" in expected or "<<" in new


def test_a_theme_without_vocabulary_and_a_missing_file_are_problems(tmp_path):
    text = "themes:\n  - name: 甲\n    slug: jia\n    description: 说明\n    keywords: {}\n"
    [problem] = problems_of(text)
    assert problem.line == 2 and "no keywords or phrases" in problem.problem
    from build_scripts.themes import load_lexicon
    (tmp_path / "dir.yml").mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        load_lexicon(tmp_path / "dir.yml")
    with pytest.raises(ConfigError, match="file not found"):
        load_lexicon(tmp_path / "missing.yml")


def test_defaults_come_from_the_schema_only():
    tagging = config_schema.schema("themes")["properties"]["tagging"]["properties"]
    settings = TaggingSettings.from_config({})
    for key, spec in tagging.items():
        assert getattr(settings, key) == spec["default"]
    assert TaggingSettings.from_config({"sentence_min": 9}).sentence_min == 9


SIDECAR_CASES = [
    ("date: 2016-02-30\n", 1, "is not a date"),
    ("date: 2016-13\n", 1, "is not a date"),
    ("date: '20160520'\n", 1, "is not a date"),
    ("title: |\n  两行\n  标题\n", 1, "one line of text"),
    ("place: \"某区\\n某县\"\n", 1, "one line of text"),
    ("speaker: \"书记\\u202e\"\n", 1, "direction-override"),
    ('title: "坏\\uD800标题"\n', 1, "one line of text"),
    ("title: \"a\\x07b\"\n", 1, "one line of text"),
    ("title: !foo bar\n", 1, "YAML tag"),
    ("title: !!python/name:os.system x\n", 1, "YAML tag"),
    ("place: &p 某区\nspeaker: *p\n", 2, "alias"),
    ("<<: {title: x}\n", 1, "merge key"),
    ("speaker: 甲\nspeaker: 乙\n", 2, "given twice"),
    ("titel: x\n", 1, "unknown key `titel`"),
    ("title: [a, b]\n", 1, "one line of text"),
    ("title: ''\n", 1, "one line of text"),
    ("- a\n- b\n", 1, "mapping"),
]


@pytest.mark.parametrize("text, line, expected", SIDECAR_CASES)
def test_sidecar_problems(tmp_path, text, line, expected):
    speech = tmp_path / "a.txt"
    speech.write_text("讲话", encoding="utf-8")
    (tmp_path / "a.yml").write_text(text, encoding="utf-8")
    values, problems = read_sidecar(speech)
    assert values == {}
    found = [p for p in problems if expected in p.problem]
    assert found, problems
    assert found[0].line == line and found[0].fix and found[0].path.endswith("a.yml")


def test_a_good_sidecar_and_the_suggestion(tmp_path):
    speech = tmp_path / "a.txt"
    speech.write_text("讲话", encoding="utf-8")
    (tmp_path / "a.yml").write_text("title: 在某区总工会第三次代表大会上的讲话\ndate: 2016-02-29\nsource: 2016\n",
                                    encoding="utf-8")
    assert read_sidecar(speech) == ({"title": "在某区总工会第三次代表大会上的讲话", "date": "2016-02-29",
                                     "source": "2016"}, [])
    (tmp_path / "a.yml").write_text("titel: x\n", encoding="utf-8")
    [problem] = read_sidecar(speech)[1]
    assert "titel → title?" in problem.fix


def test_a_sidecar_that_is_a_directory_stops_check_with_exit_3(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "000_04ee43fed20adb21.yml").mkdir()
    (seeds / "001_0c6b4164099d1db5.yml").write_text("date: 2016-02-30\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "build_scripts", "--seeds", str(seeds), "check"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 3
    assert "000_04ee43fed20adb21.yml: is a directory" in run.stderr
    assert "001_0c6b4164099d1db5.yml:1: date: is not a date" in run.stderr
