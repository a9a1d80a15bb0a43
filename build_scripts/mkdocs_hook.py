"""The one module that adapts the pipeline to mkdocs (a hook in mkdocs.yml).

``on_config`` builds the corpus (so a broken themes.yml stops the build
before anything is written) and sets the nav; ``on_files`` adds every
generated page, the JSON export and the original source files as virtual
files (``File.generated``) — nothing is written into docs/.  Works for
``mkdocs build`` and ``mkdocs serve`` alike (serve reloads the config, and
so re-runs the pipeline, on every change to seeds/ or themes.yml; see
``watch`` in mkdocs.yml).

Search: generated pages are kept out of mkdocs-material's own index
(``on_page_markdown``); ``on_post_build`` replaces that index with the
chunked bigram index of ``build_scripts.search_index``, built from the corpus
model (passage by passage) plus material's entries for the hand-written pages.

Skipped speech files are warnings on the ``mkdocs`` logger, so
``mkdocs build --strict`` fails on them — before anything is written — while
a plain ``mkdocs build`` publishes the rest.  The build date is fixed
(``source_date``) so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import multiprocessing
import os
import pickle
import posixpath
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import unquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from build_scripts import export, pages, search_index, source_date
from build_scripts.cache import AnalysisCache
from build_scripts.errors import KnowledgeBaseError
from build_scripts.model import Corpus
from build_scripts.pipeline import build_corpus, jobs_wanted
from build_scripts.rawhtml import RawHtmlExtension

log = logging.getLogger("mkdocs.hooks.knowledge_base")

_corpus: dict[str, Corpus] = {}
#: src_uri → url of every page this hook generated in the current build.
_generated: dict[str, str] = {}
#: The SOURCE_DATE_EPOCH this hook set (None: the user's own, or unset).
_our_epoch: dict[str, str] = {}
#: The worker process indexing the corpus for search, and its result.
_indexing: dict = {}
#: The current build's rawhtml extension (see on_page_markdown).
_raw_html: dict[str, RawHtmlExtension] = {}


class _ToMkdocs(logging.Handler):
    """Passes the pipeline's log records to the mkdocs logger: mkdocs shows
    them in its format and ``--strict`` counts their warnings."""

    def emit(self, record: logging.LogRecord) -> None:
        log.handle(record)


#: The on-disk analysis cache, relative to the project root (git-ignored).
CACHE_DIR = Path(".cache") / "analysis"


def project_root(config: MkDocsConfig) -> Path:
    """The folder of mkdocs.yml: seeds/ and themes.yml live beside it."""
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = project_root(config)
    if "value" in _our_epoch and os.environ.get("SOURCE_DATE_EPOCH") == _our_epoch["value"]:
        del os.environ["SOURCE_DATE_EPOCH"]  # set by this hook on a previous `mkdocs serve` rebuild
    epoch = str(source_date.epoch(root))
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip() != epoch:
        # Unset, empty or invalid (mkdocs would crash on it): the inputs' date.
        _our_epoch["value"] = os.environ["SOURCE_DATE_EPOCH"] = epoch
    pipeline_log = logging.getLogger("build_scripts")
    handler, saved = _ToMkdocs(), (pipeline_log.level, pipeline_log.propagate)
    pipeline_log.addHandler(handler)
    pipeline_log.setLevel(logging.getLogger("mkdocs").getEffectiveLevel())
    pipeline_log.propagate = False
    try:
        # Unchanged speeches come from the analysis cache (in memory across
        # `mkdocs serve` rebuilds, on disk across builds).
        cache = AnalysisCache(root / CACHE_DIR)
        corpus = build_corpus(root / "seeds", root / "themes.yml", cache=cache, jobs=jobs_wanted())
    except KnowledgeBaseError as exc:
        raise PluginError(str(exc)) from exc
    finally:
        pipeline_log.removeHandler(handler)
        pipeline_log.setLevel(saved[0])
        pipeline_log.propagate = saved[1]
    if corpus.skipped and config.strict:
        raise PluginError(f"{len(corpus.skipped)} speech file(s) skipped (listed above); strict mode stops before "
                          "writing anything — fix or remove them, or build without --strict to publish the rest")
    _corpus["current"] = corpus
    config.nav = pages.nav(corpus)
    _raw_html["current"] = extension = RawHtmlExtension()
    config.markdown_extensions.append(extension)
    log.info("knowledge base: %d speeches, %d skipped; %d analysed, %d unchanged (analysis cache)",
             len(corpus.speeches), len(corpus.skipped), cache.misses, cache.hits)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    corpus = _corpus["current"]
    _generated.clear()
    # Pages left out of a large corpus's nav are reachable from the index
    # pages; NOT_IN_NAV keeps --strict from reporting them as omitted.
    listed = pages.nav_pages(config.nav)
    for path, markdown in pages.render_pages(corpus).items():
        inclusion = InclusionLevel.UNDEFINED if path in listed else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, path, content=markdown, inclusion=inclusion)
        files.append(file)
        _generated[path] = file.url
    _start_search_index(corpus, config)
    files.append(File.generated(config, "data/corpus.json", content=export.to_json(corpus).encode("utf-8")))
    files.append(File.generated(config, "data/corpus.schema.json",
                                content=export.SCHEMA_PATH.read_bytes()))
    root = project_root(config)
    for speech in corpus.speeches:
        source = root / speech.source
        name = Path(speech.source).name
        # The untouched input file, byte for byte.
        content = source.read_bytes() if source.is_file() else speech.original.encode("utf-8")
        files.append(File.generated(config, f"sources/{name}", content=content))
    return files


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    # Our own index covers generated pages passage by passage; material's
    # would index them again (and spend most of a large build in jieba).
    generated = page.file.src_uri in _generated
    if generated and _own_search(config):
        page.meta["search"] = {"exclude": True}
    # Passages go into the page as they are (rawhtml.py); mkdocs renders
    # this page next.
    _raw_html["current"].active = generated
    return markdown


def on_page_content(html: str, page, config: MkDocsConfig, files: Files) -> str:
    extension = _raw_html["current"]
    if extension.active:
        # Ids in the blocks rawhtml stored, which mkdocs' own scan did not
        # see: links to passages are validated against them.
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= extension.ids
        html = _MD_HREF.sub(lambda m: _resolve(m, page, files), html)
    extension.active, extension.ids = False, set()
    return html


#: A link that pages.link wrote into an HTML block: a page's Markdown path
#: (relative to this page), an optional query (``?h=`` highlights a phrase)
#: and an optional anchor.  Markdown links were resolved by mkdocs already,
#: and speech text has no unescaped quotes.
_MD_HREF = re.compile(r'href="([^"#:?]+\.md)(\?[^"#]*)?(?:#([^"]*))?"')


def _resolve(match: re.Match, page, files: Files) -> str:
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


def _corpus_search_pages(corpus: Corpus, config: MkDocsConfig) -> list[search_index.SearchPage]:
    """The search pages of the home page, speeches and themes, in nav order."""
    site = pages.Site(corpus)
    url = _generated.get
    entries = [search_index.SearchPage(url("index.md"), config.site_name, "home",
                                       [search_index.SearchDoc("", config.site_name, config.site_name, "page")])]
    entries += [search_index.speech_page(s, url(site.speech_page(s))) for s in corpus.speeches]
    entries += [search_index.theme_page(t.name, t.description, url(site.theme_page(t))) for t in corpus.themes]
    return entries


def _start_search_index(corpus: Corpus, config: MkDocsConfig) -> None:
    """Index the corpus in a worker process while mkdocs renders the pages
    (the index needs only the corpus and the URLs, known now); the
    hand-written pages are added in on_post_build.  With one CPU
    (``jobs_wanted``) everything is done in on_post_build instead."""
    _stop_search_index()
    search = any(name.rpartition("/")[2] == "search" for name in config.plugins)  # material/search
    if not search or not _own_search(config) or jobs_wanted() < 2:
        return
    folder = Path(tempfile.mkdtemp(prefix="kb-search-"))
    inbox, outbox = folder / "pages.pickle", folder / "builder.pickle"
    with open(inbox, "wb") as f:
        pickle.dump(_corpus_search_pages(corpus, config), f, protocol=pickle.HIGHEST_PROTOCOL)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    _indexing.update(pool=pool, folder=folder, outbox=outbox,
                     future=pool.submit(search_index.index_file, inbox, outbox))


def _search_builder(corpus: Corpus, config: MkDocsConfig) -> search_index.IndexBuilder:
    """The builder holding the corpus pages: the worker's, or made now."""
    if "future" not in _indexing:
        return search_index.IndexBuilder().add(_corpus_search_pages(corpus, config))
    try:
        _indexing["future"].result()
        with open(_indexing["outbox"], "rb") as f:
            return pickle.load(f)
    finally:
        _stop_search_index()


def _stop_search_index() -> None:
    pool = _indexing.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
    folder = _indexing.pop("folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    _indexing.clear()


def on_post_build(config: MkDocsConfig) -> None:
    corpus = _corpus["current"]
    site_dir = Path(config.site_dir)
    material_index = site_dir / "search" / "search_index.json"
    if not material_index.is_file() or not _own_search(config):  # search plugin disabled
        _stop_search_index()
        return
    material = json.loads(material_index.read_text(encoding="utf-8"))
    builder = _search_builder(corpus, config)
    generated = set(_generated.values())
    builder.add(search_index.material_pages(material, exclude=lambda location: location in generated))
    index = builder.finish(base_config=material.get("config"))
    shutil.rmtree(site_dir / "search" / "kb", ignore_errors=True)
    for path, content in index.files.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    log.info("search index: %d documents, %d keys, %d shards", index.docs, index.keys, index.shards)


def on_build_error(error: Exception) -> None:
    _stop_search_index()


def _own_search(config: MkDocsConfig) -> bool:
    """``extra: kb_search: false`` leaves search to stock mkdocs-material
    (used by benchmarks/search_quality.py to compare the two)."""
    return bool(config.extra.get("kb_search", True))
