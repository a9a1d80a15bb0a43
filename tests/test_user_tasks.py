"""The readers' tasks, done in headless Chromium on the built site as a
user would: cite a passage, find speeches by period, compare a theme over
time, compile a theme, link to a passage; and a mistyped address under a
sub-path.  Desktop (1366×900) and phone (390×844); the offline copy from
file://.  Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from test_browser import CHROMIUM, LAUNCH_ARGS, TIMEOUT_MS, NetLog  # noqa: F401

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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
    handler = functools.partial(_PagesHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/repo/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_404_works_under_a_sub_path(chromium, built_site, tmp_path, viewport):
    with serve_under_subpath(built_site, tmp_path) as url:
        context = chromium.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
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
