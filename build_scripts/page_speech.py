"""The page of one speech (``urls.speech_path``): metadata, theme summary,
the text part by part with theme badges, notes, and the original file."""

from __future__ import annotations

from typing import Iterator

from . import urls
from .cleaner import PLACEHOLDER
from .layout import Site, location, tagged_units
from .model import PART, Speech, Unit
from .pages import Html, Md, escape, front_matter, html_block, link, page, paragraph_blocks, token, unit_body

ORIGIN_LABEL = {"text": "正文", "title": "标题", "inferred": "推断", "sidecar": "元数据文件", "default": "默认"}


def pages(site: Site) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) of every speech page."""
    for speech in site.corpus.speeches:
        yield urls.speech_path(speech), render_speech(site, speech)


def render_speech(site: Site, speech: Speech) -> str:
    """The Markdown of one speech page."""
    path = urls.speech_path(speech)
    m = speech.meta
    lines: list = [Md(""), Md("# {}").format(speech.title), Md("")]

    # A year read from the title is only what the title claims.
    date_label = "标题所署年份" if m.date is not None and m.date.origin == "title" else "日期"
    rows = [("地点", m.place), ("会议", m.congress), ("场合", m.occasion), ("讲话人", m.speaker),
            (date_label, m.date), ("出处", m.source), ("估计时期", m.period)]
    lines += [Md('!!! info "基本信息"'), Md(""), Md("    | 项目 | 内容 | 依据 |"), Md("    | --- | --- | --- |")]
    for label, mv in rows:
        if mv is not None:
            lines.append(Md("    | {} | {} | {}：{} |").format(label, mv.value, ORIGIN_LABEL[mv.origin], mv.source))
    if m.clues:
        clue_text = Md("；").join(Md("{}（{}–{}）").format(c.label, c.start, c.end) for c in m.clues)
        lines.append(Md("    | 时代线索 | {} | 见 data/period_clues.yml |").format(clue_text))
    lines.append(Md("    | 来源文件 | {} | |").format(speech.source))
    lines.append(Md(""))
    for w in m.warnings:
        lines += [Md('!!! warning "元数据提示"'), Md(""), Md("    {}").format(w), Md("")]

    lines += _theme_summary(site, speech)

    lines += [Md("## 讲话正文 { #text }"), Md("")]
    for unit in speech.units:
        if unit.kind == "note":
            continue
        if unit.kind == PART:
            lines += [Md("## {} {{ #{} }}").format(unit.heading or unit.text, token(unit.id)), Md("")]
            lines.append(_badges(site, speech, unit))
            continue
        badges = _badges(site, speech, unit)
        if badges:
            lines.append(badges)
        lines += paragraph_blocks(unit_body(unit), f"kb-unit kb-{unit.kind}", unit.id)

    lines += _notes(speech)
    name = speech.source.rsplit("/", 1)[-1]
    original = Md('<summary>展开原文</summary>\n<pre class="kb-original-text">{}</pre>\n').format(
        Html.escape(speech.original))
    lines += [Md("## 原文 { #original data-search-exclude }"), Md(""),
              Md("清理前的原始文本（未作任何修改）。也可下载原始文件：[{}]({})。").format(
                  name, token(urls.quoted(path, urls.source_path(speech)))), Md(""),
              html_block("details", original, "kb-original"),
              Md("")]
    return page(front_matter(speech.title, site.ordered(speech.themes)), lines)


def _theme_summary(site: Site, speech: Speech) -> list[Md]:
    lines = [Md("## 主题概览 { #themes }"), Md("")]
    if not speech.themes:
        return lines + [Md("本篇讲话没有段落被标注主题。"), Md("")]
    lines += [Md("| 主题 | 部分 | 段落/要点 | 涉及位置 |"), Md("| --- | --- | --- | --- |")]
    path = urls.speech_path(speech)
    for theme in site.corpus.themes:
        group = tagged_units(speech, theme)
        if not group.entries:
            lines.append(Md("| {} | 0 | 0 | — |").format(theme.name))
            continue
        where = Md("、").join(Md("[{}](#{})").format(location(speech, u), token(u.id))
                             for u in (group.parts + group.passages)[:12])
        target = urls.relative(path, site.theme_page_of(theme, speech), urls.theme_anchor(speech))
        lines.append(Md("| [{}]({}) | {} | {} | {} |").format(
            theme.name, token(target), len(group.parts), len(group.passages), where))
    return lines + [Md("")]


def _badges(site: Site, speech: Speech, unit: Unit) -> Md:
    """A line of theme badges for ``unit``, each linking to the unit's
    entry on the theme page; a part's line is labelled 本部分主题."""
    path = urls.speech_path(speech)
    badges = []
    for tag in unit.tags:
        theme = site.corpus.theme(tag.theme)
        terms = "、".join(tag.terms[:8])
        attrs = Html(' style="background:{}" title="{}"').format(
            token(site.theme_color(theme)), f"得分 {tag.score:g}；证据：{terms}")
        target = urls.relative(path, site.theme_page_of(theme, speech), urls.theme_anchor(speech, unit))
        badges.append(link(target, escape(theme.name), "kb-badge", attrs))
    if not badges:
        return Md("")
    label = Md('<span class="kb-badges-label">本部分主题</span> ') if unit.kind == PART else Md("")
    css = "kb-badges kb-badges-section" if unit.kind == PART else "kb-badges"
    return html_block("p", label + Md(" ").join(badges), css, search=False) + Md("\n")


def _notes(speech: Speech) -> list[Md]:
    items = [html_block("p", Md("来源声明（不属于讲话正文）：{}").format(u.text), "kb-unit kb-note", u.id) + Md("\n")
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
