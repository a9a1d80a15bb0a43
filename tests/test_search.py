"""Search as a user meets it: headless Debian Chromium, material's search box.

The query set (tests/data/search_queries.yml, 52 queries: words, sub-words,
phrases, several words, theme names, Latin/digits, absent words) is run
against the real site served on 127.0.0.1; the truth comes from the corpus
model (tests/search_quality.py).  Then: a hit lands on its passage with the
phrase highlighted; speech text in results is shown, never run; the
``make offline`` copy searches from file:// without fetching anything.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

import search_quality as sq
from conftest import ARTIFACTS, ROOT, mkdocs_build
from support.browser import serve_site
from support.projects import make_project

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def test_query_set_finds_every_holder_and_ranks_exact_first(page, base_url, net, corpus):
    text = sq.CorpusText(corpus)
    queries = sq.load_queries()
    assert len(queries) >= 40
    page.goto(base_url)
    outcomes = [sq.measure(page, q, text) for q in queries]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "search_quality.json").write_text(json.dumps(
        {"summary": sq.summary(outcomes),
         "queries": [{"q": o.query.text, "kind": o.query.kind, "meta": o.meta, **o.metrics} for o in outcomes]},
        ensure_ascii=False, indent=1), encoding="utf-8")
    problems = []
    for o in outcomes:
        m, q = o.metrics, o.query
        if q.kind == "absent":
            if m["results"]:
                problems.append(f"{q.text}: not in the corpus, yet {m['results']} results ({o.meta})")
            continue
        if m["speech_recall"] is not None and m["speech_recall"] < 1:
            problems.append(f"{q.text}: speech recall {m['speech_recall']:.2f}")
        if m["passage_recall"] is not None and m["passage_recall"] < 1:
            problems.append(f"{q.text}: passage recall {m['passage_recall']:.2f}")
        if m["first_exact"] is False:
            problems.append(f"{q.text}: the first passage hit does not hold the query")
        if not m["exact_first"]:
            problems.append(f"{q.text}: a partial match is ranked above an exact one")
        if q.kind == "theme" and m["theme_rank"] > 3:
            problems.append(f"{q.text}: theme page is result {m['theme_rank']}")
    print("\n[search quality]", sq.summary(outcomes))
    assert not problems, "\n".join(problems)
    net.assert_only_local()


def test_hit_lands_on_the_passage_with_the_phrase_highlighted(page, base_url, net, corpus):
    page.goto(base_url)
    found, _ = sq.run_query(page, "金秋助学")
    links = [h for h in found["links"] if "#" in h]
    assert links, found
    speech_id, anchor = sq._SPEECH.search(urlsplit(links[0]).path).group(1), urlsplit(links[0]).fragment
    unit = next(s for s in corpus.speeches if s.id == speech_id).unit(anchor)
    assert unit.kind in ("subpoint", "paragraph", "intro", "closing") and "金秋助学" in unit.text
    snippet = page.locator("a.md-search-result__link[href*='#'] mark").first
    expect(snippet).to_have_text("金秋助学")
    page.locator("a.md-search-result__link[href*='#']").first.click()
    expect(page).to_have_url(f"{base_url}speeches/{speech_id}/?h=%E9%87%91%E7%A7%8B%E5%8A%A9%E5%AD%A6#{anchor}")
    target = page.locator(f'[id="{anchor}"]')
    expect(target).to_be_in_viewport()
    expect(target.locator("mark").first).to_have_text("金秋助学")
    page.screenshot(path=str(ARTIFACTS / "search-landing.png"))
    net.assert_only_local()


def test_results_show_speech_text_and_run_none_of_it(browser, tmp_path):
    evil = ("危险讲话\n同志们：\n"
            "开场说明<img src=x onerror=\"window.__xss=1\">和<script>window.__xss=2</script>标记。\n"
            "一、第一部分\n正文提到<b onmouseover=window.__xss=3>粗体</b>与&lt;转义&gt;字样。\n")
    project = make_project(tmp_path, {"evil.txt": evil})
    site = tmp_path / "site"
    result = mkdocs_build(project, site, strict=False)
    assert result.returncode == 0, result.stderr
    dialogs = []
    with serve_site(site) as url, contextlib.closing(browser.new_context(viewport={"width": 1280, "height": 900})) as context:
        pg = context.new_page()
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.goto(url)
        for query, literal in (("onerror", '<img src=x onerror="window.__xss=1">'),
                               ("script", "<script>window.__xss=2</script>"),
                               ("onmouseover", "<b onmouseover=window.__xss=3>"),
                               ("转义", "&lt;转义&gt;")):
            found, _ = sq.run_query(pg, query)
            assert found["links"], f"{query}: no result"
            shown = pg.locator(".md-search-result__list").inner_text()
            assert literal in shown, f"{query}: {literal!r} not shown literally in:\n{shown}"
            pg.locator(".md-search-result__list").hover()
        assert pg.locator(".md-search-result__list img, .md-search-result__list script").count() == 0
        assert pg.evaluate("() => window.__xss") is None
        assert not dialogs


def test_offline_copy_searches_from_file_urls(browser, tmp_path):
    site = tmp_path / "site-offline"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", OFFLINE="true")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--strict", "-d", str(site)],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (site / "search" / "search_index.js").is_file()
    assert not any("unpkg.com" in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    try:
        pg = context.new_page()
        pg.goto((site / "index.html").as_uri())
        found, _ = sq.run_query(pg, "职工之家")
        speeches = {sq._SPEECH.search(urlsplit(h).path).group(1) for h in found["links"]
                    if sq._SPEECH.search(urlsplit(h).path)}
        assert len(speeches) >= 4, found
        assert all(urlsplit(h).path.endswith(".html") for h in found["links"])
        pg.screenshot(path=str(ARTIFACTS / "search-offline.png"))
        pg.locator("a.md-search-result__link[href*='#']").first.click()
        expect(pg.locator("mark").first).to_have_text("职工之家")
        foreign = sorted({u for u in requests if urlsplit(u).scheme not in ("file", "data", "blob", "about")})
        assert not foreign, foreign
    finally:
        context.close()
