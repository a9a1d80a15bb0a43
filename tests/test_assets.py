"""The site's own scripts and stylesheet are served minified
(build_scripts/assets.py): smaller, deterministic, still valid, and only
the pages that need the list and sort scripts load them."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from build_scripts import assets
from support import ROOT

DOCS = ROOT / "docs"
NODE = shutil.which("node")


@pytest.mark.parametrize("path", sorted(assets.MINIFIED))
def test_minified_is_smaller_and_deterministic(path):
    text = (DOCS / path).read_text(encoding="utf-8")
    small = assets.minified(path, text)
    assert len(small) < 0.8 * len(text)
    assert assets.minified(path, text) == small
    # Comments are documentation of the sources, not of what is served.
    assert "/*" not in small


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("path", sorted(p for p in assets.MINIFIED if p.endswith(".js")))
def test_minified_script_still_parses(path, tmp_path):
    out = tmp_path / path.rsplit("/", 1)[-1]
    out.write_text(assets.minified(path, (DOCS / path).read_text(encoding="utf-8")), encoding="utf-8")
    result = subprocess.run([NODE, "--check", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_minify_replaces_only_the_listed_files():
    class F:
        def __init__(self, src_uri, content):
            self.src_uri, self.content_string = src_uri, content

    css, other = F("stylesheets/kb.css", "a {  color : red ; }\n"), F("about/x.css", "a {  color : red ; }")
    assert assets.minify([css, other]) == 1
    assert css.content_string == "a{color:red}\n"
    assert other.content_string == "a {  color : red ; }"


def test_built_site_serves_minified_assets_and_loads_page_scripts_where_needed(built_site):
    for path in assets.MINIFIED:
        served = (built_site / path).read_text(encoding="utf-8")
        assert served == assets.minified(path, (DOCS / path).read_text(encoding="utf-8")), path
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "javascripts/kb.js" in home
    assert "kb-list.js" not in home and "kb-sort.js" not in home
    assert "kb-list.js" in (built_site / "speeches" / "index.html").read_text(encoding="utf-8")
    sortable = [p for p in built_site.rglob("*.html") if "kb-sortable" in p.read_text(encoding="utf-8")]
    assert sortable
    for page in sortable:
        assert "kb-sort.js" in page.read_text(encoding="utf-8"), page
