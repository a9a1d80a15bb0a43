"""The files a theme page offers for download, made at build time.

A theme shown on one page (``layout.ThemeLayout`` not split) offers its
whole 专题汇编 as a Word document and as CSV, and a Word document per
congress period (``facets.PERIOD_LABELS``) in which it occurs.  A theme
split into pages by period offers, per period, the Word document and the
CSV in a zip (``csv.zip``); no whole-theme files: at 10,000 speeches one
theme's CSV is ~55 MB and its Word document ~3,000 pages, files nobody can
open usefully, and together they doubled the downloads' bytes (the
benchmark's ``site_bytes``).  The CSV is zipped because plain text is its
whole size (a Word document is a zip already): deflate makes it 3–5 times
smaller, and every system opens a zip.

Paths come from ``urls.download_path``; nothing here knows about mkdocs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from . import compilation, facets, layout, urls
from .model import Corpus, Theme


def is_split(corpus: Corpus, theme: Theme, theme_page_limit: int = layout.THEME_PAGE_MAX_ENTRIES) -> bool:
    """Whether ``theme``'s passages are on a page per period (then it has
    per-period downloads only)."""
    return bool(layout.theme_layout(corpus, theme, theme_page_limit).subpages)


def csv_name(theme: Theme, period: str) -> str:
    """The name of the CSV inside a period's zip: ``<slug>-<period>.csv``."""
    return f"{theme.slug}-{period}.csv"


def downloads(corpus: Corpus, url_of: compilation.UrlOf, date: datetime,
              theme_page_limit: int = layout.THEME_PAGE_MAX_ENTRIES) -> Iterator[tuple[str, bytes]]:
    """(docs path, bytes) of every download, for each theme that tags any
    unit (the themes whose pages show passages).  ``url_of`` gives each
    passage's URL; ``date`` dates the Word documents and zip entries (the
    build's source date, so two builds are byte-identical);
    ``theme_page_limit`` decides which themes are split (as the pages do)."""
    for theme in corpus.themes:
        speeches = [s for s in corpus.speeches if theme.name in s.themes]
        if not speeches:
            continue
        split = is_split(corpus, theme, theme_page_limit)
        if not split:
            yield urls.download_path(theme, "docx"), compilation.theme_docx(corpus, theme, url_of, date=date)
            yield urls.download_path(theme, "csv"), compilation.theme_csv(corpus, theme, url_of)
        for label, slug in facets.PERIOD_LABELS:
            chosen = [s for s in speeches if facets.congress_period(s) == label]
            if not chosen:
                continue
            yield urls.download_path(theme, "docx", slug), compilation.theme_docx(
                corpus, theme, url_of, chosen, title=f"{theme.name}专题汇编·{label}", date=date)
            if split:
                table = compilation.theme_csv(corpus, theme, url_of, chosen)
                yield urls.download_path(theme, "csv.zip", slug), compilation.zipped(
                    csv_name(theme, slug), table, date)
