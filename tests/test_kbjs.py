"""docs/javascripts/kb.js against a hand-written page that follows its
data-kb-* contract (tests/fixtures/kbjs/page.html), opened from file:// in
headless Chromium: the clipboard after each copy action and after copying a
selection, the evidence badges, the theme groups' period filter; and the
speech list (tests/fixtures/kbjs/list.html and its data file): rows drawn
from the data, filters, sort, search words, pages.  The real site's pages are checked in
test_user_tasks.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.browser import DESKTOP, PHONE, TIMEOUT_MS, clipboard

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PAGE_DIR = Path(__file__).resolve().parent / "fixtures" / "kbjs"
PAGE = (PAGE_DIR / "page.html").as_uri()
LIST = (PAGE_DIR / "list.html").as_uri()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(PAGE)
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors



def test_copy_with_source(page):
    passage = page.locator('[id="part-2-1"]')
    passage.hover()
    button = passage.get_by_role("button", name="复制（含出处）")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#kb-status")).to_have_text("已复制段落及出处")
    assert clipboard(page) == ("一是加大依法维权力度。以参与劳动争议调处为抓手，提供维权服务。\n"
                               "——《讲话甲》，某区，2016年，第二部分·要点一\n" + PAGE + "#part-2-1")


def test_copy_link_and_canonical_link_of_a_theme_passage(page):
    page.locator('[id="part-2-2"]').hover()
    page.locator('[id="part-2-2"]').get_by_role("button", name="复制链接").click()
    expect(page.locator("#kb-status")).to_have_text("已复制链接")
    assert clipboard(page) == PAGE + "#part-2-2"
    # A passage shown elsewhere (a theme page) cites and links its speech page.
    page.locator('[id="b-intro-1"]').hover()
    page.locator('[id="b-intro-1"]').get_by_role("button", name="复制（含出处）").click()
    expect(page.locator("#kb-status")).to_have_text("已复制段落及出处")
    assert clipboard(page) == ("乙的开场白。\n——《讲话乙》，昌平区，2010–2012年（估计），开场\n"
                               + PAGE.rsplit("/", 1)[0] + "/speech-b.html#intro-1")
    # Without data-kb-href (as the site's theme pages): the link of the
    # passage's kb-passage-meta line.
    page.locator('[id="c-closing-1"]').hover()
    page.locator('[id="c-closing-1"]').get_by_role("button", name="复制（含出处）").click()
    expect(page.locator("#kb-status")).to_have_text("已复制段落及出处")
    assert clipboard(page) == ("丙的结束语。\n——《讲话丙》，2017–2020年（估计），结束语\n"
                               + PAGE.rsplit("/", 1)[0] + "/speech-c.html#closing-1")


def test_keyboard_reaches_the_actions(page):
    actions = page.locator('[id="part-2-1"] .kb-actions')
    expect(actions).to_have_css("opacity", "0")
    page.locator("h1").click()
    # The part's badge, the passage's badge, then the passage's actions.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "复制（含出处）"
    expect(actions).to_have_css("opacity", "1")
    page.keyboard.press("Enter")
    assert clipboard(page).endswith("#part-2-1")


def test_selection_copy_drops_chrome_and_adds_sources(page):
    page.evaluate("""() => {
        const r = document.createRange();
        r.setStart(document.getElementById('part-2-1').firstChild.firstChild, 0);
        r.setEndAfter(document.getElementById('part-2-2'));
        const s = getSelection(); s.removeAllRanges(); s.addRange(r);
    }""")
    page.keyboard.press("Control+C")
    text = clipboard(page)
    assert "维权帮扶" not in text and "复制" not in text, text
    assert text == ("一是加大依法维权力度。以参与劳动争议调处为抓手，提供维权服务。\n\n"
                    "二是深化服务职工工作。分类做好困难职工解困脱困工作。\n"
                    "——《讲话甲》，某区，2016年，第二部分·要点一、第二部分·要点二\n" + PAGE + "#part-2-1")


def test_badges_and_actions_cannot_be_selected(page):
    for selector in (".kb-badges", ".kb-actions"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).userSelect") == "none"


def test_badge_opens_evidence_with_terms_highlighted(page):
    badge = page.locator('[id="part-2-1"] a.kb-badge')
    expect(badge).to_have_attribute("aria-expanded", "false")
    badge.focus()
    page.keyboard.press("Enter")
    expect(badge).to_have_attribute("aria-expanded", "true")
    panel = page.locator(".kb-evidence")
    expect(panel).to_contain_text("得分 7")
    expect(panel).to_contain_text("劳动争议、维权")
    marks = page.locator('[id="part-2-1"] mark.kb-ev')
    assert sorted(marks.all_text_contents()) == ["劳动争议", "维权", "维权"]
    assert page.locator('[id="part-2-2"] mark.kb-ev').count() == 0
    expect(panel.get_by_role("link", name="在主题页查看")).to_have_attribute("href", "theme.html#a-part-2-1")
    page.keyboard.press(" ")  # Space closes it again (role=button)
    expect(badge).to_have_attribute("aria-expanded", "false")
    assert marks.count() == 0 and panel.count() == 0
    # A part's badge highlights in the whole part.
    page.locator('.kb-badges-section a.kb-badge').click()
    assert page.locator('[id="part-2-1"] mark.kb-ev').count() == 3


def list_titles(page) -> list[str]:
    return page.locator("table[data-kb-list] tbody tr:not([hidden]) td:first-child").all_text_contents()


def all_titles(page) -> list[str]:
    """The titles on every page of the list, from the current page on."""
    titles = list_titles(page)
    following = page.get_by_role("button", name="下一页", exact=True)
    while page.locator(".kb-pager").is_visible() and following.is_enabled():
        following.click()
        titles += list_titles(page)
    return titles


@pytest.fixture
def listing(browser):
    """The speech list fixture (list.html: three rows a page, four rows of
    data), desktop, from file://; page errors fail the test."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(LIST)
    expect(page.locator("#kb-list-filters output")).to_have_text("显示 4 / 4 篇")
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def test_list_rows_come_from_the_data_file(listing):
    page = listing
    rows = page.locator("table[data-kb-list] tbody tr")
    # The first page as the build rendered it, drawn again from the data.
    expect(rows).to_have_count(3)
    assert list_titles(page) == ["讲话丙", "讲话甲", "讲话乙"]
    assert rows.nth(2).locator("td").all_text_contents() == [
        "讲话乙", "昌平区", "代表大会开幕式", "2010–2012年（估计）", "十七大至十八大（2007–2012）", "5000", "服务大局 维权帮扶"]
    assert rows.nth(0).locator("td").nth(1).text_content() == "—"
    # Links: the data's Markdown paths with the ending of the rendered ones.
    assert [a.get_attribute("href") for a in rows.nth(2).locator("a").all()] == [
        "speech-yi.html", "themes/fuwu.html#yi", "themes/weiquan/2007.html#yi"]
    # With every row at hand, the plain pages by period are not needed.
    expect(page.locator(".kb-list-pages")).to_be_hidden()


def test_list_filters_and_sorts(listing):
    page = listing
    form = page.locator("#kb-list-filters")
    form.get_by_label("排序").select_option("new")
    assert all_titles(page) == ["讲话丙", "讲话甲", "讲话乙", "讲话丁"]
    form.get_by_label("排序").select_option("old")
    assert all_titles(page) == ["讲话乙", "讲话甲", "讲话丙", "讲话丁"]
    form.get_by_label("排序").select_option("long")
    assert all_titles(page) == ["讲话乙", "讲话甲", "讲话丁", "讲话丙"]
    form.get_by_label("时期").select_option(label="十八大至十九大（2012–2017）")
    assert list_titles(page) == ["讲话甲"]
    expect(form.locator("output")).to_have_text("显示 1 / 4 篇")
    assert "period=" in page.url
    form.get_by_label("时期").select_option(label="十三五（2016–2020）")
    assert sorted(list_titles(page)) == ["讲话丙", "讲话甲"]
    form.get_by_label("时期").select_option("")
    form.get_by_label("年份").fill("2011")
    assert list_titles(page) == ["讲话乙"]
    form.get_by_label("年份").fill("")
    form.get_by_label("地点").select_option("某区")
    assert list_titles(page) == ["讲话甲"]
    form.get_by_label("地点").select_option("")
    form.get_by_label("主题").select_option("维权帮扶")
    assert sorted(list_titles(page)) == ["讲话乙", "讲话甲"]
    form.get_by_label("场合").select_option("代表大会开幕式")
    assert list_titles(page) == ["讲话乙"]
    form.get_by_role("button", name="清除筛选").click()
    expect(form.locator("output")).to_have_text("显示 4 / 4 篇")


def test_list_search_words(listing):
    page = listing
    box = page.locator("#kb-list-filters").get_by_label("查找")
    box.fill("昌平")
    assert list_titles(page) == ["讲话乙"]
    box.fill("代表大会 2016")  # every word, in title, place, occasion or time
    assert list_titles(page) == ["讲话甲"]
    box.fill("××")  # a redaction: the placeholder is shown marked, and found
    assert list_titles(page) == ["讲话丁"]
    expect(page.locator("table[data-kb-list] tbody td .kb-ph")).to_have_text("××")
    box.fill("不存在的词")
    assert list_titles(page) == []
    expect(page.locator("#kb-list-filters output")).to_have_text("显示 0 / 4 篇")
    assert "q=" in page.url


def test_list_pages(listing):
    page = listing
    pager = page.get_by_role("navigation", name="讲话列表分页")
    expect(pager).to_be_visible()
    expect(pager).to_contain_text("/ 2 页（第 1–3 篇）")
    expect(pager.get_by_role("button", name="上一页")).to_be_disabled()
    # By keyboard: the pager's buttons, then the table takes the focus.
    pager.get_by_role("button", name="下一页").focus()
    page.keyboard.press("Enter")
    assert list_titles(page) == ["讲话丁"]
    assert page.evaluate("document.activeElement.matches('table[data-kb-list]')")
    expect(pager).to_contain_text("/ 2 页（第 4–4 篇）")
    expect(pager.get_by_role("button", name="下一页")).to_be_disabled()
    assert "page=2" in page.url
    # The address keeps the page; a filter starts again from the first.
    page.goto(page.url)
    assert list_titles(page) == ["讲话丁"]
    pager.get_by_label("页码").fill("1")
    pager.get_by_label("页码").press("Enter")
    assert list_titles(page) == ["讲话丙", "讲话甲", "讲话乙"]
    pager.get_by_role("button", name="末页").click()
    page.locator("#kb-list-filters").get_by_label("主题").select_option("维权帮扶")
    assert list_titles(page) == ["讲话甲", "讲话乙"]
    expect(pager).to_be_hidden()
    assert "page=" not in page.url


def test_list_filter_from_the_address(browser):
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(LIST + "?period=十七大至十八大（2007–2012）")
        expect(page.locator("#kb-list-filters output")).to_have_text("显示 1 / 4 篇")
        assert list_titles(page) == ["讲话乙"]
    finally:
        context.close()


def test_list_without_its_data_keeps_the_first_page(browser, tmp_path):
    docs = (PAGE_DIR.parents[2] / "docs").as_uri()
    html = (PAGE_DIR / "list.html").read_text(encoding="utf-8").replace("../../../docs", docs)
    (tmp_path / "list.html").write_text(html, encoding="utf-8")  # and no list-data.js beside it
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto((tmp_path / "list.html").as_uri())
        expect(page.locator("#kb-list-filters")).to_contain_text("未能载入讲话列表的数据（list-data.js）")
        assert list_titles(page) == ["讲话丙", "讲话甲", "讲话乙"]
        expect(page.locator(".kb-list-pages")).to_be_visible()
    finally:
        context.close()


def test_theme_groups_sort_and_filter(page):
    groups = page.locator("[data-kb-group]:not([hidden]) h3")
    form = page.locator("#kb-group-filters")
    assert groups.all_text_contents() == ["讲话丙", "讲话乙", "讲话丁"]  # newest first, undated last
    form.get_by_label("排序").select_option("old")
    assert groups.all_text_contents() == ["讲话乙", "讲话丙", "讲话丁"]
    page.locator("[data-kb-period-filter]").click()
    assert groups.all_text_contents() == ["讲话丙"]
    expect(form.locator("output")).to_have_text("显示 1 / 3 篇讲话")


def test_tap_shows_the_actions_on_a_phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                   locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(PAGE)
        assert page.evaluate("matchMedia('(hover: none)').matches")
        button = page.locator('[id="part-2-2"]').get_by_role("button", name="复制（含出处）")
        expect(button).to_be_hidden()
        page.locator('[id="part-2-2"] strong').tap()
        expect(button).to_be_visible()
        button.tap()
        assert clipboard(page).startswith("二是深化服务职工工作。")
        assert "——《讲话甲》，某区，2016年，第二部分·要点二" in clipboard(page)
    finally:
        context.close()
