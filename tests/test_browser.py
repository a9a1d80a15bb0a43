"""User flows in headless Chromium against the built site.

The site built by ``built_site`` is served on 127.0.0.1 (a free port) and
driven with Playwright's sync API using the system Chromium
(``/usr/bin/chromium``; no browser is ever downloaded).  Every request
of every page is recorded: the site must load nothing from another host.

Screenshots go to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import unquote, urlsplit

import pytest

from support import ARTIFACTS
from support.browser import CHROMIUM, LAUNCH_ARGS, RESULTS, TIMEOUT_MS, have_chromium  # noqa: F401
from support.browser import search as _search

if not have_chromium():
    pytest.skip(f"{CHROMIUM} is not installed (CI installs the Debian 'chromium' package); "
                "browser tests need it and never download a browser", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)

SPEECH = "002_3520ac743f25e09c"
UNIT = "part-2-1"
THEME_SLUG, THEME_NAME = "weiquan-bangfu", "维权帮扶"
THEMES = {"fuwu-daju": "服务大局", "weiquan-bangfu": "维权帮扶", "zishen-jianshe": "自身建设",
          "dang-de-lingdao": "党的领导"}


@pytest.fixture(scope="module")
def corpus_json(built_site):
    return json.loads((built_site / "data" / "corpus.json").read_text(encoding="utf-8"))


def _by_id(page: Page, element_id: str):
    # Ids such as 002_…-part-2-1 start with a digit: not valid as a CSS #id.
    return page.locator(f'[id="{element_id}"]')


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _wait_in_viewport(page: Page, locator, seconds: float = 5.0) -> dict:
    """Bounding box of ``locator`` once it is inside the viewport (or the last one)."""
    deadline = time.monotonic() + seconds
    while True:
        box = locator.bounding_box()
        height = page.evaluate("window.innerHeight")
        if box and 0 <= box["y"] and box["y"] + box["height"] <= height:
            return {**box, "window_height": height}
        if time.monotonic() > deadline:
            return {**(box or {}), "window_height": height}
        page.wait_for_timeout(100)


def _assert_in_viewport(page: Page, locator, what: str) -> None:
    box = _wait_in_viewport(page, locator)
    assert box.get("y") is not None, f"{what} has no bounding box (not rendered)"
    assert 0 <= box["y"] and box["y"] + box["height"] <= box["window_height"], (
        f"{what} is not inside the viewport after navigation: {box}")
    header = page.locator("header.md-header").bounding_box()
    assert header is None or box["y"] >= header["y"] + header["height"] - 1, (
        f"{what} is hidden under the sticky header: element {box}, header {header}")


def _path(url: str) -> str:
    return unquote(urlsplit(url).path)


# --- 1. badge → theme passage → back ---------------------------------------


def test_badge_leads_to_theme_passage_and_back(page: Page, base_url, net, corpus_json):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{base_url}speeches/{SPEECH}/")
    unit = _by_id(page, UNIT)
    expect(unit).to_have_count(1)
    # The passage ends with its badges; a badge opens its evidence, which
    # links to the passage on the theme page.
    badge = unit.locator(f"xpath=.//*[{_has_class('kb-badges')}]"
                         f"//a[{_has_class('kb-badge')} and normalize-space(.)='{THEME_NAME}']")
    expect(badge).to_have_count(1)
    badge.scroll_into_view_if_needed()
    expect(badge).to_be_visible()
    page.wait_for_timeout(500)  # let the header's title transition settle
    badge.click()
    evidence = page.locator(".kb-evidence")
    expect(evidence).to_contain_text("维权")
    page.screenshot(path=str(ARTIFACTS / "speech.png"))

    evidence.get_by_role("link", name="在主题页查看").click()
    target = f"{SPEECH}-{UNIT}"
    page.wait_for_url(f"**/themes/{THEME_SLUG}/#{target}")
    assert page.url == f"{base_url}themes/{THEME_SLUG}/#{target}"
    passage = _by_id(page, target)
    expect(passage).to_have_count(1)
    expect(passage).to_be_visible()
    expect(passage).to_contain_text("加大依法维权力度")
    assert passage.evaluate("e => e.matches(':target')"), "the passage is not the :target of the page"
    _assert_in_viewport(page, passage, f"#{target} on the theme page")

    unit_data = next(u for s in corpus_json["speeches"] if s["id"] == SPEECH
                     for u in s["units"] if u["id"] == UNIT)
    evidence = {e[0] for e in unit_data["evidence"][THEME_NAME]}  # [term, weight, count, cue, sentence]
    marks = passage.locator("mark").all_inner_texts()
    assert marks, f"#{target} has no <mark> evidence"
    assert set(marks) & evidence, f"marks {marks} are not evidence terms {sorted(evidence)}"
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "theme.png"))

    back = passage.locator(f"xpath=following-sibling::p[{_has_class('kb-passage-meta')}][1]"
                           f"//a[contains(@href, 'speeches/{SPEECH}/')]")
    expect(back).to_have_count(1)
    back.click()
    page.wait_for_url(f"**/speeches/{SPEECH}/#{UNIT}")
    assert _path(page.url) == f"/speeches/{SPEECH}/"
    assert page.evaluate("location.hash") == f"#{UNIT}"
    _assert_in_viewport(page, _by_id(page, UNIT), f"#{UNIT} on the speech page")
    net.assert_only_local()


# --- 2. search ---------------------------------------------------------------


def _result_pages(page: Page) -> list[str]:
    """Site path of each result item, in rank order."""
    return [_path(h) for h in page.eval_on_selector_all(
        RESULTS, "items => items.map(li => li.querySelector('a.md-search-result__link').href)")]


def _total_results(page: Page) -> int:
    meta = page.locator(".md-search-result__meta").inner_text()
    match = re.search(r"\d+", meta)
    return int(match.group()) if match else 0


def test_search_finds_speeches_and_theme_page(page: Page, base_url, net):
    ARTIFACTS.mkdir(exist_ok=True)
    _search(page, base_url, "职工之家")
    items = page.locator(RESULTS)
    assert items.count() >= 2, f"only {items.count()} search results for 职工之家"
    pages = _result_pages(page)
    speeches = {p for p in pages if re.fullmatch(r"/speeches/[^/]+/", p)}
    assert len(speeches) >= 2, f"results link to fewer than 2 speech pages: {pages}"
    visible_marks = [m.inner_text() for m in page.locator(f"{RESULTS} mark").all() if m.is_visible()]
    assert "职工之家" in visible_marks, f"no visible highlight of 职工之家; visible marks: {visible_marks[:40]}"
    # Speech pages whose result snippets highlight the whole term.
    marked = page.eval_on_selector_all(
        "a.md-search-result__link",
        """links => links.filter(a => [...a.querySelectorAll('mark')].some(m => m.textContent === '职工之家'))
                         .map(a => new URL(a.href).pathname)""")
    marked_speeches = {p for p in marked if re.fullmatch(r"/speeches/[^/]+/", p)}
    assert len(marked_speeches) >= 2, f"职工之家 highlighted in fewer than 2 speeches: {sorted(set(marked))}"
    page.screenshot(path=str(ARTIFACTS / "search.png"))

    # Each theme's own page is found by its name, among the first three.
    for slug, name in THEMES.items():
        _search(page, base_url, name)
        wanted = f"/themes/{slug}/"
        total = _total_results(page)
        pages = _result_pages(page)
        assert wanted in pages[:3], f"{name}: theme page {wanted} not in the first 3 of {total} results: {pages}"
        print(f"\n[search {name}: theme page is result {pages.index(wanted) + 1} of {total}]")
    net.assert_only_local()


# --- 3. home cards and speech headings -------------------------------------


def test_home_theme_cards_and_speech_headings(page: Page, base_url, net, corpus_json):
    page.goto(base_url)
    cards = page.locator(".md-content .grid.cards a.kb-card-title")
    expect(cards).to_have_count(len(THEMES))
    found = {}
    for card in cards.all():
        expect(card).to_be_visible()
        found[_path(card.evaluate("a => a.href"))] = card.inner_text().strip()
    assert found == {f"/themes/{slug}/": name for slug, name in THEMES.items()}, found

    page.locator(f".md-content .grid.cards a.kb-card-title[href='themes/{THEME_SLUG}/']").click()
    page.wait_for_url(f"**/themes/{THEME_SLUG}/")
    # (the heading's hidden permalink "¶" is part of its text)
    expect(page.locator(".md-content h1")).to_have_text(re.compile(rf"^\s*{THEME_NAME}\s*¶?\s*$"))

    assert len(corpus_json["speeches"]) >= 5
    for speech in corpus_json["speeches"]:
        page.goto(f"{base_url}{speech['url']}")
        h1 = page.locator(".md-content h1")
        expect(h1).to_have_count(1)
        expect(h1).to_be_visible()
        expect(h1).to_have_text(re.compile(r"\S"))
        assert h1.inner_text().replace("\u00b6", "").strip() == speech["title"], speech["id"]
        parts = page.locator(".md-content h2[id^='part-']")
        n_parts = sum(1 for u in speech["units"] if u["kind"] == "section")
        assert parts.count() >= 3, f"{speech['id']}: only {parts.count()} part headings"
        assert parts.count() == n_parts, f"{speech['id']}: {parts.count()} h2 parts, {n_parts} in corpus.json"
        expect(parts.first).to_be_visible()
    net.assert_only_local()
