"""The knowledge base as a plain docs directory, for an engine without our plugin.

``python -m build_scripts pages DIR`` writes::

    DIR/mkdocs.yml      the repository's mkdocs.yml without the kb plugin:
                        docs_dir docs, site_dir site, the nav the plugin
                        would set, theme overrides from DIR/overrides
    DIR/docs/           the hand-written docs/, every generated page
                        (``generated.PAGE_KINDS``) as a Markdown file, the
                        JSON export and its schema (data/), the speeches'
                        input files byte for byte (sources/), each theme's
                        专题汇编 downloads (.docx, .csv; ``downloads``)
    DIR/overrides/      the repository's overrides/ without the search
                        worker swap (kb-search.js; main.html only loads
                        the scripts some pages need, ``PLAIN_MAIN``)
    DIR/userdict.txt    jieba's user dictionary for material's search

so that ``cd DIR && mkdocs build`` (or ProperDocs, or any engine that reads
mkdocs.yml) builds the site's pages with no plugin of ours.  What the
plugin does at build time is done here once:

- the links inside the pages' HTML blocks (passages, badges), which mkdocs
  leaves alone, are resolved to URLs for ``use_directory_urls: true``
  (the plugin's ``resolve_link`` does it per build; ``make offline``'s
  ``.html`` URLs are therefore not reproduced);
- pages the nav leaves out (a corpus above ``generated.NAV_MAX_SPEECHES``)
  are listed in ``not_in_nav``, as the plugin marks them ``NOT_IN_NAV``.

What differs from ``make site`` (the plugin's build) and why:

- search: material's own search indexes every page with its own worker
  (lunr); the knowledge base's index (``search_index``) and worker need the
  plugin's ``on_post_build``;
- the HTML blocks go through Python-Markdown's own HTML-block handling
  instead of ``rawhtml``: the same elements, other white space between
  them;
- the build date: the plugin sets ``SOURCE_DATE_EPOCH`` from the inputs
  (``source_date``); set it yourself for the same sitemap dates.

DIR must not be, or lie inside, the repository's docs/ (generated pages
are never written there), and a DIR that exists must be empty or an
earlier output of this command (``MARKER``): it is replaced whole.
"""

from __future__ import annotations

import html as html_lib
import os
import posixpath
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import yaml

from . import assets, downloads, export, generated, source_date, urls
from .cache import AnalysisCache
from .errors import ConfigError, Problem
from .model import Corpus
from .pipeline import ROOT, build_corpus, jobs_wanted

#: Written into DIR: marks a directory this command may replace.
MARKER = ".kb-pages"
#: The overrides that only work with the plugin's search index.
SEARCH_OVERRIDES = ("main.html", "assets/javascripts/workers/kb-search.js")
USERDICT = "userdict.txt"
#: The overrides' partial that loads the scripts only some pages need
#: (list filters, sortable tables); the plain route's main.html keeps it,
#: without the search swap.
PAGE_SCRIPTS = "partials/kb-scripts.html"
PLAIN_MAIN = ('{% extends "base.html" %}\n'
              '{% block scripts %}\n  {{ super() }}\n  {% include "' + PAGE_SCRIPTS + '" %}\n{% endblock %}\n')

#: ``href="….md?query#anchor"`` in an HTML block (as plugin._MD_HREF).
_MD_HREF = re.compile(r'href="([^"#:?]+\.md)(\?[^"#]*)?(?:#([^"]*))?"')


class Tagged:
    """A YAML value under a tag that only mkdocs resolves (``!ENV``,
    ``!!python/…``): kept as written, so the output mkdocs.yml means what
    the repository's does."""

    def __init__(self, tag: str, node: yaml.Node) -> None:
        self.tag, self.node = tag, node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _tagged(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Tagged:
    return Tagged(suffix, node)


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _tagged(loader, "!" + suffix, node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/",
                              lambda loader, suffix, node: _tagged(loader, "tag:yaml.org,2002:python/" + suffix, node))


def _represent_tagged(dumper: yaml.Dumper, value: Tagged) -> yaml.Node:
    node = value.node
    node.tag = value.tag
    return node


_Dumper.add_representer(Tagged, _represent_tagged)


@dataclass(frozen=True)
class Written:
    """What ``write`` wrote: counts of files under DIR/docs."""

    pages: int        # generated pages (Markdown)
    hand_written: int  # files copied from docs/
    sources: int      # speeches' input files
    skipped: int      # speech files skipped by the pipeline (reported on the log)


def directory_url(path: str) -> str:
    """The URL mkdocs gives docs path ``path`` with ``use_directory_urls:
    true``: ``index.md`` → ``./``, ``a/index.md`` → ``a/``, ``a/b.md`` →
    ``a/b/`` (percent-encoded).  Delegates to ``urls.directory_url``."""
    return urls.directory_url(path)


def relative_url(url: str, base: str) -> str:
    """The URL ``url`` relative to the page at ``base`` (both relative to
    the site root), as mkdocs writes it (``mkdocs.utils.get_relative_url``)."""
    from mkdocs.utils import get_relative_url

    return get_relative_url(url, base)


def resolve_html_links(page: str, markdown: str, known: set[str]) -> str:
    """``markdown`` of docs path ``page`` with every ``href="….md#a"``
    (links in HTML blocks, which mkdocs does not rewrite) replaced by the
    target's URL relative to the page, as the plugin's ``resolve_link``
    does.  A target not in ``known`` is left as written."""
    page_url = directory_url(page)

    def resolve(match: re.Match) -> str:
        path, query, anchor = unquote(html_lib.unescape(match[1])), match[2] or "", match[3]
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if target not in known:
            return match[0]
        url = relative_url(directory_url(target), page_url)
        return f'href="{html_lib.escape(url)}{query}{"#" + anchor if anchor else ""}"'

    return _MD_HREF.sub(resolve, markdown)


def load_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml as data, tagged values kept as ``Tagged``."""
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader that constructs no objects


def site_url(config: dict[str, Any]) -> str:
    """``site_url`` of a loaded mkdocs.yml as mkdocs resolves it (``!ENV
    [VAR, default]`` or ``!ENV VAR`` read from the environment); ``""``
    if unset."""
    value = config.get("site_url")
    if isinstance(value, Tagged) and value.tag == "!ENV":
        node = value.node
        names = [n.value for n in node.value] if isinstance(node, yaml.SequenceNode) else [node.value]
        default = names.pop() if len(names) > 1 else ""
        return next((os.environ[n] for n in names if n in os.environ), default) or ""
    return str(value or "")


def kb_options(config: dict[str, Any]) -> dict[str, Any]:
    """The ``kb`` plugin's options in a loaded mkdocs.yml (``{}`` if listed
    without options); raises ``ConfigError`` if kb is not listed."""
    for entry in config.get("plugins") or []:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name == "kb":
            return dict(options or {})
    raise ConfigError([Problem("mkdocs.yml", "the kb plugin is not in its plugins list",
                               "add `- kb` under plugins:, or pass the mkdocs.yml that builds the knowledge base")])


def _check_target(out: Path, root: Path, docs_dir: Path) -> None:
    out = out.resolve()
    if out == root or out == docs_dir or docs_dir in out.parents or out in docs_dir.parents:
        raise ConfigError([Problem(str(out), "is the project, its docs/ or inside docs/: generated pages never go there",
                                   "give a build-only folder, e.g. build/plain")])
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ConfigError([Problem(str(out), "exists, is not empty and was not written by this command",
                                   "give a new or empty folder (it is replaced whole on every run)")])


def plain_config(config: dict[str, Any], corpus: Corpus, hand_written: set[str], pages: set[str]) -> dict[str, Any]:
    """The output mkdocs.yml: ``config`` (the repository's, loaded by
    ``load_config``) without the kb plugin and ``watch``, docs and site in
    DIR, the plugin's nav, and ``not_in_nav`` for pages the nav leaves out."""
    out = dict(config)
    out.pop("watch", None)
    out["docs_dir"], out["site_dir"] = "docs", "site"
    theme = dict(out.get("theme") or {})
    theme["custom_dir"] = "overrides"
    out["theme"] = theme
    plugins = []
    for entry in config.get("plugins") or []:
        name, options = (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
        if name == "kb":
            continue
        if name == "search" and options and "jieba_dict_user" in options:
            options = dict(options, jieba_dict_user=USERDICT)
        plugins.append({name: options} if options is not None else name)
    out["plugins"] = plugins
    if "nav" not in config:
        out["nav"] = generated.nav(corpus, hand_written=hand_written, pages=pages)
    listed = generated.nav_pages(out["nav"])
    left_out = sorted(pages - listed)
    if left_out:
        out["not_in_nav"] = "\n".join("/" + p for p in left_out) + "\n"
    return out


#: What ``write`` does with the links in HTML blocks: resolve them to URLs
#: (mkdocs, ProperDocs: they leave raw HTML alone) or keep the ``.md``
#: paths (Zensical resolves links in raw HTML itself, and would resolve a
#: URL once more, one folder too deep).
HTML_LINKS = ("url", "md")


def write(out: Path, config_file: Path = ROOT / "mkdocs.yml", html_links: str = "url") -> Written:
    """Write the plain docs directory for ``config_file`` (a mkdocs.yml
    with the kb plugin) into ``out`` (see the module docstring).  Raises
    ``ConfigError`` for a bad ``out``, a config without kb, or a bad
    themes.yml or sidecar (as the plugin would).  ``html_links``: one of
    ``HTML_LINKS``."""
    if html_links not in HTML_LINKS:
        raise ValueError(f"html_links is one of {HTML_LINKS}, not {html_links!r}")
    config_file = config_file.resolve()
    root = config_file.parent
    config = load_config(config_file)
    docs_dir = (root / config.get("docs_dir", "docs")).resolve()
    options = kb_options(config)
    _check_target(out, root, docs_dir)
    seeds = root / options.get("seeds_dir", "seeds")
    themes = root / options.get("themes", "themes.yml")
    cache_dir = options.get("cache_dir", ".cache/analysis")
    corpus = build_corpus(seeds, themes, cache=AnalysisCache(root / cache_dir if cache_dir else None),
                          jobs=jobs_wanted())

    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    (out / MARKER).write_text("written by `python -m build_scripts pages`; replaced whole on every run\n",
                              encoding="utf-8")
    shutil.copytree(docs_dir, out / "docs", dirs_exist_ok=True)
    # The site's own scripts and stylesheet minified, as the plugin serves them.
    for path in assets.MINIFIED:
        target = out / "docs" / path
        if target.is_file():
            target.write_text(assets.minified(path, target.read_text(encoding="utf-8")), encoding="utf-8")
    hand_written = {p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md") if p.is_file()}

    rendered = generated.render_pages(corpus, hand_written=hand_written)
    pages = {path: md for path, md in rendered.items() if path not in hand_written}
    known = hand_written | set(pages)
    for path, markdown in sorted(pages.items()):
        target = out / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if html_links == "url":
            markdown = resolve_html_links(path, markdown, known)
        target.write_text(markdown, encoding="utf-8")

    # The export's URLs are the pages' (File.url in the plugin's build).
    url_of = {path: directory_url(path) for path in pages}
    # Each theme's 专题汇编 (.docx, .csv), as the plugin dates and links them.
    date = datetime.fromtimestamp(source_date.epoch(root), timezone.utc)
    base_url = site_url(config)
    for path, content in downloads.downloads(
            corpus, lambda speech, unit: urljoin(base_url, url_of[urls.speech_path(speech)]) + f"#{unit.id}", date):
        (out / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (out / "docs" / path).write_bytes(content)
    for path, content in export.files(corpus, url_of.__getitem__).items():
        (out / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (out / "docs" / path).write_bytes(content)
    shutil.copyfile(export.SCHEMA_PATH, out / "docs" / urls.CORPUS_SCHEMA)
    base = seeds.parent
    for speech in corpus.speeches:
        source, target = base / speech.source, out / "docs" / urls.source_path(speech)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_file():
            shutil.copyfile(source, target)
        else:
            target.write_bytes(speech.original.encode("utf-8"))

    theme_dir = (config.get("theme") or {}).get("custom_dir")
    if theme_dir:
        shutil.copytree(root / theme_dir, out / "overrides",
                        ignore=lambda folder, names: [n for n in names if _is_search_override(root / theme_dir, folder, n)])
        if (out / "overrides" / PAGE_SCRIPTS).is_file():
            (out / "overrides" / "main.html").write_text(PLAIN_MAIN, encoding="utf-8")
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "search" in entry and (entry["search"] or {}).get("jieba_dict_user"):
            shutil.copyfile(root / entry["search"]["jieba_dict_user"], out / USERDICT)

    plain = plain_config(config, corpus, hand_written, set(pages))
    header = ("# Written by `python -m build_scripts pages` from the kb plugin's mkdocs.yml;\n"
              "# build with `mkdocs build` in this folder (no kb plugin needed).  Not for editing:\n"
              "# the command replaces this folder.\n")
    (out / "mkdocs.yml").write_text(header + yaml.dump(plain, Dumper=_Dumper, allow_unicode=True, sort_keys=False),
                                    encoding="utf-8")
    return Written(len(pages), sum(1 for p in docs_dir.rglob("*") if p.is_file()), len(corpus.speeches),
                   len(corpus.skipped))


def _is_search_override(theme_dir: Path, folder: str, name: str) -> bool:
    rel = os.path.relpath(os.path.join(folder, name), theme_dir).replace(os.sep, "/")
    return rel in SEARCH_OVERRIDES
