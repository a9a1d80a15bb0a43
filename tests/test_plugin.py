"""The ``kb`` mkdocs plugin: options, URLs for either URL style, a plain
mkdocs-material site that only adds the plugin, byte-identical output, and
no temporary files left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from build_scripts import __main__ as cli
from build_scripts import generated, urls
from build_scripts.plugin import KBConfig, KnowledgeBasePlugin
from conftest import ROOT, SEEDS, THEMES
from support import engine_command, golden
from support.projects import make_project, mkdocs_build, mkdocs_env, write_config


# --- unit ---------------------------------------------------------------


def test_plugin_is_registered_as_kb():
    from importlib.metadata import entry_points

    (ep,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "kb"]
    assert ep.load() is KnowledgeBasePlugin


def test_options_are_typed_and_unknown_ones_are_errors():
    plugin = KnowledgeBasePlugin()
    errors, warnings = plugin.load_config({})
    assert not errors and not warnings
    assert isinstance(plugin.config, KBConfig)
    assert (plugin.config.enabled, plugin.config.seeds_dir, plugin.config.themes, plugin.config.search,
            plugin.config.strict_inputs) == (True, "seeds", "themes.yml", "ours", False)
    errors, _ = KnowledgeBasePlugin().load_config({"search": "lunr"})
    assert errors and errors[0][0] == "search"
    errors, _ = KnowledgeBasePlugin().load_config({"seed_dir": "x"})
    assert errors and errors[0][0] == "seed_dir"


def test_check_and_the_site_count_passages_the_same_way(corpus):
    """A passage is every leaf unit but a note (model glossary): `check`,
    the home page and the search index count the same units."""
    from build_scripts import search_index

    summary = cli._summary(corpus).splitlines()
    for speech in corpus.speeches:
        row = next(line.split("\t") for line in summary if line.startswith(speech.id))
        assert int(row[3]) == len(speech.passages)
        indexed = [d for d in search_index.speech_page(speech, "x/").docs if d.kind not in ("page", "section")]
        assert [d.anchor for d in indexed] == [u.id for u in speech.passages]
    speech = next(s for s in corpus.speeches if s.id == "002_3520ac743f25e09c")
    assert len(speech.passages) == 21 and any(u.kind == "note" for u in speech.units)
    home = generated.render_pages(corpus)[urls.HOME]
    assert f"共 **{sum(len(s.passages) for s in corpus.speeches)}** 个段落级单元" in home


def test_relative_links_between_docs_paths():
    assert urls.relative("speeches/a.md", "themes/x.md", "a-part-1") == "../themes/x.md#a-part-1"
    assert urls.relative("themes/x/2017.md", "speeches/a.md") == "../../speeches/a.md"
    assert urls.relative("themes/x.md", "themes/x/2017.md") == "x/2017.md"
    assert urls.relative("index.md", "data/corpus.json") == "data/corpus.json"
    assert urls.directory_url("speeches/a.md") == "speeches/a/"
    assert urls.directory_url("index.md") == "./"


def test_generated_page_values_are_escaped_whatever_the_caller_forgets():
    from build_scripts.pages import Html, Md, html_block, link, token

    assert Md("# {}").format("<b>*x*</b>") == "# &lt;b&gt;&#42;x&#42;&lt;/b&gt;"
    assert Md("a") + "<i>" == "a&lt;i&gt;"
    assert Md("、").join(["[x]", Md("<b>")]) == "&#91;x&#93;、<b>"
    assert Html('title="{}"').format('"><script>') == 'title="&quot;&gt;&lt;script&gt;"'
    assert html_block("p", "<script>", "kb-x") == '<p class="kb-x">&lt;script&gt;</p>'
    assert 'href="&quot;x.md"' in link('"x.md', "t")
    with pytest.raises(ValueError):
        token('x" onclick="y')


# --- builds ---------------------------------------------------------------


@pytest.mark.slow
def test_seeds_site_is_byte_identical_to_the_recorded_build(built_site):
    now, before = golden.fingerprint(built_site), golden.load()
    changed = sorted(p for p in now.keys() & before.keys() if now[p] != before[p])
    assert (sorted(before.keys() - now.keys()), sorted(now.keys() - before.keys()), changed) == ([], [], []), \
        "the site changed; if that is intended, record it: python tests/support/golden.py site/"


def _check_urls(site: Path, data: dict) -> int:
    """Every URL in corpus.json names a page of ``site``; returns how many."""
    def page(url: str) -> Path:
        path = url.split("#", 1)[0]
        return site / path / "index.html" if path.endswith("/") or not path else site / path

    checked = 0
    for theme in data["themes"]:
        assert page(theme["url"]).is_file(), theme["url"]
        checked += 1
    for speech in data["speeches"]:
        html = page(speech["url"]).read_text(encoding="utf-8")
        for unit in speech["units"]:
            # A unit is at its speech's URL plus #<unit id> (schema 4).
            assert "url" not in unit and f'id="{unit["id"]}"' in html, (speech["url"], unit["id"])
            checked += 1
    return checked


@pytest.mark.slow
def test_corpus_json_urls_with_directory_urls(built_site):
    data = json.loads((built_site / "data" / "corpus.json").read_text(encoding="utf-8"))
    assert data["speeches"][0]["url"] == f"speeches/{data['speeches'][0]['id']}/"
    assert _check_urls(built_site, data) > 50


@pytest.mark.slow
def test_corpus_json_urls_without_directory_urls(tmp_path):
    """The offline copy (use_directory_urls: false) links .html files."""
    project = make_project(tmp_path, use_directory_urls=False)
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    data = json.loads((site / "data" / "corpus.json").read_text(encoding="utf-8"))
    assert data["speeches"][0]["url"] == f"speeches/{data['speeches'][0]['id']}.html"
    assert data["themes"][0]["url"] == f"themes/{data['themes'][0]['slug']}.html"
    assert _check_urls(site, data) > 50


@pytest.mark.slow
def test_a_plain_material_site_that_only_adds_the_plugin(tmp_path):
    """README: pip install the repository, then three lines of mkdocs.yml."""
    project = tmp_path / "plain"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# 我们的站点\n\n自己的首页。\n", encoding="utf-8")
    (project / "docs" / "guide.md").write_text("# 指南\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: 我们的站点\ntheme:\n  name: material\n"
                                        "plugins:\n  - search\n  - kb\n", encoding="utf-8")
    (project / "themes.yml").write_bytes(THEMES.read_bytes())
    (project / "seeds").mkdir()
    for seed in SEEDS.iterdir():
        (project / "seeds" / seed.name).write_bytes(seed.read_bytes())
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自己的首页" in (site / "index.html").read_text(encoding="utf-8")  # the site's own page wins
    assert (site / "speeches" / "002_3520ac743f25e09c" / "index.html").is_file()
    assert (site / "themes" / "weiquan-bangfu" / "index.html").is_file()
    assert (site / "guide" / "index.html").is_file()
    # No kb-search.js in this theme: search stays mkdocs-material's, and
    # finds the speeches.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(d["location"].startswith("speeches/002_3520ac743f25e09c/") for d in index["docs"])
    assert not (site / "search" / "kb").exists()


@pytest.mark.slow
def test_search_material_option_leaves_every_page_to_material(tmp_path):
    project = make_project(tmp_path, kb={"search": "material"})
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(d["location"].startswith("themes/weiquan-bangfu/") for d in index["docs"])
    assert "kb" not in index["config"] and not (site / "search" / "kb").exists()


@pytest.mark.slow
def test_disabled_plugin_generates_nothing(tmp_path):
    project = make_project(tmp_path, kb={"enabled": False})
    site = tmp_path / "site"
    result = mkdocs_build(project, site, strict=False)
    assert result.returncode == 0, result.stderr
    assert not (site / "speeches").exists() and (site / "about" / "index.html").is_file()


@pytest.mark.slow
def test_options_point_at_other_seeds_and_themes(tmp_path):
    project = make_project(tmp_path, {}, kb={"seeds_dir": str(SEEDS), "themes": str(THEMES),
                                             "cache_dir": ""})
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert len(list((site / "speeches").glob("*/index.html"))) == 5
    assert (site / "sources" / "002_3520ac743f25e09c.txt").read_bytes() == \
        (SEEDS / "002_3520ac743f25e09c.txt").read_bytes()
    assert not (project / ".cache").exists()


@pytest.mark.slow
def test_strict_inputs_fails_on_a_skipped_speech(tmp_path):
    project = make_project(tmp_path, {"a.txt": (SEEDS / "003_8934f3c4a65f5158.txt").read_text(encoding="utf-8")},
                           kb={"strict_inputs": True})
    (project / "seeds" / "empty.txt").write_bytes(b"")
    result = mkdocs_build(project, tmp_path / "site", strict=False)
    assert result.returncode != 0 and "skipped" in result.stderr
    assert not (tmp_path / "site").exists()


def _leftovers(tmp: Path) -> list[str]:
    # jieba keeps its dictionary cache in the temporary folder on purpose
    # (a cache, reused by the next build).
    return sorted(p.name for p in tmp.iterdir() if not p.name.startswith("jieba."))


@pytest.mark.slow
def test_no_temporary_files_after_success_failure_or_a_signal(tmp_path):
    project = make_project(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = mkdocs_env(TMPDIR=str(tmp), KB_JOBS="2")
    assert mkdocs_build(project, tmp_path / "site", env=env).returncode == 0
    assert _leftovers(tmp) == []
    themes = project / "themes.yml"
    good = themes.read_bytes()
    themes.write_text("themes: 1\n", encoding="utf-8")
    assert mkdocs_build(project, tmp_path / "site2", env=env).returncode != 0
    assert _leftovers(tmp) == []
    themes.write_bytes(good)
    for cache in project.glob(".cache"):
        subprocess.run(["rm", "-rf", str(cache)], check=True)
    for sig in (signal.SIGINT, signal.SIGTERM):
        build = subprocess.Popen([*engine_command("build"), "-q", "-d", str(tmp_path / "site3")],
                                 cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)
        build.send_signal(sig)
        build.wait(timeout=60)
        time.sleep(1)
        assert _leftovers(tmp) == [], sig
        assert not [p for p in (project / ".cache").rglob("*.part")], sig


@pytest.mark.slow
def test_kb_may_stand_anywhere_in_the_plugins_list(tmp_path):
    """on_post_build runs after material's search and before its offline
    plugin whatever the order in mkdocs.yml."""
    import yaml

    project = make_project(tmp_path)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    kb = [p for p in config["plugins"] if isinstance(p, dict) and "kb" in p]
    others = [{"offline": {"enabled": True}} if isinstance(p, dict) and "offline" in p else p
              for p in config["plugins"] if p not in kb]
    config["plugins"] = kb + others
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    script = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert '"kb"' in script and (site / "search" / "kb").is_dir()
    assert (site / "speeches" / "002_3520ac743f25e09c.html").is_file()
