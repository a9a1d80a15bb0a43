"""The one module that adapts the pipeline to mkdocs (a hook in mkdocs.yml).

``on_config`` builds the corpus (so a broken themes.yml stops the build
before anything is written) and sets the nav; ``on_files`` adds every
generated page, the JSON export and the original source files as virtual
files (``File.generated``) — nothing is written into docs/.  Works for
``mkdocs build`` and ``mkdocs serve`` alike (serve reloads the config, and
so re-runs the pipeline, on every change to seeds/ or themes.yml; see
``watch`` in mkdocs.yml).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from build_scripts import export, pages
from build_scripts.cache import AnalysisCache
from build_scripts.errors import KnowledgeBaseError
from build_scripts.model import Corpus
from build_scripts.pipeline import build_corpus

log = logging.getLogger("mkdocs.hooks.knowledge_base")

_corpus: dict[str, Corpus] = {}
#: The on-disk analysis cache, relative to the project root (git-ignored).
CACHE_DIR = Path(".cache") / "analysis"


def project_root(config: MkDocsConfig) -> Path:
    """The folder of mkdocs.yml: seeds/ and themes.yml live beside it."""
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = project_root(config)
    try:
        # Unchanged speeches come from the analysis cache (in memory across
        # `mkdocs serve` rebuilds, on disk across builds).
        cache = AnalysisCache(root / CACHE_DIR)
        corpus = build_corpus(root / "seeds", root / "themes.yml", cache=cache)
    except KnowledgeBaseError as exc:
        raise PluginError(str(exc)) from exc
    _corpus["current"] = corpus
    config.nav = pages.nav(corpus)
    log.info("knowledge base: %d speeches, %d skipped; %d analysed, %d unchanged (analysis cache)",
             len(corpus.speeches), len(corpus.skipped), cache.misses, cache.hits)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    corpus = _corpus["current"]
    # Pages left out of a large corpus's nav are reachable from the index
    # pages; NOT_IN_NAV keeps --strict from reporting them as omitted.
    listed = pages.nav_pages(config.nav)
    for path, markdown in pages.render_pages(corpus).items():
        inclusion = InclusionLevel.UNDEFINED if path in listed else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, path, content=markdown, inclusion=inclusion))
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
