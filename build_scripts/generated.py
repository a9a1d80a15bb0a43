"""The registry of generated pages, and the nav that lists them.

Each kind of page is a module with ``pages(site) -> Iterator[(docs path,
Markdown)]``.  To add a kind of page:

1. give its paths a function in ``urls`` (``urls.<kind>_path``);
2. write ``page_<kind>.py`` with ``pages(site)``, composing Markdown from
   ``pages.Md`` (``Md("…{}…").format(text)`` escapes the text) and linking
   with ``urls.relative``;
3. add the module to ``PAGE_KINDS`` below, and to ``nav`` if it belongs
   in the navigation.

The plugin turns every page into a virtual mkdocs file, renders it with
the rawhtml extension and resolves its links; nothing else is needed.
"""

from __future__ import annotations

from typing import Callable, Iterator, Optional

from . import page_insight, page_lists, page_speech, page_theme, urls
from .layout import THEME_PAGE_MAX_ENTRIES, Site
from .model import Corpus, Theme
from .pages import html_text

#: A kind of generated page: ``Site`` → its (docs path, Markdown) pairs.
PageKind = Callable[[Site], Iterator[tuple[str, str]]]

#: Every kind of generated page, in the order they are added to the site.
PAGE_KINDS: tuple[PageKind, ...] = (
    page_lists.pages,
    page_speech.pages,
    page_theme.pages,
    page_insight.pages,
)


def render_pages(corpus: Corpus, theme_page_limit: int = THEME_PAGE_MAX_ENTRIES,
                 hand_written: Optional[set[str]] = None) -> dict[str, str]:
    """Every generated page: docs path → Markdown.  ``hand_written``: the
    docs paths of the site's own pages (None: this repository's docs/, as
    in ``urls``); links to those missing are left out.  Raises
    ``ValueError`` if two kinds claim the same path."""
    site = Site(corpus, theme_page_limit, hand_written)
    out: dict[str, str] = {}
    for kind in PAGE_KINDS:
        for path, markdown in kind(site):
            if path in out:
                raise ValueError(f"two generated pages at {path}")
            out[path] = markdown
    return out


#: The navigation lists every speech up to this many; a larger corpus is
#: browsed through the speech index (讲话), the theme pages and search.
#: Material renders the whole navigation into every page, so listing 1,000
#: speeches would add ~250 KB to each of 1,000 pages and make the build
#: quadratic in the number of speeches.
NAV_MAX_SPEECHES = 100


def nav(corpus: Corpus, theme_page_limit: int = THEME_PAGE_MAX_ENTRIES,
        hand_written: Optional[set[str]] = None, pages: Optional[set[str]] = None) -> list:
    """The mkdocs ``nav``: home, speeches (each one while there are at most
    ``NAV_MAX_SPEECHES``), themes (with the pages of split themes),
    about.  With ``hand_written`` (the site's own docs paths) and ``pages``
    (the generated ones), entries for pages that are missing are left out
    and the site's other pages follow at the end."""
    site = Site(corpus, theme_page_limit)
    speeches = corpus.speeches if len(corpus.speeches) <= NAV_MAX_SPEECHES else []
    entries = [
        {"首页": urls.HOME},
        {"讲话": [urls.SPEECH_LIST] + [{html_text(site.label(s)): urls.speech_path(s)} for s in speeches]},
        {"主题": [urls.THEME_LIST] + [_theme_nav(site, t) for t in corpus.themes]},
        *([page_insight.NAV] if corpus.insight is not None else []),
        {"关于": [urls.ABOUT, urls.CODEBOOK, urls.DATA_FORMAT]},
        {"开发者": [urls.ENGINES]},
    ]
    if hand_written is None:
        return entries
    entries = _prune(entries, hand_written | (pages or set()))
    return entries + sorted(hand_written - nav_pages(entries))


def _prune(entries: list, present: set[str]) -> list:
    """``entries`` without the pages not in ``present`` (and sections left empty)."""
    out = []
    for entry in entries:
        if isinstance(entry, dict):
            (title, value), = entry.items()
            value = _prune(value, present) if isinstance(value, list) else value
            if value and (isinstance(value, list) or value in present):
                out.append({title: value})
        elif entry in present:
            out.append(entry)
    return out


def _theme_nav(site: Site, theme: Theme) -> dict:
    """A theme's nav entry: its page, or for a split theme a section with
    the overview and the first page of each period (the nav is rendered
    into every page: listing 50 numbered pages per theme would add ~60 KB
    to each; a period's pages link to each other)."""
    subpages = site.layouts[theme.name].subpages
    if not subpages:
        return {html_text(theme.name): urls.theme_path(theme)}
    return {html_text(theme.name): [urls.theme_path(theme)]
            + [{html_text(sub.period): sub.path} for sub in subpages if sub.number == 1]}


def nav_pages(entries: list) -> set[str]:
    """Every page path listed in a ``nav`` structure (as ``nav`` returns)."""
    found: set[str] = set()
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            if isinstance(value, list):
                found |= nav_pages(value)
            else:
                found.add(value)
    return found
