"""Serving an edit (``mkdocs serve --dirty``, what ``make serve`` runs):
saving a speech makes a quick build that shows the edited page, then the
catch-up brings every other output up to date — and the served site is
then byte for byte what a cold ``mkdocs build`` of the same input writes.

mkdocs' own serve loop is driven in a subprocess (its plugins are kept per
process): ``build`` as ``mkdocs serve --dirty`` calls it on each save, and
again when the catch-up writes the file the plugin asked mkdocs to watch.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.projects import mkdocs_build, mkdocs_env, make_project
from test_incremental import differences

pytestmark = pytest.mark.slow

#: Runs the serve loop: argv = project, site_dir, JSON list of steps
#: ({"write": {path: text}} or {"delete": path}, paths relative to the
#: project); after each step the site_dir is copied to <site_dir>-<i>.
#: Prints one JSON line per step: whether the build was quick, whether a
#: catch-up followed, and what the edited page showed after the quick build.
SERVE_LOOP = r'''
import json, shutil, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

class Server:
    def watch(self, path):
        pass

def main():
    project, site_dir, steps = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
    config = lambda: load_config(config_file=str(project / "mkdocs.yml"), site_dir=site_dir)
    c = config()
    c.plugins.on_startup(command="serve", dirty=True)
    kb = c.plugins["kb"]
    build(c, serve_url="http://127.0.0.1:8000/", dirty=True)
    c.plugins.on_serve(Server(), config=c, builder=None)
    try:
        for i, step in enumerate(steps):
            trigger = kb.trigger
            before = trigger.stat().st_mtime_ns if trigger.exists() else None
            for path, text in step.get("write", {}).items():
                (project / path).write_text(text, encoding="utf-8")
            if "delete" in step:
                (project / step["delete"]).unlink()
            build(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
            out = {"quick": kb.quick}
            if "show" in step:
                page, text = step["show"]
                out["shown"] = text in (Path(site_dir) / page).read_text(encoding="utf-8")
            if kb.quick:
                deadline = time.time() + 300
                while not (trigger.exists() and trigger.stat().st_mtime_ns != before) and time.time() < deadline:
                    time.sleep(0.1)
                out["caught_up"] = trigger.exists() and trigger.stat().st_mtime_ns != before
                build(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
                out["quick_again"] = kb.quick
            shutil.copytree(site_dir, f"{site_dir}-{i}")
            print(json.dumps(out), flush=True)
    finally:
        c.plugins.on_shutdown()

if __name__ == "__main__":
    main()
'''

MARK = "增量服务测试"
#: A fixed build date: the served and the cold builds write their files at
#: different times (else the date comes from the newest input file).
EPOCH = "1700000000"


def test_serve_shows_an_edit_at_once_and_converges_to_a_cold_build(tmp_path):
    project = make_project(tmp_path)
    seeds = project / "seeds"
    speeches = sorted(seeds.glob("*.txt"))
    edited = speeches[0]
    title, _, body = edited.read_text(encoding="utf-8").partition("\n")
    assert "职工" in body
    added = speeches[1].read_text(encoding="utf-8").replace("。", "。新增的一句话在这里。", 1)
    steps = [
        {"write": {f"seeds/{edited.name}": f"{title}\n{body.replace('职工', '职工' + MARK, 1)}"},
         "show": [f"speeches/{edited.stem}/index.html", MARK]},
        {"write": {"seeds/zz-新增讲话.txt": added},
         "show": ["speeches/zz-新增讲话/index.html", "新增的一句话在这里"]},
        {"delete": f"seeds/{speeches[2].name}"},
    ]
    initial = tmp_path / "seeds-initial"
    shutil.copytree(seeds, initial)
    script = tmp_path / "serve_loop.py"
    script.write_text(SERVE_LOOP, encoding="utf-8")
    site = tmp_path / "served"
    done = subprocess.run([sys.executable, str(script), str(project), str(site), json.dumps(steps)], cwd=project,
                          capture_output=True, text=True, env=mkdocs_env(SOURCE_DATE_EPOCH=EPOCH), timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(results) == len(steps), done.stderr[-3000:]
    # An edit and an added speech: shown by a quick build, then caught up
    # (the rebuild the catch-up triggers is complete, not quick).
    for result in results[:2]:
        assert result == {"quick": True, "shown": True, "caught_up": True, "quick_again": False}, result
    # A deleted speech: built completely at once.
    assert results[2] == {"quick": False}, results[2]

    # Each served state against a cold build of the same input.
    shutil.rmtree(seeds)
    shutil.copytree(initial, seeds)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    for i, step in enumerate(steps):
        for path, text in step.get("write", {}).items():
            (project / path).write_text(text, encoding="utf-8")
        if "delete" in step:
            (project / step["delete"]).unlink()
        cold = tmp_path / f"cold-{i}"
        built = mkdocs_build(project, cold, strict=False, env=mkdocs_env(SOURCE_DATE_EPOCH=EPOCH))
        assert built.returncode == 0, built.stderr[-3000:]
        shutil.rmtree(project / ".cache", ignore_errors=True)
        assert differences(Path(f"{site}-{i}"), cold) == [], step
