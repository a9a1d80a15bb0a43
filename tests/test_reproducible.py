"""Two builds of the same input give a byte-identical site, sitemap
included, without the user setting anything (the plugin fixes the date),
whether or not work is shared out among processes."""

from __future__ import annotations

import datetime
import gzip
import os
import subprocess
from pathlib import Path

from build_scripts import source_date
from test_bad_input import docx_bytes, tree_hashes, variant
from support import engine_command
from support.projects import make_project


def build(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environ.update(NO_MKDOCS_2_WARNING="1", SITE_URL="https://example.org/kb/", **env)
    return subprocess.run([*engine_command("build"), "-q", "--strict", "-f", str(project / "mkdocs.yml"),
                           "-d", str(site)], cwd=project, capture_output=True, text=True, env=environ, timeout=600)


def test_two_builds_are_byte_identical(tmp_path):
    project = make_project(tmp_path)
    (project / "seeds" / "word.docx").write_bytes(docx_bytes(variant("docx")))
    (project / "seeds" / "gbk.txt").write_bytes(variant("gbk", variant("x")).encode("gbk"))
    a, b = tmp_path / "a" / "site", tmp_path / "b" / "elsewhere"
    # One build indexes the corpus for search in a worker process, the
    # other in the build's own (one CPU): the same bytes either way.
    for site, jobs in ((a, "2"), (b, "1")):
        result = build(project, site, KB_JOBS=jobs)
        assert result.returncode == 0, result.stderr
    hashes = tree_hashes(a)
    assert {"sitemap.xml", "sitemap.xml.gz", "data/corpus.json", "search/search_index.json",
            "speeches/word/index.html", "sources/word.docx"} <= set(hashes)
    assert hashes == tree_hashes(b)
    # The date is the inputs' (not git here: the newest input file), not today.
    day = datetime.datetime.fromtimestamp(source_date.epoch(project), datetime.timezone.utc).date().isoformat()
    sitemap = (a / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count(f"<lastmod>{day}</lastmod>") == sitemap.count("<lastmod>") > 5
    assert gzip.decompress((a / "sitemap.xml.gz").read_bytes()).decode("utf-8") == sitemap


def test_source_date_epoch_is_honoured(tmp_path):
    project = make_project(tmp_path, {"a.txt": variant("a")})
    site = tmp_path / "site"
    assert build(project, site, SOURCE_DATE_EPOCH="1262304000").returncode == 0  # 2010-01-01
    assert "<lastmod>2010-01-01</lastmod>" in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_the_repository_date_is_its_last_input_commit():
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct", "--", *source_date.INPUTS],
                         capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        assert source_date.epoch_from_inputs(root) == int(out.stdout)
