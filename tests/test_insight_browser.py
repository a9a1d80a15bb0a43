"""The corpus-wide views as a user meets them, in headless Chromium, over
http and from file:// (the ``make offline`` copy): open a formulation,
click a KWIC line and land on the passage with the phrase highlighted;
follow a reuse mark to the other speech and back; a chart's table holds the
numbers of corpus.json; nothing is requested from another host.

The project is the five seeds plus one speech that borrows a paragraph of
seed 000 with a borrower's edits (place changed, a clause dropped, one
added, words replaced), so there is a reused passage to follow.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from support import ARTIFACTS, SEEDS
from support.browser import serve_site
from support.projects import make_project, mkdocs_build, mkdocs_env

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

LENDER = "000_04ee43fed20adb21"
BORROWER = "zz-borrower"
BORROWED = ("要坚持问题导向，找准工会在大局中发挥作用的切入点、着力点和落脚点，落实党对工会工作的要求，"
            "回应职工群众的期待。全市各级工会组织要紧紧围绕全市发展大局，充分发挥工会组织特有的优势和作用，"
            "把广大职工的思想认识、智慧力量，凝聚到加快江门转型升级等具体实践中来。要教育和引导广大职工"
            "发扬先进性、增强主动性，以更加强烈的主人翁责任感，持续服务发展、推动发展，用自己的智慧、"
            "心血和汗水共同描绘和创造江门更加美好的明天。")
BORROWER_TEXT = ("在江门市总工会全委会议上的讲话\n同志们：\n今天召开全委会议，主要任务是总结去年工作，部署今年任务。\n"
                 "一、围绕中心服务大局\n" + BORROWED + "\n二、切实维护职工权益\n"
                 "要把困难职工帮扶作为重点，做实送温暖和金秋助学活动，让职工感受到工会组织的温暖。\n"
                 "同志们，让我们团结一心，扎实工作，推动全市工会工作再上新台阶。\n")
FORMULATION = "建功立业"


def _project(tmp_path_factory, offline: bool = False) -> Path:
    speeches = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    speeches[f"{BORROWER}.txt"] = BORROWER_TEXT
    # The project's plugins are read from mkdocs.yml with !ENV resolved now:
    # `make offline` sets OFFLINE=true.
    saved = os.environ.get("OFFLINE")
    os.environ["OFFLINE"] = "true" if offline else "false"
    try:
        return make_project(tmp_path_factory.mktemp("insight-offline" if offline else "insight"), speeches)
    finally:
        if saved is None:
            del os.environ["OFFLINE"]
        else:
            os.environ["OFFLINE"] = saved


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return _project(tmp_path_factory)


@pytest.fixture(scope="module")
def site(project) -> Path:
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    project = _project(tmp_path_factory, offline=True)
    site = project / "site-offline"
    result = mkdocs_build(project, site, env=mkdocs_env(OFFLINE="true"))
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def base_url(site):
    with serve_site(site) as url:
        yield url


@pytest.fixture(scope="module")
def corpus_json(site) -> dict:
    return json.loads((site / "data" / "corpus.json").read_text(encoding="utf-8"))


def _local_only(requests: list[str], schemes: tuple[str, ...]) -> None:
    foreign = sorted({u for u in requests if urlsplit(u).scheme not in schemes + ("data", "blob", "about")
                      or (urlsplit(u).scheme.startswith("http") and urlsplit(u).hostname != "127.0.0.1")})
    assert not foreign, foreign


def _kwic_flow(pg: Page, start: str, shot: str) -> None:
    """From the 提法 index: open the formulation, sort its KWIC by date,
    click a line, land on the passage with the phrase highlighted."""
    pg.goto(start)
    pg.get_by_role("link", name=FORMULATION, exact=True).first.click()
    expect(pg.locator("h1")).to_contain_text(FORMULATION)
    rows = pg.locator(".kb-kwic tbody tr")
    assert rows.count() >= 4
    # Sort by date, newest first (second press), then check the order.
    date_button = pg.locator(".kb-kwic thead th").first.locator("button")
    date_button.click()
    date_button.click()
    expect(pg.locator(".kb-kwic thead th").first).to_have_attribute("aria-sort", "descending")
    dates = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert dates == sorted(dates, reverse=True), dates
    pg.screenshot(path=str(ARTIFACTS / shot))
    line = rows.first
    phrase = line.locator("td").nth(3).locator("a")
    expect(phrase).to_have_text(FORMULATION)
    left = line.locator("td").nth(2).inner_text().strip()
    href = phrase.get_attribute("href")
    phrase.click()
    pg.wait_for_load_state()
    unit_id = unquote(urlsplit(pg.url).fragment)
    assert unit_id and "h=" in pg.url, pg.url
    unit = pg.locator(f'[id="{unit_id}"]')
    expect(unit).to_be_visible()
    expect(unit).to_contain_text(left[-6:] + FORMULATION)
    # material's search.highlight marks the phrase in the page.
    expect(unit.locator("mark").first).to_have_text(FORMULATION)
    assert href and "?h=" in href


def _reuse_flow(pg: Page, speech_url: str, lender_url_part: str, shot: str) -> None:
    """A reuse mark on the borrower links to the lender's passage, whose
    mark links back."""
    pg.goto(speech_url)
    mark = pg.locator(".kb-reuse a").first
    expect(mark).to_contain_text("相似")
    expect(mark).to_contain_text("《工会代表大会开幕式领导讲话》")
    own_unit = pg.locator(".kb-reuse").first.locator("xpath=preceding-sibling::*[1]").get_attribute("id")
    mark.scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / shot))
    mark.click()
    pg.wait_for_load_state()
    assert lender_url_part in unquote(pg.url), pg.url
    target = unquote(urlsplit(pg.url).fragment)
    lender_unit = pg.locator(f'[id="{target}"]')
    expect(lender_unit).to_contain_text("找准工会在大局中发挥作用的切入点")
    back = lender_unit.locator("xpath=following-sibling::p[contains(@class,'kb-reuse')][1]//a")
    expect(back).to_contain_text("在江门市总工会全委会议上的讲话")
    back.click()
    pg.wait_for_load_state()
    assert BORROWER in unquote(pg.url) and unquote(urlsplit(pg.url).fragment) == own_unit, pg.url


def test_kwic_line_leads_to_the_highlighted_passage(page, base_url, net):
    ARTIFACTS.mkdir(exist_ok=True)
    _kwic_flow(page, f"{base_url}formulations/", "formulation.png")
    net.assert_only_local()


def test_reuse_marks_link_both_ways(page, base_url, net, corpus_json):
    pairs = [p for p in corpus_json["reuse"] if BORROWER in p["b"]]
    assert [p["a"].split("#")[0] for p in pairs] == [LENDER], corpus_json["reuse"]
    _reuse_flow(page, f"{base_url}speeches/{BORROWER}/", f"speeches/{LENDER}/", "reuse.png")
    page.goto(f"{base_url}reuse/")
    expect(page.locator("article")).to_contain_text(f"{round(pairs[0]['similarity'] * 100)}%")
    net.assert_only_local()


def test_chart_tables_hold_the_numbers_of_corpus_json(page, base_url, net, corpus_json):
    page.goto(f"{base_url}trends/")
    themes = [t["name"] for t in corpus_json["themes"]]
    for chart, buckets in (("by-period", corpus_json["trends"]["by_period"]),
                           ("by-year", corpus_json["trends"]["by_year"])):
        figure = page.locator(f'figure[id="{chart}"]')
        expect(figure.locator("svg[role=img] title").first).to_contain_text("主题段落占比")
        assert figure.locator("svg rect").count() >= len(buckets) * len(themes)
        header = [c.strip() for c in figure.locator("thead th").all_inner_texts()][1:]
        assert header == themes
        rows = figure.locator("tbody tr")
        assert rows.count() == len(buckets)
        for i, bucket in enumerate(buckets):
            values = [float(v) for v in rows.nth(i).locator("td").evaluate_all(
                "cells => cells.map(c => c.dataset.value)")]
            assert values == [bucket["shares"][t] for t in themes], (chart, bucket["key"])
            shown = rows.nth(i).locator("td").all_inner_texts()
            assert shown == [f"{bucket['shares'][t] * 100:.1f}%" for t in themes]
    page.screenshot(path=str(ARTIFACTS / "trends.png"), full_page=True)
    net.assert_only_local()


def test_views_work_from_file_urls(browser, offline_site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    try:
        pg = context.new_page()
        _kwic_flow(pg, (offline_site / "formulations" / "index.html").as_uri(), "formulation-offline-phone.png")
        assert pg.url.startswith("file://") and ".html" in pg.url
        _reuse_flow(pg, (offline_site / "speeches" / f"{BORROWER}.html").as_uri(), f"speeches/{LENDER}.html",
                    "reuse-offline-phone.png")
        _local_only(requests, ("file",))
    finally:
        context.close()


def test_no_view_page_is_over_a_megabyte(site):
    pages = [p for d in ("formulations", "reuse", "citations", "trends", "insight") for p in (site / d).rglob("*.html")]
    assert len(pages) > 20
    assert max(p.stat().st_size for p in pages) < 1_000_000
    assert re.search(r"与《[^》]+》第[一二三四五六七八九十]+部分 · 段落\d+相似 \d+%",
                     (site / "speeches" / BORROWER / "index.html").read_text(encoding="utf-8"))
