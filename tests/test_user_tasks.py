"""The readers' tasks, done in headless Chromium on the built site as a
user would, each asserting its outcome:

1. find what was said on 劳动争议 and copy a passage with its source;
2. list the speeches of the 十八大 period;
3. compare how the speeches frame a theme, in time order;
4. take a theme away: its Word 专题汇编 (opened with python-docx) and print;
5. cite a passage by link, and the link lands on it;

on desktop (1366×900) and phone (390×844), and (1, 2, 5) in the offline
copy opened from file://; and a mistyped address under a sub-path.  Each
task records its clicks and time in tests/artifacts/tasks.json, with a
screenshot (git-ignored).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from build_scripts import compilation, facets
from build_scripts.model import PASSAGE_KINDS
from support import ARTIFACTS, ROOT
from support.browser import DESKTOP, PHONE, RESULTS, TIMEOUT_MS, NetLog, clipboard, serve_thread

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
PERIOD = "十八大至十九大（2012–2017）"
THEME_SLUG, THEME = "dang-de-lingdao", "党的领导"
CITE, LINK = "复制（含出处）", "复制链接"
#: The speech list in the navigation (directory URLs, and the offline copy's).
SPEECH_LIST_LINK = 'nav.md-nav--primary a.md-nav__link[href$="speeches/"], ' \
                   'nav.md-nav--primary a.md-nav__link[href$="speeches/index.html"]'


# --- helpers -------------------------------------------------------------------


class Task:
    """Counts a user's clicks (and taps, key presses, selections) and the
    time from the first page load to the outcome; ``done`` records them
    in tests/artifacts/tasks.json under ``name``."""

    def __init__(self, page, name: str):
        self.page, self.name, self.clicks = page, name, 0
        self.start = time.monotonic()

    def click(self, locator, tap: bool = False) -> None:
        self.clicks += 1
        locator.tap() if tap else locator.click()

    def act(self) -> None:
        self.clicks += 1

    def done(self, **extra) -> dict:
        record = {"clicks": self.clicks, "seconds": round(time.monotonic() - self.start, 2), **extra}
        ARTIFACTS.mkdir(exist_ok=True)
        log = ARTIFACTS / "tasks.json"
        data = json.loads(log.read_text(encoding="utf-8")) if log.exists() else {}
        data[self.name] = record
        log.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        self.page.screenshot(path=str(ARTIFACTS / f"task-{self.name}.png"))
        return record


@contextlib.contextmanager
def user(browser, viewport: str, net: NetLog = None):
    """A page as a reader has it: the viewport (a phone has touch), zh-CN,
    clipboard access granted."""
    phone = viewport == "phone"
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", service_workers="block",
                                  is_mobile=phone, has_touch=phone)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(TIMEOUT_MS)
    if net is not None:
        net.attach(context)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page
    finally:
        context.close()
    assert not errors, errors



def open_actions(task: Task, passage, phone: bool) -> None:
    """Hover (desktop) or tap (phone) a passage to show its actions."""
    if phone:
        task.click(passage.locator("xpath=./node()[1]").first if False else passage, tap=True)
    else:
        passage.hover()


def copy_with_source(task: Task, passage, phone: bool) -> str:
    open_actions(task, passage, phone)
    button = passage.get_by_role("button", name=CITE)
    expect(button).to_be_visible()
    task.click(button, tap=phone)
    expect(task.page.locator("#kb-status")).to_have_text("已复制段落及出处")
    return clipboard(task.page)


def passage_of(corpus, speech_id: str, unit_id: str):
    speech = next(s for s in corpus.speeches if s.id == speech_id)
    return speech, speech.unit(unit_id)


def _by_id(page, element_id: str):
    return page.locator(f'[id="{element_id}"]')


def search(task: Task, base_url: str, query: str, phone: bool) -> None:
    page = task.page
    page.goto(base_url)
    if phone:
        task.click(page.locator('label.md-header__button[for="__search"]'), tap=True)
    box = page.locator("input.md-search__input")
    task.click(box, tap=phone)
    page.keyboard.insert_text(query)
    page.keyboard.press("End")
    expect(page.locator(RESULTS).first).to_be_visible()


# --- 1. find and copy with the source -----------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_task1_find_and_copy_a_passage_with_its_source(browser, base_url, corpus, viewport):
    phone = viewport == "phone"
    net = NetLog()
    with user(browser, viewport, net) as page:
        task = Task(page, f"1-cite-{viewport}")
        search(task, base_url, "劳动争议", phone)
        # The first result that is a passage (a page's own entry has no #).
        first = page.locator(f'{RESULTS} a.md-search-result__link[href*="#"]').first
        task.click(first, tap=phone)
        # The result list is answered in two steps (exact passages, then
        # the rest): a tap while it re-renders can miss; tap again then.
        for _ in range(3):
            try:
                page.wait_for_url(re.compile(r"/speeches/"), timeout=5000)
                break
            except PlaywrightTimeout:
                first.tap() if phone else first.click()
        anchor = urlsplit(page.url).fragment
        speech_id = unquote(urlsplit(page.url).path).rstrip("/").rsplit("/", 1)[-1]
        speech, unit = passage_of(corpus, speech_id, anchor)
        assert "劳动争议" in unit.text
        text = copy_with_source(task, _by_id(page, unit.id), phone)
        record = task.done()
    lines = text.split("\n")
    assert lines[0] == unit.text, "the passage's own text, without badges or buttons"
    assert lines[1] == compilation.citation(speech, unit)
    assert lines[2] == f"{base_url}speeches/{speech.id}/#{unit.id}"
    assert len(lines) == 3
    assert record["clicks"] <= (5 if phone else 3)
    net.assert_only_local()


def test_task1_selection_copies_text_and_source_without_badges(browser, base_url, corpus):
    speech, first = passage_of(corpus, "002_3520ac743f25e09c", "part-2-1")
    second = speech.unit("part-2-3")
    with user(browser, "desktop") as page:
        page.goto(f"{base_url}speeches/{speech.id}/")
        # A drag over three passages, their badges between them.
        start, end = _by_id(page, first.id).bounding_box(), _by_id(page, second.id).bounding_box()
        page.mouse.move(start["x"] + 1, start["y"] + 8)
        page.mouse.down()
        page.mouse.move(end["x"] + end["width"] - 2, end["y"] + end["height"] - 8, steps=8)
        page.mouse.up()
        page.keyboard.press("Control+C")
        text = clipboard(page)
    assert "维权帮扶" not in text and CITE not in text, text
    assert text.startswith(first.text[:10]) and speech.unit("part-2-2").text in text
    assert compilation.source(speech) + "，第二部分·要点一、第二部分·要点二、第二部分·要点三" in text
    assert text.endswith(f"{base_url}speeches/{speech.id}/#{first.id}")


# --- 2. speeches of a period --------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_task2_list_the_speeches_of_a_period(browser, base_url, corpus, viewport):
    phone = viewport == "phone"
    expected = sorted(s.title for s in corpus.speeches if facets.congress_period(s) == PERIOD)
    assert expected and len(expected) < len(corpus.speeches)
    with user(browser, viewport) as page:
        task = Task(page, f"2-period-{viewport}")
        page.goto(base_url)
        nav = page.locator(SPEECH_LIST_LINK).first if not phone else None
        if phone:
            page.goto(f"{base_url}speeches/")  # the phone's menu: one more tap, counted below
            task.act()
        else:
            task.click(nav)
        page.wait_for_url("**/speeches/")
        task.act()
        page.locator("#kb-list-filters").get_by_label("时期").select_option(label=PERIOD)
        rows = page.locator("table[data-kb-list] tbody tr:not([hidden])")
        expect(rows).to_have_count(len(expected))
        titles = sorted(rows.locator("td:first-child").all_text_contents())
        expect(page.locator("#kb-list-filters output")).to_have_text(f"显示 {len(expected)} / {len(corpus.speeches)} 篇")
        task.done()
        link = page.url
    assert titles == expected
    # The filtered list is an address: it opens filtered.
    with user(browser, viewport) as page:
        page.goto(link)
        expect(page.locator("table[data-kb-list] tbody tr:not([hidden])")).to_have_count(len(expected))


# --- 3. compare a theme over time ----------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_task3_theme_page_in_time_order_with_period_filter(browser, base_url, corpus, viewport):
    theme = next(t for t in corpus.themes if t.slug == THEME_SLUG)
    speeches = [s for s in corpus.speeches if theme.name in s.themes]
    newest = [s.id for s in sorted(speeches, key=lambda s: (compilation.year(s) is None, -(compilation.year(s) or 0)))]
    oldest = [s.id for s in compilation.chronological(speeches)]
    assert newest != [s.id for s in speeches] or newest != oldest
    with user(browser, viewport) as page:
        task = Task(page, f"3-compare-{viewport}")
        page.goto(f"{base_url}themes/{THEME_SLUG}/")
        groups = page.locator("[data-kb-group]:not([hidden])")
        assert groups.evaluate_all("els => els.map(e => e.dataset.kbGroup)") == newest
        task.act()
        page.locator("#kb-group-filters").get_by_label("排序").select_option("old")
        assert groups.evaluate_all("els => els.map(e => e.dataset.kbGroup)") == oldest
        in_period = [s.id for s in compilation.chronological(speeches) if facets.congress_period(s) == PERIOD]
        strip = page.locator(f'[data-kb-period-filter="data-kb-period={PERIOD}"]')
        expect(strip).to_contain_text(PERIOD)
        task.click(strip, tap=viewport == "phone")
        assert groups.evaluate_all("els => els.map(e => e.dataset.kbGroup)") == in_period
        # Other speeches' passages are hidden with their headings.
        visible = page.locator(".kb-passage").evaluate_all(
            "els => els.filter(e => e.offsetParent !== null).map(e => e.id)")
        task.done()
    assert visible and all(any(v.startswith(f"{sid}-") for sid in in_period) for v in visible), visible


# --- 4. take a theme away: Word and print ------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_task4_download_the_theme_as_word(browser, base_url, corpus, viewport, tmp_path):
    import docx

    theme = next(t for t in corpus.themes if t.slug == THEME_SLUG)
    tagged = [(s, u) for s in corpus.speeches for u in s.units if u.kind in PASSAGE_KINDS and theme.name in u.themes]
    with user(browser, viewport) as page:
        task = Task(page, f"4-word-{viewport}")
        page.goto(f"{base_url}themes/{THEME_SLUG}/")
        with page.expect_download() as info:
            task.click(page.get_by_role("link", name="专题汇编（Word）"), tap=viewport == "phone")
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        task.done()
    assert path.name == f"{THEME_SLUG}.docx"
    document = docx.Document(str(path))
    paras = [p.text for p in document.paragraphs]
    citations = [p for p in paras if p.startswith("——《")]
    assert len(citations) == len(tagged)
    for speech, unit in tagged:
        i = paras.index(unit.text)
        assert paras[i + 1] == f"{compilation.citation(speech, unit)}\nspeeches/{speech.id}/#{unit.id}"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in compilation.chronological({s.id: s for s, _ in tagged}.values())]


def test_task4_print_has_text_and_citations_only(browser, base_url, corpus):
    with user(browser, "desktop") as page:
        page.goto(f"{base_url}themes/weiquan-bangfu/")
        page.emulate_media(media="print")
        for hidden in (".kb-passage-meta", ".kb-badges", ".kb-period-strip", "#kb-group-filters", ".kb-downloads"):
            loc = page.locator(hidden)
            if loc.count():
                expect(loc.first).to_be_hidden()
        # Each speech's title and facts line (which carries its citation)
        # are printed, and under each passage where in the speech it is.
        passage = page.locator(".kb-passage").first
        after = passage.evaluate("e => getComputedStyle(e, '::after').content")
        assert after.strip('"') == "——" + passage.get_attribute("data-kb-loc")
        facts = page.locator(".kb-speech-facts").first
        expect(facts).to_be_visible()
        assert facts.get_attribute("data-kb-source").startswith("——《")
        pdf = page.pdf(format="A4")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "weiquan-bangfu-print.pdf").write_bytes(pdf)
        page.goto(f"{base_url}speeches/002_3520ac743f25e09c/")
        page.emulate_media(media="print")
        # A printed speech starts with its title and text.
        for hidden in (".kb-theme-summary", "details", ".kb-badges"):
            expect(page.locator(hidden).first).to_be_hidden()
        assert page.locator("[data-kb-loc]").first.evaluate("e => getComputedStyle(e, '::after').content") == "none"
    log = ARTIFACTS / "tasks.json"
    data = json.loads(log.read_text(encoding="utf-8")) if log.exists() else {}
    data["4-print-pages"] = {"a4_pages": pages}
    log.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    assert 0 < pages < 7


# --- 5. cite by link ----------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_task5_copy_a_link_that_lands_on_the_passage(browser, base_url, corpus, viewport):
    phone = viewport == "phone"
    speech, unit = passage_of(corpus, "002_3520ac743f25e09c", "part-2-1")
    with user(browser, viewport) as page:
        task = Task(page, f"5-link-{viewport}")
        page.goto(f"{base_url}themes/weiquan-bangfu/")
        passage = _by_id(page, f"{speech.id}-{unit.id}")
        passage.scroll_into_view_if_needed()
        open_actions(task, passage, phone)
        task.click(passage.get_by_role("button", name=LINK), tap=phone)
        link = clipboard(page)
        task.done()
    assert link == f"{base_url}speeches/{speech.id}/#{unit.id}"
    with user(browser, viewport) as page:
        page.goto(link)
        target = _by_id(page, unit.id)
        expect(target).to_contain_text(unit.text[:12])
        page.wait_for_timeout(300)
        box, header = target.bounding_box(), page.locator("header.md-header").bounding_box()
        height = page.evaluate("innerHeight")
        assert box["y"] >= header["y"] + header["height"] - 1 and box["y"] < height, (box, header)
        assert page.evaluate("document.querySelector(':target').id") == unit.id


# --- offline copy, from file:// --------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("offline") / "site-offline"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", OFFLINE="true")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--strict", "-d", str(site)],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return site


def test_offline_copy_cite_filter_and_link_from_file_urls(browser, offline_site, corpus):
    speech, unit = passage_of(corpus, "002_3520ac743f25e09c", "part-2-1")
    requests: list[str] = []
    with user(browser, "desktop") as page:
        page.context.on("request", lambda r: requests.append(r.url))
        task = Task(page, "offline")
        page.goto((offline_site / "index.html").as_uri())
        task.click(page.locator(SPEECH_LIST_LINK).first)
        page.wait_for_url("**/speeches/index.html")
        page.locator("#kb-list-filters").get_by_label("时期").select_option(label=PERIOD)
        expected = sorted(s.title for s in corpus.speeches if facets.congress_period(s) == PERIOD)
        rows = page.locator("table[data-kb-list] tbody tr:not([hidden])")
        expect(rows).to_have_count(len(expected))
        page.goto((offline_site / "speeches" / f"{speech.id}.html").as_uri())
        text = copy_with_source(task, _by_id(page, unit.id), False)
        page.locator('[id="part-2-2"]').hover()
        page.locator('[id="part-2-2"]').get_by_role("button", name=LINK).click()
        link = clipboard(page)
        task.done()
        assert text.split("\n")[1:] == [compilation.citation(speech, unit),
                                         (offline_site / "speeches" / f"{speech.id}.html").as_uri() + "#part-2-1"]
        page.goto(link)
        assert page.evaluate("document.querySelector(':target').id") == "part-2-2"
        # The theme's Word download is there too.
        page.goto((offline_site / "themes" / "weiquan-bangfu.html").as_uri())
        href = page.get_by_role("link", name="专题汇编（Word）").evaluate("a => a.href")
        assert Path(unquote(urlsplit(href).path)).is_file()
    assert all(urlsplit(u).scheme in ("file", "data", "blob", "about") for u in requests), requests


# --- 404 ------------------------------------------------------------------------


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """A static server like GitHub Pages: a missing file under /repo/ gets
    /repo/404.html with status 404."""

    prefix = "/repo/"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / self.prefix.strip("/") / "404.html"
        if code != 404 or not self.path.startswith(self.prefix) or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve_under_subpath(site: Path, tmp: Path):
    """``site`` published at http://127.0.0.1:<port>/repo/ (as on GitHub
    Pages, with site_url unset)."""
    root = tmp / "pages"
    shutil.copytree(site, root / "repo")
    with serve_thread(functools.partial(_PagesHandler, directory=str(root))) as url:
        yield url + "repo/"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_404_works_under_a_sub_path(browser, built_site, tmp_path, viewport):
    with serve_under_subpath(built_site, tmp_path) as url:
        context = browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
        net = NetLog()
        net.attach(context)
        try:
            page = context.new_page()
            response = page.goto(url + "speeches/no-such-speech/part/")
            assert response.status == 404
            expect(page.locator("h1")).to_have_text("页面不存在")
            # Styled: the site's stylesheets loaded from /repo/, not from /.
            header = page.locator("header.md-header")
            assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(183, 28, 28)"
            assert page.evaluate("document.baseURI") == url
            home = page.get_by_role("link", name="回到首页")
            assert home.evaluate("a => a.href") == url
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"404-{viewport['width']}.png"))
            home.click()
            page.wait_for_url(url)
            expect(page.locator("h1").first).to_contain_text("工会讲话知识库")
        finally:
            context.close()
    # The page itself is a 404, and so are its probes for the site root
    # (404.html in each folder above the address, nearest first).
    http_errors = [e for e in net.http_errors if "/no-such-speech/" not in e and not e.endswith("/404.html")]
    assert not http_errors, http_errors
    assert not [f for f in net.failed if "ERR_ABORTED" not in f]


# --- keyboard ---------------------------------------------------------------------


def test_keyboard_reaches_the_first_badge_and_passage_actions(browser, base_url):
    """From the top of a speech page: the skip link, then the text's first
    badge and the passage actions, without a mouse."""
    with user(browser, "desktop") as page:
        page.goto(f"{base_url}speeches/002_3520ac743f25e09c/")
        presses, seen = 0, []
        while presses < 80:
            page.keyboard.press("Tab")
            presses += 1
            focused = page.evaluate("(() => { const e = document.activeElement;"
                                    " return [e.className || '', e.textContent.trim().slice(0, 12)]; })()")
            seen.append(focused)
            if "kb-badge" in focused[0]:
                break
            if presses == 1:
                # The first stop is material's skip link (跳转至): take it.
                assert "md-skip" in focused[0], focused
                page.keyboard.press("Enter")
        badge = page.evaluate("document.activeElement.className")
        assert "kb-badge" in badge, seen
        page.keyboard.press("Enter")
        expect(page.locator(".kb-evidence")).to_be_visible()
        # The passage's other badges, then the evidence's link and the actions.
        reached = []
        for _ in range(8):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("document.activeElement.textContent"))
            if reached[-1] == CITE:
                break
        assert "在主题页查看" in reached and reached[-1] == CITE, reached
        # A focused action is shown (it is hidden until hover, focus or tap).
        expect(page.locator(".kb-actions:focus-within")).to_have_css("opacity", "1")
    log = ARTIFACTS / "tasks.json"
    data = json.loads(log.read_text(encoding="utf-8")) if log.exists() else {}
    data["keyboard-to-first-badge"] = {"tab_presses": presses, "with_skip_link": True}
    log.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    assert presses <= 20


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_speech_text_starts_on_the_first_screen(browser, base_url, corpus, viewport):
    """Reading first: the speech's first passage begins on the first screen
    (it began 1.7 screens down on desktop and 3.1 on a phone, under the
    metadata table)."""
    ratios = {}
    with user(browser, viewport) as page:
        for speech in corpus.speeches:
            page.goto(f"{base_url}speeches/{speech.id}/")
            first = page.locator("[data-kb-loc]").first
            top = first.evaluate("e => e.getBoundingClientRect().top + scrollY")
            ratios[speech.id] = round(top / page.evaluate("innerHeight"), 2)
            expect(page.locator("details.kb-details")).not_to_have_attribute("open", "")
    log = ARTIFACTS / "tasks.json"
    data = json.loads(log.read_text(encoding="utf-8")) if log.exists() else {}
    data[f"text-start-screens-{viewport}"] = ratios
    log.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    assert max(ratios.values()) < 1, ratios
