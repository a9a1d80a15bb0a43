"""Test support shared by tests/ and benchmarks/: projects (``projects``),
served sites and the browser (``browser``), pytest fixtures (``fixtures``,
loaded by tests/conftest.py).  Importing this package imports nothing
heavy; Playwright is imported only when a browser is launched."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
THEMES = ROOT / "themes.yml"
DATA = ROOT / "tests" / "data"
ARTIFACTS = ROOT / "tests" / "artifacts"

#: The engine the tests build with: ``mkdocs`` or ``properdocs`` (``make test
#: ENGINE=properdocs`` sets ``KB_ENGINE``).
ENGINE = os.environ.get("KB_ENGINE") or "mkdocs"


def engine_command(*args: str) -> list[str]:
    """``python -m <ENGINE> <args>``: the engine's command line, e.g.
    ``engine_command("build", "-q")``."""
    return [sys.executable, "-m", ENGINE, *args]
