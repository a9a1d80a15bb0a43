"""pytest fixtures shared by every test module (loaded by conftest.py):
the real corpus, one strict build of the real site, the site served, the
browser and a page with its network log."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import ROOT, SEEDS, THEMES
from .browser import TIMEOUT_MS, NetLog, have_chromium, launch, serve_site
from .projects import mkdocs_build


@pytest.fixture(scope="session")
def analyzer():
    from build_scripts.pipeline import Analyzer
    from build_scripts.themes import load_lexicon

    return Analyzer.from_lexicon(load_lexicon(THEMES))


@pytest.fixture(scope="session")
def corpus(analyzer):
    from build_scripts.pipeline import build_corpus

    return build_corpus(SEEDS, THEMES, analyzer=analyzer)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once with ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def base_url(built_site: Path):
    """The real site served on 127.0.0.1."""
    with serve_site(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (skips the test where it is missing)."""
    if not have_chromium():
        pytest.skip("/usr/bin/chromium is not installed (CI installs the Debian 'chromium' package); "
                    "browser tests need it and never download a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def net() -> NetLog:
    return NetLog()


@pytest.fixture
def page(browser, net):
    """A fresh desktop page (1280×900, zh-CN) whose requests ``net`` records."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    net.attach(context)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
