"""The mkdocs plugin ``kb``: the one adapter between the pipeline and mkdocs.

In mkdocs.yml (after mkdocs-material's ``search`` plugin)::

    plugins:
      - search
      - kb:
          seeds_dir: seeds        # the speeches (.txt, .docx, sidecars .yml)
          themes: themes.yml      # the theme codebook
          cache_dir: .cache/analysis   # analysis cache ('' for none)
          search: ours            # or: material (stock search for every page)
          strict_inputs: false    # true: a skipped speech file fails the build

Paths are relative to the folder of mkdocs.yml.  ``on_config`` builds the
corpus (so a broken themes.yml stops the build before anything is written)
and sets the nav; ``on_files`` adds every generated page
(``generated.PAGE_KINDS``), the JSON export and the original source files as
virtual files (``File.generated``) — nothing is written into docs/.  State
lives on the plugin instance, which mkdocs keeps across ``mkdocs serve``
rebuilds (the plugin has ``on_startup``): the analysis cache stays in
memory, and when an edit breaks themes.yml or a sidecar the problems are
logged and the last good corpus is served until they are fixed.  The
inputs are watched by ``mkdocs serve`` (``on_serve``).

Search (``search: ours``): generated pages are kept out of
mkdocs-material's own index (``on_page_markdown``); ``on_post_build``
replaces that index with the chunked bigram index of
``build_scripts.search_index``, built from the corpus model (passage by
passage) in a worker process (``search_worker``) plus material's entries for
the hand-written pages.

Incremental builds: every build output is stored by a digest of what it
is made from, and a later build with the same inputs reuses it instead of
making it again (``cache.BlobStore``, in ``<cache_dir>/build/``, or in
memory with ``cache_dir: ''``; each store keeps what the last build used).

* **Generated files** (``on_files``): the pages' Markdown, the nav, the
  export and the downloads, by the corpus digest (``Corpus.digest``: code,
  lexicon, every speech's text and sidecar, skipped files, insight.yml),
  the site's own pages, ``site_url``, directory URLs and the build date.
* **Rendered pages** (``on_page_markdown``): Markdown → HTML, table of
  contents, title, anchors and links to anchors, by the page's Markdown
  and path, the configuration and the code; reused only while every page
  it links to still exists, and never stored when rendering it warned, so
  a warning (an error under ``--strict``) is never lost.
* **Page HTML** (``on_env``): the theme template's output, by the page
  (content, title, toc, meta, neighbours), the whole nav (every title and
  URL), the configuration, the theme's templates and the packages.

So a rebuild renders only the pages whose inputs changed, and the result
is byte for byte what a cold build writes (``tests/test_incremental.py``).

Serving an edit (``mkdocs serve``; ``make serve`` adds ``--dirty``): after
a complete build, saving speeches makes a *quick* build first — the
edited (or added) speeches are analysed and their pages made again, and
everything corpus-wide (the views, theme and list pages, export,
downloads, search index) is the last complete build's — so the edited
page reloads within seconds.  Then a thread *catches up*: it computes the
views, every generated file and the search index of the new corpus into
the stores and writes a file mkdocs watches (``trigger``); mkdocs rebuilds
from the stores and reloads the browsers again, and the served site is
then what a cold build writes (``tests/test_serve_incremental.py``).  A
change of the themes, a deleted speech or a build without views is
built completely at once.  Under ``--dirty`` mkdocs writes only the files
that count as modified: a generated file is modified when its content
differs from what the last build wrote, every page when the nav, the
configuration or the theme changed; the pages mkdocs skips keep the
titles they were last rendered with (else the nav would show file
names); files no longer generated are removed; material's merged index
of the hand-written pages is put back in build order.

Skipped speech files are warnings on the ``mkdocs`` logger, so
``mkdocs build --strict`` fails on them — before anything is written — while
a plain ``mkdocs build`` publishes the rest.  The build date is fixed
(``source_date``) so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html as html_lib
import importlib.metadata
import json
import logging
import os
import posixpath
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from datetime import datetime, timezone
from urllib.parse import unquote, urljoin

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from . import assets, compact, downloads, export, generated, page_speech, pagememory, reader, search_index, source_date, urls
from .cache import AnalysisCache, BlobStore, code_version, digest
from .errors import KnowledgeBaseError
from .model import Corpus
from .layout import Site
from .pipeline import add_views, build_corpus, jobs_wanted
from .rawhtml import RawHtmlExtension
from .search_worker import SearchIndexer

log = logging.getLogger("mkdocs.plugins.kb")


#: Our search worker, in the theme's files (overrides/ in this repository):
#: without it, material's own worker would get our index and find nothing.
WORKER = "assets/javascripts/workers/kb-search.js"


class KBConfig(base.Config):
    """The options of ``kb`` (see the module docstring)."""

    enabled = c.Type(bool, default=True)
    seeds_dir = c.Type(str, default="seeds")
    themes = c.Type(str, default="themes.yml")
    cache_dir = c.Type(str, default=".cache/analysis")
    search = c.Choice(("ours", "material"), default="ours")
    strict_inputs = c.Type(bool, default=False)


class _ToMkdocs(logging.Handler):
    """Passes the pipeline's log records to the mkdocs logger: mkdocs shows
    them in its format and ``--strict`` counts their warnings."""

    def emit(self, record: logging.LogRecord) -> None:
        log.handle(record)


#: A link that pages.link wrote into an HTML block: a page's Markdown path
#: (relative to this page), an optional query (``?h=`` highlights a phrase)
#: and an optional anchor.  Markdown links were resolved by mkdocs already,
#: and speech text has no unescaped quotes.
_MD_HREF = re.compile(r'href="([^"#:?]+\.md)(\?[^"#]*)?(?:#([^"]*))?"')


class KnowledgeBasePlugin(BasePlugin[KBConfig]):
    """Generates the knowledge base's pages, export and search index."""

    def __init__(self) -> None:
        #: The corpus of the current build (the last good one in serve).
        self.corpus: Optional[Corpus] = None
        #: docs path → URL of every page generated in the current build.
        self.generated: dict[str, str] = {}
        #: The SOURCE_DATE_EPOCH this plugin set (None: the user's, or unset).
        self.our_epoch: Optional[str] = None
        #: The current build's rawhtml extension (see on_page_markdown).
        self.raw_html: Optional[RawHtmlExtension] = None
        self.indexer: Optional[SearchIndexer] = None
        #: The key of the corpus's search pages, and the pages themselves
        #: when they were indexed before (no worker started; see
        #: _start_search_index).
        self.search_key: Optional[str] = None
        self.search_pages: Optional[list] = None
        self.serving = False
        self.user_nav = False
        #: Whether the theme serves our search worker (``WORKER``).
        self.search_worker = False
        #: The incremental build's stores (see "Incremental builds" above):
        #: generated files, rendered pages, page HTML; None without a cache.
        self.stores: Optional[dict[str, BlobStore]] = None
        self.stores_dir: Optional[Path] = None
        self.nav: Optional[Navigation] = None
        #: Per build: the keys' common parts (see _render_base, on_env).
        self.render_base: Optional[str] = None
        self.html_base: Optional[str] = None
        self.nav_digest: Optional[str] = None
        #: The page being rendered and stored: (key, warnings before it).
        self.render_pending: Optional[tuple[str, int]] = None
        self.warnings = _WarningCounter()
        #: The (unquoted) URL of every file of the current build.
        self.urls: set[str] = set()
        #: `mkdocs serve` (see "Serving an edit" above): the last complete
        #: build, the current one, and whether the current one is quick.
        self.dirty = False
        self.previous: Optional[_Built] = None
        self.current: Optional[_Built] = None
        self.quick = False
        #: `serve --dirty`: docs path → (SHA-256 of the content, output
        #: path) of every generated file, as the last build wrote it and
        #: as this build makes it; the search files in site_dir by SHA-256.
        self.written: dict[str, tuple[str, str]] = {}
        self.now_written: dict[str, tuple[str, str]] = {}
        self.search_written: dict[str, str] = {}
        #: The nav, configuration and theme of the last build (a digest),
        #: and whether they changed (then every page is written again).
        self.site_state: Optional[str] = None
        self.all_modified = False
        self.force_all = False
        self.nav_site_state: Optional[str] = None
        #: `serve --dirty`: the URLs of the documentation pages in build order.
        self.page_order: list[str] = []
        #: docs path → title of every page in the nav, as last rendered.
        self.titles: dict[str, str] = {}
        #: material's entries for the hand-written pages and its index
        #: config, as the last build wrote them (for the catch-up).
        self.material_search: Optional[tuple[list, Any]] = None
        self.catch_up: Optional[_CatchUp] = None
        #: The generation the catch-up made: (key, (pages, nav, files)).
        self.ready: Optional[tuple[str, tuple]] = None
        #: A file `mkdocs serve` watches: the catch-up writes it when done.
        self.trigger: Optional[Path] = None
        self.store_lock = threading.Lock()
        #: `serve --dirty`: (stored index key, bytes) of our search_index.json in site_dir.
        self.search_json: Optional[tuple[Optional[str], bytes]] = None
        #: `mkdocs serve`: compiled templates, kept across rebuilds (mkdocs
        #: makes a new Jinja environment for each).
        self.bytecode = _MemoryBytecodeCache()

    # --- configuration and corpus ---------------------------------------

    def load_config(self, options: dict, config_file_path: Optional[str] = None):
        # mkdocs only warns about an unknown option; a misspelt one would
        # silently fall back to its default, so it is an error here.
        errors, warnings = super().load_config(options, config_file_path)
        return errors + warnings, []

    def root(self, config: MkDocsConfig) -> Path:
        """The folder of mkdocs.yml: option paths are relative to it."""
        return Path(config.config_file_path).resolve().parent

    def path(self, config: MkDocsConfig, option: str) -> Path:
        return self.root(config) / self.config[option]

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also makes mkdocs keep this instance across
        # `mkdocs serve` rebuilds.
        self.serving = command == "serve"
        self.dirty = dirty

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.config.enabled:
            for option in ("seeds_dir", "themes"):
                if self.path(config, option).exists():
                    server.watch(str(self.path(config, option)))
            # The catch-up after a quick build (see "Serving an edit")
            # ends by writing this file: mkdocs then rebuilds, from what
            # the catch-up stored, and reloads the browsers.
            if self.trigger is None:
                self.trigger = Path(tempfile.mkdtemp(prefix="kb-serve-")) / "catch-up"
            server.watch(str(self.trigger.parent))
        return server

    def on_config(self, config: MkDocsConfig) -> Optional[MkDocsConfig]:
        if not self.config.enabled:
            return config
        root = self.root(config)
        if self.our_epoch is not None and os.environ.get("SOURCE_DATE_EPOCH") == self.our_epoch:
            del os.environ["SOURCE_DATE_EPOCH"]  # set by this plugin on a previous `mkdocs serve` rebuild
        epoch = str(source_date.epoch(root))
        if os.environ.get("SOURCE_DATE_EPOCH", "").strip() != epoch:
            # Unset, empty or invalid (mkdocs would crash on it): the inputs' date.
            self.our_epoch = os.environ["SOURCE_DATE_EPOCH"] = epoch
        corpus = self._build_corpus(config)
        if self.catch_up is not None and self.catch_up.corpus.digest != corpus.digest:
            self._cancel_catch_up()  # for an input that changed since
        if corpus is not self.corpus:
            self.quick = self._is_quick(corpus)
        if self.quick and corpus is not self.corpus:
            # The views of the last complete build until the catch-up has
            # computed this corpus's.
            corpus.insight = self.previous.corpus.insight
            log.info("kb: quick build (the edited speeches' pages); the views, theme pages, lists, export, "
                     "downloads and search follow in the background")
        elif corpus.insight is None and corpus is not self.corpus and self.serving and self.previous:
            if corpus.digest and corpus.digest == self.previous.corpus.digest:
                # Back to the last complete build's input (an edit undone).
                corpus.insight = self.previous.corpus.insight
            else:
                try:
                    add_views(corpus, self.path(config, "themes"), self._cache_dir(config), jobs_wanted())
                except KnowledgeBaseError as exc:
                    raise PluginError(str(exc)) from exc
        if corpus.skipped and (config.strict or self.config.strict_inputs):
            raise PluginError(f"{len(corpus.skipped)} speech file(s) skipped (listed above); strict mode stops "
                              "before writing anything — fix or remove them, or build without --strict (and "
                              "strict_inputs: false) to publish the rest")
        self.corpus = corpus
        # Without a nav of the user's, on_files sets the knowledge base's.
        self.user_nav = config.nav is not None
        self.search_worker = any((Path(d) / WORKER).is_file() for d in config.theme.dirs)
        if self.config.search == "ours" and not self.search_worker:
            log.info("kb: the theme has no %s (this repository's overrides/ as custom_dir): "
                     "search is left to mkdocs-material", WORKER)
        self.raw_html = RawHtmlExtension()
        config.markdown_extensions.append(self.raw_html)
        self._open_stores(config)
        if self.warnings not in logging.getLogger("mkdocs").handlers:
            logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def _open_stores(self, config: MkDocsConfig) -> None:
        """The stores of the incremental build: in ``<cache_dir>/build/``,
        or in memory with ``cache_dir: ''`` (still reused by ``mkdocs
        serve``'s rebuilds)."""
        directory = self.path(config, "cache_dir") / "build" if self.config.cache_dir else None
        if self.stores is None or directory != self.stores_dir:
            self.stores_dir = directory
            self.stores = {name: BlobStore(directory / name if directory else None)
                           for name in ("files", "generation", "render", "html", "search")}

    def _cache_dir(self, config: MkDocsConfig) -> Optional[Path]:
        return self.path(config, "cache_dir") if self.config.cache_dir else None

    def _build_corpus(self, config: MkDocsConfig) -> Corpus:
        """The corpus, through the analysis cache.  A broken themes.yml or
        sidecar raises ``PluginError`` — except under ``mkdocs serve`` with a
        previous good corpus, which is kept (the problems are logged) so
        the server keeps answering until the input is fixed."""
        pipeline_log = logging.getLogger("build_scripts")
        handler, saved = _ToMkdocs(), (pipeline_log.level, pipeline_log.propagate)
        pipeline_log.addHandler(handler)
        pipeline_log.setLevel(logging.getLogger("mkdocs").getEffectiveLevel())
        pipeline_log.propagate = False
        cache = AnalysisCache(self.path(config, "cache_dir") if self.config.cache_dir else None)
        try:
            # Under `mkdocs serve`, after a complete build, the views wait
            # for the catch-up (_is_quick).
            corpus = build_corpus(self.path(config, "seeds_dir"), self.path(config, "themes"),
                                  cache=cache, jobs=jobs_wanted(), views=not (self.serving and self.previous))
        except KnowledgeBaseError as exc:
            if self.serving and self.corpus is not None:
                log.error("%s\nserving the last good build until this is fixed", exc)
                return self.corpus
            raise PluginError(str(exc)) from exc
        finally:
            pipeline_log.removeHandler(handler)
            pipeline_log.setLevel(saved[0])
            pipeline_log.propagate = saved[1]
        log.info("knowledge base: %d speeches, %d skipped; %d analysed, %d unchanged (analysis cache)",
                 len(corpus.speeches), len(corpus.skipped), cache.misses, cache.hits)
        return corpus

    # --- files --------------------------------------------------------------

    def on_files(self, files: Files, config: MkDocsConfig) -> Optional[Files]:
        if not self.config.enabled:
            return files
        # kb.js, kb-list.js, kb-sort.js and kb.css are served minified.
        assets.minify(files)
        corpus = self.corpus
        self.generated = {}
        self.render_base = self.html_base = self.nav_digest = None
        self.now_written, self.all_modified = {}, False
        # A page of the site's own docs/ wins over a generated one (when the
        # plugin is added to an existing site: its home page stays).
        docs = {f.src_uri for f in files if f.is_documentation_page()}
        key = None
        if self.quick:
            stored = self._quick_generation(corpus, docs)
        else:
            key = self._generation_key(corpus, docs, config, os.environ["SOURCE_DATE_EPOCH"])
            stored = (self._ready(key) or self._load_generation(key)) if key else None
        if stored is not None:
            rendered, nav, extra = stored
        else:
            rendered = generated.render_pages(corpus, hand_written=docs)
            nav = None if self.user_nav else generated.nav(corpus, hand_written=docs, pages=set(rendered))
        for path in sorted(docs & set(rendered)):
            log.info("kb: docs/%s is the site's own; the generated page is left out", path)
        if not self.user_nav:
            config.nav = nav
        # Pages left out of a large corpus's nav are reachable from the index
        # pages; NOT_IN_NAV keeps --strict from reporting them as omitted.
        listed = generated.nav_pages(config.nav or [])
        for path, markdown in rendered.items():
            if path in docs:
                continue
            inclusion = InclusionLevel.UNDEFINED if path in listed else InclusionLevel.NOT_IN_NAV
            file = self._add_file(files, config, path, markdown, inclusion)
            self.generated[path] = file.url
        if self.quick:
            self._stop_search_index()
            self.search_key, self.search_pages = None, None
        else:
            self._start_search_index(corpus, config)
        if stored is None:
            extra = list(export.files(corpus, self.generated.__getitem__).items())
            # Each theme's 专题汇编 (.docx, .csv), dated by the build's source date.
            date = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), timezone.utc)
            extra += list(downloads.downloads(corpus, self._passage_url(config), date))
            if key:
                self._store_generation(key, rendered, nav, extra)
        for path, content in extra:
            self._add_file(files, config, path, content)
        self._add_file(files, config, urls.CORPUS_SCHEMA, export.SCHEMA_PATH.read_bytes())
        # speech.source is relative to the folder holding seeds_dir.
        seeds_dir = self.path(config, "seeds_dir")
        for speech in corpus.speeches:
            # The untouched input file, byte for byte, if it still passes
            # the input gate (else the text that was analysed).
            content = reader.source_bytes(seeds_dir.parent / speech.source, seeds_dir)
            if content is None:
                content = speech.original.encode("utf-8")
            self._add_file(files, config, urls.source_path(speech), content)
        if self.serving:
            self.current = _Built(corpus, docs, rendered, nav, extra, dict(self.generated))
        return files

    def _generation_key(self, corpus: Corpus, docs: set[str], config: MkDocsConfig, epoch: str) -> Optional[str]:
        """Everything the generated files are made from: the corpus, the
        site's own pages, the URLs (site_url, directory URLs) and the date
        the downloads carry (``epoch``, SOURCE_DATE_EPOCH).  None without a
        corpus digest (no analysis cache)."""
        if not corpus.digest:
            return None
        return digest("generation", code_version(), corpus.digest, sorted(docs), self.user_nav, config.site_url,
                      config.use_directory_urls, epoch)

    def _add_file(self, files: Files, config: MkDocsConfig, path: str, content: Any,
                  inclusion: InclusionLevel = InclusionLevel.UNDEFINED) -> File:
        """Add a generated file.  Under ``mkdocs serve --dirty`` it counts as
        modified (written again) only if its content differs from what the
        last build wrote, or the nav, configuration or theme changed."""
        file = File.generated(config, path, content=content, inclusion=inclusion)
        files.append(file)
        if self.serving and self.dirty:
            data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            sha = hashlib.sha256(data).hexdigest()
            self.now_written[file.src_uri] = (sha, file.abs_dest_path)
            changed = self.written.get(file.src_uri, ("",))[0] != sha
            file.is_modified = lambda: changed or self.all_modified  # type: ignore[method-assign]
        return file

    # --- serving an edit: the quick build and the catch-up ---------------------

    def _is_quick(self, corpus: Corpus) -> bool:
        """Whether this ``mkdocs serve`` rebuild is quick: the speeches
        changed since the last complete build (``previous``) but not the
        themes, no speech is gone, and the views of this corpus are not
        known yet."""
        previous = self.previous
        if not self.serving or previous is None or not corpus.digest or corpus.digest == previous.corpus.digest:
            return False
        if corpus.insight is not None or previous.corpus.insight is None or corpus.themes != previous.corpus.themes:
            return False
        return {s.id for s in previous.corpus.speeches} <= {s.id for s in corpus.speeches}

    def _quick_generation(self, corpus: Corpus, docs: set[str]) -> tuple[dict[str, str], Optional[list], list]:
        """The generated files of a quick build: the last complete build's,
        with the page of every edited or added speech made again (an
        unchanged speech is the very object the analysis cache returned
        before)."""
        previous = self.previous
        before = {s.id: s for s in previous.corpus.speeches}
        rendered = dict(previous.rendered)
        site = Site(corpus, hand_written=docs)
        for speech in corpus.speeches:
            if before.get(speech.id) is not speech:
                rendered[urls.speech_path(speech)] = page_speech.render_speech(site, speech)
        # The nav too is the last complete build's: the catch-up brings it
        # up to date (an added speech is reachable from its page's URL).
        return rendered, previous.nav, previous.extra

    def _ready(self, key: str) -> Optional[tuple]:
        """The generation the catch-up made for ``key``, if it did."""
        ready = self.ready
        return ready[1] if ready is not None and ready[0] == key else None

    def _start_catch_up(self, config: MkDocsConfig) -> None:
        """After a quick build: compute in a thread what the complete build
        needs (the views, every generated file, the search index) and store
        it; then write ``trigger``, so that ``mkdocs serve`` rebuilds (now
        from the stores, writing only what changed) and reloads."""
        built = self.current
        if built is None or self.trigger is None:
            return
        if self.catch_up is not None and self.catch_up.corpus.digest == built.corpus.digest:
            # Running or done for this input (a rebuild while an input is
            # broken keeps the last good corpus): not again.
            return
        self._cancel_catch_up()
        job = _CatchUp(built.corpus, built.docs, config, os.environ["SOURCE_DATE_EPOCH"])
        job.thread = threading.Thread(target=self._catch_up, args=(job,), name="kb-catch-up", daemon=True)
        self.catch_up = job
        job.thread.start()

    def _cancel_catch_up(self) -> None:
        if self.catch_up is not None:
            self.catch_up.cancelled.set()
            self.catch_up = None

    def _catch_up(self, job: "_CatchUp") -> None:
        config = job.config
        try:
            corpus = dataclasses.replace(job.corpus, insight=None)
            add_views(corpus, self.path(config, "themes"), self._cache_dir(config), jobs_wanted())
            if job.cancelled.is_set():
                return
            key = self._generation_key(corpus, job.docs, config, job.epoch)
            rendered = generated.render_pages(corpus, hand_written=job.docs)
            nav = None if self.user_nav else generated.nav(corpus, hand_written=job.docs, pages=set(rendered))
            page_urls = {p: File.generated(config, p, content="").url for p in rendered if p not in job.docs}
            extra = list(export.files(corpus, page_urls.__getitem__).items())
            date = datetime.fromtimestamp(int(job.epoch), timezone.utc)
            extra += list(downloads.downloads(corpus, self._passage_url(config, page_urls), date))
            if job.cancelled.is_set():
                return
            if key:
                with self.store_lock:
                    self._store_generation(key, rendered, nav, extra)
                self.ready = (key, (rendered, nav, extra))
            if self._own_search(config) and self.material_search is not None and self.stores is not None and key:
                hand_written, base = self.material_search
                search_key = self._search_key(corpus, config, page_urls)
                files_key = digest("search-files", search_key, [repr(p) for p in hand_written], base)
                if self.stores["search"].get(files_key) is None:
                    indexer = SearchIndexer(parallel=True)
                    indexer.start(self._corpus_search_pages(corpus, config, page_urls))
                    with tempfile.TemporaryDirectory(prefix="kb-search-") as folder:
                        indexer.finish(hand_written, base, Path(folder))
                        written = sorted(p for p in (Path(folder) / "search").rglob("*") if p.is_file())
                        files = [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in written]
                    with self.store_lock:
                        self._store_files(files_key, files)
                        self.stores["search"].put(search_key, b"indexed")
            if not job.cancelled.is_set():
                log.info("kb: caught up with the edit; rebuilding from the stored outputs")
                self.trigger.write_text(job.epoch + "\n" + (corpus.digest or ""), encoding="utf-8")
        except Exception:  # noqa: BLE001 - a thread's error is logged; the next save tries again
            log.exception("kb: catching up after the quick build failed; save again to rebuild")

    # --- incremental build: stored generated files ---------------------------

    def _store_generation(self, key: str, rendered: dict[str, str], nav: Optional[list],
                          extra: list[tuple[str, Any]]) -> None:
        """Store the generated pages, nav and files under ``key``: each
        content once, by its SHA-256, and a manifest listing them."""
        store, blobs = self.stores["generation"], self.stores["files"]

        def put(content: Any) -> str:
            data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            sha = hashlib.sha256(data).hexdigest()
            if not blobs.has(sha):  # by content: an unchanged file is there already
                blobs.put(sha, data)
            return sha
        manifest = {"nav": nav, "pages": [[p, put(m)] for p, m in rendered.items()],
                    "files": [[p, put(c), isinstance(c, str)] for p, c in extra]}
        store.put(key, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))

    def _store_files(self, key: str, files: list[tuple[str, bytes]]) -> None:
        """Store output files under ``key`` (in the search store): each
        content once, by its SHA-256, and a manifest listing them."""
        blobs = self.stores["files"]
        manifest = []
        for path, data in files:
            sha = hashlib.sha256(data).hexdigest()
            if not blobs.has(sha):
                blobs.put(sha, data)
            manifest.append([path, sha])
        self.stores["search"].put(key, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))

    def _load_files(self, key: str) -> Optional[list[tuple[str, bytes]]]:
        """What ``_store_files`` stored under ``key``, or None if any of it
        is missing or damaged."""
        data = self.stores["search"].get(key)
        if data is None:
            return None
        out = []
        try:
            for path, sha in json.loads(data):
                blob = self.stores["files"].get(sha)
                if blob is not None and hashlib.sha256(blob).hexdigest() != sha:
                    self.stores["files"].discard(sha)  # damaged: written again by this build
                    return None
                if blob is None or ".." in path.split("/"):
                    return None
                out.append((path, blob))
        except (ValueError, TypeError) as exc:
            log.info("kb: ignoring a damaged stored search index (%s)", exc)
            return None
        return out

    def _load_generation(self, key: str) -> Optional[tuple[dict[str, str], Optional[list], list[tuple[str, Any]]]]:
        """What ``_store_generation`` stored under ``key``, or None if any
        part of it is missing or damaged (then everything is generated)."""
        data = self.stores["generation"].get(key)
        if data is None:
            return None
        blobs = self.stores["files"]
        try:
            manifest = json.loads(data)
            rendered: dict[str, str] = {}
            for path, sha in manifest["pages"]:
                blob = blobs.get(sha)
                if blob is None or hashlib.sha256(blob).hexdigest() != sha:
                    if blob is not None:
                        blobs.discard(sha)  # damaged: written again by this build
                    return None
                rendered[path] = blob.decode("utf-8")
            extra: list[tuple[str, Any]] = []
            for path, sha, text in manifest["files"]:
                blob = blobs.get(sha)
                if blob is None or hashlib.sha256(blob).hexdigest() != sha:
                    if blob is not None:
                        blobs.discard(sha)  # damaged: written again by this build
                    return None
                extra.append((path, blob.decode("utf-8") if text else blob))
            return rendered, manifest["nav"], extra
        except (ValueError, KeyError, TypeError) as exc:
            log.info("kb: ignoring a damaged stored build (%s)", exc)
            return None

    def _passage_url(self, config: MkDocsConfig, page_urls: Optional[dict[str, str]] = None):
        """``url_of(speech, unit)`` for the downloads: the passage on its
        speech page, a full URL under ``site_url`` (site-relative without
        one).  ``page_urls``: docs path → URL (default: this build's)."""
        base = config.site_url or ""
        known = self.generated if page_urls is None else page_urls

        def url_of(speech, unit) -> str:
            return urljoin(base, known[urls.speech_path(speech)]) + f"#{unit.id}"
        return url_of

    # --- pages ----------------------------------------------------------------

    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> Optional[str]:
        if not self.config.enabled:
            return markdown
        # Our own index covers generated pages passage by passage; material's
        # would index them again (and spend most of a large build in jieba).
        is_generated = page.file.src_uri in self.generated
        if is_generated and self._own_search(config):
            page.meta["search"] = {"exclude": True}
        # Passages go into the page as they are (rawhtml.py); mkdocs renders
        # this page next.
        self.raw_html.active = is_generated
        self.render_pending = None
        if is_generated and self.stores is not None:
            # The rendered page depends on its Markdown, its path, the
            # configuration, the files links can point to, and the code.
            key = digest("render", self._render_base(config, files), page.file.src_uri, markdown)
            data = self.stores["render"].get(key)
            entry = _load_json(data)
            # Every page it links to must still be there: a link that has
            # lost its target is rendered again, to warn as a cold build would.
            if entry is not None and all(url in self.urls for url in entry.get("targets", [None])):
                page.render = lambda config, files: _restore_render(page, entry, files)
                self.raw_html.active = False
            else:
                self.render_pending = (key, self.warnings.count)
        return markdown

    def _render_base(self, config: MkDocsConfig, files: Files) -> str:
        """What every rendered page of this build depends on besides its
        own Markdown and path, and the links it resolves (``_targets``):
        the code, the packages, the configuration (computed once per build)."""
        if self.render_base is None:
            # Not the nav: Markdown is rendered without it (titles in the
            # nav change with the corpus; the page HTML's key has them).
            state = {k: v for k, v in _config_state(config).items() if k != "nav"}
            self.render_base = digest("render-base", code_version(), _packages(), state)
            self.urls = {unquote(f.url) for f in files}
        return self.render_base

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> Optional[str]:
        extension = self.raw_html
        if extension is None:
            return html
        if extension.active:
            # Ids in the blocks rawhtml stored, which mkdocs' own scan did not
            # see: links to passages are validated against them.
            if page.present_anchor_ids is not None:
                page.present_anchor_ids |= extension.ids
            html = _MD_HREF.sub(lambda m: resolve_link(m, page, files), html)
        extension.active, extension.ids = False, set()
        pending, self.render_pending = self.render_pending, None
        # A page whose rendering warned is rendered again next time, so
        # the warning (an error under --strict) is never lost.
        if pending is not None and self.warnings.count == pending[1]:
            entry = {"content": html, "toc": _toc_state(page.toc), "title": page._title_from_render,
                     "anchors": sorted(page.present_anchor_ids or ()),
                     "targets": sorted(u for u in _targets(html, page.url) if u in self.urls),
                     "links": None if page.links_to_anchors is None else
                     {f.src_uri: links for f, links in page.links_to_anchors.items()}}
            self.stores["render"].put(pending[0], json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        if page.file.src_uri in self.generated:
            pagememory.release_markdown(page)
        return html

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> Optional[str]:
        if not self.config.enabled:
            return output
        if page.file.src_uri in self.generated:
            pagememory.release_html(page)
        # The theme's indentation is ~10 % of every page (compact.py).
        return compact.compact_html(output)

    # --- incremental build: stored page HTML ------------------------------------

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Optional[Navigation]:
        self.nav = nav
        if self.config.enabled and self.serving and self.dirty:
            self._dirty_nav(nav, config, files)
        return nav

    def _dirty_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """``serve --dirty`` skips the pages it does not write, so they have
        no title yet: the nav gets the titles they had when last rendered.
        If the nav, the configuration or the theme changed, every page is
        written again (each one shows the nav)."""
        self.page_order = [f.url for f in files.documentation_pages()]
        for page in nav.pages:
            if "title" not in vars(page) and page.file.src_uri in self.titles and not page.file.is_modified():
                page.title = self.titles[page.file.src_uri]
        state = self.nav_site_state = self._site_state(config, nav)
        force, self.force_all = self.force_all, False
        if force or (self.site_state is not None and state != self.site_state):
            self.all_modified = True
            for file in files.documentation_pages():
                file.is_modified = lambda: True  # type: ignore[method-assign]

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Every page has been rendered (so every title in the nav is
        known): a generated page whose HTML was stored by a build with the
        same inputs is written from the store instead of rendering the
        theme's template again."""
        if self.config.enabled and self.serving:
            env.bytecode_cache = self.bytecode
        if not self.config.enabled or self.stores is None or self.nav is None:
            return env
        # The build date changes with every saved input outside git: it is
        # part of the key only if a template of the theme can show it.
        date = os.environ.get("SOURCE_DATE_EPOCH") if _templates_read_build_date(tuple(config.theme.dirs)) else None
        self.html_base = digest("html-base", code_version(), _packages(), _config_state(config),
                                _theme_state(config), date)
        self.nav_digest = digest("nav", _nav_state(self.nav.items))
        get_template = env.get_template
        rendering = [False]

        def stored_get_template(name, parent=None, globals=None):
            template = get_template(name, parent, globals)
            page = config._current_page
            # Only the page's own template: the templates it extends or
            # includes are looked up while it renders.
            if rendering[0] or page is None or page.file.src_uri not in self.generated:
                return template
            return _StoredTemplate(template, name, page, self, rendering)
        env.get_template = stored_get_template
        return env

    def _html_key(self, name: str, page: Page) -> str:
        """What a page's HTML is made from: the theme, the configuration,
        the nav (every title and URL), and the page itself."""
        neighbours = [(p.url, p.title) if p is not None else None for p in (page.previous_page, page.next_page)]
        return digest("html", self.html_base, self.nav_digest, name, page.file.src_uri, page.url, page.title,
                      page.is_homepage, neighbours, page.meta, _toc_state(page.toc),
                      hashlib.sha256((page.content or "").encode("utf-8")).hexdigest(),
                      [a.title for a in page.ancestors])

    # --- search ---------------------------------------------------------------

    def _own_search(self, config: MkDocsConfig) -> bool:
        """Our index replaces material's: ``search: ours`` and material's
        search plugin enabled."""
        material = any(name.rpartition("/")[2] == "search" for name in config.plugins)
        return material and self.config.search == "ours" and self.search_worker

    def _corpus_search_pages(self, corpus: Corpus, config: MkDocsConfig,
                             page_urls: Optional[dict[str, str]] = None) -> list[search_index.SearchPage]:
        """The search pages of the home page, speeches and themes, in nav
        order.  ``page_urls``: docs path → URL (default: this build's)."""
        url = (self.generated if page_urls is None else page_urls).get
        entries = [search_index.SearchPage(url(urls.HOME), config.site_name, "home",
                                           [search_index.SearchDoc("", config.site_name, config.site_name, "page")])]
        entries += [search_index.speech_page(s, url(urls.speech_path(s))) for s in corpus.speeches]
        entries += [search_index.theme_page(t.name, t.description, url(urls.theme_path(t))) for t in corpus.themes]
        return entries

    def _start_search_index(self, corpus: Corpus, config: MkDocsConfig) -> None:
        """Index the corpus in a worker process while mkdocs renders the
        pages (the index needs only the corpus and the URLs, known now);
        the hand-written pages are added in on_post_build.  With one CPU
        (``jobs_wanted``) everything is done in on_post_build instead."""
        self._stop_search_index()
        self.search_key, self.search_pages = None, None
        if not self._own_search(config):
            return
        if corpus.digest and self.stores is not None:
            # The corpus's search pages are made from the corpus, the URLs
            # and the site name.  Indexed before: no worker now; on_post_build
            # reuses the stored index (or, if the hand-written pages
            # changed, indexes here).
            self.search_key = self._search_key(corpus, config, self.generated)
            if self.stores["search"].get(self.search_key) is not None:
                self.search_pages = lambda: self._corpus_search_pages(corpus, config)
                return
        self.indexer = SearchIndexer(parallel=jobs_wanted() >= 2)
        self.indexer.start(self._corpus_search_pages(corpus, config))

    def _search_key(self, corpus: Corpus, config: MkDocsConfig, page_urls: dict[str, str]) -> str:
        """What the corpus's search pages are made from: the corpus, the
        URLs and the site name."""
        return digest("search", code_version(), corpus.digest, config.site_name, sorted(page_urls.items()))

    def _stop_search_index(self) -> None:
        if self.indexer is not None:
            self.indexer.stop()
            self.indexer = None

    # After material's search plugin (priority 0), which writes the index
    # this replaces, and before material's offline plugin (-100), which
    # turns the replaced index into a script — wherever kb stands in the
    # plugins list.
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self._finish_search_index(config)
        if self.serving:
            self._after_serve_build(config)
        # `serve --dirty` builds use only the pages they write, and a quick
        # build none of the rest: the stores keep everything until the next
        # complete `mkdocs build`.
        self._retain_stores(keep=self.serving and (self.dirty or self.quick))

    def _finish_search_index(self, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        material_index = site_dir / "search" / "search_index.json"
        quick = self.quick and self._own_search(config)
        if (self.indexer is None and self.search_pages is None and not quick) or not material_index.is_file():
            self._stop_search_index()
            return
        material = json.loads(material_index.read_text(encoding="utf-8"))
        if self.serving and self.dirty:
            material["docs"] = _dirty_material_docs(material.get("docs", []), self.page_order)
        generated_urls = set(self.generated.values())
        hand_written = search_index.material_pages(material, exclude=lambda location: location in generated_urls)
        self.material_search = (hand_written, material.get("config"))
        if quick:
            # The last complete build's index until the catch-up has made
            # this one: under --dirty its files are in site_dir, but for
            # search_index.json, which material has just overwritten.
            key = self.previous.search_files_key
            if self.current is not None:
                self.current.search_files_key = key
            if self.dirty and self.search_json is not None and key == self.search_json[0]:
                (site_dir / "search" / "search_index.json").write_bytes(self.search_json[1])
                return
        else:
            key = digest("search-files", self.search_key, [repr(p) for p in hand_written], material.get("config")) \
                if self.search_key else None
        if self.current is not None:
            self.current.search_files_key = key
        stored = self._load_files(key) if key else None
        if stored is not None:
            self._stop_search_index()
            self._write_search_files(site_dir, stored)
            log.info("search index: %d files, as stored", len(stored))
            return
        if quick:
            return
        indexer, self.indexer = self.indexer, None
        if indexer is None:
            indexer = SearchIndexer(parallel=False)
            indexer.start(self.search_pages())
        docs, keys, shards = indexer.finish(hand_written, material.get("config"), site_dir)
        log.info("search index: %d documents, %d keys, %d shards", docs, keys, shards)
        if key or (self.serving and self.dirty):
            # What the index wrote: our files and the search_index.json it replaced.
            written = sorted(p for p in (site_dir / "search").rglob("*") if p.is_file())
            files = [(p.relative_to(site_dir).as_posix(), p.read_bytes()) for p in written]
            self.search_written = {path: hashlib.sha256(data).hexdigest() for path, data in files}
            self.search_json = (key, dict(files).get("search/search_index.json", b""))
            if key:
                self._store_files(key, files)
                self.stores["search"].put(self.search_key, b"indexed")

    def _write_search_files(self, site_dir: Path, files: list[tuple[str, bytes]]) -> None:
        """Write the search index's files.  Under ``serve --dirty`` only
        those that differ from what site_dir holds (material rewrites
        search_index.json every build), and the left-over ones are removed;
        else search/kb/ is made anew."""
        dirty = self.serving and self.dirty
        if not dirty:
            shutil.rmtree(site_dir / "search" / "kb", ignore_errors=True)
        now: dict[str, str] = {}
        for path, content in files:
            sha = now[path] = hashlib.sha256(content).hexdigest()
            if path == "search/search_index.json" and self.current is not None:
                self.search_json = (self.current.search_files_key, content)
            target = site_dir / path
            if dirty and path != "search/search_index.json" and self.search_written.get(path) == sha \
                    and target.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if dirty:
            for path in set(self.search_written) - set(now):
                _remove_output(site_dir / path, site_dir)
        self.search_written = now

    def _site_state(self, config: MkDocsConfig, nav: Navigation) -> str:
        """What every page shows besides its own content: the nav (with
        the titles pages had when last rendered), the configuration, the
        theme, the code and the packages."""
        return digest("site", code_version(), _packages(), _config_state(config), _theme_state(config),
                      _nav_state(nav.items, self.titles))

    def _after_serve_build(self, config: MkDocsConfig) -> None:
        """Under ``mkdocs serve``, after a build that succeeded: remember
        what it wrote; after a quick build, start the catch-up, else keep
        this build as the last complete one."""
        if self.dirty:
            for src_uri in set(self.written) - set(self.now_written):
                # Gone from the site (a speech deleted): a cold build has no
                # such file, nor the folders left empty.
                _remove_output(Path(self.written[src_uri][1]), Path(config.site_dir))
            self.written = self.now_written
        if self.nav is not None:
            for page in self.nav.pages:
                if page.markdown is not None and page.title is not None:
                    self.titles[page.file.src_uri] = page.title
            if self.dirty:
                self.site_state = self._site_state(config, self.nav)
                if self.site_state != self.nav_site_state and not self.quick and self.trigger is not None:
                    # A title in the nav changed while its page was rendered
                    # (a hand-written page's heading): the pages written
                    # before it show the old one; write them all again.
                    self.force_all = True
                    self.trigger.write_text("titles\n" + self.site_state, encoding="utf-8")
        if self.quick:
            self._start_catch_up(config)
        else:
            self.previous = self.current
            self.ready = None

    def _retain_stores(self, keep: bool = False) -> None:
        """Keep only what this build used (the store holds one build);
        ``keep``: keep everything (a build that did not use it all)."""
        if self.stores is None:
            return
        counts = {name: (store.hits, store.misses) for name, store in self.stores.items()}
        log.info("kb: stored outputs reused (hits/misses): %s",
                 ", ".join(f"{name} {h}/{m}" for name, (h, m) in counts.items()))
        if keep:
            for store in self.stores.values():
                store.hits = store.misses = 0
            return
        for store in self.stores.values():
            store.retain()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_search_index()

    def on_shutdown(self) -> None:
        self._stop_search_index()
        self._cancel_catch_up()
        if self.trigger is not None:
            shutil.rmtree(self.trigger.parent, ignore_errors=True)


def resolve_link(match: re.Match, page, files: Files) -> str:
    """``href="…md#a"`` → the target page's URL relative to ``page``, as
    mkdocs writes Markdown links; recorded for mkdocs' anchor validation.
    A missing page is a warning (an error under --strict)."""
    path, query, anchor = unquote(html_lib.unescape(match[1])), match[2] or "", match[3]
    target = files.get_file_from_path(posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), path)))
    if target is None:
        log.warning("Doc file '%s' contains a link '%s', but the target is not found among documentation files.",
                    page.file.src_uri, match[1])
        return match[0]
    if anchor and page.links_to_anchors is not None:
        page.links_to_anchors.setdefault(target, {}).setdefault(html_lib.unescape(anchor), match[1])
    url = target.url_relative_to(page.file)
    return f'href="{html_lib.escape(url)}{query}{"#" + anchor if anchor else ""}"'


# --- incremental build helpers ---------------------------------------------------


@dataclasses.dataclass
class _Built:
    """What a build under ``mkdocs serve`` generated: its corpus, the
    site's own docs paths, the pages' Markdown, the nav, the other
    generated files, docs path → URL, and the stored search index's key."""

    corpus: Corpus
    docs: set[str]
    rendered: dict[str, str]
    nav: Optional[list]
    extra: list[tuple[str, Any]]
    generated: dict[str, str]
    search_files_key: Optional[str] = None


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates in memory (a template whose source
    changed is compiled again: Jinja checks the source's checksum)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.data.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.data[bucket.key] = bucket.bytecode_to_string()


class _CatchUp:
    """The catch-up after a quick build (``KnowledgeBasePlugin._catch_up``):
    its corpus, docs paths, configuration and SOURCE_DATE_EPOCH; set
    ``cancelled`` to make it stop at its next step."""

    def __init__(self, corpus: Corpus, docs: set[str], config: MkDocsConfig, epoch: str):
        self.corpus, self.docs, self.config, self.epoch = corpus, docs, config, epoch
        self.cancelled = threading.Event()
        self.thread: Optional[threading.Thread] = None


class _WarningCounter(logging.Handler):
    """Counts the warnings (and errors) logged by mkdocs and its plugins:
    a page whose rendering warned is not stored."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _StoredTemplate:
    """A page's template whose output is reused when the page's
    ``_html_key`` was rendered before (``render`` is all mkdocs calls)."""

    def __init__(self, template, name: str, page: Page, plugin: "KnowledgeBasePlugin", rendering: list):
        self.template, self.name, self.page, self.plugin, self.rendering = template, name, page, plugin, rendering

    def render(self, *args, **kwargs) -> str:
        store = self.plugin.stores["html"]
        key = self.plugin._html_key(self.name, self.page)
        data = store.get(key)
        if data is not None:
            return data.decode("utf-8")
        warnings = self.plugin.warnings.count
        self.rendering[0] = True
        try:
            output = self.template.render(*args, **kwargs)
        finally:
            self.rendering[0] = False
        if self.plugin.warnings.count == warnings:
            store.put(key, output.encode("utf-8"))
        return output


#: A link or resource in rendered HTML.
_LINK = re.compile(r'(?:href|src)="([^"#?]*)')


def _targets(html: str, page_url: str) -> set[str]:
    """The site-relative URLs (unquoted) that the page's relative links and
    resources point at."""
    base = "http://site/" + page_url
    out = set()
    for match in _LINK.finditer(html):
        value = html_lib.unescape(match[1])
        if not value or value.startswith("/") or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            continue
        url = urljoin(base, value)
        if url.startswith("http://site/"):
            out.add(unquote(url[len("http://site/"):]))
    return out


def _dirty_material_docs(docs: list, order: list[str]) -> list:
    """mkdocs-material's index entries after a ``serve --dirty`` build, as a
    complete build lists them.  Under ``--dirty`` material appends the
    entries of the pages it rendered to those of the previous build, and
    removes the previous entries of the first page only: so each page's
    last block of entries (a page entry, then its sections) is kept, in the
    order of the documentation pages (``order``: their URLs)."""
    blocks: dict[str, list] = {}
    current: Optional[list] = None
    for entry in docs:
        location = str(entry.get("location", ""))
        path, _, anchor = location.partition("#")
        if not anchor or current is None or path not in blocks or blocks[path] is not current:
            if not anchor:
                current = blocks[path] = []
            else:
                current = blocks.setdefault(path, [])
        current.append(entry)
    rank = {url: i for i, url in enumerate(order)}
    return [e for path in sorted(blocks, key=lambda p: rank.get(p, len(rank))) for e in blocks[path]]


def _remove_output(path: Path, site_dir: Path) -> None:
    """Remove a file of site_dir, and the folders it leaves empty."""
    with contextlib.suppress(OSError):
        path.unlink()
    folder = path.parent
    while folder != site_dir and site_dir in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _load_json(data: Optional[bytes]) -> Optional[dict]:
    """A stored JSON object, or None (missing or damaged: a miss)."""
    if data is None:
        return None
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _toc_state(toc) -> list:
    """A page's table of contents as nested lists (title, id, level, children)."""
    return [[a.title, a.id, a.level, _toc_state(a.children)] for a in (toc or [])]


def _toc_from_state(state: list) -> list:
    items = []
    for title, anchor, level, children in state:
        link = AnchorLink(title, anchor, level)
        link.children = _toc_from_state(children)
        items.append(link)
    return items


def _restore_render(page: Page, entry: dict, files: Files) -> None:
    """Stands in for ``Page.render``: sets what it sets (content, toc,
    title, anchors, links to anchors) from a stored rendering."""
    page.content = entry["content"]
    page.toc = TableOfContents(_toc_from_state(entry["toc"]))
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"])
    links = entry["links"]
    page.links_to_anchors = None if links is None else {
        target: anchors for target, anchors in
        ((files.get_file_from_path(uri), anchors) for uri, anchors in links.items()) if target is not None}


def _stable(value: Any) -> Any:
    """``value`` as JSON-ready data for a digest: mappings and sequences
    walked, objects named by their type (their state is covered by the
    versions of the packages that define them)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _stable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_stable(v), sort_keys=True, default=str) for v in value)
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def _config_state(config: MkDocsConfig) -> dict:
    """The resolved configuration (environment variables applied) as data:
    every option but the output folder, each plugin's options, the theme's
    options and folders."""
    state = {key: _stable(value) for key, value in config.items() if key not in ("site_dir", "plugins", "theme")}
    state["plugins"] = {name: _stable(dict(plugin.config)) for name, plugin in config.plugins.items()}
    state["theme"] = {"name": config.theme.name, "dirs": list(config.theme.dirs),
                      "options": _stable(dict(config.theme.items()))}
    # What _stable names only by type (a slugify function built by a YAML
    # tag, say) is in the configuration files' text.
    state["files"] = _config_files(config.config_file_path)
    return state


def _config_files(path: Optional[str], depth: int = 0) -> list[str]:
    """SHA-256 of mkdocs.yml and of every file it ``INHERIT``s."""
    if not path or depth > 10:
        return []
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    found = re.search(rb"^INHERIT:\s*['\"]?([^'\"\r\n]+?)['\"]?\s*$", data, re.MULTILINE)
    parent = _config_files(str(Path(path).parent / found[1].decode("utf-8", "replace")), depth + 1) if found else []
    return [hashlib.sha256(data).hexdigest()] + parent


def _theme_state(config: MkDocsConfig) -> list:
    """The theme's own templates: every file of a theme folder outside an
    installed package (custom_dir, e.g. overrides/) by content; installed
    themes by their package versions (``_packages``)."""
    state = []
    for folder in config.theme.dirs:
        if "site-packages" in Path(folder).parts or "dist-packages" in Path(folder).parts:
            continue
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                state.append([path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()])
    return state


@lru_cache(maxsize=4)
def _templates_read_build_date(dirs: tuple[str, ...]) -> bool:
    """Whether a page template (``.html``) in the theme's folders reads
    mkdocs' build date (``build_date_utc``, ``page.update_date``); the
    sitemap, a static template, is rendered on every build anyway."""
    for folder in dirs:
        for path in Path(folder).rglob("*.html"):
            data = path.read_bytes()
            if b"build_date" in data or b"update_date" in data:
                return True
    return False


@lru_cache(maxsize=1)
def _packages() -> tuple:
    """Every installed distribution and its version (mkdocs, the theme,
    Markdown extensions …)."""
    return tuple(sorted({(d.metadata["Name"] or "", d.version) for d in importlib.metadata.distributions()}))


def _nav_state(items: list, titles: Optional[dict[str, str]] = None) -> list:
    """The nav as material renders it into every page: titles, URLs,
    nesting.  ``titles``: docs path → title of pages not rendered yet."""
    state: list = []
    for item in items:
        if isinstance(item, Section):
            state.append(["section", item.title, _nav_state(item.children, titles)])
        elif isinstance(item, Page):
            title = item.title if item.title is not None or titles is None else titles.get(item.file.src_uri)
            state.append(["page", title, item.url, item.file.src_uri])
        elif isinstance(item, Link):
            state.append(["link", item.title, item.url])
        else:
            state.append(["item", str(item)])
    return state
