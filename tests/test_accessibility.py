"""axe-core in headless Chromium on the built site: home, a speech, a
theme, the speech list and search results, on desktop and phone, light and
dark: no serious or critical violation (WCAG 2.1 A/AA rules and axe's best
practices).  axe.min.js is vendored under tests/vendor/axe-core/ (a test
asset; the site does not ship it) and injected into each page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.browser import DESKTOP, PHONE, RESULTS, TIMEOUT_MS

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SPEECH = "002_3520ac743f25e09c"
PAGES = {"home": "", "speech": f"speeches/{SPEECH}/", "theme": "themes/weiquan-bangfu/",
         "list": "speeches/?period=十八大至十九大（2012–2017）", "help": "about/", "search": None,
         "evidence": f"speeches/{SPEECH}/"}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
#: Impacts that fail the test (axe: minor < moderate < serious < critical).
FAILING = ("serious", "critical")


def run_axe(page) -> list[dict]:
    """axe's violations on the current page (every rule axe runs by default)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])} elements)")
        for node in v["nodes"][:3]:
            lines.append(f"    {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def open_page(page, site_url: str, name: str) -> None:
    if PAGES[name] is not None:
        page.goto(site_url + PAGES[name])
        page.wait_for_load_state("load")
        if name == "evidence":  # a badge's evidence open, a passage's actions shown
            page.locator('[id="part-2-1"] a.kb-badge').first.click()
            expect(page.locator(".kb-evidence")).to_be_visible()
            page.locator('[id="part-2-1"] .kb-action').first.focus()
        return
    page.goto(site_url)
    toggle = page.locator('label.md-header__button[for="__search"]')
    if toggle.is_visible():  # a phone: the search box opens from its icon
        toggle.click()
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.insert_text("劳动争议")
    page.keyboard.press("End")
    expect(page.locator(RESULTS).first).to_be_visible(timeout=TIMEOUT_MS)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(browser, base_url, name, viewport, scheme):
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme, locale="zh-CN",
                                   service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        open_page(page, base_url, name)
        violations = run_axe(page)
    finally:
        context.close()
    failing = [v for v in violations if v["impact"] in FAILING]
    assert not failing, f"{name} ({viewport}, {scheme}):\n" + describe(failing)


def test_axe_finds_a_planted_violation(browser, base_url):
    """The harness itself: light grey text on white is reported as serious."""
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(base_url)
        page.evaluate("""() => { const p = document.createElement('p');
            p.textContent = '看不见的文字'; p.style.color = '#bbb'; p.style.background = '#fff';
            document.querySelector('article').appendChild(p); }""")
        violations = run_axe(page)
    finally:
        context.close()
    assert any(v["id"] == "color-contrast" and v["impact"] == "serious" for v in violations), json.dumps(
        [v["id"] for v in violations])
