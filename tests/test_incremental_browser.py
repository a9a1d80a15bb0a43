"""Editing a speech under `mkdocs serve`, as a user does: the speech page is
open in Chromium, the seed is saved, and the open page reloads by itself
(mkdocs' live reload) with the new text — no click, no manual reload.  Then
the catch-up puts the edit into the rest of the site (the export here).
With and without ``--dirty`` (``make serve`` adds it)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request

import pytest

from support import engine_command
from support.browser import DESKTOP, have_chromium
from support.projects import make_project

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not have_chromium(), reason="no /usr/bin/chromium")]

SPEECH = "000_04ee43fed20adb21"
#: Written into the speech by the test: found in no seed.
MARK = "增量重建测试"


def _wait_until_served(url: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"mkdocs serve did not serve {url} within {timeout} s")


def _wait_for_reload(page, timeout: float) -> bool:
    """Whether, within ``timeout`` s, the page has been replaced (the flag
    is gone) by one showing ``MARK`` — polled, as the reload destroys the
    context any single evaluation runs in."""
    from playwright.sync_api import Error

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if page.evaluate("m => !window.__beforeEdit && !!document.querySelector('article') "
                             "&& document.querySelector('article').innerText.includes(m)", MARK):
                return True
        except Error:
            pass  # navigating
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("dirty", [True, False], ids=["dirty", "clean"])
def test_saving_a_speech_reloads_its_open_page_with_the_new_text(tmp_path, browser, dirty):
    # The session's browser (tests/support/fixtures.py): a second Playwright
    # instance cannot start while that one runs in the same process.
    project = make_project(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([*engine_command("serve"), *(["--dirty"] if dirty else []), "-a", f"127.0.0.1:{port}"],
                              cwd=project,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true"),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/speeches/{SPEECH}/"
        _wait_until_served(url, 180)
        page = browser.new_page(viewport=DESKTOP)
        page.goto(url)
        page.wait_for_selector("article")
        assert MARK not in page.inner_text("article")
        # A flag on the loaded document: gone once live reload has
        # replaced it.
        page.evaluate("window.__beforeEdit = true")
        time.sleep(1)  # the live-reload connection is open
        seed = project / "seeds" / f"{SPEECH}.txt"
        title, _, body = seed.read_text(encoding="utf-8").partition("\n")
        assert "职工" in body
        seed.write_text(f"{title}\n{body.replace('职工', '职工' + MARK, 1)}", encoding="utf-8")
        assert _wait_for_reload(page, 120), "the open page did not reload with the edit"
        assert MARK in page.inner_text("article")
        page.screenshot(path=str(tmp_path / "after-edit.png"))
        # The catch-up: the speech's data file (from the export, the last
        # complete build's until then) gets the edit too.
        data = f"http://127.0.0.1:{port}/data/speeches/{SPEECH}.json"
        deadline = time.time() + 180
        while time.time() < deadline:
            with urllib.request.urlopen(data, timeout=30) as response:
                if MARK in response.read().decode("utf-8"):
                    break
            time.sleep(0.5)
        else:
            raise AssertionError("the catch-up did not put the edit into the export")
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "kb: stored outputs reused" in output
    assert "kb: quick build" in output and "kb: caught up with the edit" in output
