"""In a real browser, speeches full of attacks render as text and run nothing.

The fixtures (tests/fixtures/input/: OWASP XSS filter-evasion vectors,
Markdown, Jinja, snippets, material markers, a front-matter block, and a
sidecar with markup in its values) are built with ``--strict``, served on
127.0.0.1 and opened in headless Chromium.  Payloads either call alert()
(any dialog is recorded) or set ``window.__xss``; neither may happen, and
no request may leave 127.0.0.1 (several vectors point at other hosts).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEEDS, mkdocs_build
from support.browser import TIMEOUT_MS, NetLog, serve_site
from support.browser import search as _search
from support.projects import make_project

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "input"
PAGES = ["", "speeches/", "speeches/xss_vectors/", "speeches/front_matter/", "themes/", "themes/weiquan-bangfu/",
         "about/"]


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("evil")
    project = make_project(tmp, {})
    for f in FIXTURES.iterdir():
        shutil.copy(f, project / "seeds" / f.name)
    shutil.copy(SEEDS / "003_8934f3c4a65f5158.txt", project / "seeds")
    site = tmp / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def evil_url(evil_site):
    with serve_site(evil_site) as url:
        yield url


@pytest.fixture
def watched(browser):
    """A page whose dialogs and network requests are recorded."""
    context = browser.new_context(locale="zh-CN", service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    net, dialogs = NetLog(), []
    net.attach(context)
    page = context.new_page()

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield page, net, dialogs
    finally:
        context.close()


def _assert_nothing_ran(page: Page, dialogs: list[str], where: str) -> None:
    page.wait_for_timeout(300)  # let onload/onerror/ontoggle handlers fire, if any existed
    assert page.evaluate("window.__xss") is None, f"a payload ran on {where}"
    assert not dialogs, f"dialogs on {where}: {dialogs}"
    # (The speech list's filters and pager, .kb-filters and .kb-pager, are the site's own inputs;
    # the 使用说明 page's screenshots, images/insight-*.png, its own images:
    # a payload with an event handler is still caught by [onerror]/[onload].)
    injected = page.locator("article script, article img:not([src^='images/insight-']), article svg[onload], article iframe, article object, "
                            "article embed, article input:not(.kb-filters input, .kb-pager input), article details[ontoggle], "
                            "article [onerror], "
                            "article [onmouseover], article a[href^='javascript' i], article base, article meta")
    assert injected.count() == 0, f"injected elements on {where}: {injected.evaluate_all('es => es.map(e => e.outerHTML)')}"


def test_every_page_renders_the_attacks_as_text(watched, evil_url):
    page, net, dialogs = watched
    for path in PAGES:
        page.goto(evil_url + path)
        _assert_nothing_ran(page, dialogs, path or "home")
    net.assert_only_local()


def test_the_speech_shows_each_attack_literally(watched, evil_url):
    page, net, dialogs = watched
    page.goto(evil_url + "speeches/xss_vectors/")
    assert page.title().startswith("<svg onload=window.__xss=1>讲话标题</svg>")
    article = page.locator("article")
    expect(article.locator("h1")).to_contain_text("<svg onload=window.__xss=1>讲话标题</svg>")
    text = article.inner_text()
    for literal in ("<script>alert('XSS')</script>第一部分{: onclick=alert(1) }",
                    "<IMG SRC=\"javascript:alert('XSS');\">",
                    "<!-- material/tags -->开场白",
                    "# 不是标题",
                    "[点我](javascript:alert('md'))",
                    "![外部图片](http://xss.rocks/x.png)",
                    "| 表头 | 表头 |",
                    "<!-- 这是 HTML 注释，应当显示 -->",
                    "{{ config.site_name }}和{% include \"base.html\" %}和{# 注释 #}",
                    "--8<-- \"mkdocs.yml\"",
                    "!!! danger \"不是提示框\"",
                    "<img src=x onerror=window.__xss=7>某区",      # sidecar value
                    "[点我](javascript:window.__xss=8)"):
        assert literal in text, literal
    assert "site_name:" not in text  # the snippet did not include mkdocs.yml
    # The menu shows the title as text too.
    expect(page.locator("nav.md-nav--primary").get_by_text("<svg onload=window.__xss=1>讲话标题</svg>", exact=False)
           .first).to_be_attached()
    _assert_nothing_ran(page, dialogs, "the speech page")

    page.goto(evil_url + "speeches/front_matter/")
    text = page.locator("article").inner_text()
    assert "title: <script>window.__xss=6</script>" in text and "template: main.html" in text
    _assert_nothing_ran(page, dialogs, "the front-matter speech")
    net.assert_only_local()


def test_search_results_show_the_attacks_as_text(watched, evil_url):
    page, net, dialogs = watched
    _search(page, evil_url, "讲话标题")
    results = page.locator("li.md-search-result__item")
    expect(results.first).to_contain_text("<svg onload=window.__xss=1>")
    _assert_nothing_ran(page, dialogs, "the search results")
    assert page.locator(".md-search-result svg[onload], .md-search-result img").count() == 0
    net.assert_only_local()
