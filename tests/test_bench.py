"""The benchmark's 50-speech smoke run (CI runs only this size): the JSON
it writes has the documented shape and sane values, and the site it
builds at that size — theme pages split by period — is sound.  Timings
are reported, never asserted."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from test_site_links import _parse, check_target, is_internal

KEYS = {"n", "pipeline_s", "build_s", "plain_build_s", "ratio", "peak_mem_mb", "site_bytes",
        "search_bytes_first_result", "first_result_s", "largest_page_bytes", "site_gzip_bytes",
        "largest_data_file_bytes", "edit_rebuild_s"}
MB = 1024 * 1024


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    out = work / "latest.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--sizes", "50", "--keep", str(work / "runs"),
           "--out", str(out)]
    if not Path("/usr/bin/chromium").exists():
        cmd.append("--no-browser")
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    print(result.stdout)
    return json.loads(out.read_text(encoding="utf-8")), result.stdout, work / "runs" / "50"


def test_results_have_the_documented_shape(smoke):
    results, stdout, _ = smoke
    assert isinstance(results, list) and len(results) == 1
    r = results[0]
    assert KEYS <= set(r), KEYS - set(r)
    assert r["n"] == 50
    for key in ("pipeline_s", "build_s", "plain_build_s", "ratio", "peak_mem_mb", "site_bytes", "largest_page_bytes"):
        assert isinstance(r[key], (int, float)) and r[key] > 0, key
    # Each figure is rounded to 2 decimals before it is written.
    assert r["ratio"] == pytest.approx(r["build_s"] / r["plain_build_s"], rel=0.01, abs=0.02)
    # pipeline_s and build_s are separate runs: on a shared machine either
    # can be the slower at 50 speeches, so they are not compared (timings
    # are reported, never asserted).
    assert 30 < r["peak_mem_mb"] < 2048
    assert r["chars"] > 50 * 2000
    assert r["largest_page_bytes"] < r["site_bytes"]
    assert 0 < r["site_gzip_bytes"] < r["site_bytes"]
    assert 0 < r["largest_data_file_bytes"] < r["site_bytes"]
    assert r["edit_rebuild_s"] > 0
    # mkdocs serve showed the saved speech (the bench waits for the text).
    assert 0 < r["serve_edit_visible_s"] < 600 and r["serve_edit_cpu_s"] >= 0
    # ... and then caught up (the second reload), later than the first.
    assert r["serve_edit_visible_s"] < r["serve_catch_up_s"] < 600 and r["serve_catch_up_cpu_s"] >= 0
    assert r["rebuild_cpu_s"] > 0 and r["edit_rebuild_cpu_s"] > 0
    assert r["jieba_chars_per_s"] > 1000
    if Path("/usr/bin/chromium").exists():
        assert 0 < r["first_result_s"] < 60
        assert r["search_bytes_first_result"] > 10_000  # at least a page and its scripts
        assert all(q["results"] > 0 for q in r["search_queries"]), r["search_queries"]
    header = stdout.splitlines()[0]
    for key in KEYS:
        assert key in header


def test_the_synthetic_speeches_are_valid_and_deterministic(smoke):
    _, _, run = smoke
    seeds = sorted((run / "project" / "seeds").glob("*.txt"))
    assert len(seeds) == 50
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    again = synth.synthesise(3)
    assert [s.text for s in again] == [p.read_text(encoding="utf-8") for p in seeds[:3]]
    corpus = json.loads((run / "site" / "data" / "corpus.json").read_text(encoding="utf-8"))
    periods = {s["meta"]["period"]["value"] for s in corpus["speeches"] if s["meta"]["period"]}
    parts = {sum(u["kind"] == "section" for u in s["units"]) for s in corpus["speeches"]}
    assert len(periods) >= 4 and len(parts) >= 4, (periods, parts)


def test_large_theme_pages_are_split_and_every_link_resolves(smoke):
    _, _, run = smoke
    site = run / "site"
    pages = _parse(site)
    assert max((site / p).stat().st_size for p in pages) < 1 * MB
    subpages = [p for p in pages if re.fullmatch(r"themes/[a-z0-9-]+/[a-z0-9-]+/index\.html", p)]
    assert subpages, "no theme was split at 50 speeches"
    broken = [f"{page}: {ref.value}: {why}" for page, info in pages.items() for ref in info.refs
              if is_internal(ref.value) and (why := check_target(site, pages, page, ref.value))]
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:20])
    corpus = json.loads((site / "data" / "corpus.json").read_text(encoding="utf-8"))
    slug = {t["name"]: t["slug"] for t in corpus["themes"]}
    for speech in corpus["speeches"]:
        for unit in speech["units"]:
            for theme in unit.get("themes", []):
                anchor = f"{speech['id']}-{unit['id']}"
                holders = [p for p in pages if p.startswith(f"themes/{slug[theme]}/") and anchor in pages[p].ids]
                assert len(holders) == 1, f"#{anchor} ({theme}) on {holders}"
