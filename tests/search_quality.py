"""Search quality on the query set ``tests/data/search_queries.yml``, measured
in a real browser through mkdocs-material's search box.

Used by ``tests/test_search.py`` (our search, with assertions) and by
``benchmarks/search_quality.py`` (ours beside a stock mkdocs-material build
of the same pages).  The truth comes from the corpus model, not from the
search index: a passage holds a query when its text contains every term of
the query (terms: runs of letters and digits, case- and width-folded).

Per query:

``speech_recall``
    share of the speeches holding the query that appear among the results;
``passage_recall``
    share of the passages (leaf units: sub-points, paragraphs, intro,
    closing) holding the query whose own anchor is a result link;
``first_exact``
    the first result link into a speech holds the whole query;
``exact_first``
    the ranking promise, with one result group per page: every group with
    a link holding the whole query comes before every group without one,
    and in a group every such link comes before every link that does not;
``exact_first_flat``
    the stricter promise of a list that splits a page into an exact and an
    approximate group: every link holding the whole query comes before
    every link that does not, across groups (kept for comparison; a page
    listed once with its 相近表述 after its exact passages breaks it);
``non_exact``
    result links into speeches whose unit does not hold the whole query;
``results``
    result items (pages) shown; ``theme_rank``: rank of the theme page
    among them (theme-name queries).
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

import yaml

QUERIES = Path(__file__).resolve().parent / "data" / "search_queries.yml"
KINDS = ("word", "subword", "phrase", "multi", "theme", "latin", "absent")


@dataclass
class Query:
    text: str
    kind: str


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = [Query(str(q["q"]), str(q["kind"])) for q in data["queries"]]
    bad = [q for q in queries if q.kind not in KINDS]
    assert not bad, f"{path}: unknown kind in {bad}; use one of {KINDS}"
    return queries


def _fold(text: str) -> str:
    # Width and case folding, as a user expects (ＧＤＰ = gdp = GDP).
    return unicodedata.normalize("NFKC", text).lower()


def terms(query: str) -> list[str]:
    """The query's terms: runs of letters and digits."""
    out, run = [], ""
    for ch in _fold(query):
        if unicodedata.category(ch)[0] in "LN":
            run += ch
        elif run:
            out.append(run)
            run = ""
    if run:
        out.append(run)
    return list(dict.fromkeys(out))


@dataclass
class Truth:
    speeches: set[str]
    passages: set[tuple[str, str]]


class CorpusText:
    """Text of every speech unit, by (speech id, anchor); '' is the title."""

    def __init__(self, corpus) -> None:
        self.units: dict[tuple[str, str], str] = {}
        self.leaves: set[tuple[str, str]] = set()
        self.slugs = {t.slug: t.name for t in corpus.themes}
        for speech in corpus.speeches:
            self.units[(speech.id, "")] = _fold(speech.title)
            for unit in speech.units:
                if unit.kind == "note":
                    continue
                self.units[(speech.id, unit.id)] = _fold(unit.text)
                if unit.kind != "section":
                    self.leaves.add((speech.id, unit.id))

    def holds(self, key: tuple[str, str], query: str) -> Optional[bool]:
        text = self.units.get(key)
        if text is None:
            return None
        return all(t in text for t in terms(query))

    def truth(self, query: str) -> Truth:
        passages = {k for k in self.leaves if self.holds(k, query)}
        speeches = {s for (s, _), text in self.units.items() if self.holds((s, _), query)}
        return Truth(speeches, passages)


@dataclass
class Outcome:
    query: Query
    groups: list[str]
    links: list[tuple[str, str]]
    meta: str
    seconds: float
    metrics: dict = field(default_factory=dict)


_SPEECH = re.compile(r"speeches/([^/]+?)(?:/|\.html)$")
_THEME = re.compile(r"themes/([^/]+?)(?:/|\.html)$")


def _key(href: str) -> tuple[str, str]:
    parts = urlsplit(href)
    return unquote(parts.path), unquote(parts.fragment)


_SIGNATURE = """() => {
  const meta = document.querySelector('.md-search-result__meta')
  const links = [...document.querySelectorAll('a.md-search-result__link')].map(a => a.href)
  return [meta ? meta.textContent : '', links.length, links.join(' ')].join('|')
}"""

_COLLECT = """() => {
  const items = [...document.querySelectorAll('li.md-search-result__item')]
  return {
    meta: (document.querySelector('.md-search-result__meta') || {}).textContent || '',
    groups: items.map(li => li.querySelector('a.md-search-result__link').href),
    links: items.flatMap(li => [...li.querySelectorAll('a.md-search-result__link')].map(a => a.href)),
    items: items.map(li => [...li.querySelectorAll('a.md-search-result__link')].map(a => a.href))
  }
}"""

_BUSY = ("键入以开始搜索", "正在初始化搜索引擎", "Initializing search")


def run_query(page, query: str, settle_s: float = 0.45, timeout_s: float = 15.0) -> tuple[dict, float]:
    """Type ``query`` into the open page's search box and collect every
    result (scrolling the list until material has rendered all of it).
    Returns the collected result and the seconds until the first result
    or the "no result" message."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    # An emptied box shows material's placeholder once it has processed the
    # empty query; only then can the list not be the previous query's.
    box.press("Backspace")
    page.wait_for_function(
        "() => (document.querySelector('.md-search-result__meta') || {}).textContent.includes('键入以开始搜索')"
        " && !document.querySelector('li.md-search-result__item')", timeout=timeout_s * 1000)
    start = time.monotonic()
    # Chinese arrives from an input method as one committed string; material
    # queries on keyup, hence insert + a key press.
    page.keyboard.insert_text(query)
    page.keyboard.press("End")
    first = None
    last, stable_since = None, time.monotonic()
    while time.monotonic() - start < timeout_s:
        sig = page.evaluate(_SIGNATURE)
        meta = sig.split("|", 1)[0]
        ready = meta and not any(b in meta for b in _BUSY)
        if ready and first is None and (sig.split("|")[1] != "0" or "没有" in meta):
            first = time.monotonic() - start
        if sig != last:
            last, stable_since = sig, time.monotonic()
        elif ready and time.monotonic() - stable_since >= settle_s:
            # Material renders 10 items, then more as the list scrolls.
            page.evaluate("() => { const w = document.querySelector('.md-search__scrollwrap');"
                          " if (w) w.scrollTop = w.scrollHeight }")
            page.wait_for_timeout(120)
            if page.evaluate(_SIGNATURE) == sig:
                break
        page.wait_for_timeout(60)
    return page.evaluate(_COLLECT), (first if first is not None else timeout_s)


def measure(page, query: Query, text: CorpusText) -> Outcome:
    """Run one query and score it against the corpus truth."""
    found, seconds = run_query(page, query.text)
    groups = [_key(h)[0] for h in found["groups"]]
    links = [_key(h) for h in found["links"]]
    out = Outcome(query, groups, links, found["meta"].strip(), seconds)
    truth = text.truth(query.text)
    speech_links = []
    for path, anchor in links:
        m = _SPEECH.search(path)
        if m:
            speech_links.append((m.group(1), anchor))
    result_speeches = {s for s, _ in speech_links}
    anchored = [(s, a) for s, a in speech_links if a]
    held = [text.holds(k, query.text) for k in anchored]
    held_known = [h for h in held if h is not None]
    # Per result group, whether each of its passage links holds the query.
    group_held = []
    for item in found.get("items", [[h] for h in found["links"]]):
        keys = [(m.group(1), a) for p, a in map(_key, item) if a and (m := _SPEECH.search(p))]
        group_held.append([h for h in (text.holds(k, query.text) for k in keys) if h is not None])

    def in_order(flags: list[bool]) -> bool:
        return all(not (a is False and b is True) for i, a in enumerate(flags) for b in flags[i + 1:])

    group_exact = [any(g) for g in group_held if g]
    metrics = {
        "expected_speeches": len(truth.speeches),
        "expected_passages": len(truth.passages),
        "speech_recall": (len(truth.speeches & result_speeches) / len(truth.speeches)) if truth.speeches else None,
        "passage_recall": (len(truth.passages & set(anchored)) / len(truth.passages)) if truth.passages else None,
        "first_exact": (held_known[0] if held_known else False) if truth.passages else None,
        "exact_first": in_order(group_exact) and all(in_order(g) for g in group_held),
        "exact_first_flat": in_order(held_known),
        "non_exact": sum(1 for h in held_known if h is False),
        "results": len(groups),
        "seconds": round(seconds, 3),
    }
    if query.kind == "theme":
        ranks = [i + 1 for i, g in enumerate(groups)
                 if (m := _THEME.search(g)) and text.slugs.get(m.group(1)) == query.text]
        metrics["theme_rank"] = ranks[0] if ranks else len(groups) + 1000
    out.metrics = metrics
    return out


def summary(outcomes: list[Outcome]) -> dict:
    """Aggregate figures over a run (means over the queries they apply to)."""
    def mean(key):
        vals = [o.metrics[key] for o in outcomes if o.metrics.get(key) is not None]
        return round(sum(float(v) for v in vals) / len(vals), 3) if vals else None

    def share(key, ok):
        vals = [o.metrics.get(key) for o in outcomes if o.metrics.get(key) is not None]
        return f"{sum(1 for v in vals if ok(v))}/{len(vals)}"

    absent = [o for o in outcomes if o.query.kind == "absent"]
    return {
        "queries": len(outcomes),
        "speech_recall": mean("speech_recall"),
        "passage_recall": mean("passage_recall"),
        "all_speeches_found": share("speech_recall", lambda v: v == 1.0),
        "all_passages_found": share("passage_recall", lambda v: v == 1.0),
        "first_hit_exact": share("first_exact", bool),
        "exact_before_partial": share("exact_first", bool),
        "exact_before_partial_flat": share("exact_first_flat", bool),
        "non_exact_links": sum(o.metrics["non_exact"] for o in outcomes if o.query.kind != "absent"),
        "absent_with_results": f"{sum(1 for o in absent if o.metrics['results'])}/{len(absent)}",
        "theme_page_in_top3": share("theme_rank", lambda v: v <= 3),
        "median_seconds": round(sorted(o.seconds for o in outcomes)[len(outcomes) // 2], 3) if outcomes else None,
    }
