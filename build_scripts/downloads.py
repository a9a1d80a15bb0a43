"""The files a theme page offers for download, made at build time: the
theme's 专题汇编 as a Word document and as CSV, and a Word document per
congress period (``facets.PERIOD_LABELS``) in which the theme occurs.
Paths come from ``urls.download_path``; nothing here knows about mkdocs."""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from . import compilation, facets, urls
from .model import Corpus


def downloads(corpus: Corpus, url_of: compilation.UrlOf, date: datetime) -> Iterator[tuple[str, bytes]]:
    """(docs path, bytes) of every download, for each theme that tags any
    unit (the themes whose pages show passages).  ``url_of`` gives each
    passage's URL; ``date`` dates the Word documents (the build's source
    date, so two builds are byte-identical)."""
    for theme in corpus.themes:
        speeches = [s for s in corpus.speeches if theme.name in s.themes]
        if not speeches:
            continue
        yield urls.download_path(theme, "docx"), compilation.theme_docx(corpus, theme, url_of, date=date)
        yield urls.download_path(theme, "csv"), compilation.theme_csv(corpus, theme, url_of)
        for label, slug in facets.PERIOD_LABELS:
            chosen = [s for s in speeches if facets.congress_period(s) == label]
            if chosen:
                yield urls.download_path(theme, "docx", slug), compilation.theme_docx(
                    corpus, theme, url_of, chosen, title=f"{theme.name}专题汇编·{label}", date=date)
