"""Theme pages (``urls.theme_path``): every passage tagged with a theme, by
speech, with its evidence highlighted; for a split theme
(``layout.ThemeLayout``) an overview by period and a page per period
(``urls.theme_subpage_path``)."""

from __future__ import annotations

import re
from typing import Iterator, Optional

from . import compilation, facets, urls
from .layout import KIND_LABEL, Group, Site, ThemeLayout, ThemeSubpage, counts, location
from .model import PART, Theme, Unit
from .pages import (Html, Md, escape, front_matter, highlight, html_block, link, num, page, paragraphs, passage_block,
                    token, unit_body)
from .tagger import order_key

_READ_ME = "高亮的词语是判定主题的证据；长段落只列出含证据的句子（……为略去的部分）；点击位置链接回到讲话原处，阅读全段。"


def pages(site: Site) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) of every theme page and sub-page."""
    for theme in site.corpus.themes:
        yield urls.theme_path(theme), render_theme(site, theme)
        layout = site.layouts[theme.name]
        for sub in layout.subpages:
            yield sub.path, render_theme_subpage(site, layout, sub)


def render_theme(site: Site, theme: Theme) -> str:
    """The Markdown of one theme page: downloads, a count per period, then
    every tagged passage, by speech, newest speech first (kb.js switches
    the order and filters by period); or, for a split theme, its periods
    with counts and links to the sub-pages."""
    corpus = site.corpus
    path = urls.theme_path(theme)
    layout = site.layouts[theme.name]
    groups = layout.groups
    n_parts, n_passages = counts(groups)
    others = Md(" · ").join(Md("[{}]({})").format(t.name, token(urls.relative(path, urls.theme_path(t))))
                            for t in corpus.themes if t is not theme)
    lines = [Md(""), Md("# {}").format(theme.name), Md(""),
             escape(theme.description), Md("{: .kb-theme-description }"), Md(""),
             Md("共 **{}** 个段落/要点、**{}** 个部分，出自 **{}** 篇讲话（全库 {} 篇）。{}").format(
                 n_passages, n_parts, len(groups), len(corpus.speeches), _READ_ME), Md(""),
             Md("其他主题：{}").format(others), Md("{: .kb-other-themes data-search-exclude }"), Md("")]
    if layout.subpages:
        return page(front_matter(theme.name), lines + _periods(layout))
    if groups:
        lines += _downloads(theme, path)
    if groups:
        lines += _period_strip(theme, groups, path)
    for group in newest_first(groups):
        lines += _theme_group(site, theme, group, path)
    if not groups:
        lines += [Md("目前没有段落被标注为此主题。"), Md("")]
    return page(front_matter(theme.name), lines)


def newest_first(groups: list[Group]) -> list[Group]:
    """``groups`` by their speech's year (``compilation.year``), newest
    first; undated speeches last, in corpus order."""
    return sorted(groups, key=lambda g: (compilation.year(g.speech) is None, -(compilation.year(g.speech) or 0)))


def _downloads(theme: Theme, path: str) -> list[Md]:
    """Links to the theme's 专题汇编 (.docx) and its table (.csv), made at
    build time (``compilation``)."""
    word = urls.relative(path, urls.download_path(theme, "docx"))
    table = urls.relative(path, urls.download_path(theme, "csv"))
    return [Md("下载本主题：[专题汇编（Word）]({}) · [表格（CSV）]({})　每段附出处和链接，讲话按时间排列。").format(
                token(word), token(table)),
            Md("{: .kb-downloads data-search-exclude }"), Md("")]


def _period_strip(theme: Theme, groups: list[Group], path: str) -> list[Md]:
    """A line of the theme's speeches and passages per congress period
    (``facets.congress_period``), newest first; each filters the page
    (kb.js) and has the period's 专题汇编."""
    by_period: dict[str, list[Group]] = {}
    for g in groups:
        by_period.setdefault(facets.congress_period(g.speech), []).append(g)
    items = [Md('<a href="?period={0}" data-kb-period-filter="">全部</a> {1} 篇').format(Html(""), len(groups))]
    for label, slug in facets.PERIOD_LABELS:
        found = by_period.get(label)
        if not found:
            continue
        word = urls.relative(path, urls.download_path(theme, "docx", slug))
        # The Word link is Markdown: mkdocs turns the docs path into a URL.
        items.append(Md('<a href="?period={0}" data-kb-period-filter="data-kb-period={0}">{1}</a> {2} 篇 {3} 段'
                        ' [Word]({4})').format(Html.escape(label), label, len(found), counts(found)[1], token(word)))
    return [Md("按时期：") + Md(" · ").join(items), Md("{: .kb-period-strip data-search-exclude }"), Md("")]


def _periods(layout: ThemeLayout) -> list[Md]:
    """The overview of a split theme: a row per period with its counts and
    pages."""
    path = urls.theme_path(layout.theme)
    lines = [Md("## 按时期查阅 { #periods }"), Md(""),
             Md("本主题段落较多，按讲话的估计时期分页（每页至多 {} 条）。"
                "时期由正文中的时代线索（如“十二五”“十九大”）估计，见各讲话页的“估计时期”。"
                "每个时期的专题汇编可下载为 Word 和 CSV 表格（zip 压缩），每段附出处和链接，讲话按时间排列。").format(
                 layout.limit), Md(""),
             Md("| 时期 | 讲话 | 段落/要点 | 部分 | 页面 | 下载 |"), Md("| --- | --- | --- | --- | --- | --- |")]
    periods: dict[str, list[ThemeSubpage]] = {}
    for sub in layout.subpages:
        periods.setdefault(sub.period, []).append(sub)
    for period, subs in periods.items():
        groups = [g for sub in subs for g in sub.groups]
        links = Md(" · ").join(Md("[{}]({})").format("查看" if len(subs) == 1 else f"第{sub.number}页",
                                                     token(urls.relative(path, sub.path))) for sub in subs)
        n_parts, n_passages = counts(groups)
        lines.append(Md("| {} | {} | {} | {} | {} | {} |").format(
            period, len(groups), n_passages, n_parts, links, _period_downloads(layout.theme, path, subs[0])))
    return lines + [Md("")]


def _period_downloads(theme: Theme, path: str, sub: ThemeSubpage) -> Md:
    """Links from ``path`` to the Word document and the zipped CSV of
    ``sub``'s period (``downloads``)."""
    slug = sub.slug
    return Md("[Word]({}) · [CSV]({})").format(token(urls.relative(path, urls.download_path(theme, "docx", slug))),
                                              token(urls.relative(path, urls.download_path(theme, "csv.zip", slug))))


def render_theme_subpage(site: Site, layout: ThemeLayout, sub: ThemeSubpage) -> str:
    """The Markdown of one page of a split theme: its speeches' passages,
    as on an unsplit theme page, with links to the other pages."""
    theme = layout.theme
    title = f"{theme.name} · {sub.label}"
    n_parts, n_passages = counts(sub.groups)
    siblings = [s for s in layout.subpages if s.period == sub.period]
    nav_links = [Md("[← {}：全部时期]({})").format(theme.name, token(urls.relative(sub.path, urls.theme_path(theme))))]
    if len(siblings) > 1:
        nav_links.append(Md("本时期各页：") + Md(" ").join(
            Md("**{}**").format(s.number) if s is sub else
            Md("[{}]({})").format(s.number, token(urls.relative(sub.path, s.path))) for s in siblings))
    lines = [Md(""), Md("# {}").format(title), Md(""),
             Md(" · ").join(nav_links), Md("{: .kb-other-themes data-search-exclude }"), Md(""),
             Md("本页 **{}** 个段落/要点、**{}** 个部分，出自 **{}** 篇讲话（本主题共 {} 篇）。{}").format(
                 n_passages, n_parts, len(sub.groups), len(layout.groups), _READ_ME), Md(""),
             Md("下载本时期的专题汇编：") + _period_downloads(theme, sub.path, sub) + Md("（CSV 为 zip 压缩）"),
             Md("{: .kb-downloads data-search-exclude }"), Md("")]
    for group in newest_first(sub.groups):
        lines += _theme_group(site, theme, group, sub.path)
    return page(front_matter(title), lines)


def _theme_group(site: Site, theme: Theme, group: Group, path: str) -> list[Md]:
    """One speech's entries on the theme page (or sub-page) at ``path``:
    its heading carries ``facets.group`` (kb.js orders and filters by
    it), its facts line the speech's citation (``facets.speech_source``),
    each passage ``facets.passage``."""
    speech = group.speech
    speech_page = urls.speech_path(speech)
    m = speech.meta
    facts = [v for v in (compilation.place(speech), m.congress.value if m.congress else "", compilation.when(speech)) if v]
    attrs = Md(" ").join(Md('{}="{}"').format(token(k), _attr_value(v)) for k, v in facets.group(speech).items())
    lines = [Md("## {} {{ #{} {} }}").format(speech.title, token(urls.theme_anchor(speech)), attrs), Md(""),
             # The speech's citation, once for all its passages below (kb.js
             # looks for it on a passage's preceding siblings).
             html_block("p", Md("{} · {}").format(" · ".join(facts), link(urls.relative(path, speech_page), "阅读全文")),
                        "kb-speech-facts", data=facets.speech_source(speech)), Md("")]
    # Passages are grouped under their part (or under 开场/结束语).
    blocks: dict[str, list] = {}
    for u in group.passages:
        blocks.setdefault(u.parent or u.kind, []).append(u)
    order = [u.id for u in speech.units if u.kind == PART]
    keys = [k for k in ("salutation", "intro") if k in blocks] + \
           [k for k in order if k in blocks or any(s.id == k for s in group.parts)] + \
           [k for k in ("paragraph", "closing") if k in blocks]
    for key in keys:
        part = next((u for u in speech.units if u.id == key and u.kind == PART), None)
        if part is not None:
            lines += [_part_heading(part.heading or "", urls.theme_anchor(speech, part)), Md("")]
            tag = part.tag(theme.name)
            if tag:
                lines += [html_block("p", Md("本部分整体涉及此主题（得分 {}；证据：{}）· {}").format(
                    num(tag.score), "、".join(tag.terms[:10]),
                    link(urls.relative(path, speech_page, part.id), location(speech, part))),
                    "kb-section-note", search=False), Md("")]
        else:
            lines += [_part_heading(KIND_LABEL.get(key, key), f"{urls.theme_anchor(speech)}-{key}"), Md("")]
        # Passages mainly about the theme first (tagger.order_key).
        for u in sorted(blocks.get(key, []), key=lambda unit: order_key(unit, theme.name)):
            tag = u.tag(theme.name)
            # No data-kb-href: kb.js takes the passage's link on its
            # speech page from the kb-passage-meta line below it; the
            # citation is on the speech's facts line above.
            data = facets.passage(speech, u)
            body = excerpt_body(u, tag.terms)
            lines.append(passage_block(body or unit_body(u, tag.terms), "kb-passage", urls.theme_anchor(speech, u),
                                       data))
            # The evidence is the passage's highlighted words (<mark>).
            lines += [html_block("p", Md("{}{} · 得分 {}").format(
                link(urls.relative(path, speech_page, u.id), f"{location(speech, u)} ↩"),
                Md(" · 节选，全段见讲话页") if body else Md(""), num(tag.score)), "kb-passage-meta", search=False),
                Md("")]
    return lines


#: A passage is shown whole on a theme page up to this many characters, or
#: when the sentences holding its evidence are at least ``EXCERPT_KEEP`` of
#: it; otherwise those sentences only (``excerpt_body``).
EXCERPT_MIN_CHARS = 160
EXCERPT_KEEP = 0.7
#: A sentence: up to and with its closing marks (and a closing quote).
_SENTENCE = re.compile(r"[^。！？；]*[。！？；]+[”’」』）)]*|[^。！？；]+")
GAP = "……"


def excerpt_body(unit: Unit, terms: list[str]) -> Optional[list[Md]]:
    """The sentences of a long passage that hold ``terms`` (its evidence
    for the theme), in order, ``……`` where sentences are left out, the
    terms in ``<mark>``; a sub-point's heading is always kept, in bold.
    ``None`` when the passage reads better whole (``EXCERPT_MIN_CHARS``,
    ``EXCERPT_KEEP``).  A theme page lists every passage of the theme side
    by side, and most of a long passage is about something else: the
    sentences about the theme read as the comparison, the whole passage is
    one link away on its speech page (and in the downloads), and the page
    no longer copies every speech's text a second time."""
    if len(unit.text) <= EXCERPT_MIN_CHARS or not terms:
        return None
    found = [t for t in terms if t]
    # (paragraph, [(text, keep, bold)]) with a sub-point's heading a
    # segment of its own.
    paras = []
    for i, para in enumerate(paragraphs(unit.text)):
        segments = []
        if i == 0 and unit.kind == "subpoint" and unit.heading and para.startswith(unit.heading):
            cut = len(unit.heading)
            while cut < len(para) and para[cut] in "。！？；：，":
                cut += 1
            segments.append((para[:cut], True, True))
            para = para[cut:]
        segments += [(m.group(), any(t in m.group() for t in found), False) for m in _SENTENCE.finditer(para)]
        paras.append(segments)
    kept = sum(len(text) for segments in paras for text, keep, _ in segments if keep)
    if kept >= EXCERPT_KEEP * len(unit.text) or not any(keep and not bold for segs in paras for _, keep, bold in segs):
        return None
    out: list[Md] = []
    gap = False
    for segments in paras:
        pieces: list[Md] = []
        for text, keep, bold in segments:
            if not keep:
                gap = True
                continue
            if gap:
                pieces.append(Md(GAP))
            gap = False
            marked = Md(highlight(text, found))
            pieces.append(Md("<strong>{}</strong>").format(marked) if bold else marked)
        if pieces:
            out.append(Md("").join(pieces))
    if gap and out:
        out[-1] = out[-1] + Md(GAP)
    return out


def _part_heading(text: str, anchor: str) -> Md:
    """The heading of a part (or of 开场/结束语) inside a speech's group:
    an ``<h3>`` in an HTML block, so that the page's table of contents —
    rendered twice into every page, in the sidebar and in the phone's
    menu — lists the speeches only (their parts made it several times
    longer); ``anchor`` is on the block."""
    return html_block("div", Md("<h3>{}</h3>").format(text), "kb-part-head", anchor)


def _attr_value(value: str) -> Md:
    """A value of our own (a period label, a year, an id) for an attr_list
    attribute ``{ key="value" }``, which takes it literally: it must hold
    nothing that attr_list or HTML would read otherwise."""
    if re.search(r'["{}<>&\\\n]', value):
        raise ValueError(f"not a plain attribute value: {value!r}")
    return Md(value)
