"""The home page, the list pages (speeches, themes) and the speech list's
data file."""

from __future__ import annotations

import hashlib
import json
import posixpath
from typing import Iterator, NamedTuple, Optional

from . import compilation, export, facets, urls
from .layout import Site, tagged_units
from .model import Speech
from .pages import Html, Md, front_matter, page, token

#: Speeches listed on the home page, newest first; the rest are on the
#: speech list.  The home page is what every visitor fetches before a
#: first search result (benchmarks/bench.py, ``search_bytes_first_result``):
#: a dozen links fill a screen, 30 were 4 KB more.
HOME_SPEECHES = 12


#: Rows of the speech list carried in its HTML: the first page, newest
#: first, which kb.js replaces with pages of the same size drawn from the
#: list's data file (``urls.SPEECH_LIST_DATA``).  A row is ~0.5 KB of HTML,
#: so the page stays under 100 KB at any corpus size (88 KB at 1,000
#: synthetic speeches, theme chrome included).
LIST_FIRST_ROWS = 100

#: Rows on each of the plain pages of one period
#: (``urls.speech_list_page_path``), the way through the whole list
#: without JavaScript: ~100 KB a page.
LIST_PAGE_ROWS = 200

#: The global the list's data file assigns (read by kb.js).
LIST_DATA_GLOBAL = "kbSpeechList"


def pages(site: Site) -> Iterator[tuple[str, str]]:
    """(docs path, content) of the home page, the list pages (Markdown)
    and the speech list's data file (JavaScript, ``urls.SPEECH_LIST_DATA``)."""
    yield urls.HOME, render_home(site)
    yield from speech_list(site)
    yield urls.THEME_LIST, render_theme_index(site)


class _PeriodPage(NamedTuple):
    """One plain page of the speech list: the speeches of one period, or of
    one numbered slice of it."""

    path: str
    label: str
    number: int
    speeches: list[Speech]


def speech_list(site: Site) -> Iterator[tuple[str, str]]:
    """The speech list (``urls.SPEECH_LIST``), its data file and its plain
    pages by period.

    The list page carries the first ``LIST_FIRST_ROWS`` rows (newest
    first) as an HTML table, ``<table data-kb-list>``; the data file
    (``facets.list_data``, assigned to ``window.kbSpeechList`` by a
    classic script, which loads from file:// where ``fetch`` of JSON does
    not) has every row, and kb.js filters, sorts, searches and pages
    through them.  Without JavaScript the table is the newest speeches and
    the plain pages (``LIST_PAGE_ROWS`` rows each, newest first) list the
    rest period by period.  So no page grows with the corpus but for the
    line of links to the plain pages (~60 bytes per ``LIST_PAGE_ROWS``
    speeches); the data file grows ~0.19 KB a speech (1.9 MB at 10,000).
    A list of at most ``LIST_FIRST_ROWS`` has no plain pages."""
    corpus = site.corpus
    speeches = _newest_first(corpus.speeches)
    theme_order = [t.name for t in corpus.themes]
    base = urls.SPEECH_LIST
    data = facets.list_data([
        (s, urls.relative(base, urls.speech_path(s)), urls.theme_anchor(s),
         [(t, urls.relative(base, site.theme_page_of(corpus.theme(t), s))) for t in site.ordered(s.themes)])
        for s in speeches], theme_order)
    script = ("/* 工会讲话知识库: every row of the speech list, for docs/javascripts/kb.js "
              "(build_scripts/facets.list_data). Generated; do not edit. */\n"
              f"window.{LIST_DATA_GLOBAL} = "
              + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n")
    # A list that fits on its first page needs no other pages.
    by_period = _period_pages(speeches) if len(speeches) > LIST_FIRST_ROWS else []
    yield urls.SPEECH_LIST, _speech_index(site, speeches, by_period, script)
    yield urls.SPEECH_LIST_DATA, script
    for sub in by_period:
        yield sub.path, render_period_page(site, sub, by_period)


def _period_pages(speeches: list[Speech]) -> list[_PeriodPage]:
    """``speeches`` (newest first) as plain pages: by congress period
    (``facets.PERIOD_LABELS``, newest first, undated last), each cut into
    pages of ``LIST_PAGE_ROWS``."""
    by_label: dict[str, list[Speech]] = {}
    for s in speeches:
        by_label.setdefault(facets.congress_period(s), []).append(s)
    out = []
    for label, slug in facets.PERIOD_LABELS:
        found = by_label.get(label, [])
        for number, start in enumerate(range(0, len(found), LIST_PAGE_ROWS), 1):
            name = slug if number == 1 else f"{slug}-{number}"
            out.append(_PeriodPage(urls.speech_list_page_path(name), label, number,
                                   found[start:start + LIST_PAGE_ROWS]))
    return out


_HEAD = Md("<thead><tr><th>标题</th><th>地点</th><th>场合</th><th>时间</th><th>时期</th>"
           "<th>篇幅（字）</th><th>主题</th></tr></thead>")


def _row(site: Site, path: str, s: Speech) -> Md:
    """A speech's row in a list table on the page at ``path``: the same
    cells kb.js makes from the list's data."""
    corpus = site.corpus
    m = s.meta
    themes = Md(" ").join(
        Md('<a href="{}">{}</a>').format(
            token(urls.relative(path, site.theme_page_of(corpus.theme(t), s), urls.theme_anchor(s))), t)
        for t in site.ordered(s.themes))
    return Md('<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
              '<td>{}</td><td>{}</td></tr>').format(
        token(urls.relative(path, urls.speech_path(s))), s.title,
        compilation.place(s) or "—", m.occasion.value if m is not None and m.occasion else "—",
        compilation.when(s) or "—", facets.congress_period(s), facets.text_length(s), themes or Md("—"))


def _browse_by_period(path: str, by_period: list[_PeriodPage], current: Optional[_PeriodPage] = None) -> Md:
    """Links to every plain page, period by period: ``十八大至十九大（2012–2017）
    320 篇：1 2``; ``current`` in bold."""
    periods: dict[str, list[_PeriodPage]] = {}
    for sub in by_period:
        periods.setdefault(sub.label, []).append(sub)
    items = []
    for label, subs in periods.items():
        n = sum(len(sub.speeches) for sub in subs)
        pages = Md(" ").join(Md("**{}**").format(sub.number) if sub is current
                             else Md("[{}]({})").format(sub.number, token(urls.relative(path, sub.path)))
                             for sub in subs)
        if len(subs) == 1:
            head = (Md("**{}**").format(label) if subs[0] is current
                    else Md("[{}]({})").format(label, token(urls.relative(path, subs[0].path))))
            items.append(head + Md(" {} 篇").format(n))
        else:
            items.append(Md("{} {} 篇：第 ").format(label, n) + pages + Md(" 页"))
    return Md(" · ").join(items)


def render_speech_index(site: Site) -> str:
    """The Markdown of the speech list page (``speech_list`` has it with
    its data file and plain pages)."""
    return dict(speech_list(site))[urls.SPEECH_LIST]


def _speech_index(site: Site, speeches: list[Speech], by_period: list[_PeriodPage], script: str) -> str:
    """The speech list page: the first ``LIST_FIRST_ROWS`` rows of
    ``speeches`` (newest first) in ``<table data-kb-list>``, whose
    ``data-kb-list-data`` names the data file (relative to the page, with
    a digest of ``script``, its content, so a browser never pairs a new
    page with an old cached file) and ``data-kb-list-rows`` the rows per
    page; then links to the plain pages by period."""
    corpus = site.corpus
    path = urls.SPEECH_LIST
    data_src = posixpath.relpath(urls.SPEECH_LIST_DATA, posixpath.dirname(path))
    digest = hashlib.sha256(script.encode("utf-8")).hexdigest()[:12]
    shown = speeches[:LIST_FIRST_ROWS]
    lines = [Md(""), Md("# 讲话"), Md(""),
             Md("共 {} 篇讲话。用下面的筛选栏按时期、年份、地点、场合或主题查找，或在标题、地点和场合中查找字词；"
                "时间未注明日期的，是由正文中的时代提法（如“十二五”“十九大”）估计的时期。").format(len(corpus.speeches)),
             Md("")]
    if by_period:
        lines += [Md("下表是最新的 {} 篇。按时期逐页浏览全部讲话：").format(len(shown))
                  + _browse_by_period(path, by_period),
                  Md("{: .kb-list-pages data-search-exclude }"), Md("")]
    lines += [Md('<table data-kb-list data-kb-list-data="{}?v={}" data-kb-list-rows="{}">').format(
                  token(data_src), token(digest), LIST_FIRST_ROWS),
              _HEAD, Md("<tbody>")]
    lines += [_row(site, path, s) for s in shown]
    lines += [Md("</tbody>"), Md("</table>"), Md("")]
    if corpus.skipped:
        lines += [Md(""), Md('!!! warning "未能收录的文件"'), Md("")]
        lines += [Md("    - {}").format(sk.message) for sk in corpus.skipped]
    return page(front_matter("讲话"), lines) + "\n"


def render_period_page(site: Site, sub: _PeriodPage, by_period: list[_PeriodPage]) -> str:
    """A plain page of the speech list: one period's speeches (or a
    numbered slice of them), newest first, in a table without filters,
    with links to every other plain page and back to the list."""
    title = sub.label if sub.number == 1 else f"{sub.label} · 第{sub.number}页"
    total = sum(len(s.speeches) for s in by_period if s.label == sub.label)
    back = Md("[← 全部讲话（筛选、排序、查找）]({})").format(token(urls.relative(sub.path, urls.SPEECH_LIST)))
    lines = [Md(""), Md("# 讲话 · {}").format(title), Md(""),
             back, Md("{: .kb-other-themes data-search-exclude }"), Md(""),
             Md("本页 {} 篇（本时期共 {} 篇），按时间从新到旧。各时期：").format(len(sub.speeches), total)
             + _browse_by_period(sub.path, by_period, sub),
             Md("{: .kb-list-pages data-search-exclude }"), Md(""),
             Md("<table data-kb-list-page>"), _HEAD, Md("<tbody>")]
    lines += [_row(site, sub.path, s) for s in sub.speeches]
    lines += [Md("</tbody>"), Md("</table>"), Md("")]
    return page(front_matter(f"讲话 · {title}"), lines) + "\n"


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
    lines += [Md("## 最新的讲话 { #speeches }" if len(corpus.speeches) > HOME_SPEECHES else "## 讲话 { #speeches }"),
              Md("")]
    # The home page is every visitor's first download: past a screenful it
    # points to the speech list instead of repeating it.
    for s in _newest_first(corpus.speeches)[:HOME_SPEECHES]:
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
