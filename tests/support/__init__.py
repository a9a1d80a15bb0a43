"""Test support shared by tests/ and benchmarks/: projects (``projects``),
served sites and the browser (``browser``), pytest fixtures (``fixtures``,
loaded by tests/conftest.py).  Importing this package imports nothing
heavy; Playwright is imported only when a browser is launched."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
THEMES = ROOT / "themes.yml"
DATA = ROOT / "tests" / "data"
ARTIFACTS = ROOT / "tests" / "artifacts"
