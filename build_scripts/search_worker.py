"""Builds the search index in a worker process while mkdocs renders pages.

The plugin knows the corpus pages' search documents right after
``on_files`` (the corpus and the URLs), and the hand-written pages' only
after mkdocs-material's search plugin has written its index
(``on_post_build``).  ``SearchIndexer`` sends the first part to one spawned
worker process at once, as plain tuples through the pool's pipe (no files:
nothing holding speech text is ever written outside the site), and the
second part at the end; the worker keeps its ``IndexBuilder`` between the
two calls and writes the index files into the site itself, so the large
builder never travels back.  With ``parallel`` False everything runs in
this process (one CPU).  The index is the same either way.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Optional

from .search_index import IndexBuilder, SearchDoc, SearchPage

#: A ``SearchPage`` as plain tuples: its fields in order, ``docs`` as a
#: list of ``SearchDoc`` field tuples; tuples pickle several times faster.
PageTuple = tuple

#: The worker's builder, between ``_index`` and ``_finish`` (one worker
#: process per pool, so both calls reach the same one).
_builder: Optional[IndexBuilder] = None

_PAGE_FIELDS = [f.name for f in dataclasses.fields(SearchPage)]
_DOC_FIELDS = [f.name for f in dataclasses.fields(SearchDoc)]


def _pack(pages: list[SearchPage]) -> list[PageTuple]:
    # Not dataclasses.astuple: it deep-copies every string.
    return [tuple([tuple(getattr(d, f) for f in _DOC_FIELDS) for d in p.docs] if name == "docs" else getattr(p, name)
                  for name in _PAGE_FIELDS) for p in pages]


def _unpack(pages: list[PageTuple]) -> list[SearchPage]:
    return [SearchPage(**{name: [SearchDoc(*d) for d in value] if name == "docs" else value
                          for name, value in zip(_PAGE_FIELDS, p)}) for p in pages]


def _index(pages: list[PageTuple]) -> int:
    global _builder
    _builder = IndexBuilder().add(_unpack(pages))
    return _builder.docs


def _finish(pages: list[PageTuple], base_config: Optional[dict], site_dir: str) -> tuple[int, int, int]:
    global _builder
    builder, _builder = _builder, None
    if builder is None:
        raise RuntimeError("search worker: _finish before _index")
    index = builder.add(_unpack(pages)).finish(base_config=base_config)
    site = Path(site_dir)
    shutil.rmtree(site / "search" / "kb", ignore_errors=True)
    for path, content in index.files.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return index.docs, index.keys, index.shards


class SearchIndexer:
    """One build's search index: ``start`` with the corpus pages, ``finish``
    with the hand-written pages (writes the files, returns (documents,
    keys, shards)), ``stop`` to abandon it (idempotent; also after
    ``finish``)."""

    def __init__(self, parallel: bool) -> None:
        self._pool: Optional[ProcessPoolExecutor] = None
        self._started: Optional[Future] = None
        self._pages: list[PageTuple] = []
        self.parallel = parallel

    def start(self, pages: list[SearchPage]) -> None:
        if not self.parallel:
            self._pages = _pack(pages)
            return
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self._started = self._pool.submit(_index, _pack(pages))

    def finish(self, pages: list[SearchPage], base_config: Optional[dict], site_dir: Path) -> tuple[int, int, int]:
        try:
            if self._pool is None:
                _index(self._pages)
                return _finish(_pack(pages), base_config, str(site_dir))
            self._started.result()
            result = self._pool.submit(_finish, _pack(pages), base_config, str(site_dir)).result()
            # The worker is idle now: let it exit before the build goes on,
            # so no pool thread is left writing to a pipe at exit.
            self.stop(wait=True)
            return result
        finally:
            self.stop()

    def stop(self, wait: bool = False) -> None:
        """Abandon the index (the worker is left to finish what it is doing
        and exit, unless ``wait``)."""
        pool, self._pool, self._pages = self._pool, None, []
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)
