"""The facts the site's scripts (docs/javascripts/kb.js) read from the
pages: ``data-kb-*`` attributes on passages, badges and theme-page groups,
and the speech list's rows as data (``list_data``, a file beside the list
page).  The page templates emit exactly what these functions return (names
and values; values are text and must be attribute-escaped).

Facets of a speech, for filtering and sorting the speech list:

- ``period``: the Party-congress period holding its year
  (十八大至十九大（2012–2017）…; ``CONGRESS_PERIODS``, the same periods that
  split a large theme's pages);
- ``plan``: the Five-Year Plan period (十三五（2016–2020）; ``PLAN_PERIODS``);
- ``year``: the year it is ordered by (``compilation.year``: the date, else
  the middle of the estimated period); ``years``: first–last plausible year;
- ``place``, ``occasion``, ``themes``, ``length`` (characters of text).

Nothing here knows about mkdocs.
"""

from __future__ import annotations

import math
from typing import Optional

from . import compilation, layout
from .cleaner import PLACEHOLDER
from .model import LEAF_KINDS, Speech, ThemeTag, Unit

#: Party-congress periods, newest first: (label, first year as a fraction),
#: as ``layout.PERIODS`` splits a large theme's pages.  A speech belongs to
#: the period holding its year (``compilation.year``).
CONGRESS_PERIODS = tuple((label, first) for _, label, first in layout.PERIODS)

#: Every period label a speech can have, newest first, with its URL slug
#: (``layout.PERIODS``, then undated).
PERIOD_LABELS = tuple((label, slug) for slug, label, _ in layout.PERIODS) + ((layout.UNDATED[1], layout.UNDATED[0]),)

#: Five-Year Plan periods (label, first year, last year): the plans' own
#: years, which data/period_clues.yml's 十一五…十四五 clues refer to.
PLAN_PERIODS = (("十一五（2006–2010）", 2006, 2010),
                ("十二五（2011–2015）", 2011, 2015),
                ("十三五（2016–2020）", 2016, 2020),
                ("十四五（2021–2025）", 2021, 2025),
                ("十五五（2026–2030）", 2026, 2030))

UNDATED = layout.UNDATED[1]


def congress_period(speech: Speech) -> str:
    """The label of the congress period holding the speech's year, or
    ``UNDATED``."""
    y = compilation.year(speech)
    if y is None:
        return UNDATED
    return next(label for label, first in CONGRESS_PERIODS if y >= first)


def plan_period(speech: Speech) -> str:
    """The label of the Five-Year Plan period holding the speech's year
    (its integer part), or ``""`` outside the plans listed."""
    y = compilation.year(speech)
    if y is None:
        return ""
    return next((label for label, first, last in PLAN_PERIODS if first <= int(y) <= last), "")


def text_length(speech: Speech) -> int:
    """Characters of speech text (leaf units, notes excluded; spaces and
    line breaks not counted)."""
    return sum(len("".join(u.text.split())) for u in speech.units if u.kind in LEAF_KINDS and u.kind != "note")


def _num(value: Optional[float]) -> str:
    return "" if value is None else f"{value:g}"


def speech_row(speech: Speech, theme_order: list[str]) -> dict[str, str]:
    """The facets of the speech's row in the speech list, named as the
    ``data-kb-*`` attributes kb.js gives the row (``list_data`` packs
    them into the list's data file).  ``theme_order``: the corpus's theme
    names, the order ``data-kb-themes`` lists them in."""
    m = speech.meta
    years = ""
    if m is not None and m.period_start is not None and m.period_end is not None:
        years = f"{m.period_start}-{m.period_end}"
    y = compilation.year(speech)
    if y is not None and not years:
        years = f"{int(y)}-{int(y)}"
    return {
        "data-kb-title": speech.title,
        "data-kb-period": congress_period(speech),
        "data-kb-plan": plan_period(speech),
        "data-kb-year": _num(y),
        "data-kb-years": years,
        "data-kb-place": compilation.place(speech),
        "data-kb-occasion": m.occasion.value if m is not None and m.occasion is not None else "",
        "data-kb-themes": "|".join(t for t in theme_order if t in speech.themes),
        "data-kb-length": str(text_length(speech)),
    }


#: The version of ``list_data``'s shape; kb.js refuses data of another.
LIST_DATA_FORMAT = 1

#: The fields of a row of ``list_data``, in order (kb.js reads them by
#: position; the names are those of ``speech_row`` without ``data-kb-``).
LIST_COLUMNS = ("href", "anchor", "title", "place", "occasion", "when", "period", "plan", "year", "years",
                "length", "themes")


def list_data(rows: list[tuple[Speech, str, str, list[tuple[str, str]]]], theme_order: list[str]) -> dict:
    """The speech list as data for kb.js (the rows the list page loads
    instead of carrying them in its HTML): ``rows`` are (speech, link to
    its page, its anchor on theme pages, [(theme name, link to the theme
    page holding it)]) in list order, links relative to the list page as
    in a Markdown link (``x.md``, ``../themes/y/2012-2.md``).

    Shape (``LIST_DATA_FORMAT`` 1)::

        {"format": 1, "columns": LIST_COLUMNS, "placeholder": "××",
         "periods": [...], "plans": ["", ...], "places": ["", ...],
         "occasions": ["", ...], "themes": [...], "links": [...],
         "rows": [[href, anchor, title, place#, occasion#, when, period#,
                   plan#, year|null, years, length, [theme#, link#, ...]]]}

    ``#`` fields index the table of that name (index 0 of ``plans``,
    ``places`` and ``occasions`` is "none"): a place is written once, not
    once per speech.  ``year``, ``years``, ``length`` are as in
    ``speech_row``; ``when`` is ``compilation.when``; ``placeholder`` is
    the text's mark for a redaction (``cleaner.PLACEHOLDER``), which the
    pages show marked.  Tables are in order
    of first use, so the same corpus gives the same data."""
    tables: dict[str, dict[str, int]] = {"periods": {}, "plans": {"": 0}, "places": {"": 0},
                                         "occasions": {"": 0}, "themes": {t: i for i, t in enumerate(theme_order)},
                                         "links": {}}

    def ref(table: str, value: str) -> int:
        return tables[table].setdefault(value, len(tables[table]))

    out_rows = []
    for speech, href, anchor, themes in rows:
        row = speech_row(speech, theme_order)
        y = compilation.year(speech)
        out_rows.append([
            href, anchor, speech.title, ref("places", row["data-kb-place"]), ref("occasions", row["data-kb-occasion"]),
            compilation.when(speech), ref("periods", row["data-kb-period"]), ref("plans", row["data-kb-plan"]),
            None if y is None else (int(y) if y == int(y) else y), row["data-kb-years"], int(row["data-kb-length"]),
            [i for name, link in themes for i in (tables["themes"][name], ref("links", link))]])
    data: dict = {"format": LIST_DATA_FORMAT, "columns": list(LIST_COLUMNS), "placeholder": PLACEHOLDER}
    data.update({name: list(table) for name, table in tables.items()})
    data["rows"] = out_rows
    return data


def group(speech: Speech) -> dict[str, str]:
    """The ``data-kb-*`` attributes of a speech's group on a theme page
    (``data-kb-group`` elements inside one ``data-kb-groups`` element):
    sorted by year and filtered by period there."""
    return {"data-kb-group": speech.id, "data-kb-year": _num(compilation.year(speech)),
            "data-kb-period": congress_period(speech), "data-kb-plan": plan_period(speech)}


def speech_source(speech: Speech) -> dict[str, str]:
    """On the element that holds a speech's passages (the speech page's
    text): the citation that passages inside inherit."""
    return {"data-kb-source": compilation.source(speech)}


def passage(speech: Speech, unit: Unit, href: Optional[str] = None, own_source: bool = False) -> dict[str, str]:
    """The ``data-kb-*`` attributes of a passage (the element whose ``id``
    is its anchor).  ``href``: the link to the passage on its speech page,
    relative to the page it is shown on (theme pages; on the speech page
    itself it is the page plus ``#id`` and left out).  ``own_source``: the
    passage carries the speech's citation itself (theme pages, where it is
    also printed under the passage)."""
    attrs = {"data-kb-loc": compilation.location(speech, unit)}
    if href:
        attrs["data-kb-href"] = href
    if own_source:
        attrs.update(speech_source(speech))
    return attrs


def badge(tag: ThemeTag, target: Optional[str] = None, limit: int = 10) -> dict[str, str]:
    """The ``data-kb-*`` attributes of a theme badge (an ``a.kb-badge``
    whose ``href`` is the theme page): its evidence, at most ``limit``
    terms, strongest first.  ``target``: the id of the element whose text
    the evidence is highlighted in (default: the passage around the
    badge)."""
    attrs = {"data-kb-theme": tag.theme, "data-kb-score": f"{tag.score:g}",
             "data-kb-terms": "|".join(tag.terms[:limit])}
    if target:
        attrs["data-kb-for"] = target
    return attrs


def attributes(attrs: dict[str, str]) -> str:
    """``attrs`` as HTML attribute text (`` name="value"``…), values
    escaped; for renderers that write HTML by hand (templates use their
    own autoescaping)."""
    import html

    return "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
