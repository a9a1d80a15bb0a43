"""Search as a user meets it: headless Debian Chromium, material's search box.

The query set (tests/data/search_queries.yml, 52 queries: words, sub-words,
phrases, several words, theme names, Latin/digits, absent words) is run
against the real site served on 127.0.0.1; the truth comes from the corpus
model (tests/search_quality.py).  Then: a hit lands on its passage with the
phrase highlighted; speech text in results is shown, never run; the
``make offline`` copy searches from file:// without fetching anything.
Speeches are found by their metadata and show it under the title; a
5,000-character query (a shared ``?q=`` link) is answered at once; a
broken index, over http and offline, says so in the result list.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

import search_quality as sq
from build_scripts import search_index as si
from conftest import ARTIFACTS, ROOT, mkdocs_build
from support import engine_command
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


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    """The ``make offline`` copy of the real site (file:// URLs)."""
    site = tmp_path_factory.mktemp("offline") / "site-offline"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", OFFLINE="true")
    result = subprocess.run([*engine_command("build"), "-q", "--strict", "-d", str(site)],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return site


def test_offline_copy_searches_from_file_urls(browser, offline_site):
    site = offline_site
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


# --- metadata, grouping ------------------------------------------------------


def _speech_of(href: str):
    m = sq._SPEECH.search(urlsplit(href).path)
    return m.group(1) if m else None


def test_metadata_finds_speeches_and_is_shown_under_titles(page, base_url, net, corpus):
    facts = {s.id: si.speech_facts(s) for s in corpus.speeches}
    page.goto(base_url)
    # Named period, year, place: each finds exactly the speeches whose
    # metadata holds it (十八大: the period estimate; 2016: in 2015–2016).
    for query in ("十八大", "2016", "昌平"):
        wanted = {sid for sid, (_, indexed) in facts.items() if query in indexed}
        assert wanted, f"{query}: no seed has it in its metadata; pick another example"
        found, _ = sq.run_query(page, query)
        speeches = [_speech_of(g) for g in found["groups"] if _speech_of(g)]
        assert wanted <= set(speeches), f"{query}: {speeches}, wanted {wanted}"
        for li in page.locator("li.md-search-result__item").all():
            sid = _speech_of(li.locator("a.md-search-result__link").first.get_attribute("href") or "")
            if sid:
                expect(li.locator(".kb-search-facts")).to_have_text(facts[sid][0])
    assert "昌平区" in facts["004_cee338bc757c0ce3"][0]
    page.screenshot(path=str(ARTIFACTS / "search-metadata.png"))
    net.assert_only_local()


def test_one_group_per_speech_and_help_pages_last(page, base_url, net):
    page.goto(base_url)
    for query in ("困难职工帮扶", "搜索 维权", "职工之家", "帮扶"):
        found, _ = sq.run_query(page, query)
        groups = [urlsplit(g).path for g in found["groups"]]
        assert len(groups) == len(set(groups)), f"{query}: a page is listed twice: {groups}"
        # The hand-written pages (docs/about/, docs/developer/) are the help pages.
        kinds = ["help" if g.startswith(("/about/", "/developer/")) else "other" for g in groups]
        assert kinds == sorted(kinds, key=lambda k: k == "help"), f"{query}: help page above a speech: {groups}"
    net.assert_only_local()


# --- long queries ------------------------------------------------------------


_META_DONE = ("() => { const m = document.querySelector('.md-search-result__meta');"
              " return !!m && /页面有匹配|没有找到|搜索索引/.test(m.textContent) }")


def test_a_5000_character_query_is_answered_at_once(page, base_url, net):
    text = "".join((ROOT / "seeds" / "002_3520ac743f25e09c.txt").read_text(encoding="utf-8").split())
    long = (text * 3)[:5000]
    # A shared link: material puts ?q= into the box and searches it.
    page.goto(f"{base_url}?q={quote(long)}")
    page.wait_for_function(_META_DONE, timeout=15_000)
    assert page.locator("input.md-search__input").get_attribute("maxlength") == "100"
    # Timed in the page: from the query's keyup to the answer.
    seconds = page.evaluate("""async (query) => {
      const box = document.querySelector('input.md-search__input')
      const meta = document.querySelector('.md-search-result__meta')
      box.value = ''
      box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}))
      await new Promise(r => setTimeout(r, 300))
      const before = meta.textContent
      const start = performance.now()
      box.value = query
      box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}))
      while (meta.textContent === before && performance.now() - start < 30000)
        await new Promise(r => setTimeout(r, 5))
      return (performance.now() - start) / 1000
    }""", "区块链" + long)
    assert seconds < 1.0, f"a 5,000-character query took {seconds:.2f} s"
    # The first 100 characters were searched: 区块链 is in no speech.
    expect(page.locator(".md-search-result__meta")).to_have_text("没有找到符合条件的结果")
    net.assert_only_local()


# --- a broken index ------------------------------------------------------------


BROKEN = "搜索索引不完整或已损坏，请重新构建站点"


def _manifest(site: Path, offline: bool = False) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]["kb"]


def _page_no(site: Path, speech_id: str) -> int:
    """The page number of a speech, from the page-table files (search/kb/t<k>.js)."""
    chunk = _manifest(site)["chunk"]
    for table in (site / "search" / "kb").glob("t*.js"):
        text = table.read_text(encoding="utf-8")
        rows = json.loads(text[text.index(",") + 1:text.rindex(");")])
        for i, row in enumerate(rows):
            if f"speeches/{speech_id}" in row[0]:
                return int(table.stem[1:]) * chunk + i
    raise LookupError(speech_id)


def _type(pg, query: str) -> None:
    box = pg.locator("input.md-search__input")
    box.click()
    box.fill("")
    pg.keyboard.insert_text(query)
    pg.keyboard.press("End")


def _break_shards(site: Path) -> tuple[str, str]:
    """Remove the documents of speech 002 and corrupt the postings shard
    of 困难; returns (query that needs the broken postings shard, query
    whose postings are intact)."""
    manifest = _manifest(site)
    for documents in (site / "search" / "kb").glob(f"d{_page_no(site, '002_3520ac743f25e09c')}.*.js"):
        documents.unlink()
    def shards(query: str) -> set[int]:
        return {si.key_hash(query[i:i + 2]) % manifest["shards"] for i in range(len(query) - 1)}

    # 维权 (below) must keep its postings, so break a shard it does not use.
    need_broken = next(q for q in ("困难", "帮扶", "助学", "劳模") if not shards(q) & shards("维权"))
    broken = shards(need_broken).pop()
    (site / "search" / "kb" / f"p{broken}.js").write_text(f'kbLoaded("p{broken}",{{"x":', encoding="utf-8")
    fine = next(q for q in ("劳动竞赛", "厂务公开", "职工之家", "法律援助", "集体合同") if broken not in shards(q))
    return need_broken, fine


def _assert_broken_but_searching(pg, need_broken: str, fine: str) -> None:
    # A query needing the broken postings shard: the message, in the list.
    _type(pg, need_broken)
    expect(pg.locator(".md-search-result__meta")).to_have_text(BROKEN)
    expect(pg.locator(".md-search-result__list .kb-search-error")).to_have_text(BROKEN)
    # 维权 needs speech 002's missing documents: the message, and the other
    # speeches' passages as usual.
    _type(pg, "维权")
    # The list still shows the previous query's message until the answer
    # arrives: wait for passages of three speeches.
    pg.wait_for_function("""() => new Set([...document.querySelectorAll('a.md-search-result__link')]
        .map(a => a.href).filter(h => h.includes('#') && h.includes('/speeches/'))
        .map(h => h.split('/speeches/')[1].split(/[/.#]/)[0])).size >= 3""", timeout=15_000)
    expect(pg.locator(".md-search-result__meta")).to_have_text(BROKEN)
    expect(pg.locator(".md-search-result__list .kb-search-error")).to_contain_text(BROKEN)
    links = [pg.locator("a.md-search-result__link").nth(i).get_attribute("href")
             for i in range(pg.locator("a.md-search-result__link").count())]
    speeches = {_speech_of(h) for h in links if _speech_of(h) and "#" in h}
    assert len(speeches) >= 3, links
    assert "002_3520ac743f25e09c" in {_speech_of(h) for h in links}, "speech 002 is listed by its title"
    pg.screenshot(path=str(ARTIFACTS / f"search-broken-{'offline' if pg.url.startswith('file:') else 'http'}.png"))
    # A query whose shards are intact is answered as usual.
    _type(pg, fine)
    expect(pg.locator(".md-search-result__meta")).to_contain_text("个页面有匹配")
    expect(pg.locator(".kb-search-error")).to_have_count(0)


def test_broken_shards_over_http_say_so_and_the_rest_searches(browser, built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    need_broken, fine = _break_shards(site)
    with serve_site(site) as url, contextlib.closing(browser.new_context(viewport={"width": 1280, "height": 900})) as ctx:
        pg = ctx.new_page()
        pg.goto(url)
        _assert_broken_but_searching(pg, need_broken, fine)
        pg.screenshot(path=str(ARTIFACTS / "search-broken-shard.png"))


def test_broken_shards_offline_say_so_and_the_rest_searches(browser, offline_site, tmp_path):
    site = tmp_path / "site-offline"
    shutil.copytree(offline_site, site)
    need_broken, fine = _break_shards(site)
    with contextlib.closing(browser.new_context(viewport={"width": 1280, "height": 900})) as ctx:
        pg = ctx.new_page()
        pg.goto((site / "index.html").as_uri())
        _assert_broken_but_searching(pg, need_broken, fine)
        pg.screenshot(path=str(ARTIFACTS / "search-broken-shard-offline.png"))


@pytest.mark.parametrize("damage", ["missing", "corrupt", "foreign"])
def test_broken_manifest_says_so_over_http_and_offline(browser, built_site, offline_site, tmp_path, damage):
    for name, source in (("http", built_site), ("offline", offline_site)):
        site = tmp_path / name
        shutil.copytree(source, site)
        index = site / "search" / ("search_index.js" if name == "offline" else "search_index.json")
        if damage == "missing":
            index.unlink()
        elif damage == "corrupt":
            index.write_text(index.read_text(encoding="utf-8")[:200], encoding="utf-8")
        else:  # another format: the worker refuses it
            index.write_text(index.read_text(encoding="utf-8").replace(f'"format":{si.FORMAT}', '"format":1'), encoding="utf-8")
        with contextlib.ExitStack() as stack:
            ctx = stack.enter_context(contextlib.closing(browser.new_context(viewport={"width": 1280, "height": 900})))
            pg = ctx.new_page()
            if name == "http":
                pg.goto(stack.enter_context(serve_site(site)))
            else:
                pg.goto((site / "index.html").as_uri())
            _type(pg, "职工之家")
            expect(pg.locator(".md-search-result__meta"), f"{name}, {damage}").to_have_text(BROKEN)
            if damage == "foreign":
                expect(pg.locator(".md-search-result__list .kb-search-error")).to_have_text(BROKEN)
