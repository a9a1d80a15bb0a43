"""The per-speech analysis cache: only changed speeches are analysed again,
and a cached build is exactly an uncached one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from build_scripts import cache as cache_module
from build_scripts import export
from build_scripts.cache import AnalysisCache
from build_scripts.pipeline import build_corpus
from conftest import ROOT, SEEDS, THEMES
from support import engine_command


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """seeds/ and themes.yml copied into a scratch folder."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copy(THEMES, tmp_path / "themes.yml")
    return tmp_path


@pytest.fixture(autouse=True)
def empty_memory():
    """Each test starts (and leaves) with no in-memory entries."""
    cache_module._MEMORY.clear()
    yield
    cache_module._MEMORY.clear()


def _build(project: Path, cache: AnalysisCache | None, forget_memory: bool = False):
    if forget_memory:
        # A new process: only the disk layer remains.
        cache_module._MEMORY.clear()
    return build_corpus(project / "seeds", project / "themes.yml", cache=cache)


def _json(corpus) -> str:
    return export.to_json(corpus)


def test_unchanged_speeches_come_from_the_cache_exactly(project):
    directory = project / ".cache"
    first = AnalysisCache(directory)
    fresh = _build(project, first)
    assert (first.misses, first.hits) == (5, 0)
    assert len(list(directory.glob("*.json"))) == 5

    in_memory = AnalysisCache(directory)
    assert _json(_build(project, in_memory)) == _json(fresh)
    assert (in_memory.misses, in_memory.hits) == (0, 5)

    from_disk = AnalysisCache(directory)
    assert _json(_build(project, from_disk, forget_memory=True)) == _json(fresh)
    assert (from_disk.misses, from_disk.hits) == (0, 5)
    assert _json(fresh) == _json(_build(project, None))


def test_editing_one_speech_reanalyses_exactly_that_speech(project):
    directory = project / ".cache"
    _build(project, AnalysisCache(directory))
    seed = project / "seeds" / "003_8934f3c4a65f5158.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("厂务公开", "厂务公开和集体合同", 1), encoding="utf-8")

    for forget in (False, True):
        cache = AnalysisCache(directory)
        cached = _build(project, cache, forget_memory=forget)
        assert (cache.misses, cache.hits) == ((1, 4) if not forget else (0, 5)), forget
        assert _json(cached) == _json(_build(project, None))
        edited = next(s for s in cached.speeches if s.id == "003_8934f3c4a65f5158")
        assert "厂务公开和集体合同" in edited.original
    # The stale entry of the old text is gone from disk.
    assert len(list(directory.glob("*.json"))) == 5


def test_a_sidecar_change_reanalyses_its_speech(project):
    cache = AnalysisCache(project / ".cache")
    _build(project, cache)
    (project / "seeds" / "000_04ee43fed20adb21.yml").write_text("speaker: 区委书记\n", encoding="utf-8")
    again = AnalysisCache(project / ".cache")
    corpus = _build(project, again, forget_memory=True)
    assert (again.misses, again.hits) == (1, 4)
    assert corpus.speeches[0].meta.speaker.value == "区委书记"


def test_changing_themes_yml_invalidates_every_speech(project):
    _build(project, AnalysisCache(project / ".cache"))
    themes = project / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    changed = re.sub(r"(职工之家:\s*)([\d.]+)", lambda m: f"{m.group(1)}{float(m.group(2)) + 1:g}", text, count=1)
    assert changed != text, "themes.yml has no 职工之家 weight to change"
    themes.write_text(changed, encoding="utf-8")
    for forget in (False, True):
        cache = AnalysisCache(project / ".cache")
        corpus = _build(project, cache, forget_memory=forget)
        if not forget:
            assert (cache.misses, cache.hits) == (5, 0)
        assert _json(corpus) == _json(_build(project, None))
    # A comment is not a change to the lexicon.
    themes.write_text(changed + "\n# a comment\n", encoding="utf-8")
    cache = AnalysisCache(project / ".cache")
    _build(project, cache, forget_memory=True)
    assert (cache.misses, cache.hits) == (0, 5)


@pytest.mark.parametrize("damage", [
    b"",                                   # empty (a crash mid-write)
    b"\x00\xff not json at all",           # garbage
    b'{"id": "x", "source": ',             # truncated
    b'{"id": 1}',                          # valid JSON, wrong shape
    b"[]",
])
def test_a_corrupt_cache_file_is_ignored_and_rewritten(project, damage):
    directory = project / ".cache"
    fresh = _build(project, AnalysisCache(directory))
    victim = sorted(directory.glob("*.json"))[2]
    victim.write_bytes(damage)
    cache = AnalysisCache(directory)
    assert _json(_build(project, cache, forget_memory=True)) == _json(fresh)
    assert (cache.misses, cache.hits) == (1, 4)
    # Rewritten: the next build reads it.
    again = AnalysisCache(directory)
    _build(project, again, forget_memory=True)
    assert (again.misses, again.hits) == (0, 5)


def test_an_unwritable_cache_directory_is_not_fatal(project):
    blocker = project / "not-a-dir"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    corpus = _build(project, AnalysisCache(blocker / "analysis"))
    assert len(corpus.speeches) == 5


def test_code_version_covers_the_analysis_modules_and_data():
    names = {p.name for p in cache_module.PACKAGE.glob("*.py")}
    assert {"cleaner.py", "splitter.py", "tagger.py", "metadata.py", "segmenter.py"} <= names
    assert re.fullmatch(r"[0-9a-f]{64}", cache_module.code_version())


@pytest.mark.slow
def test_mkdocs_rebuild_after_one_edit_analyses_one_speech(tmp_path):
    from support.projects import make_project

    project = make_project(tmp_path)

    def build(site: str) -> str:
        cmd = [*engine_command("build"), "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / site)]
        result = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=600,
                                env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
        assert result.returncode == 0, result.stderr
        return result.stdout + result.stderr

    assert "5 analysed, 0 unchanged" in build("a")
    seed = project / "seeds" / "001_0c6b4164099d1db5.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n同志们，谢谢大家！\n", encoding="utf-8")
    assert "1 analysed, 4 unchanged" in build("b")
    corpus = json.loads((tmp_path / "b" / "data" / "corpus.json").read_text(encoding="utf-8"))
    assert corpus == json.loads(export.to_json(build_corpus(project / "seeds", project / "themes.yml")))
    assert (project / ".cache" / "analysis").is_dir()
    assert not (ROOT / "seeds" / ".cache").exists()
