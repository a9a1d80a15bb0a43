"""Shared fixtures: the real corpus, and one strict build of the real site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
THEMES = ROOT / "themes.yml"
DATA = Path(__file__).resolve().parent / "data"

#: Expected structure of the five seeds (from the issue): parts, and
#: sub-points per part.
SEED_STRUCTURE = {
    "000_04ee43fed20adb21": [0, 0, 0],
    "001_0c6b4164099d1db5": [0, 0, 0],
    "002_3520ac743f25e09c": [3, 3, 3, 3],
    "003_8934f3c4a65f5158": [3, 3, 3],
    "004_cee338bc757c0ce3": [0, 3, 0],
}


@pytest.fixture(scope="session")
def analyzer():
    from build_scripts.pipeline import Analyzer
    from build_scripts.themes import load_lexicon

    return Analyzer.from_lexicon(load_lexicon(THEMES))


@pytest.fixture(scope="session")
def corpus(analyzer):
    from build_scripts.pipeline import build_corpus

    return build_corpus(SEEDS, THEMES, analyzer=analyzer)


def mkdocs_build(project: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """Run ``mkdocs build`` for ``project`` (a folder with mkdocs.yml)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site_dir)]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once with ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site
