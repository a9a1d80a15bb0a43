"""Shared fixtures and markers; the support code itself is tests/support/.

Tests that build a site, run a server or drive the browser are marked
``slow`` (or ``browser``) here by the fixtures and helpers they use, so
``make test-fast`` (``-m "not slow and not browser"``) runs the unit tests.
"""

from __future__ import annotations

from support import ARTIFACTS, DATA, ENGINE, ROOT, SEEDS, THEMES  # noqa: F401 - re-exported for the tests

if ENGINE == "properdocs":
    # In-process mkdocs imports (the plugin, config loading) go to ProperDocs,
    # as under `python -m properdocs`: mkdocs itself stays installed as
    # mkdocs-material's dependency.
    import properdocs.replacement  # noqa: F401
from support.projects import mkdocs_build  # noqa: F401

pytest_plugins = ["support.fixtures"]

#: Expected structure of the five seeds (from the issue): parts, and
#: sub-points per part.
SEED_STRUCTURE = {
    "000_04ee43fed20adb21": [0, 0, 0],
    "001_0c6b4164099d1db5": [0, 0, 0],
    "002_3520ac743f25e09c": [3, 3, 3, 3],
    "003_8934f3c4a65f5158": [3, 3, 3],
    "004_cee338bc757c0ce3": [0, 3, 0],
}

#: Fixtures that build a site, run a command or serve a site: a test using
#: any is slow.
SLOW_FIXTURES = {"built_site", "base_url", "browser", "page", "corpus_json", "evil_site", "evil_url", "smoke",
                 "lenient_build", "strict_build", "check_run"}
#: Modules that are about builds, servers or browsers as a whole.
SLOW_MODULES = {"test_serve", "test_reproducible", "test_bench", "test_browser", "test_search",
                "test_injection_browser", "test_cli", "test_cache"}


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        if (SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("browser")
                or item.module.__name__ in SLOW_MODULES):
            item.add_marker(pytest.mark.slow)
