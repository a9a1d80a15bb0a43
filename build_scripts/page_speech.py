"""The page of one speech (``urls.speech_path``): metadata, theme summary,
the text part by part with theme badges, notes, and the original file."""

from __future__ import annotations

from typing import Iterator

from . import compilation, facets, page_insight, urls
from .cleaner import PLACEHOLDER
from .layout import Site, tagged_units
from .model import PART, Speech, Unit
from .pages import Html, Md, escape, front_matter, html_block, link, page, passage_block, token, unit_body

ORIGIN_LABEL = {"text": "正文", "title": "标题", "byline": "署名", "inferred": "推断", "sidecar": "元数据文件",
                "default": "默认"}
#: What a note unit is, by its id (splitter.analyse): front matter under the
#: title, a first line a sidecar title replaced; other notes are source
#: disclaimers.
NOTE_LABEL = {"byline": "署名与日期", "source": "原文标题"}


def pages(site: Site) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) of every speech page."""
    for speech in site.corpus.speeches:
        yield urls.speech_path(speech), render_speech(site, speech)


def render_speech(site: Site, speech: Speech) -> str:
    """The Markdown of one speech page, reading first: the title, one line
    of facts (carrying the speech's citation, ``facets.speech_source``), a
    closed 详情 (metadata and what each value rests on), a line of its
    themes, then the text; each passage ends with its theme badges and
    carries the ``data-kb-*`` attributes of ``facets.passage``; last, a
    link to the original file."""
    path = urls.speech_path(speech)
    lines: list = [Md(""), Md("# {}").format(speech.title), Md("")]
    # The facts line carries the citation every passage of the page shares
    # (kb.js looks for it on the passage's preceding siblings): once a page,
    # not once a passage.
    facts = _facts(speech) or ["地点、时间不详"]
    lines += [html_block("p", Md(" · ").join(facts), "kb-facts", data=facets.speech_source(speech)), Md("")]
    lines += _details(speech)
    lines += _theme_summary(site, speech)
    lines += page_insight.speech_profile(site, speech)

    lines += [Md("## 讲话正文 { #text }"), Md("")]
    for unit in speech.units:
        if unit.kind == "note":
            continue
        if unit.kind == PART:
            lines += [Md("## {} {{ #{} }}").format(unit.heading or unit.text, token(unit.id)), Md("")]
            badges = _badges(site, speech, unit)
            if badges:
                lines += [html_block("p", Md('<span class="kb-badges-label">本部分主题</span> ') + badges,
                                     "kb-badges kb-badges-section", search=False), Md("")]
            continue
        data = facets.passage(speech, unit)
        badges = _badges(site, speech, unit)
        tail = Md(' <span class="kb-badges" data-search-exclude>{}</span>').format(badges) if badges else Md("")
        lines.append(passage_block(unit_body(unit), f"kb-unit kb-{unit.kind}", unit.id, data, tail))
        lines += page_insight.reuse_marks(site, speech, unit)

    lines += _notes(speech)
    # The original is published once, as the file itself (sources/): a
    # copy of its text on the page would add as many bytes again.
    name = speech.source.rsplit("/", 1)[-1]
    lines += [Md("## 原文 { #original data-search-exclude }"), Md(""),
              Md("清理前的原始文件，未作任何修改（读取为 {}）：[{}]({})").format(
                  speech.encoding, name, token(urls.quoted(path, urls.source_path(speech)))),
              Md("{: .kb-original }"), Md("")]
    return page(front_matter(speech.title), lines)


def _facts(speech: Speech) -> list[str]:
    """place · occasion · date or estimated period · speaker (those known)."""
    m = speech.meta
    values = [compilation.place(speech), m.occasion.value if m.occasion else "", compilation.when(speech),
              m.speaker.value if m.speaker else ""]
    return [v for v in values if v]


def _details(speech: Speech) -> list[Md]:
    """A closed 详情 disclosure: every metadata value and the text it was
    read from (a sentence given once, then 同上), the period clues, the
    original file; metadata warnings are counted in its title."""
    m = speech.meta
    # A year read from the title is only what the title claims.
    date_label = "标题所署年份" if m.date is not None and m.date.origin == "title" else "日期"
    rows = [("地点", m.place), ("会议", m.congress), ("场合", m.occasion), ("讲话人", m.speaker),
            (date_label, m.date), ("出处", m.source), ("估计时期", m.period)]
    title = "详情：基本信息及其依据" + (f"（{len(m.warnings)} 条提示）" if m.warnings else "")
    lines = [Md('??? info kb-details "{}"').format(title), Md("")]
    for w in m.warnings:
        lines += [Md("    **提示：**{}").format(w), Md("")]
    lines += [Md("    | 项目 | 内容 | 依据 |"), Md("    | --- | --- | --- |")]
    seen: dict[str, str] = {}
    for label, mv in rows:
        if mv is None:
            continue
        basis = Md("{}：{}").format(ORIGIN_LABEL[mv.origin], mv.source) if mv.source else Md(ORIGIN_LABEL[mv.origin])
        if mv.source and mv.source in seen:
            basis = Md("{}：同“{}”").format(ORIGIN_LABEL[mv.origin], seen[mv.source])
        seen.setdefault(mv.source, label)
        lines.append(Md("    | {} | {} | {} |").format(label, mv.value, basis))
    if m.clues:
        clue_text = Md("；").join(Md("{}（{}–{}）").format(c.label, c.start, c.end) for c in m.clues)
        lines.append(Md("    | 时代提法 | {} | 正文中出现的提法及其通行年份 |").format(clue_text))
    name = speech.source.rsplit("/", 1)[-1]
    lines.append(Md("    | 原始文件 | [{}]({}) | 读取为 {} |").format(
        name, token(urls.quoted(urls.speech_path(speech), urls.source_path(speech))), speech.encoding))
    return lines + [Md("")]


def _theme_summary(site: Site, speech: Speech) -> list[Md]:
    """One line: each theme of the speech with its number of passages,
    linking to the speech's passages on the theme page."""
    path = urls.speech_path(speech)
    chips = []
    for theme in site.corpus.themes:
        group = tagged_units(speech, theme)
        if not group.entries:
            continue
        target = urls.relative(path, site.theme_page_of(theme, speech), urls.theme_anchor(speech))
        chips.append(Md("[{}（{} 段）]({})").format(theme.name, len(group.passages), token(target)))
    text = Md("本篇主题：") + Md(" · ").join(chips) if chips else Md("本篇讲话没有段落被标注主题。")
    return [text, Md("{: .kb-theme-summary #themes data-search-exclude }"), Md("")]


def _badges(site: Site, speech: Speech, unit: Unit) -> Md:
    """``unit``'s theme badges, each linking to the unit's entry on the
    theme page and carrying its evidence (``facets.badge``: kb.js shows
    it and highlights the terms in the text)."""
    path = urls.speech_path(speech)
    badges = []
    for tag in unit.tags:
        theme = site.corpus.theme(tag.theme)
        data = facets.badge(tag, unit.id if unit.kind == PART else None)
        attrs = Html(' style="background:{}"{}').format(
            token(site.theme_color(theme)), Html("").join(
                Html(' {}="{}"').format(token(k), v) for k, v in data.items()))
        target = urls.relative(path, site.theme_page_of(theme, speech), urls.theme_anchor(speech, unit))
        badges.append(link(target, escape(theme.name), "kb-badge", attrs))
    return Md(" ").join(badges)


def _notes(speech: Speech) -> list[Md]:
    items = [html_block("p", Md("{}（不属于讲话正文）：{}").format(NOTE_LABEL.get(u.id.split("-")[0], "来源声明"), u.text),
                        "kb-unit kb-note", u.id) + Md("\n")
             for u in speech.units if u.kind == "note"]
    if speech.placeholders:
        forms = Md("、").join(sorted({Md("<code>{}</code>").format(p.original) for p in speech.placeholders}))
        count = sum(p.count for p in speech.placeholders)
        lines_ = "、".join(str(n) for n in sorted({p.line for p in speech.placeholders}))
        items.append(Md("原文中有 {} 处占位符（{}，第 {} 行），表示被隐去的名称，"
                        '统一显示为 <span class="kb-ph">{}</span>。\n').format(count, forms, lines_, Md(PLACEHOLDER)))
    if not items:
        return []
    return [Md("## 附注 { #notes }"), Md("")] + items + [Md("")]
