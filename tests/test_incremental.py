"""Incremental builds: a rebuild that reuses the stored outputs of earlier
builds (analysis cache, corpus views, generated files, rendered pages, page
HTML) is byte for byte the site a cold build of the same input writes — after
no change, after editing, adding and deleting a speech, and after editing
themes.yml — and it does reuse them (else this would test nothing).
"""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import engine_command
from support.projects import make_project, mkdocs_env

REUSED = re.compile(r"kb: stored outputs reused \(hits/misses\): files (\d+)/(\d+), generation (\d+)/(\d+), "
                    r"render (\d+)/(\d+), html (\d+)/(\d+)")


def build(project: Path, site: Path) -> dict[str, tuple[int, int]]:
    """``mkdocs build --strict`` of ``project`` into ``site``; the stores'
    (hits, misses) from the build log."""
    cmd = [*engine_command("build"), "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    done = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=mkdocs_env(), timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = REUSED.search(done.stderr)
    assert found, done.stderr[-3000:]
    numbers = [int(n) for n in found.groups()]
    return {name: (numbers[2 * i], numbers[2 * i + 1])
            for i, name in enumerate(("files", "generation", "render", "html"))}


def cold_build(project: Path, site: Path) -> None:
    """A build of the same input with no cache at all (the project's
    .cache/ set aside and put back afterwards)."""
    kept = project.parent / "cache-kept"
    shutil.move(project / ".cache", kept)
    try:
        counts = build(project, site)
        assert counts["render"][0] == 0 and counts["html"][0] == 0, counts
    finally:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        shutil.move(kept, project / ".cache")


def differences(a: Path, b: Path) -> list[str]:
    """Paths (relative) that differ between two folders: missing on either
    side or different bytes."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")
    walk(filecmp.dircmp(a, b), "")
    return sorted(out)


@pytest.mark.slow
def test_incremental_builds_equal_cold_builds(tmp_path):
    project = make_project(tmp_path)
    seeds = project / "seeds"
    first = tmp_path / "first"
    counts = build(project, first)
    assert counts["render"][0] == 0  # nothing stored yet

    # No change: everything comes from the stores, and the site is the same.
    counts = build(project, tmp_path / "again")
    assert counts["generation"] == (1, 0), counts
    assert counts["render"][1] == 0 and counts["html"][1] == 0 and counts["render"][0] > 50, counts
    assert differences(first, tmp_path / "again") == []

    speeches = sorted(seeds.glob("*.txt"))
    edited = speeches[0]
    title, _, body = edited.read_text(encoding="utf-8").partition("\n")
    word = next(w for w in ("职工", "工会", "发展") if w in body)
    steps = [
        ("edit a speech", lambda: edited.write_text(f"{title}\n{body.replace(word, word + '群众', 1)}",
                                                    encoding="utf-8")),
        ("add a speech", lambda: (seeds / "zz-新增讲话.txt").write_text(
            speeches[1].read_text(encoding="utf-8").replace("。", "。新增的一句话在这里。", 1), encoding="utf-8")),
        ("delete a speech", lambda: speeches[2].unlink()),
        ("edit themes.yml", lambda: (project / "themes.yml").write_text(
            (project / "themes.yml").read_text(encoding="utf-8").replace("description: ", "description: 修订：", 1),
            encoding="utf-8")),
    ]
    previous = first
    for step, change in steps:
        change()
        incremental, cold = tmp_path / f"{step}-incremental", tmp_path / f"{step}-cold"
        counts = build(project, incremental)
        cold_build(project, cold)
        assert differences(incremental, cold) == [], step
        assert differences(previous, incremental), f"{step}: the site did not change"
        # Pages the change does not touch were reused, not rendered again
        # (the nav lists every speech of a small corpus: adding or deleting
        # one changes every page's HTML, not the Markdown of most).
        if step != "edit themes.yml":
            assert counts["render"][0] > 0, (step, counts)
        if step == "edit a speech":
            assert counts["html"][0] > 0, (step, counts)
        previous = incremental


@pytest.mark.parametrize("on_disk", [True, False])
def test_the_store_keeps_what_the_last_build_used(tmp_path, on_disk):
    from build_scripts.cache import BlobStore

    store = BlobStore(tmp_path / "store" if on_disk else None)
    store.put("a" * 64, b"first")
    store.put("b" * 64, b"second")
    store.retain()
    assert store.get("a" * 64) == b"first" and store.has("b" * 64)
    store.retain()  # both used since the last retain: both kept
    assert store.get("a" * 64) == b"first"
    store.retain()  # only a used: b forgotten
    assert store.get("b" * 64) is None and store.get("a" * 64) == b"first"
    store.discard("a" * 64)
    assert store.get("a" * 64) is None and not store.has("a" * 64)
    if on_disk:
        assert not [p for p in (tmp_path / "store").rglob("*") if p.is_file()]


def test_a_damaged_stored_file_is_made_again(tmp_path):
    """A stored file whose bytes no longer match their digest is a miss
    (everything is generated again) and is removed, so it is rewritten."""
    import hashlib

    from build_scripts.plugin import KnowledgeBasePlugin
    from build_scripts.cache import BlobStore

    plugin = KnowledgeBasePlugin()
    plugin.stores = {name: BlobStore(tmp_path / name) for name in ("files", "generation", "search")}
    plugin._store_generation("k" * 64, {"a.md": "# A"}, None, [("data/x.json", b"{}")])
    loaded = plugin._load_generation("k" * 64)
    assert loaded == ({"a.md": "# A"}, None, [("data/x.json", b"{}")])
    sha = hashlib.sha256(b"# A").hexdigest()
    (tmp_path / "files" / sha[:2] / sha).write_bytes(b"# damaged")
    assert plugin._load_generation("k" * 64) is None
    assert not plugin.stores["files"].has(sha)
