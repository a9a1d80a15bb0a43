"""Render the corpus model into Markdown pages (mkdocs-material flavour).

Returns a mapping of docs-relative path → Markdown; the mkdocs hook turns
each into a virtual file.  Speech text is untrusted: every piece of it goes
through ``escape`` (HTML-escaped, Markdown punctuation as character
references), so nothing in a speech can add markup, links or scripts.

Pages:
    index.md              home: what the knowledge base holds, theme cards
    speeches/index.md     table of speeches
    speeches/<id>.md      one speech: metadata, theme summary, structured
                          text with theme badges, notes, original
    themes/index.md       the themes with counts
    themes/<slug>.md      every passage tagged with the theme, by speech; for a
                          theme of more than THEME_PAGE_MAX_ENTRIES passages,
                          its periods with counts and links to
    themes/<slug>/<period>[-<n>].md   the passages of one period (a page)
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote

from .cleaner import PLACEHOLDER
from .model import LEAF_KINDS, Corpus, Speech, Theme, Unit
from .splitter import to_chinese_numeral

#: ASCII punctuation that Markdown or its extensions (attr_list, tables,
#: pymdownx inline syntaxes, Jinja-like macros) give meaning to.  Each is
#: written as a numeric character reference, which renders as the same
#: character but is never parsed as syntax.
_MD_SPECIAL = "\\`*_{}[]()#+-.!|~^=:%$@"
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in _MD_SPECIAL}
_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#39;"})

KIND_LABEL = {"salutation": "称呼", "intro": "开场", "section": "部分", "subpoint": "要点",
              "paragraph": "段落", "closing": "结束语", "note": "附注"}


def escape(text: str) -> str:
    """Speech text → inline Markdown that renders exactly as ``text``.

    Placeholders (××) are wrapped in a span so they show as redactions.
    """
    out = text.translate(_ESCAPES)
    return out.replace(PLACEHOLDER, f'<span class="kb-ph" title="原文中的占位符">{PLACEHOLDER}</span>')


def html_text(text: str) -> str:
    """Text for a page title or nav title: the theme's templates insert
    those into the HTML unescaped (mkdocs' Jinja has no autoescape), so a
    speech title ``<img onerror=…>`` would run.  Escaped, it shows as typed."""
    return html.escape(text, quote=False)


def highlight(text: str, terms: list[str]) -> str:
    """``escape(text)`` with every occurrence of ``terms`` in ``<mark>``.

    Longer terms win where terms overlap (合法权益 over 权益); among terms
    of the same length the leftmost match wins.  Time is linear in
    ``len(text)`` for each term (plus sorting the matches): each match is
    checked against the characters already marked, never against the
    other matches.
    """
    by_length: dict[int, list[str]] = {}
    for term in set(terms):
        if term:
            by_length.setdefault(len(term), []).append(term)
    # taken[i] is 1 where an accepted match covers text[i].
    taken = bytearray(len(text))
    spans: list[tuple[int, int]] = []
    for length in sorted(by_length, reverse=True):
        found = sorted((m.start(), term) for term in by_length[length] for m in re.finditer(re.escape(term), text))
        for s, _ in found:
            e = s + length
            if taken.find(1, s, e) < 0:
                taken[s:e] = b"\x01" * length
                spans.append((s, e))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)


#: The first line of an HTML block in generated Markdown: one whole element
#: (a passage's paragraph, or the original text in ``<details>``) that
#: ends on the first line ending in its closing tag.  Python-Markdown would
#: give such a block to its HTML-block parser and then run nothing on it;
#: the hook's ``rawhtml`` extension recognises it by this pattern and
#: stores it as it is, which skips that parser (the passages are most of a
#: large site's text).  Either way the page's HTML is the same (but for
#: blank lines between blocks), so the Markdown stays valid without it.
#: Speech text is escaped (no ``<``), so only this module writes such lines
#: and closing tags.
HTML_BLOCK_START = re.compile(r'<(p|details) class="kb-[^"<>]*"(?: id="([^"<>]*)")?(?: data-search-exclude)?>')


def html_block(tag: str, inner: str, classes: str, id: Optional[str] = None, search: bool = True) -> str:
    """The element ``<tag class=… id=…>inner</tag>`` as an HTML block (see
    ``HTML_BLOCK_START``).  ``inner`` is HTML (escaped text, and links
    from ``link``); only inside a ``<pre>`` may it hold line breaks.
    ``id`` and ``classes`` are ASCII tokens.  ``search`` False marks the
    element ``data-search-exclude`` (material's search skips it)."""
    ident = f' id="{id}"' if id else ""
    exclude = "" if search else " data-search-exclude"
    return f'<{tag} class="{classes}"{ident}{exclude}>{inner}</{tag}>'


def link(target: str, inner: str, classes: str = "", attrs: str = "") -> str:
    """An ``<a>`` for an HTML block: ``target`` is a page's Markdown path
    relative to this page, as in a Markdown link (``../themes/x.md#a``);
    the hook turns it into the page's URL, as mkdocs does for Markdown
    links, and validates it.  ``attrs`` (escaped) follow ``href``."""
    css = f' class="{classes}"' if classes else ""
    return f'<a{css} href="{html.escape(target)}"{attrs}>{inner}</a>'


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


#: A theme page holds at most this many entries (tagged passages plus part
#: notes).  A larger theme is split into a page per period, and a period
#: with more entries into numbered pages.  An entry is ~2 KB of HTML
#: (measured with benchmarks/bench.py), so a page stays well under 1 MB
#: with room for the navigation.
THEME_PAGE_MAX_ENTRIES = 200

#: The periods of a split theme, newest first: (URL slug, label, first
#: year).  They follow the Party congresses that date the speeches'
#: vocabulary (十七大 Oct 2007, 十八大 Nov 2012, 十九大 Oct 2017, 二十大
#: Oct 2022; see data/period_clues.yml).  A speech belongs to the period
#: holding the middle of its estimated period.
PERIODS = (("2022", "二十大以来（2022年起）", 2022.8),
           ("2017", "十九大至二十大（2017–2022）", 2017.8),
           ("2012", "十八大至十九大（2012–2017）", 2012.85),
           ("2007", "十七大至十八大（2007–2012）", 2007.8),
           ("before-2007", "十七大以前", float("-inf")))
UNDATED = ("undated", "时期不详")

#: One speech's entries on a theme page: (speech, tagged parts, tagged leaves).
Group = tuple[Speech, list[Unit], list[Unit]]


@dataclass
class ThemeSubpage:
    """One page of a split theme: the speeches of one period (or of one
    numbered slice of it)."""

    path: str
    period: str
    number: int
    groups: list[Group]
    pages_in_period: int = 1

    @property
    def label(self) -> str:
        return self.period + (f" · 第{self.number}页" if self.pages_in_period > 1 else "")


@dataclass
class ThemeLayout:
    """Where a theme's passages are: its groups, and its sub-pages if it is
    split (else ``subpages`` is empty and all is on the theme page)."""

    theme: Theme
    groups: list[Group]
    subpages: list[ThemeSubpage]
    page_of: dict[str, str]
    limit: int = THEME_PAGE_MAX_ENTRIES

    @property
    def entries(self) -> int:
        return sum(_counts(self.groups))


def _period_of(speech: Speech) -> tuple[str, str]:
    m = speech.meta
    if m is None or m.period_start is None or m.period_end is None:
        return UNDATED
    middle = (m.period_start + m.period_end) / 2
    return next((slug, label) for slug, label, first in PERIODS if middle >= first)


def theme_layout(corpus: Corpus, theme: Theme, limit: Optional[int] = None) -> ThemeLayout:
    """Group ``theme``'s passages by speech and, if there are more than
    ``limit`` entries (default ``THEME_PAGE_MAX_ENTRIES``), lay them out
    on sub-pages ``themes/<slug>/<period>[-<n>].md`` by period, each with at
    most ``limit`` entries (a speech is never divided; one with more
    entries than ``limit`` has a page to itself)."""
    limit = THEME_PAGE_MAX_ENTRIES if limit is None else limit
    groups: list[Group] = []
    for speech in corpus.speeches:
        secs, leaves = tagged_units(speech, theme)
        if secs or leaves:
            groups.append((speech, secs, leaves))
    layout = ThemeLayout(theme, groups, [], {}, limit)
    if layout.entries <= limit:
        return layout
    by_period: dict[str, list[Group]] = {}
    for group in groups:
        by_period.setdefault(_period_of(group[0])[0], []).append(group)
    for slug, label in [(p[0], p[1]) for p in PERIODS] + [UNDATED]:
        pages: list[list[Group]] = []
        size = limit
        for group in by_period.get(slug, []):
            entries = len(group[1]) + len(group[2])
            if size + entries > limit:
                pages.append([])
                size = 0
            pages[-1].append(group)
            size += entries
        for number, page_groups in enumerate(pages, 1):
            name = slug if number == 1 else f"{slug}-{number}"
            sub = ThemeSubpage(f"themes/{theme.slug}/{name}.md", label, number, page_groups, len(pages))
            layout.subpages.append(sub)
            for speech, _, _ in page_groups:
                layout.page_of[speech.id] = sub.path
    return layout


@dataclass
class Site:
    """Link helpers shared by the page renderers."""

    corpus: Corpus
    #: Entries per theme page before a theme is split (tests lower it).
    theme_page_limit: int = THEME_PAGE_MAX_ENTRIES

    @staticmethod
    def speech_page(speech: Speech) -> str:
        return f"speeches/{speech.id}.md"

    @staticmethod
    def theme_page(theme: Theme) -> str:
        return f"themes/{theme.slug}.md"

    @functools.cached_property
    def layouts(self) -> dict[str, ThemeLayout]:
        """Each theme's layout (split or not), by theme name."""
        return {t.name: theme_layout(self.corpus, t, self.theme_page_limit) for t in self.corpus.themes}

    def theme_page_of(self, theme: Theme, speech: Speech) -> str:
        """The theme page (or sub-page) that holds ``speech``'s passages."""
        return self.layouts[theme.name].page_of.get(speech.id, self.theme_page(theme))

    @staticmethod
    def theme_anchor(speech: Speech, unit: Optional[Unit] = None) -> str:
        """Anchor of a speech group, or of one passage, on a theme page."""
        return speech.id if unit is None else f"{speech.id}-{unit.id}"

    def label(self, speech: Speech) -> str:
        """Short label for navigation: title plus place and period."""
        extra = [v for v in (speech.meta.place and speech.meta.place.value,
                             speech.meta.period and speech.meta.period.value) if v]
        return f"{speech.title}（{'，'.join(extra)}）" if extra else speech.title


def tagged_units(speech: Speech, theme: Theme) -> tuple[list[Unit], list[Unit]]:
    """(parts, leaf passages) of ``speech`` tagged with ``theme``."""
    sections = [u for u in speech.units if u.kind == "section" and theme.name in u.themes]
    leaves = [u for u in speech.units if u.kind in LEAF_KINDS and theme.name in u.themes]
    return sections, leaves


def _location(speech: Speech, unit: Unit) -> str:
    """Human-readable place of a unit in its speech: 第二部分 · 一是."""
    if unit.kind == "section":
        return f"第{to_chinese_numeral(unit.number)}部分"
    if unit.parent:
        parent = speech.unit(unit.parent)
        if unit.kind == "subpoint":
            return f"第{to_chinese_numeral(parent.number)}部分 · 要点{to_chinese_numeral(unit.number)}"
        return f"第{to_chinese_numeral(parent.number)}部分 · 段落{unit.id.rsplit('p', 1)[-1]}"
    return KIND_LABEL[unit.kind]


#: Badge colours for themes.yml entries without ``color`` (Material palette).
FALLBACK_COLORS = ("#1565c0", "#c62828", "#2e7d32", "#ad1457", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e")


def theme_color(corpus: Corpus, theme: Theme) -> str:
    """The theme's badge colour: its ``color`` or a fallback by position."""
    return theme.color or FALLBACK_COLORS[corpus.themes.index(theme) % len(FALLBACK_COLORS)]


def _badges(site: Site, speech: Speech, unit: Unit, prefix: str) -> str:
    """A line of theme badges for ``unit``, each linking to the unit's
    entry on the theme page; a section's line is labelled 本部分主题."""
    parts = []
    for tag in unit.tags:
        theme = site.corpus.theme(tag.theme)
        terms = "、".join(tag.terms[:8])
        title = html.escape(f"得分 {tag.score:g}；证据：{terms}")
        parts.append(link(f"{prefix}{site.theme_page_of(theme, speech)}#{site.theme_anchor(speech, unit)}",
                          escape(theme.name), "kb-badge",
                          f' style="background:{theme_color(site.corpus, theme)}" title="{title}"'))
    if not parts:
        return ""
    label = '<span class="kb-badges-label">本部分主题</span> ' if unit.kind == "section" else ""
    css = "kb-badges kb-badges-section" if unit.kind == "section" else "kb-badges"
    return html_block("p", label + " ".join(parts), css, search=False) + "\n"


def _unit_body(unit: Unit, terms: Optional[list[str]] = None) -> list[str]:
    """The inner HTML of a leaf unit's paragraphs (escaped text, with
    ``terms`` in ``<mark>``); a sub-point's first sentence (its heading) is
    bold."""
    render = (lambda t: highlight(t, terms)) if terms else escape
    out = []
    for i, para in enumerate(paragraphs(unit.text)):
        if i == 0 and unit.kind == "subpoint" and unit.heading and para.startswith(unit.heading):
            cut = len(unit.heading)
            # Keep the sentence's own closing mark inside the bold part.
            while cut < len(para) and para[cut] in "。！？；：，":
                cut += 1
            out.append(f"<strong>{render(para[:cut])}</strong>{render(para[cut:])}")
        else:
            out.append(render(para))
    return out


def _paragraph_blocks(body: list[str], classes: str, id: str) -> list[str]:
    """A unit's paragraphs (``_unit_body``) as HTML blocks, each followed by
    a blank line.  The anchor ``id`` goes on the first paragraph; a
    multi-paragraph unit (a sub-point spanning lines) keeps its paragraphs."""
    return [html_block("p", para, classes, id if i == 0 else None) + "\n" for i, para in enumerate(body)]


def render_speech(site: Site, speech: Speech) -> str:
    """The Markdown of one speech page."""
    m = speech.meta
    lines = ["---", f"title: {_yaml_str(html_text(speech.title))}"]
    if speech.themes:
        lines.append("tags:")
        lines += [f"  - {_yaml_str(t)}" for t in _ordered(site, speech.themes)]
    lines += ["---", "", f"# {escape(speech.title)}", ""]

    # A year read from the title is only what the title claims.
    date_label = "标题所署年份" if m.date is not None and m.date.origin == "title" else "日期"
    rows = [("地点", m.place), ("会议", m.congress), ("场合", m.occasion), ("讲话人", m.speaker),
            (date_label, m.date), ("出处", m.source), ("估计时期", m.period)]
    lines += ['!!! info "基本信息"', "", "    | 项目 | 内容 | 依据 |", "    | --- | --- | --- |"]
    origin_label = {"text": "正文", "title": "标题", "inferred": "推断", "sidecar": "元数据文件", "default": "默认"}
    for label, mv in rows:
        if mv is not None:
            lines.append(f"    | {label} | {escape(mv.value)} | {origin_label[mv.origin]}：{escape(mv.source)} |")
    if m.clues:
        clue_text = "；".join(f"{escape(c.label)}（{c.start}–{c.end}）" for c in m.clues)
        lines.append(f"    | 时代线索 | {clue_text} | 见 data/period_clues.yml |")
    lines.append(f"    | 来源文件 | {escape(speech.source)} | |")
    lines.append("")
    for w in m.warnings:
        lines += ['!!! warning "元数据提示"', "", f"    {escape(w)}", ""]

    lines += _speech_theme_summary(site, speech)

    lines += ["## 讲话正文 { #text }", ""]
    prefix = "../"
    for unit in speech.units:
        if unit.kind == "note":
            continue
        if unit.kind == "section":
            lines += [f"## {escape(unit.heading or unit.text)} {{ #{unit.id} }}", ""]
            lines.append(_badges(site, speech, unit, prefix))
            continue
        badges = _badges(site, speech, unit, prefix)
        if badges:
            lines.append(badges)
        lines += _paragraph_blocks(_unit_body(unit), f"kb-unit kb-{unit.kind}", unit.id)

    lines += _notes(speech)
    name = speech.source.rsplit("/", 1)[-1]
    lines += ["## 原文 { #original data-search-exclude }", "",
              "清理前的原始文本（未作任何修改）。也可下载原始文件："
              f"[{escape(name)}](../sources/{quote(name)})。", "",
              html_block("details", "<summary>展开原文</summary>\n"
                         f'<pre class="kb-original-text">{html.escape(speech.original)}</pre>\n', "kb-original"),
              ""]
    return "\n".join(lines)


def _ordered(site: Site, names: list[str]) -> list[str]:
    order = [t.name for t in site.corpus.themes]
    return sorted(names, key=order.index)


def _yaml_str(text: str) -> str:
    # JSON strings are valid YAML scalars and escape everything needed.
    return json.dumps(text, ensure_ascii=False)


def _speech_theme_summary(site: Site, speech: Speech) -> list[str]:
    lines = ["## 主题概览 { #themes }", ""]
    if not speech.themes:
        return lines + ["本篇讲话没有段落被标注主题。", ""]
    lines += ["| 主题 | 部分 | 段落/要点 | 涉及位置 |", "| --- | --- | --- | --- |"]
    for theme in site.corpus.themes:
        secs, leaves = tagged_units(speech, theme)
        if not secs and not leaves:
            lines.append(f"| {escape(theme.name)} | 0 | 0 | — |")
            continue
        where = "、".join(f"[{_location(speech, u)}](#{u.id})" for u in (secs + leaves)[:12])
        link = f"[{escape(theme.name)}](../{site.theme_page_of(theme, speech)}#{site.theme_anchor(speech)})"
        lines.append(f"| {link} | {len(secs)} | {len(leaves)} | {where} |")
    return lines + [""]


def _notes(speech: Speech) -> list[str]:
    items = [html_block("p", f"来源声明（不属于讲话正文）：{escape(u.text)}", "kb-unit kb-note", u.id) + "\n"
             for u in speech.units if u.kind == "note"]
    if speech.placeholders:
        forms = "、".join(sorted({f"<code>{escape(p.original)}</code>" for p in speech.placeholders}))
        count = sum(p.count for p in speech.placeholders)
        lines_ = "、".join(str(n) for n in sorted({p.line for p in speech.placeholders}))
        items.append(f"原文中有 {count} 处占位符（{forms}，第 {lines_} 行），"
                     f"表示被隐去的名称，统一显示为 <span class=\"kb-ph\">{PLACEHOLDER}</span>。\n")
    if not items:
        return []
    return ["## 附注 { #notes }", ""] + items + [""]


def render_theme(site: Site, theme: Theme) -> str:
    """The Markdown of one theme page: every tagged passage, by speech; or,
    for a split theme, its periods with counts and links to the sub-pages."""
    corpus = site.corpus
    layout = site.layouts[theme.name]
    groups = layout.groups
    n_sections, n_leaves = _counts(groups)
    others = " · ".join(f"[{escape(t.name)}]({t.slug}.md)" for t in corpus.themes if t is not theme)
    lines = ["---", f"title: {_yaml_str(html_text(theme.name))}", "---", "", f"# {escape(theme.name)}", "",
             f"{escape(theme.description)}", "{: .kb-theme-description }", "",
             f"共 **{n_leaves}** 个段落/要点、**{n_sections}** 个部分，出自 **{len(groups)}** 篇讲话"
             f"（全库 {len(corpus.speeches)} 篇）。高亮的词语是判定主题的证据；点击位置链接回到讲话原处。", "",
             f"其他主题：{others}", "{: .kb-other-themes data-search-exclude }", ""]
    if layout.subpages:
        return "\n".join(lines + _theme_periods(layout))
    if groups:
        lines += _group_table(site, groups)
    for speech, secs, leaves in groups:
        lines += _theme_group(site, theme, speech, secs, leaves)
    if not groups:
        lines += ["目前没有段落被标注为此主题。", ""]
    return "\n".join(lines)


def _counts(groups: list[Group]) -> tuple[int, int]:
    """(tagged parts, tagged leaf passages) over ``groups``."""
    return sum(len(secs) for _, secs, _ in groups), sum(len(leaves) for _, _, leaves in groups)


def _group_table(site: Site, groups: list[Group]) -> list[str]:
    lines = ["| 讲话 | 部分 | 段落/要点 |", "| --- | --- | --- |"]
    for speech, secs, leaves in groups:
        lines.append(f"| [{escape(site.label(speech))}](#{site.theme_anchor(speech)}) | {len(secs)} | {len(leaves)} |")
    return lines + [""]


def _theme_periods(layout: ThemeLayout) -> list[str]:
    """The overview of a split theme: a row per period with its counts and
    pages (paths relative to themes/)."""
    lines = ["## 按时期查阅 { #periods }", "",
             f"本主题段落较多，按讲话的估计时期分页（每页至多 {layout.limit} 条）。"
             "时期由正文中的时代线索（如“十二五”“十九大”）估计，见各讲话页的“估计时期”。", "",
             "| 时期 | 讲话 | 段落/要点 | 部分 | 页面 |", "| --- | --- | --- | --- | --- |"]
    periods: dict[str, list[ThemeSubpage]] = {}
    for sub in layout.subpages:
        periods.setdefault(sub.period, []).append(sub)
    for period, subs in periods.items():
        groups = [g for sub in subs for g in sub.groups]
        links = " · ".join(f"[{'查看' if len(subs) == 1 else f'第{sub.number}页'}]"
                           f"({sub.path.removeprefix('themes/')})" for sub in subs)
        n_sections, n_leaves = _counts(groups)
        lines.append(f"| {period} | {len(groups)} | {n_leaves} | {n_sections} | {links} |")
    return lines + [""]


def render_theme_subpage(site: Site, layout: ThemeLayout, sub: ThemeSubpage) -> str:
    """The Markdown of one page of a split theme: its speeches' passages,
    as on an unsplit theme page, with links to the other pages."""
    theme = layout.theme
    title = f"{theme.name} · {sub.label}"
    n_sections, n_leaves = _counts(sub.groups)
    siblings = [s for s in layout.subpages if s.period == sub.period]
    nav_links = [f"[← {escape(theme.name)}：全部时期](../{theme.slug}.md)"]
    if len(siblings) > 1:
        nav_links.append("本时期各页：" + " ".join(
            f"**{s.number}**" if s is sub else f"[{s.number}]({s.path.rsplit('/', 1)[-1]})" for s in siblings))
    lines = ["---", f"title: {_yaml_str(title)}", "---", "", f"# {escape(title)}", "",
             " · ".join(nav_links), "{: .kb-other-themes data-search-exclude }", "",
             f"本页 **{n_leaves}** 个段落/要点、**{n_sections}** 个部分，出自 **{len(sub.groups)}** 篇讲话"
             f"（本主题共 {len(layout.groups)} 篇）。高亮的词语是判定主题的证据；点击位置链接回到讲话原处。", ""]
    lines += _group_table(site, sub.groups)
    for speech, secs, leaves in sub.groups:
        lines += _theme_group(site, theme, speech, secs, leaves, prefix="../../")
    return "\n".join(lines)


def _theme_group(site: Site, theme: Theme, speech: Speech, secs: list[Unit], leaves: list[Unit],
                 prefix: str = "../") -> list[str]:
    page = f"{prefix}{site.speech_page(speech)}"
    m = speech.meta
    facts = [v.value for v in (m.place, m.congress, m.period) if v is not None]
    lines = [f"## {escape(speech.title)} {{ #{site.theme_anchor(speech)} }}", "",
             html_block("p", f"{escape(' · '.join(facts))} · {link(page, '阅读全文')}", "kb-speech-facts"), ""]
    # Leaves are grouped under their part (or under 开场/结束语).
    blocks: dict[str, list[Unit]] = {}
    for u in leaves:
        blocks.setdefault(u.parent or u.kind, []).append(u)
    order = [u.id for u in speech.units if u.kind == "section"]
    keys = [k for k in ("salutation", "intro") if k in blocks] + \
           [k for k in order if k in blocks or any(s.id == k for s in secs)] + \
           [k for k in ("paragraph", "closing") if k in blocks]
    for key in keys:
        section = next((u for u in speech.units if u.id == key and u.kind == "section"), None)
        if section is not None:
            anchor = site.theme_anchor(speech, section)
            lines += [f"### {escape(section.heading or '')} {{ #{anchor} }}", ""]
            tag = section.tag(theme.name)
            if tag:
                lines += [html_block("p", f"本部分整体涉及此主题（得分 {tag.score:g}；证据："
                                          f"{escape('、'.join(tag.terms[:10]))}）· "
                                          f"{link(f'{page}#{section.id}', _location(speech, section))}",
                                     "kb-section-note", search=False), ""]
        else:
            lines += [f"### {KIND_LABEL.get(key, key)} {{ #{site.theme_anchor(speech)}-{key} }}", ""]
        for u in blocks.get(key, []):
            tag = u.tag(theme.name)
            lines += _paragraph_blocks(_unit_body(u, tag.terms), "kb-passage", site.theme_anchor(speech, u))
            lines += [html_block("p", f"{link(f'{page}#{u.id}', f'{_location(speech, u)} ↩')} · "
                                      f"得分 {tag.score:g} · 证据：{escape('、'.join(tag.terms[:10]))}",
                                 "kb-passage-meta", search=False), ""]
    return lines


def render_speech_index(site: Site) -> str:
    corpus = site.corpus
    lines = ["---", 'title: "讲话"', "---", "", "# 讲话", "",
             f"共 {len(corpus.speeches)} 篇讲话。时期由正文中的时代线索（如“十二五”“十九大”）估计。", "",
             "| 标题 | 地点 | 会议 / 场合 | 估计时期 | 部分 | 主题 |", "| --- | --- | --- | --- | --- | --- |"]
    for s in corpus.speeches:
        m = s.meta
        meeting = " / ".join(v.value for v in (m.congress, m.occasion) if v is not None)
        themes = " ".join(f"[{escape(t)}](../{site.theme_page_of(corpus.theme(t), s)}#{site.theme_anchor(s)})"
                          for t in _ordered(site, s.themes))
        lines.append(f"| [{escape(s.title)}]({s.id}.md) | {escape(m.place.value if m.place else '—')} | "
                     f"{escape(meeting or '—')} | {escape(m.period.value if m.period else '—')} | "
                     f"{len(s.sections)} | {themes or '—'} |")
    if corpus.skipped:
        lines += ["", '!!! warning "未能收录的文件"', ""]
        lines += [f"    - {escape(sk.message)}" for sk in corpus.skipped]
    return "\n".join(lines) + "\n"


def _theme_cards(site: Site, prefix: str) -> list[str]:
    """material grid cards, one per theme, with passage and speech counts;
    ``prefix`` is the path from the page to themes/."""
    corpus = site.corpus
    lines = ['<div class="grid cards" markdown>', ""]
    for theme in corpus.themes:
        leaves = sum(len(tagged_units(s, theme)[1]) for s in corpus.speeches)
        speeches = sum(1 for s in corpus.speeches if theme.name in s.themes)
        lines += [f"-   [**{escape(theme.name)}**]({prefix}{theme.slug}.md)"
                  f"{{ .kb-card-title style=\"color:{theme_color(corpus, theme)}\" }}", "",
                  f"    {escape(theme.description)}", "",
                  f"    **{leaves}** 个段落/要点 · **{speeches}** 篇讲话", ""]
    return lines + ["</div>", ""]


def render_theme_index(site: Site) -> str:
    lines = ["---", 'title: "主题"', "---", "", "# 主题", "",
             "每个段落和要点都按主题标注，并附有判定依据（命中的词语）。主题及其词表定义在 `themes.yml`。", ""]
    return "\n".join(lines + _theme_cards(site, ""))


#: Speeches listed on the home page; more are listed on speeches/index.md.
HOME_SPEECHES = 30


def render_home(site: Site) -> str:
    corpus = site.corpus
    n_parts = sum(len(s.sections) for s in corpus.speeches)
    n_sub = sum(1 for s in corpus.speeches for u in s.units if u.kind == "subpoint")
    n_leaves = sum(1 for s in corpus.speeches for u in s.units if u.kind in LEAF_KINDS and u.kind != "note")
    lines = ["---", 'title: "首页"', "---", "", "# 工会讲话知识库", "",
             f"本知识库收录 **{len(corpus.speeches)}** 篇党政领导在工会代表大会和工作会议上的讲话，"
             f"切分为 **{n_parts}** 个部分、**{n_sub}** 个要点，共 **{n_leaves}** 个段落级单元；"
             "每个部分和段落都标注了主题，并可按主题并排查阅。", "",
             "用右上角的搜索框检索全文（任何字词都能找到，一字不差的段落排在前面），或从下面的主题进入。", "",
             "## 主题 { #themes }", ""]
    lines += _theme_cards(site, "themes/")
    lines += ["## 讲话 { #speeches }", ""]
    # The home page is every visitor's first download: past a screenful it
    # points to the speech list instead of repeating it.
    for s in corpus.speeches[:HOME_SPEECHES]:
        lines.append(f"- [{escape(site.label(s))}](speeches/{s.id}.md)")
    if len(corpus.speeches) > HOME_SPEECHES:
        lines += ["", f"全部 {len(corpus.speeches)} 篇讲话见[讲话列表](speeches/index.md)。"]
    lines += ["", "## 数据 { #data }", "",
              "全部标注结果可下载为 JSON：[data/corpus.json](data/corpus.json)"
              "（格式见[数据格式](about/data.md)）。", ""]
    return "\n".join(lines)


def render_pages(corpus: Corpus, theme_page_limit: int = THEME_PAGE_MAX_ENTRIES) -> dict[str, str]:
    """Every generated page: docs-relative path → Markdown."""
    site = Site(corpus, theme_page_limit)
    pages = {"index.md": render_home(site),
             "speeches/index.md": render_speech_index(site),
             "themes/index.md": render_theme_index(site)}
    for speech in corpus.speeches:
        pages[site.speech_page(speech)] = render_speech(site, speech)
    for theme in corpus.themes:
        pages[site.theme_page(theme)] = render_theme(site, theme)
        layout = site.layouts[theme.name]
        for sub in layout.subpages:
            pages[sub.path] = render_theme_subpage(site, layout, sub)
    return pages


#: The navigation lists every speech up to this many; a larger corpus is
#: browsed through the speech index (讲话), the theme pages and search.
#: Material renders the whole navigation into every page, so listing 1,000
#: speeches would add ~250 KB to each of 1,000 pages and make the build
#: quadratic in the number of speeches.
NAV_MAX_SPEECHES = 100


def nav(corpus: Corpus, theme_page_limit: int = THEME_PAGE_MAX_ENTRIES) -> list:
    """The mkdocs ``nav``: home, speeches (each one while there are at most
    ``NAV_MAX_SPEECHES``), themes (with the pages of split themes), tags,
    about."""
    site = Site(corpus, theme_page_limit)
    speeches = corpus.speeches if len(corpus.speeches) <= NAV_MAX_SPEECHES else []
    return [
        {"首页": "index.md"},
        {"讲话": ["speeches/index.md"] + [{html_text(site.label(s)): site.speech_page(s)} for s in speeches]},
        {"主题": ["themes/index.md"] + [_theme_nav(site, t) for t in corpus.themes]},
        {"标签": "tags.md"},
        {"关于": ["about/index.md", "about/data.md"]},
    ]


def _theme_nav(site: Site, theme: Theme) -> dict:
    """A theme's nav entry: its page, or for a split theme a section with
    the overview and the first page of each period (the nav is rendered
    into every page: listing 50 numbered pages per theme would add ~60 KB
    to each; a period's pages link to each other)."""
    subpages = site.layouts[theme.name].subpages
    if not subpages:
        return {html_text(theme.name): site.theme_page(theme)}
    return {html_text(theme.name): [site.theme_page(theme)]
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
