"""The command line (python -m build_scripts) and its documentation."""

import json
import re
import subprocess
import sys

import jsonschema

from build_scripts import export
from conftest import ROOT, SEEDS


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "build_scripts", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_tag_prints_the_same_json_for_files_anywhere(tmp_path):
    draft = tmp_path / "我的讲话稿.txt"
    draft.write_text((SEEDS / "003_8934f3c4a65f5158.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("tag", str(draft), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(export.load_schema()).validate(data)
    (speech,) = data["speeches"]
    assert speech["source"] == str(draft)
    assert speech["id"] == "我的讲话稿"
    assert len([u for u in speech["units"] if u["kind"] == "section"]) == 3
    assert "维权帮扶" in {t for u in speech["units"] for t in u.get("themes", [])}
    assert "工会" in result.stdout  # not \u-escaped


def test_tag_reports_a_bad_file_and_exits_1(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Café déjà vu, naïve résumé. ".encode("cp1252") * 5)  # not Chinese: refused
    good = SEEDS / "000_04ee43fed20adb21.txt"
    result = run("tag", str(bad), str(good))
    assert result.returncode == 1
    assert "bad.txt" in result.stderr and "UTF-8" in result.stderr
    assert len(json.loads(result.stdout)["speeches"]) == 1


def test_check_prints_structure():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "002_3520ac743f25e09c\t4\t[3, 3, 3, 3]" in result.stdout
    assert "5 speech(es) built, 0 skipped" in result.stdout


def test_export_writes_the_site_json(tmp_path, corpus):
    out = tmp_path / "corpus.json"
    result = run("export", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == export.to_json(corpus)


def test_config_error_exit_code(tmp_path):
    (tmp_path / "themes.yml").write_text("themes: 1\n", encoding="utf-8")
    result = run("--themes", str(tmp_path / "themes.yml"), "check")
    assert result.returncode == 3
    assert "themes.yml:1" in result.stderr


def test_evaluate_prints_precision_recall_f1():
    result = run("evaluate")
    assert result.returncode == 0, result.stderr
    assert re.search(r"micro\s+\d+\s+[01]\.\d\d\s+[01]\.\d\d\s+[01]\.\d\d", result.stdout)


def test_every_command_and_make_target_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^    python -m build_scripts (\w+)", (ROOT / "build_scripts/__main__.py").read_text(), re.M)
    assert set(commands) >= {"tag", "export", "evaluate"}
    for command in commands:
        assert f"python -m build_scripts {command}" in readme, command
    targets = re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M)
    for target in targets:
        assert f"make {target}" in readme, target


def test_readme_set_up_is_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme and "make test" in readme
    ci = (ROOT / ".ci/run").read_text()
    assert "make test" in ci
