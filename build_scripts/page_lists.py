"""The home page and the two list pages (speeches, themes)."""

from __future__ import annotations

from typing import Iterator

from . import compilation, export, facets, urls
from .layout import Site, tagged_units
from .model import Speech
from .pages import Html, Md, front_matter, page, token

#: Speeches listed on the home page; more are listed on the speech list.
HOME_SPEECHES = 30


def pages(site: Site) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) of the home page and the list pages."""
    yield urls.HOME, render_home(site)
    yield urls.SPEECH_LIST, render_speech_index(site)
    yield urls.THEME_LIST, render_theme_index(site)


def render_speech_index(site: Site) -> str:
    """The speech list: an HTML table (``<table data-kb-list>``) whose rows
    carry ``facets.speech_row``, so kb.js filters it by period, year,
    place, occasion and theme and sorts it by time or length, offline too.
    Rows are newest first (undated last)."""
    corpus = site.corpus
    path = urls.SPEECH_LIST
    theme_order = [t.name for t in corpus.themes]
    lines = [Md(""), Md("# 讲话"), Md(""),
             Md("共 {} 篇讲话。用下面的筛选栏按时期、年份、地点、场合或主题查找；时间未注明日期的，"
                "是由正文中的时代提法（如“十二五”“十九大”）估计的时期。").format(len(corpus.speeches)), Md(""),
             Md('<table data-kb-list>'),
             Md("<thead><tr><th>标题</th><th>地点</th><th>场合</th><th>时间</th><th>时期</th>"
                "<th>篇幅（字）</th><th>主题</th></tr></thead>"),
             Md("<tbody>")]
    for s in _newest_first(corpus.speeches):
        m = s.meta
        row = facets.speech_row(s, theme_order)
        attrs = Md("").join(Md(' {}="{}"').format(token(k), Html.escape(v)) for k, v in row.items())
        themes = Md(" ").join(
            Md('<a href="{}">{}</a>').format(
                token(urls.relative(path, site.theme_page_of(corpus.theme(t), s), urls.theme_anchor(s))), t)
            for t in site.ordered(s.themes))
        lines.append(Md('<tr{}><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
                        '<td>{}</td><td>{}</td></tr>').format(
            attrs, token(urls.relative(path, urls.speech_path(s))), s.title,
            compilation.place(s) or "—", m.occasion.value if m.occasion else "—", compilation.when(s) or "—",
            row["data-kb-period"], row["data-kb-length"], themes or Md("—")))
    lines += [Md("</tbody>"), Md("</table>"), Md("")]
    if corpus.skipped:
        lines += [Md(""), Md('!!! warning "未能收录的文件"'), Md("")]
        lines += [Md("    - {}").format(sk.message) for sk in corpus.skipped]
    return page(front_matter("讲话"), lines) + "\n"


def _newest_first(speeches: list[Speech]) -> list[Speech]:
    """Newest first by ``compilation.year``; undated last, in corpus order."""
    return sorted(speeches, key=lambda s: (compilation.year(s) is None, -(compilation.year(s) or 0)))


def _theme_cards(site: Site, path: str) -> list[Md]:
    """material grid cards, one per theme, with passage and speech counts,
    for the page at ``path``."""
    corpus = site.corpus
    lines = [Md('<div class="grid cards" markdown>'), Md("")]
    for theme in corpus.themes:
        passages = sum(len(tagged_units(s, theme).passages) for s in corpus.speeches)
        speeches = sum(1 for s in corpus.speeches if theme.name in s.themes)
        lines += [Md('-   [**{}**]({}){{ .kb-card-title style="color:{}" }}').format(
                      theme.name, token(urls.relative(path, urls.theme_path(theme))), token(site.theme_color(theme))),
                  Md(""), Md("    {}").format(theme.description), Md(""),
                  Md("    **{}** 个段落/要点 · **{}** 篇讲话").format(passages, speeches), Md("")]
    return lines + [Md("</div>"), Md("")]


def render_theme_index(site: Site) -> str:
    lines = [Md(""), Md("# 主题"), Md(""),
             Md("每个段落和要点都按主题标注，并附有判定依据（命中的词语）。主题及其词表定义在 `themes.yml`。"), Md("")]
    return page(front_matter("主题"), lines + _theme_cards(site, urls.THEME_LIST))


def render_home(site: Site) -> str:
    corpus = site.corpus
    path = urls.HOME
    n_parts = sum(len(s.parts) for s in corpus.speeches)
    n_sub = sum(1 for s in corpus.speeches for u in s.units if u.kind == "subpoint")
    n_passages = sum(len(s.passages) for s in corpus.speeches)
    lines = [Md(""), Md("# 工会讲话知识库"), Md(""),
             Md("本知识库收录 **{}** 篇党政领导在工会代表大会和工作会议上的讲话，"
                "切分为 **{}** 个部分、**{}** 个要点，共 **{}** 个段落级单元；"
                "每个部分和段落都标注了主题，并可按主题并排查阅；标签的含义见[主题标注规范]({})。").format(
                 len(corpus.speeches), n_parts, n_sub, n_passages, token(urls.relative(path, urls.CODEBOOK))),
             Md(""),
             Md("用右上角的搜索框检索全文（任何字词都能找到，一字不差的段落排在前面），或从下面的主题进入。"), Md("")]
    if site.has(urls.ABOUT):
        lines += [Md("第一次使用？请看[使用说明]({})：怎样连同出处复制一段话、按时期查找讲话、比较同一主题、"
                     "下载专题汇编。").format(token(urls.relative(path, urls.ABOUT))),
                  Md("{: .kb-help-link }"), Md("")]
    lines += [Md("## 主题 { #themes }"), Md("")]
    lines += _theme_cards(site, path)
    lines += [Md("## 讲话 { #speeches }"), Md("")]
    # The home page is every visitor's first download: past a screenful it
    # points to the speech list instead of repeating it.
    for s in corpus.speeches[:HOME_SPEECHES]:
        lines.append(Md("- [{}]({})").format(site.label(s), token(urls.relative(path, urls.speech_path(s)))))
    if len(corpus.speeches) > HOME_SPEECHES:
        lines += [Md(""), Md("全部 {} 篇讲话见[讲话列表]({})。").format(
            len(corpus.speeches), token(urls.relative(path, urls.SPEECH_LIST)))]
    data = Md("全部标注结果可下载为 JSON：每篇一个文件，清单见 [{json}]({json})").format(
        json=token(urls.relative(path, urls.DATA_INDEX)))
    if len(corpus.speeches) <= export.SINGLE_FILE_MAX:
        data += Md("；合为一个文件：[{json}]({json})").format(json=token(urls.relative(path, urls.CORPUS_JSON)))
    if site.has(urls.DATA_FORMAT):
        data += Md("（格式见[数据格式]({})）").format(token(urls.relative(path, urls.DATA_FORMAT)))
    lines += [Md(""), Md("## 数据 { #data }"), Md(""), data + Md("。"), Md("")]
    return page(front_matter("首页"), lines)
