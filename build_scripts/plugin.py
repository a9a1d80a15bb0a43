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

Skipped speech files are warnings on the ``mkdocs`` logger, so
``mkdocs build --strict`` fails on them — before anything is written — while
a plain ``mkdocs build`` publishes the rest.  The build date is fixed
(``source_date``) so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import os
import posixpath
import re
from pathlib import Path
from typing import Optional
from datetime import datetime, timezone
from urllib.parse import unquote, urljoin

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from . import compact, downloads, export, generated, reader, search_index, source_date, urls
from .cache import AnalysisCache
from .errors import KnowledgeBaseError
from .model import Corpus
from .pipeline import build_corpus, jobs_wanted
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
        self.serving = False
        self.user_nav = False
        #: Whether the theme serves our search worker (``WORKER``).
        self.search_worker = False

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

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.config.enabled:
            for option in ("seeds_dir", "themes"):
                if self.path(config, option).exists():
                    server.watch(str(self.path(config, option)))
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
        return config

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
            corpus = build_corpus(self.path(config, "seeds_dir"), self.path(config, "themes"),
                                  cache=cache, jobs=jobs_wanted())
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
        corpus = self.corpus
        self.generated = {}
        # A page of the site's own docs/ wins over a generated one (when the
        # plugin is added to an existing site: its home page stays).
        docs = {f.src_uri for f in files if f.is_documentation_page()}
        rendered = generated.render_pages(corpus, hand_written=docs)
        for path in sorted(docs & set(rendered)):
            log.info("kb: docs/%s is the site's own; the generated page is left out", path)
        if not self.user_nav:
            config.nav = generated.nav(corpus, hand_written=docs, pages=set(rendered))
        # Pages left out of a large corpus's nav are reachable from the index
        # pages; NOT_IN_NAV keeps --strict from reporting them as omitted.
        listed = generated.nav_pages(config.nav or [])
        for path, markdown in rendered.items():
            if path in docs:
                continue
            inclusion = InclusionLevel.UNDEFINED if path in listed else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, path, content=markdown, inclusion=inclusion)
            files.append(file)
            self.generated[path] = file.url
        self._start_search_index(corpus, config)
        for path, content in export.files(corpus, self.generated.__getitem__).items():
            files.append(File.generated(config, path, content=content))
        files.append(File.generated(config, urls.CORPUS_SCHEMA, content=export.SCHEMA_PATH.read_bytes()))
        # Each theme's 专题汇编 (.docx, .csv), dated by the build's source date.
        date = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), timezone.utc)
        for path, content in downloads.downloads(corpus, self._passage_url(config), date):
            files.append(File.generated(config, path, content=content))
        # speech.source is relative to the folder holding seeds_dir.
        seeds_dir = self.path(config, "seeds_dir")
        for speech in corpus.speeches:
            # The untouched input file, byte for byte, if it still passes
            # the input gate (else the text that was analysed).
            content = reader.source_bytes(seeds_dir.parent / speech.source, seeds_dir)
            if content is None:
                content = speech.original.encode("utf-8")
            files.append(File.generated(config, urls.source_path(speech), content=content))
        return files

    def _passage_url(self, config: MkDocsConfig):
        """``url_of(speech, unit)`` for the downloads: the passage on its
        speech page, a full URL under ``site_url`` (site-relative without
        one)."""
        base = config.site_url or ""

        def url_of(speech, unit) -> str:
            return urljoin(base, self.generated[urls.speech_path(speech)]) + f"#{unit.id}"
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
        return markdown

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
        return html

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> Optional[str]:
        # The theme's indentation is ~10 % of every page (compact.py).
        return compact.compact_html(output) if self.config.enabled else output

    # --- search ---------------------------------------------------------------

    def _own_search(self, config: MkDocsConfig) -> bool:
        """Our index replaces material's: ``search: ours`` and material's
        search plugin enabled."""
        material = any(name.rpartition("/")[2] == "search" for name in config.plugins)
        return material and self.config.search == "ours" and self.search_worker

    def _corpus_search_pages(self, corpus: Corpus, config: MkDocsConfig) -> list[search_index.SearchPage]:
        """The search pages of the home page, speeches and themes, in nav order."""
        url = self.generated.get
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
        if not self._own_search(config):
            return
        self.indexer = SearchIndexer(parallel=jobs_wanted() >= 2)
        self.indexer.start(self._corpus_search_pages(corpus, config))

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
        site_dir = Path(config.site_dir)
        material_index = site_dir / "search" / "search_index.json"
        if self.indexer is None or not material_index.is_file():
            self._stop_search_index()
            return
        material = json.loads(material_index.read_text(encoding="utf-8"))
        generated_urls = set(self.generated.values())
        hand_written = search_index.material_pages(material, exclude=lambda location: location in generated_urls)
        indexer, self.indexer = self.indexer, None
        docs, keys, shards = indexer.finish(hand_written, material.get("config"), site_dir)
        log.info("search index: %d documents, %d keys, %d shards", docs, keys, shards)

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_search_index()

    def on_shutdown(self) -> None:
        self._stop_search_index()


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
