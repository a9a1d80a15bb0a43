"""`mkdocs serve` runs the pipeline, rebuilds when an input changes and keeps
serving the last good site while an input is broken."""

import os
import socket
import subprocess
import time
import urllib.request

from support import engine_command
from support.projects import make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, text: str, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if text in fetch(url):
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def test_serve_rebuilds_when_a_seed_or_themes_change(tmp_path):
    project = make_project(tmp_path)
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([*engine_command("serve"), "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = f"http://127.0.0.1:{port}/speeches/000_04ee43fed20adb21/"
        assert wait_for(page, "清远市清新区", 90), "serve did not come up"
        seed = project / "seeds" / "000_04ee43fed20adb21.txt"
        seed.write_text(seed.read_text(encoding="utf-8").replace("清远市清新区工会第六次", "测试市新区工会第六次", 1),
                        encoding="utf-8")
        assert wait_for(page, "测试市新区", 90), "editing a seed did not rebuild the page"
        themes = project / "themes.yml"
        themes.write_text(themes.read_text(encoding="utf-8").replace("name: 维权帮扶", "name: 维权与帮扶"),
                          encoding="utf-8")
        assert wait_for(f"http://127.0.0.1:{port}/themes/weiquan-bangfu/", "维权与帮扶", 90), \
            "editing themes.yml did not rebuild the theme page"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_keeps_the_last_good_site_while_inputs_are_broken(tmp_path):
    """A broken themes.yml or sidecar, saved mid-edit, is logged; pages keep
    answering (the last good build) and the fix is picked up.  Removing a
    sidecar rebuilds too."""
    project = make_project(tmp_path)
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([*engine_command("serve"), "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        page = f"http://127.0.0.1:{port}/speeches/000_04ee43fed20adb21/"
        assert wait_for(page, "清远市清新区", 90), "serve did not come up"
        sidecar = project / "seeds" / "000_04ee43fed20adb21.yml"
        sidecar.write_text("place: 测试地点甲\n", encoding="utf-8")
        assert wait_for(page, "测试地点甲", 90), "adding a sidecar did not rebuild"

        themes = project / "themes.yml"
        good = themes.read_text(encoding="utf-8")
        themes.write_text("themes: [\n", encoding="utf-8")
        time.sleep(4)  # the rebuild with the broken file
        started = time.time()
        assert "测试地点甲" in fetch(page)  # answered at once, not stuck
        assert time.time() - started < 5
        themes.write_text(good.replace("name: 维权帮扶", "name: 维权与帮扶"), encoding="utf-8")
        assert wait_for(f"http://127.0.0.1:{port}/themes/weiquan-bangfu/", "维权与帮扶", 90), \
            "fixing themes.yml did not rebuild"

        sidecar.write_text("place: [\n", encoding="utf-8")
        time.sleep(4)
        assert "测试地点甲" in fetch(page)
        sidecar.unlink()
        assert wait_for(page, "清远市清新区", 90), "removing the sidecar did not rebuild"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "serving the last good build" in output
    assert "000_04ee43fed20adb21.yml" in output and "not valid YAML" in output
