"""Work shared out among processes gives the same result as in one: the
analysis of many speeches (pipeline ``jobs``) and the search index built
in a worker process while mkdocs renders (``search_worker``)."""

from __future__ import annotations

import sys

import pytest

from build_scripts import export, search_index, urls
from build_scripts.cache import AnalysisCache
from build_scripts.pipeline import PARALLEL_MIN, build_corpus, jobs_wanted
from build_scripts.search_worker import SearchIndexer
from conftest import ROOT, THEMES

sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A seeds folder of PARALLEL_MIN synthetic speeches and one bad file."""
    seeds = tmp_path_factory.mktemp("many") / "seeds"
    synth.write_seeds(synth.synthesise(PARALLEL_MIN), seeds)
    (seeds / "empty.txt").write_bytes(b"")
    return seeds


@pytest.mark.slow
def test_parallel_analysis_gives_the_same_corpus(many, tmp_path):
    serial = build_corpus(many, THEMES, jobs=1)
    cache = AnalysisCache(tmp_path / "cache")
    parallel = build_corpus(many, THEMES, jobs=2, cache=cache)
    assert len(serial.speeches) == PARALLEL_MIN and [s.path for s in serial.skipped] == ["seeds/empty.txt"]
    assert cache.misses == PARALLEL_MIN
    assert export.to_json(parallel) == export.to_json(serial)
    assert [s.message for s in parallel.skipped] == [s.message for s in serial.skipped]
    # What the workers analysed is in the cache: nothing is analysed again.
    again = AnalysisCache(tmp_path / "cache")
    assert export.to_json(build_corpus(many, THEMES, jobs=2, cache=again)) == export.to_json(serial)
    assert (again.hits, again.misses) == (PARALLEL_MIN, 0)


def test_jobs_come_from_kb_jobs(monkeypatch):
    monkeypatch.setenv("KB_JOBS", "3")
    assert jobs_wanted() == 3
    for bad in ("0", "-1", "two", ""):
        monkeypatch.setenv("KB_JOBS", bad)
        assert jobs_wanted() >= 1


def _search_pages(corpus):
    return [search_index.speech_page(s, urls.speech_path(s)) for s in corpus.speeches] + \
           [search_index.theme_page(t.name, t.description, urls.theme_path(t)) for t in corpus.themes]


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("parallel", [True, False])
def test_an_index_built_in_parts_in_a_worker_is_the_same(corpus, tmp_path, parallel):
    entries = _search_pages(corpus)
    doc = search_index.SearchPage("about/", "使用说明", "doc", [search_index.SearchDoc("", "使用说明", "使用说明 搜索", "page")])
    whole = search_index.build(entries + [doc], base_config={"lang": ["zh"]}).files
    # The plugin's way: the corpus pages to a worker while mkdocs renders,
    # the hand-written pages at the end; the worker writes the files.
    indexer = SearchIndexer(parallel=parallel)
    indexer.start(entries)
    stale = tmp_path / "search" / "kb" / "p999.js"
    stale.parent.mkdir(parents=True)
    stale.write_text("stale")
    docs, keys, shards = indexer.finish([doc], {"lang": ["zh"]}, tmp_path)
    assert _files(tmp_path) == whole
    assert docs == sum(len(p.docs) for p in entries) + 1 and keys > 1000 and shards >= 1
    indexer.stop()  # idempotent


def test_an_abandoned_index_leaves_nothing(corpus, tmp_path):
    indexer = SearchIndexer(parallel=True)
    indexer.start(_search_pages(corpus))
    indexer.stop()
    assert not list(tmp_path.iterdir())
