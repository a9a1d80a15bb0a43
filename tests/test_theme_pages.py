"""Pages of a large corpus: theme pages are split by period (and numbered
pages) with every passage on exactly one page and every link finding it;
the speeches leave the nav for the speech index.

The real seeds are laid out with a lowered page limit, so the split is
exercised on real passages; the 50-speech benchmark build (test_bench.py)
checks the same through mkdocs at the real limit.
"""

from __future__ import annotations

import re

import pytest

from build_scripts import generated, layout as layout_module, page_lists, pages, urls
from build_scripts.layout import Site
from build_scripts.model import LEAF_KINDS, PART

LIMIT = 8


@pytest.fixture(scope="module")
def split(corpus):
    return generated.render_pages(corpus, theme_page_limit=LIMIT)


def _anchors(markdown: str) -> list[str]:
    """Ids on a page: given with attr_list ({: #id …} or { #id }) or on an
    HTML block (pages.html_block)."""
    return re.findall(r"\{:? #([^\s}]+)", markdown) + \
        [m[2] for m in map(pages.HTML_BLOCK_START.match, markdown.splitlines()) if m and m[2]]


def test_the_five_seeds_need_no_split(corpus):
    site = Site(corpus)
    assert all(not layout.subpages for layout in site.layouts.values())
    rendered = generated.render_pages(corpus)
    assert not [p for p in rendered if re.fullmatch(r"themes/[^/]+/.+\.md", p)]
    assert generated.nav(corpus)[2] == {"主题": ["themes/index.md"] + [{t.name: f"themes/{t.slug}.md"}
                                                                  for t in corpus.themes]}


def test_every_tagged_passage_is_on_exactly_one_subpage(corpus, split):
    site = Site(corpus, LIMIT)
    for theme in corpus.themes:
        layout = site.layouts[theme.name]
        assert layout.subpages, f"{theme.name}: {layout.entries} entries were not split at {LIMIT}"
        found: dict[str, list[str]] = {}
        for sub in layout.subpages:
            for anchor in _anchors(split[sub.path]):
                found.setdefault(anchor, []).append(sub.path)
            entries = sum(len(s) + len(l) for _, s, l in sub.groups)
            assert entries <= LIMIT or len(sub.groups) == 1, f"{sub.path}: {entries} entries"
        for speech in corpus.speeches:
            for unit in speech.units:
                if theme.name in unit.themes and (unit.kind in LEAF_KINDS or unit.kind == PART):
                    anchor = f"{speech.id}-{unit.id}"
                    assert len(found.get(anchor, [])) == 1, f"{theme.name}: #{anchor} on {found.get(anchor)}"
                    assert found[anchor] == [layout.page_of[speech.id]]
        # The overview has no passages, only the periods with counts and
        # a link to every sub-page.
        overview = split[urls.theme_path(theme)]
        assert not [a for a in _anchors(overview) if a.startswith(tuple(s.id for s in corpus.speeches))]
        for sub in layout.subpages:
            assert f"]({sub.path.removeprefix('themes/')})" in overview, sub.path
        leaves = sum(len(l) for _, _, l in layout.groups)
        counted = sum(int(n) for n in re.findall(r"^\| [^|]+ \| \d+ \| (\d+) \|", overview, re.M))
        assert counted == leaves


def test_speech_page_links_go_to_the_subpage_holding_the_passage(corpus, split):
    # Markdown links (the speech index) and HTML-block links (badges).
    link_re = re.compile(r'(?:\]\(|href=")\.\./(themes/[^)#"]+\.md)#([^)"]+)[)"]')
    checked = 0
    for speech in corpus.speeches:
        for path, anchor in link_re.findall(split[f"speeches/{speech.id}.md"]):
            assert re.fullmatch(r"themes/[a-z0-9-]+/[a-z0-9-]+\.md", path), path
            assert anchor in _anchors(split[path]), f"{speech.id}: #{anchor} not on {path}"
            checked += 1
    for path, anchor in link_re.findall(split["speeches/index.md"]):
        assert anchor in _anchors(split[path]), f"speech index: #{anchor} not on {path}"
        checked += 1
    assert checked > 50


def test_subpages_link_back_and_to_each_other(corpus, split):
    site = Site(corpus, LIMIT)
    numbered = [sub for layout in site.layouts.values() for sub in layout.subpages if sub.pages_in_period > 1]
    assert numbered, "no period needed more than one page at this limit"
    for layout in site.layouts.values():
        for sub in layout.subpages:
            md = split[sub.path]
            assert f"(../{layout.theme.slug}.md)" in md
            for speech, _, _ in sub.groups:
                assert f'href="../../speeches/{speech.id}.md"' in md  # 阅读全文
            if sub.pages_in_period > 1:
                for other in layout.subpages:
                    if other.period == sub.period and other is not sub:
                        assert f"]({other.path.rsplit('/', 1)[-1]})" in md


def test_split_nav_lists_the_first_page_of_every_period(corpus):
    nav = generated.nav(corpus, LIMIT)
    themes = nav[2]["主题"][1:]
    site = Site(corpus, LIMIT)
    for entry, theme in zip(themes, corpus.themes):
        children = entry[theme.name]
        assert children[0] == f"themes/{theme.slug}.md"
        subpages = site.layouts[theme.name].subpages
        assert children[1:] == [{s.period: s.path} for s in subpages if s.number == 1]
        assert len({s.period for s in subpages}) == len(children) - 1
    # Numbered pages are left out of the nav (the plugin marks them so).
    listed = generated.nav_pages(nav)
    assert [s.path for layout in site.layouts.values() for s in layout.subpages if s.path not in listed]


def test_periods_follow_the_estimated_period(corpus):
    speech = next(s for s in corpus.speeches if s.id == "002_3520ac743f25e09c")  # 2017–2020
    assert layout_module.period_of(speech)[0] == "2017"
    speech = next(s for s in corpus.speeches if s.id == "001_0c6b4164099d1db5")  # 2009
    assert layout_module.period_of(speech)[0] == "2007"


def test_a_large_corpus_lists_speeches_in_the_index_not_the_nav(corpus, monkeypatch):
    full = generated.nav(corpus)
    assert {f"speeches/{s.id}.md" for s in corpus.speeches} <= generated.nav_pages(full)
    monkeypatch.setattr(generated, "NAV_MAX_SPEECHES", 3)
    nav = generated.nav(corpus)
    assert nav[1] == {"讲话": ["speeches/index.md"]}
    listed = generated.nav_pages(nav)
    assert not [p for p in listed if p.startswith("speeches/") and p != "speeches/index.md"]
    # Every speech is still one click away, from the speech index.
    index = page_lists.render_speech_index(Site(corpus))
    for speech in corpus.speeches:
        assert f'<a href="{speech.id}.md">' in index
