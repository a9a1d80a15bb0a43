"""A built site served on 127.0.0.1, and headless Debian Chromium.

The Chromium binary and its flags are defined here once, for the tests
and the benchmarks.  Playwright never downloads a browser (the Makefile sets
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1); it drives ``/usr/bin/chromium``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
LOCAL_HOST = "127.0.0.1"
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def have_chromium() -> bool:
    return CHROMIUM.exists()


def launch(playwright) -> Any:
    """Headless Debian Chromium from a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCAL_HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_site(site: Path, process: bool = False) -> Iterator[str]:
    """``site`` served on 127.0.0.1 (a free port); yields its URL.

    ``process`` True serves from ``python -m http.server`` in a process of
    its own, as a real server is: a server thread in this process shares
    the GIL with Playwright's event handling and answers each request tens
    of milliseconds late (what the benchmark's timings must not include)."""
    if process:
        for _ in range(20):
            port = _free_port()
            server = subprocess.Popen(
                [sys.executable, "-m", "http.server", str(port), "--bind", LOCAL_HOST, "--directory", str(site)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while server.poll() is None and time.monotonic() < deadline:
                try:
                    socket.create_connection((LOCAL_HOST, port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            if server.poll() is None and time.monotonic() < deadline:
                try:
                    yield f"http://{LOCAL_HOST}:{port}/"
                finally:
                    server.terminate()
                    server.wait()
                return
            server.kill()  # the port was taken meanwhile, or it never answered
            server.wait()
        raise RuntimeError("could not start a static server")
    with serve_thread(functools.partial(_QuietHandler, directory=str(site))) as url:
        yield url


@contextlib.contextmanager
def serve_thread(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A server thread on 127.0.0.1 (a free port) answering with
    ``handler``; yields its root URL and stops the thread afterwards."""
    httpd = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def clipboard(page: Any) -> str:
    """The text on the clipboard of ``page``'s context (which must have
    been granted ``clipboard-read``)."""
    return page.evaluate("navigator.clipboard.readText()")


@contextlib.contextmanager
def served_browser(site: Path) -> Iterator[tuple[Any, str]]:
    """Serve ``site`` from its own process and launch Chromium; yields
    ``(browser, url of the site)`` and stops both afterwards."""
    from playwright.sync_api import sync_playwright

    with serve_site(site, process=True) as url, sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser, url
        finally:
            browser.close()


@dataclass
class NetLog:
    """Every request URL a context made, failed requests and HTTP errors."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)

    def attach(self, target) -> None:
        target.on("request", lambda r: self.requests.append(r.url))
        target.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        target.on("response", lambda r: r.status >= 400 and self.http_errors.append(f"{r.status} {r.url}"))

    def assert_only_local(self) -> None:
        urls = self.requests + [f.split(" ", 1)[0] for f in self.failed]
        assert urls, "no request was recorded at all"
        foreign = sorted({u for u in urls
                          if urlsplit(u).scheme not in ("data", "blob", "about")
                          and urlsplit(u).hostname != LOCAL_HOST})
        assert not foreign, "requests left 127.0.0.1:\n" + "\n".join(foreign)
        # ERR_ABORTED: cancelled because the test navigated on (e.g. the
        # favicon of a page left quickly); any other failure is a real one.
        failed = [f for f in self.failed if "net::ERR_ABORTED" not in f]
        assert not failed, "requests failed:\n" + "\n".join(failed)
        assert not self.http_errors, "HTTP errors:\n" + "\n".join(self.http_errors)


RESULTS = "li.md-search-result__item"


def search(page, base_url: str, query: str) -> None:
    """Open the home page, focus the header search box, enter ``query``
    and wait for the first result."""
    from playwright.sync_api import expect

    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    expect(box).to_be_focused()
    # Chinese arrives from an input method as one committed string; the
    # commit keystroke's keyup is what mkdocs-material listens to (it
    # re-queries on keyup/focus, not on "input"), hence insert + key press.
    page.keyboard.insert_text(query)
    page.keyboard.press("End")
    expect(box).to_have_value(query)
    expect(page.locator(RESULTS).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".md-search-result__meta")).to_contain_text(re.compile(r"\d"))
