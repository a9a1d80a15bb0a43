"""Both engines build the same site, and the plain route reproduces it.

- MkDocs 1.6 and ProperDocs (its maintained fork) build the seeds into
  sites that differ in one line per HTML page: the ``generator`` meta tag,
  which names the engine and its version.  Everything else — pages,
  search index, export, sitemap — is byte-identical.  The engine the tests
  run under (``make test ENGINE=…``) builds ``built_site``; the other one
  builds in its own venv, which ``make`` creates from the pinned
  requirements when it is missing (.venv or .venv-properdocs).
- ``python -m build_scripts pages DIR`` plus a plain build (no kb plugin)
  gives the same pages with the same links; only the search differs
  (material's own worker and index instead of ours; see plain.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from build_scripts import plain, source_date
from build_scripts.errors import ConfigError
from support import ENGINE, ROOT, engine_command
from support.golden import fingerprint as engine_free_fingerprint
from support.projects import mkdocs_env

#: Engine → its venv (the Makefile's VENV for ENGINE=…).
VENVS = {"mkdocs": ".venv", "properdocs": ".venv-properdocs"}
OTHER = "properdocs" if ENGINE == "mkdocs" else "mkdocs"
#: The one line the engines write differently into each HTML page.
GENERATOR = re.compile(r'<meta name="generator" content="([^"]*)">')


def fingerprint(site: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file's bytes as they are (the
    golden fingerprint leaves the generator tag out)."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}
#: The notices of mkdocs-material ("end of life", NO_MKDOCS_2_WARNING) and
#: ProperDocs (properdocs.replacement_warning, DISABLE_MKDOCS_2_WARNING).
NOTICE = re.compile(r"MkDocs 2|end of life|Zensical|WARNING|install properdocs|properdocs\.yml", re.I)


def test_kb_is_declared_for_both_engines():
    """ProperDocs reads ``properdocs.plugins`` before ``mkdocs.plugins``
    (properdocs/plugins.py get_plugins); both name the same class."""
    found = {group: [ep.value for ep in entry_points(group=group) if ep.name == "kb"]
             for group in ("mkdocs.plugins", "properdocs.plugins")}
    assert found == {"mkdocs.plugins": ["build_scripts.plugin:KnowledgeBasePlugin"],
                     "properdocs.plugins": ["build_scripts.plugin:KnowledgeBasePlugin"]}


def other_engine_python() -> Path:
    """The Python of the other engine's venv, made by ``make`` (pinned
    requirements; reinstalled when they changed) — a couple of minutes
    the first time."""
    subprocess.run(["make", "-s", f"ENGINE={OTHER}", f"{VENVS[OTHER]}/bin/.runtime"], cwd=ROOT, check=True,
                   timeout=900, capture_output=True)
    return ROOT / VENVS[OTHER] / "bin" / "python"


def quiet_env() -> dict[str, str]:
    """The environment without either notice switch, and without
    KB_ENGINE (the other engine is named on its command line)."""
    return {k: v for k, v in os.environ.items()
            if k not in ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING", "KB_ENGINE", "SOURCE_DATE_EPOCH")}


@pytest.mark.slow
def test_both_engines_build_the_same_site(built_site, tmp_path):
    python = other_engine_python()
    site = tmp_path / "site"
    env = mkdocs_env() if OTHER == "mkdocs" else quiet_env()  # ProperDocs needs no switch
    result = subprocess.run([str(python), "-m", OTHER, "build", "-q", "--strict", "-f", "mkdocs.yml", "-d", str(site)], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert not NOTICE.search(result.stderr), result.stderr

    ours, theirs = fingerprint(built_site), fingerprint(site)
    assert set(ours) == set(theirs)
    assert (built_site / "sitemap.xml").read_bytes() == (site / "sitemap.xml").read_bytes()
    differ = sorted(path for path in ours if ours[path] != theirs[path])
    assert all(path.endswith(".html") for path in differ), differ
    generators = set()
    for path in differ:
        a, b = ((s / path).read_text(encoding="utf-8") for s in (built_site, site))
        assert GENERATOR.sub("", a) == GENERATOR.sub("", b), path
        generators.add((GENERATOR.search(a)[1], GENERATOR.search(b)[1]))
    # Every page of the site says which engine built it, so every page differs there.
    assert len(differ) == sum(1 for p in ours if p.endswith(".html"))
    by_engine = dict(zip((ENGINE, OTHER), zip(*generators)))
    assert len(generators) == 1
    # The golden fingerprint (test_plugin) is the same for both engines.
    assert engine_free_fingerprint(built_site) == engine_free_fingerprint(site)
    assert by_engine["mkdocs"][0].startswith("mkdocs-1.6.")
    assert by_engine["properdocs"][0].startswith("mkdocs-ProperDocs 1.6.7")


@pytest.mark.slow
def test_properdocs_prints_no_notice_without_any_switch(tmp_path):
    """Under ``python -m properdocs`` neither notice is printed, whatever
    the environment (material's checks for an ``mkdocs`` executable,
    ProperDocs' for plugins calling its warning while run as mkdocs)."""
    python = sys.executable if ENGINE == "properdocs" else other_engine_python()
    # Named with -f, as make does: found on its own, mkdocs.yml gets an INFO
    # line asking to rename it properdocs.yml (properdocs/config/base.py).
    result = subprocess.run([str(python), "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml",
                             "-d", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, env=quiet_env(), timeout=600)
    assert result.returncode == 0, result.stderr
    assert not NOTICE.search(result.stderr), result.stderr


# --- the plain route: build_scripts pages DIR + a build without kb ------------

#: Material's search worker swap (overrides/main.html): the __config script
#: names kb-search.js, and the script after material's bundle.
_SEARCH_SCRIPTS = re.compile(r'<script id="__config".*?</script>|<script>.*?</script>', re.S)
_HREF = re.compile(r'\b(?:href|src)="([^"]*)"')


def normalised(page: str) -> str:
    """A page without the search-worker scripts and blank lines (the
    rawhtml extension joins HTML blocks that Python-Markdown keeps apart)."""
    return "\n".join(line.strip() for line in _SEARCH_SCRIPTS.sub("", page).splitlines() if line.strip())


def links(page: str) -> list[str]:
    return _HREF.findall(_SEARCH_SCRIPTS.sub("", page))


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "out"
    made = subprocess.run([sys.executable, "-m", "build_scripts", "pages", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "kb" not in re.findall(r"^- (\w+)", config, re.M) and "- kb:" not in config
    # The date the plugin would have set (source_date), for the same sitemap.
    env = mkdocs_env(SOURCE_DATE_EPOCH=str(source_date.epoch_from_inputs(ROOT)))
    built = subprocess.run([*engine_command("build"), "-q", "--strict"], cwd=out, capture_output=True, text=True,
                           env=env, timeout=600)
    assert built.returncode == 0, built.stderr
    return out / "site"


@pytest.mark.slow
def test_plain_build_has_the_same_pages_and_links(built_site, plain_site):
    ours, theirs = fingerprint(built_site), fingerprint(plain_site)
    # Only the knowledge base's search (worker and chunked index) is missing.
    assert sorted(set(ours) - set(theirs)) == sorted(
        p for p in ours if p == "assets/javascripts/workers/kb-search.js" or p.startswith("search/kb/"))
    assert set(theirs) <= set(ours)
    pages = [p for p in ours if p.endswith(".html")]
    assert len(pages) >= 16 and {"speeches/index.html", "themes/index.html"} <= set(pages)
    for path in pages:
        a, b = ((s / path).read_text(encoding="utf-8") for s in (built_site, plain_site))
        assert links(a) == links(b), path
        assert normalised(a) == normalised(b), path
    # The rest is byte for byte the same — export, sources, sitemap, assets —
    # but material's search index, which here covers every page.
    differ = sorted(p for p in theirs if ours[p] != theirs[p] and not p.endswith(".html"))
    assert differ == ["search/search_index.json"]
    assert (built_site / "sitemap.xml").read_bytes() == (plain_site / "sitemap.xml").read_bytes()
    index = (plain_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"speeches/' in index.replace(" ", "")


def test_pages_never_writes_into_docs_or_a_foreign_folder(tmp_path):
    for target in (ROOT / "docs", ROOT / "docs" / "plain", ROOT):
        with pytest.raises(ConfigError, match="docs/"):
            plain.write(target)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ConfigError, match="not empty"):
        plain.write(foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_plain_config_keeps_what_only_mkdocs_resolves():
    """``!ENV`` and the slugify function stay tags in the written mkdocs.yml."""
    import yaml

    config = plain.load_config(ROOT / "mkdocs.yml")
    text = yaml.dump(config, Dumper=plain._Dumper, allow_unicode=True, sort_keys=False)
    assert "site_url: !ENV [SITE_URL, '']" in text or 'site_url: !ENV [SITE_URL, ""]' in text
    assert "!!python/object/apply:pymdownx.slugs.slugify" in text
    assert plain.kb_options(config)["seeds_dir"] == "seeds"


@pytest.mark.slow
def test_html_links_are_urls_or_left_to_the_engine(tmp_path):
    """``url``: no ``.md`` link is left in an HTML block (mkdocs would
    publish it as is); ``md``: the blocks keep them, for Zensical."""
    for mode in plain.HTML_LINKS:
        plain.write(tmp_path / mode, html_links=mode)
    speech = next((tmp_path / "url" / "docs" / "speeches").glob("0*.md")).name
    as_urls, as_md = ((tmp_path / mode / "docs" / "speeches" / speech).read_text(encoding="utf-8")
                      for mode in ("url", "md"))
    assert not plain._MD_HREF.search(as_urls)
    assert 'href="../../themes/' in as_urls
    assert plain._MD_HREF.search(as_md) and 'href="../themes/' in as_md
    with pytest.raises(ValueError):
        plain.write(tmp_path / "x", html_links="html")
