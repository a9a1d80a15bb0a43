"""The speech list at any corpus size (build_scripts/page_lists.py,
facets.list_data), without a browser: the list page carries one page of
rows whatever the corpus, the data file every row, and the plain pages by
period every speech exactly once.  Large corpora are the real seeds
copied under new ids (the rows' content does not matter here, their
number does).  The browser side is in test_lists_browser.py and
test_kbjs.py."""

from __future__ import annotations

import dataclasses
import json
import re

from build_scripts import compilation, facets, page_lists, urls
from build_scripts.layout import Site
from build_scripts.model import Corpus

ROW = re.compile(r"^<tr><td><a href=\"([^\"]+)\">", re.M)


def scaled(corpus: Corpus, n: int) -> Corpus:
    """``corpus`` with ``n`` speeches: its own, then copies under new ids."""
    speeches = [dataclasses.replace(s, id=f"{s.id}-c{i}") if i else s
                for i in range(-(-n // len(corpus.speeches))) for s in corpus.speeches][:n]
    return Corpus(corpus.themes, speeches)


def rendered(corpus: Corpus) -> dict[str, str]:
    return dict(page_lists.speech_list(Site(corpus)))


def data_of(files: dict[str, str]) -> dict:
    script = files[urls.SPEECH_LIST_DATA]
    prefix = f"window.{page_lists.LIST_DATA_GLOBAL} = "
    body = script[script.index(prefix) + len(prefix):]
    assert body.endswith(";\n")
    return json.loads(body[:-2])


def plain_pages(files: dict[str, str]) -> dict[str, str]:
    return {p: md for p, md in files.items() if p.startswith("speeches/index/")}


def test_the_list_page_does_not_grow_with_the_corpus(corpus):
    sizes = {}
    for n in (page_lists.LIST_FIRST_ROWS + 1, 1_000, 4_000):
        files = rendered(scaled(corpus, n))
        page = files[urls.SPEECH_LIST]
        assert len(ROW.findall(page)) == page_lists.LIST_FIRST_ROWS
        # The page without its rows (whose text depends on which speeches
        # are newest): what could grow with the corpus.
        sizes[n] = len(re.sub(r"^<tr>.*</tr>$", "", page, flags=re.M).encode("utf-8"))
        # Every row is in the data; every plain page holds at most a page.
        assert len(data_of(files)["rows"]) == n
        assert all(len(ROW.findall(md)) <= page_lists.LIST_PAGE_ROWS for md in plain_pages(files).values())
    # Only the links to the plain pages grow: ~60 bytes per 200 speeches.
    assert sizes[4_000] - sizes[page_lists.LIST_FIRST_ROWS + 1] < 2_000, sizes
    assert sizes[4_000] < 5_000, sizes


def test_plain_pages_hold_every_speech_once_newest_first(corpus):
    big = scaled(corpus, 2 * page_lists.LIST_PAGE_ROWS + 150)
    files = rendered(big)
    pages = plain_pages(files)
    linked = []
    for path, md in sorted(pages.items(), key=lambda kv: _page_order(kv[0])):
        rows = ROW.findall(md)
        assert rows, path
        linked += [urls.relative(urls.SPEECH_LIST, _resolve(path, href)) for href in rows]
    assert sorted(linked) == sorted(f"{s.id}.md" for s in big.speeches)
    # Newest first, period by period, as the list and its first page.
    order = [s.id for s in page_lists._newest_first(big.speeches)]
    assert [x[:-3] for x in linked] == order
    first = [x for x in ROW.findall(files[urls.SPEECH_LIST])]
    assert first == [f"{i}.md" for i in order[:page_lists.LIST_FIRST_ROWS]]
    # The list page links every plain page; each plain page links the list.
    for path in pages:
        assert f"({urls.relative(urls.SPEECH_LIST, path)})" in files[urls.SPEECH_LIST]
        assert f"({urls.relative(path, urls.SPEECH_LIST)})" in pages[path]
    # A period with more than a page is numbered: <slug>, <slug>-2, ...
    assert any(re.search(r"/[\w-]+-2\.md$", p) for p in pages), sorted(pages)


def _page_order(path: str) -> tuple[int, int]:
    name = path.rsplit("/", 1)[-1][:-3]
    slug, _, number = name.rpartition("-") if re.search(r"-\d+$", name) else (name, "", "1")
    slugs = [s for _, s in facets.PERIOD_LABELS]
    return slugs.index(slug), int(number)


def _resolve(page: str, href: str) -> str:
    import posixpath

    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def test_a_small_list_is_one_page(corpus):
    files = rendered(corpus)
    assert set(files) == {urls.SPEECH_LIST, urls.SPEECH_LIST_DATA}
    page = files[urls.SPEECH_LIST]
    assert len(ROW.findall(page)) == len(corpus.speeches)
    assert "kb-list-pages" not in page


def test_the_data_has_each_rows_facets_and_links(corpus):
    site = Site(corpus)
    files = rendered(corpus)
    data = data_of(files)
    assert data["format"] == facets.LIST_DATA_FORMAT and data["columns"] == list(facets.LIST_COLUMNS)
    col = {name: i for i, name in enumerate(data["columns"])}
    speeches = page_lists._newest_first(corpus.speeches)
    assert len(data["rows"]) == len(speeches)
    order = [t.name for t in corpus.themes]
    for speech, row in zip(speeches, data["rows"]):
        facts = facets.speech_row(speech, order)
        assert row[col["href"]] == urls.relative(urls.SPEECH_LIST, urls.speech_path(speech))
        assert row[col["title"]] == speech.title
        assert data["places"][row[col["place"]]] == facts["data-kb-place"]
        assert data["occasions"][row[col["occasion"]]] == facts["data-kb-occasion"]
        assert data["periods"][row[col["period"]]] == facts["data-kb-period"]
        assert data["plans"][row[col["plan"]]] == facts["data-kb-plan"]
        assert row[col["when"]] == compilation.when(speech)
        assert row[col["years"]] == facts["data-kb-years"]
        assert str(row[col["length"]]) == facts["data-kb-length"]
        year = compilation.year(speech)
        assert (row[col["year"]] is None) == (year is None) and (year is None or row[col["year"]] == year)
        pairs = row[col["themes"]]
        themes = [data["themes"][i] for i in pairs[0::2]]
        assert themes == site.ordered(speech.themes)
        assert [data["links"][i] for i in pairs[1::2]] == [
            urls.relative(urls.SPEECH_LIST, site.theme_page_of(corpus.theme(t), speech)) for t in themes]
        assert row[col["anchor"]] == urls.theme_anchor(speech)


def test_the_list_names_its_data_with_a_digest(corpus):
    files = rendered(corpus)
    src = re.search(r'data-kb-list-data="([^"]+)"', files[urls.SPEECH_LIST])[1]
    assert src.startswith("index.js?v=")
    other = rendered(Corpus(corpus.themes, corpus.speeches[:-1]))
    assert re.search(r'data-kb-list-data="([^"]+)"', other[urls.SPEECH_LIST])[1] != src


def test_the_list_is_deterministic(corpus):
    big = scaled(corpus, 450)
    assert rendered(big) == rendered(scaled(corpus, 450))
