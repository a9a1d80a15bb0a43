"""Where every generated file lives: the one owner of page paths and links.

Paths are mkdocs *docs paths* (``File.src_uri``: ``speeches/<id>.md``),
POSIX, relative to docs/.  Which URL a path gets (``speeches/<id>/`` or
``speeches/<id>.html``) is mkdocs' business (``use_directory_urls``):
renderers link from one docs path to another with ``relative`` — as a
Markdown link, which mkdocs (or the plugin, for links inside HTML blocks)
turns into the URL — and the export asks mkdocs' ``File.url`` through a
``url_of`` function (``directory_url`` when no mkdocs build is running).

Layout::

    index.md                          home
    speeches/index.md                 the speech list (its first rows)
    speeches/index.js                 every row of the speech list, as data
    speeches/index/<period>[-<n>].md  the speech list's plain pages by period
    speeches/<id>.md                  one speech
    themes/index.md                   the theme list
    themes/<slug>.md                  one theme (or its period overview)
    themes/<slug>/<period>[-<n>].md   one page of a split theme
    insight/index.md                  the corpus-wide views (洞察)
    formulations/index.md             the 提法 index
    formulations/<text>.md            one formulation (its KWIC)
    reuse/index.md                    the 复用 report (its first page)
    reuse/<n>.md                      its page n (n ≥ 2)
    citations/index.md                cited documents, meetings, programmes
    trends/index.md                   theme trends
    sources/<file name>               a speech's input file, byte for byte
    downloads/<slug>[-<period>].docx  a theme's 专题汇编 (and .csv for the theme)
    data/index.json                   the JSON export's manifest
    data/speeches/<id>.json           one speech of the JSON export
    data/insight.json                 the export's corpus-wide views
    data/corpus.json                  the whole export in one file (small
                                      corpora), and its schema
"""

from __future__ import annotations

import functools
import posixpath
import re
from typing import Callable, Optional
from urllib.parse import quote

from .model import Speech, Theme, Unit

HOME = "index.md"
SPEECH_LIST = "speeches/index.md"
SPEECH_LIST_DATA = "speeches/index.js"
THEME_LIST = "themes/index.md"
ABOUT = "about/index.md"
CODEBOOK = "about/codebook.md"
DATA_FORMAT = "about/data.md"
ENGINES = "developer/engines.md"
INSIGHT = "insight/index.md"
FORMULATIONS = "formulations/index.md"
REUSE = "reuse/index.md"
CITATIONS = "citations/index.md"
TRENDS = "trends/index.md"
CORPUS_JSON = "data/corpus.json"
CORPUS_SCHEMA = "data/corpus.schema.json"
DATA_INDEX = "data/index.json"
INSIGHT_JSON = "data/insight.json"

#: A docs path → the URL mkdocs gives it, relative to the site root.
UrlOf = Callable[[str], str]


def speech_path(speech: Speech) -> str:
    """``speeches/<id>.md``."""
    return f"speeches/{speech.id}.md"


def speech_list_page_path(name: str) -> str:
    """``speeches/index/<name>.md``: a plain page of the speech list
    (``name``: a period slug, with ``-<n>`` from its second page on).
    ``index`` is never a speech id (``ids``), so no speech is there."""
    return f"speeches/index/{name}.md"


def theme_path(theme: Theme) -> str:
    """``themes/<slug>.md``."""
    return f"themes/{theme.slug}.md"


def theme_subpage_path(theme: Theme, name: str) -> str:
    """``themes/<slug>/<name>.md``: one page of a split theme (``name`` is
    a period slug, with ``-<n>`` from its second page on)."""
    return f"themes/{theme.slug}/{name}.md"


def speech_data_path(speech: Speech) -> str:
    """``data/speeches/<id>.json``: one speech of the JSON export."""
    return f"data/speeches/{speech.id}.json"


def download_path(theme: Theme, ext: str, period: Optional[str] = None) -> str:
    """``downloads/<slug>.<ext>``: a theme's 专题汇编 (``docx``) or table
    (``csv``); with ``period`` (a period slug, ``layout.PERIODS``), that
    period's part: ``downloads/<slug>-<period>.<ext>``."""
    return f"downloads/{theme.slug}{'-' + period if period else ''}.{ext}"


def formulation_path(text: str) -> str:
    """``formulations/<text>.md``: a formulation's page, its text with every
    run of punctuation made ``-`` (Chinese kept, as speech ids do).  Two
    formulations differing only in punctuation are told apart by the
    caller (``page_insight.formulation_pages``)."""
    slug = _NON_WORD.sub("-", text).strip("-") or "f"
    return f"formulations/{slug}.md"


_NON_WORD = re.compile(r"[\W_]+")


def reuse_page_path(number: int) -> str:
    """Page ``number`` (1, 2, …) of the 复用 report: ``reuse/index.md``,
    then ``reuse/<n>.md``."""
    return REUSE if number == 1 else f"reuse/{number}.md"


def source_path(speech: Speech) -> str:
    """``sources/<file name>``: where the untouched input file is published."""
    return f"sources/{speech.source.rsplit('/', 1)[-1]}"


def theme_anchor(speech: Speech, unit: Optional[Unit] = None) -> str:
    """Anchor of a speech's group, or of one of its units, on a theme page."""
    return speech.id if unit is None else f"{speech.id}-{unit.id}"


def relative(page: str, target: str, anchor: Optional[str] = None) -> str:
    """The link from docs path ``page`` to docs path ``target`` (plus
    ``#anchor``), as written in a Markdown link: ``../themes/x.md#a``.
    Not percent-encoded (see ``quoted``)."""
    rel = _relpath(target, posixpath.dirname(page) or ".")
    return rel + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=4096)
def _relpath(target: str, folder: str) -> str:
    # Pages link to the same few folders thousands of times.
    return posixpath.relpath(target, folder)


def quoted(page: str, target: str) -> str:
    """``relative``, percent-encoded: for file names that may hold spaces
    or parentheses (sources/), which a Markdown link would cut."""
    return quote(relative(page, target))


def directory_url(path: str) -> str:
    """The URL mkdocs gives ``path`` with ``use_directory_urls: true`` (the
    default), for an export made without a mkdocs build."""
    from mkdocs.structure.files import File

    return File(path, src_dir=None, dest_dir="", use_directory_urls=True).url
