"""The speech list of a site with more speeches than its first page, in
headless Chromium as a reader uses it: over http and from file:// (the
offline copy), on desktop and phone; sort, filter, search, turn pages,
follow a row to its speech; and without JavaScript, the first page and
the plain pages by period.  The site is built once from generated
speeches (``LIST_FIRST_ROWS`` + 30 of them) whose sidecars set the date,
place and occasion, so the expected rows are known from the sidecars.
The list's JavaScript on a hand-written fixture is test_kbjs.py; the
sizes at any corpus size, test_lists.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from build_scripts import page_lists
from support import ARTIFACTS
from support.browser import DESKTOP, PHONE, TIMEOUT_MS, NetLog, serve_site
from support.projects import make_project, mkdocs_build

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

N = page_lists.LIST_FIRST_ROWS + 30
PLACES = ("昌平区", "海淀区", "清远市", "某县")
OCCASIONS = ("代表大会", "工作会议", "代表大会开幕式")
ROWS = "table[data-kb-list] tbody tr"


def speech(i: int) -> tuple[str, str, dict[str, str]]:
    """(file name, text, sidecar) of generated speech ``i``: dated
    2003–2024 (every congress period), one of ``PLACES`` and ``OCCASIONS``."""
    place, occasion = PLACES[i % len(PLACES)], OCCASIONS[i % len(OCCASIONS)]
    year = 2003 + (i * 7) % 22
    title = f"在{place}总工会第{i + 1}次{occasion}上的讲话"
    text = "\n".join([
        title, "同志们：",
        f"今天，我们召开{place}总工会第{i + 1}次{occasion}，总结工作，部署任务。",
        "一、坚持党的领导，把握工会工作的正确方向",
        "要坚持党对工会工作的全面领导，把党的政治优势转化为工会工作的优势。",
        "二、维护职工合法权益，竭诚服务职工群众",
        "一是加大依法维权力度。以参与劳动争议调处为抓手，为职工提供法律服务。",
        "二是深化服务职工工作。分类做好困难职工帮扶工作。",
        "同志们，让我们团结一致，开拓进取，为完成各项任务而努力奋斗！",
    ]) + "\n"
    sidecar = {"title": title, "date": f"{year}-0{1 + i % 9}-1{i % 10}", "place": place, "occasion": occasion}
    return f"s{i:03d}.txt", text, sidecar


SPEECHES = [speech(i) for i in range(N)]


def newest_first() -> list[dict[str, str]]:
    """The sidecars, newest first (the list's order: by date, then file)."""
    return [side for _, _, side in sorted(SPEECHES, key=lambda s: -int(s[2]["date"][:4]))]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lists")
    project = make_project(root, {name: text for name, text, _ in SPEECHES})
    for name, _, side in SPEECHES:
        (project / "seeds" / name).with_suffix(".yml").write_text(
            "".join(f"{k}: {v}\n" for k, v in side.items()), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(project) -> Path:
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def offline(project) -> Path:
    """The offline copy (``make offline``: material's offline plugin on,
    so no directory URLs)."""
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "offline" in entry:
            entry["offline"] = {"enabled": True}
    (project / "mkdocs-offline.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site = project / "site-offline"
    result = mkdocs_build(project, site, config=project / "mkdocs-offline.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def base_url(site):
    with serve_site(site) as url:
        yield url


def reader(browser, viewport=DESKTOP, net: NetLog | None = None, javascript: bool = True):
    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=phone, has_touch=phone,
                                  java_script_enabled=javascript, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    if net is not None:
        net.attach(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def titles(page) -> list[str]:
    return page.locator(f"{ROWS} td:first-child").all_text_contents()


def test_the_list_page_carries_one_page_of_rows(site):
    html = (site / "speeches" / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<tr><td>", html)) == page_lists.LIST_FIRST_ROWS
    assert (site / "speeches" / "index.js").is_file()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_sort_filter_search_pages_and_follow_a_row_over_http(browser, base_url, viewport):
    net = NetLog()
    context, page, errors = reader(browser, DESKTOP if viewport == "desktop" else PHONE, net)
    try:
        page.goto(base_url + "speeches/")
        form = page.locator("#kb-list-filters")
        expect(form.locator("output")).to_have_text(f"显示 {N} / {N} 篇")
        order = newest_first()
        expect(page.locator(ROWS)).to_have_count(page_lists.LIST_FIRST_ROWS)
        assert titles(page)[:5] == [s["title"] for s in order[:5]]
        # The second page: the rest, newest first.
        pager = page.get_by_role("navigation", name="讲话列表分页")
        pager.get_by_role("button", name="下一页").click()
        expect(page.locator(ROWS)).to_have_count(N - page_lists.LIST_FIRST_ROWS)
        assert titles(page)[-1] == order[-1]["title"]
        assert "page=2" in page.url
        # Follow the last row (drawn from the data, not in the page's HTML).
        page.screenshot(path=str(ARTIFACTS / f"lists-page2-{viewport}.png"))
        last = page.locator(f"{ROWS} td:first-child a").last
        last.click()
        expect(page.locator("h1")).to_contain_text(order[-1]["title"])
        page.go_back()
        expect(page.locator(ROWS)).to_have_count(N - page_lists.LIST_FIRST_ROWS)
        # Filter: place and period; the count and rows follow the sidecars.
        form.get_by_label("地点").select_option("海淀区")
        form.get_by_label("时期").select_option(label="十八大至十九大（2012–2017）")
        expected = [s["title"] for s in order if s["place"] == "海淀区" and 2013 <= int(s["date"][:4]) <= 2017]
        expect(form.locator("output")).to_have_text(f"显示 {len(expected)} / {N} 篇")
        assert titles(page) == expected
        expect(pager).to_be_hidden()
        # Sort oldest first, then search words within the list.
        form.get_by_role("button", name="清除筛选").click()
        form.get_by_label("排序").select_option("old")
        first_year = min(int(s["date"][:4]) for s in order)  # by year; a year's speeches in list order
        assert titles(page)[:2] == [s["title"] for s in order if int(s["date"][:4]) == first_year][:2]
        form.get_by_label("查找").fill("第7次")
        expect(page.locator(ROWS)).to_have_count(1)
        assert titles(page) == [SPEECHES[6][2]["title"]]
        page.screenshot(path=str(ARTIFACTS / f"lists-search-{viewport}.png"))
        page.locator(f"{ROWS} td:first-child a").click()
        expect(page.locator("h1")).to_contain_text(SPEECHES[6][2]["title"])
    finally:
        context.close()
    assert not errors, errors
    net.assert_only_local()


def test_theme_links_of_drawn_rows_land_on_the_speech(browser, base_url):
    context, page, errors = reader(browser)
    try:
        page.goto(base_url + "speeches/?page=2")
        expect(page.locator(ROWS)).to_have_count(N - page_lists.LIST_FIRST_ROWS)
        link = page.locator(f"{ROWS}").last.locator("td").last.locator("a").first
        theme = link.text_content()
        link.click()
        target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
        assert target and page.locator(f'[id="{target}"]').count() == 1
        assert theme in page.locator("h1").text_content()
    finally:
        context.close()
    assert not errors, errors


def test_offline_copy_from_file_urls(browser, offline):
    requests: list[str] = []
    context, page, errors = reader(browser)
    try:
        context.on("request", lambda r: requests.append(r.url))
        page.goto((offline / "speeches" / "index.html").as_uri())
        form = page.locator("#kb-list-filters")
        expect(form.locator("output")).to_have_text(f"显示 {N} / {N} 篇")
        page.get_by_role("navigation", name="讲话列表分页").get_by_role("button", name="末页").click()
        expect(page.locator(ROWS)).to_have_count(N - page_lists.LIST_FIRST_ROWS)
        order = newest_first()
        last = page.locator(f"{ROWS} td:first-child a").last
        assert last.get_attribute("href").endswith(".html")
        last.click()
        expect(page.locator("h1")).to_contain_text(order[-1]["title"])
        assert page.url.startswith("file://") and page.url.endswith(".html")
        page.go_back()
        form.get_by_label("场合").select_option("工作会议")
        expected = [s["title"] for s in order if s["occasion"] == "工作会议"]
        expect(form.locator("output")).to_have_text(f"显示 {len(expected)} / {N} 篇")
        assert titles(page) == expected
    finally:
        context.close()
    assert not errors, errors
    assert all(u.startswith(("file://", "data:")) for u in requests), [u for u in requests if "file://" not in u]


def test_without_javascript_the_first_page_and_the_plain_pages(browser, base_url):
    context, page, _ = reader(browser, javascript=False)
    try:
        page.goto(base_url + "speeches/")
        expect(page.locator(ROWS)).to_have_count(page_lists.LIST_FIRST_ROWS)
        order = newest_first()
        assert titles(page) == [s["title"] for s in order[:page_lists.LIST_FIRST_ROWS]]
        ways_on = page.locator(".kb-list-pages a")
        hrefs = [a.get_attribute("href") for a in ways_on.all()]
        assert hrefs
        seen: list[str] = []
        for href in hrefs:
            page.goto(base_url + "speeches/" + href)
            seen += page.locator("article table tbody tr td:first-child").all_text_contents()
        # Period by period, every speech once, newest first.
        assert seen == [s["title"] for s in order]
        page.screenshot(path=str(ARTIFACTS / "lists-plain-page.png"))
        page.locator("article table tbody tr td:first-child a").last.click()
        expect(page.locator("h1")).to_contain_text(order[-1]["title"])
    finally:
        context.close()
