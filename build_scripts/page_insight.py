"""Pages of the corpus-wide views (提法, 复用, 引用, 趋势), rendered from the
corpus model's ``insight`` (build_scripts/insight.py).  Speech text is
untrusted: every piece goes through ``pages.escape`` (or ``Md.format``)
and every link through ``pages.link``; paths come from ``urls``.

Pages:
    insight/index.md            what the four views are (paths: ``urls``)
    formulations/index.md       the 提法 index: by number of speeches, with
                                first and last period and co-occurring themes
    formulations/<slug>.md      one formulation (the first
                                ``FORMULATION_PAGES``): use over time (chart
                                and table) and its KWIC concordance, each
                                line linking to the passage with ``?h=``
    reuse/index.md, reuse/<n>.md
                                the 复用 report: pairs of speeches by shared
                                passages, the likely source first, in pages
                                of ``REUSE_PAGE_PAIRS`` pairs of speeches
    citations/index.md          cited documents, meetings and programmes,
                                each with links to its mentions
    trends/index.md             theme shares by period and by year (charts
                                and tables)

A speech page (``page_speech``) gets its reuse marks (``reuse_marks``) and
its theme profile (``speech_profile``) from here.
"""

from __future__ import annotations

import functools
from collections import Counter
from operator import itemgetter
from typing import Iterator, Optional
from urllib.parse import quote

from . import charts, citations, trends, urls
from .formulations import Formulation, kwic, texts_by_unit
from .insight import Insight
from .layout import Site, location
from .model import Speech, Unit
from .pages import Md, escape, front_matter, html_block, link
from .reuse import by_unit

#: Formulations with a page of their own (most speeches first); the rest are
#: listed in the index and in corpus.json.  Each page costs build time (~25
#: ms of mkdocs' theme rendering whatever its size; at 50 speeches 120 pages
#: were half the build), so the index stays the place to browse.
FORMULATION_PAGES = 60
#: KWIC lines on a formulation page at most: spread evenly over the uses
#: in date order (the earliest and the latest included), so the page shows
#: the whole time span.  A line is ~650 bytes of HTML; 100 lines keep a
#: page at ~75 KB and the 60 pages at ~4.5 MB whatever the corpus size.
KWIC_MAX_LINES = 100
#: Mentions linked per citation entry.
CITATION_MAX_MENTIONS = 40
#: Pairs of speeches per page of the 复用 report (~1.5 KB of HTML each, so
#: a page stays ~200 KB with the theme's frame; every pair is listed).
REUSE_PAGE_PAIRS = 100


def _views(site: Site) -> Optional[Insight]:
    return site.corpus.insight  # type: ignore[return-value]


def _cached(site: Site, key: str, make):
    """A value computed once per ``Site`` (one build)."""
    store = site.__dict__.setdefault("_insight_cache", {})
    if key not in store:
        store[key] = make()
    return store[key]


def _speeches(site: Site) -> dict[str, Speech]:
    return _cached(site, "speeches", lambda: {s.id: s for s in site.corpus.speeches})


def _unit(site: Site, speech_id: str, unit_id: str) -> Unit:
    """A unit by ids (``Speech.unit`` scans the speech's units)."""
    units = _cached(site, "units", lambda: {(s.id, u.id): u for s in site.corpus.speeches for u in s.units})
    return units[(speech_id, unit_id)]


def _table(head: list[str], rows: list[list[str]], wrapper: str = "", right: tuple[int, ...] = ()) -> str:
    """An HTML table as one HTML block line (Python-Markdown stores it as it
    is: a 300-row Markdown table costs mkdocs ~0.3 s to parse).  Cells are
    HTML (escaped text, ``link``s, which the hook resolves).  The table has
    no class, so material styles it; it is wrapped in a ``<div
    class="kb-table …">`` with the ``wrapper`` classes (``kb-sortable``:
    sortable by any column), a block ``rawhtml`` passes through unparsed.  Columns in
    ``right`` are right-aligned."""
    def cell(tag: str, k: int, value: str) -> str:
        return f'<{tag} style="text-align:right">{value}</{tag}>' if k in right else f"<{tag}>{value}</{tag}>"
    thead = "<tr>" + "".join(cell("th", k, h) for k, h in enumerate(head)) + "</tr>"
    body = "".join("<tr>" + "".join(cell("td", k, c) for k, c in enumerate(row)) + "</tr>" for row in rows)
    table = f"<table><thead>{thead}</thead><tbody>{body}</tbody></table>"
    return f'<div class="{("kb-table " + wrapper).strip()}">{table}</div>'


def formulation_pages(views: Insight) -> dict[str, str]:
    """formulation text → its page's docs path, for the formulations with a
    page (``urls.formulation_path``; ``-2``, ``-3`` … if two collide)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for f in views.formulations[:FORMULATION_PAGES]:
        path = base = urls.formulation_path(f.text)
        n = 2
        while path in used:
            path, n = f"{base[:-3]}-{n}.md", n + 1
        used.add(path)
        out[f.text] = path
    return out


def _period_range(views: Insight, f: Formulation) -> tuple[str, str]:
    periods = [p for p in views.formulation_periods(f) if p != trends.UNDATED[0]]
    if not periods:
        return "—", "—"
    short = {slug: label.split("（")[0] for slug, label, _ in trends.PERIODS}
    return short[periods[0]], short[periods[-1]]


#: (speech id, unit id) of an ``Occurrence``.
_SPEECH_UNIT = itemgetter(0, 1)


def _themes_of(site: Site, f: Formulation) -> list[tuple[str, int]]:
    """Themes of the passages holding ``f``, most first."""
    themes = _cached(site, "unit_themes",
                     lambda: {(s.id, u.id): u.themes for s in site.corpus.speeches for u in s.units})
    counts: Counter = Counter()
    for key, n in Counter(map(_SPEECH_UNIT, f.occurrences)).items():
        for t in themes[key]:
            counts[t] += n
    order = [t.name for t in site.corpus.themes]
    return sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0])))


def render_formulation_index(site: Site) -> str:
    views = _views(site)
    pages = formulation_pages(views)
    lines = [front_matter("提法"), "", "# 提法索引", "",
             "在两篇以上讲话中反复出现的固定表述（提法），从全部讲话的文字中自动发现：取在不同讲话中重复出现、"
             "前后搭配多变（边界稳定）且与分词边界一致的字串，偏向完整的短语而不是它的片段。"
             "按使用它的讲话数排序；点击提法查看每一处用例（KWIC 索引）。"
             "在 `insight.yml` 中可以固定（pin）或排除（ban）某个表述。", "",
             f"共 {len(views.formulations)} 个提法。时期由讲话正文中的时代线索估计。", ""]
    rows = []
    for f in views.formulations:
        first, last = _period_range(views, f)
        themes = "、".join(f"{escape(t)}（{n}）" for t, n in _themes_of(site, f)[:3]) or "—"
        name = link(urls.relative(urls.FORMULATIONS, pages[f.text]), escape(f.text)) if f.text in pages \
            else escape(f.text)
        pin = "（固定）" if f.pinned else ""
        rows.append([name + pin, str(len(f.speeches)), str(f.count), first, last, themes])
    lines += [_table(["提法", "讲话数", "次数", "最早时期", "最晚时期", "共现主题"], rows, "kb-sortable", (1, 2)), ""]
    if len(views.formulations) > FORMULATION_PAGES:
        lines += [f"前 {FORMULATION_PAGES} 个提法各有用例页；其余的用例可用全文检索查找，"
                  f"或见 [data/insight.json]({urls.relative(urls.FORMULATIONS, urls.INSIGHT_JSON)}) 的 `formulations`。", ""]
    return "\n".join(lines)


def _speech_date(speech: Speech) -> str:
    m = speech.meta
    if m.date is not None:
        return m.date.value
    if m.period_start is not None:
        return f"{m.period_start}–{m.period_end}" if m.period_end != m.period_start else str(m.period_start)
    return "—"


def _date_key(speech: Speech) -> tuple:
    m = speech.meta
    if m.date is not None:
        return (0, m.date.value)
    if m.period_start is not None:
        return (0, f"{(m.period_start + m.period_end) / 2:07.1f}")
    return (1, "")


def render_formulation(site: Site, f: Formulation) -> str:
    views = _views(site)
    speeches = _speeches(site)
    texts = _cached(site, "texts", lambda: texts_by_unit(site.corpus))
    years = views.formulation_years(f)
    path = formulation_pages(views)[f.text]
    lines = [front_matter("提法：" + f.text), "",
             f"# {escape(f.text)}", "",
             f"[← 提法索引]({urls.relative(path, urls.FORMULATIONS)}) · 出现在 **{len(f.speeches)}** 篇讲话中，共 **{f.count}** 处"
             + ("（在 `insight.yml` 中固定）" if f.pinned else "") + "。", ""]
    if years:
        cats = [str(y) for y in years]
        lines += ["## 使用情况 { #use }", "",
                  charts.bars("use", f"“{f.text}”逐年使用的讲话数", cats,
                              [charts.Series("讲话数", "#c62828", [float(n) for n in years.values()])],
                              percent=False, caption="年份为讲话日期，无日期的按估计时期的中点。"), ""]
    dates = _cached(site, "date_keys", lambda: {s.id: _date_key(s) for s in site.corpus.speeches})
    occ = sorted(f.occurrences, key=lambda o: (dates[o.speech], o.speech))
    shown = occ if len(occ) <= KWIC_MAX_LINES else [
        occ[k * (len(occ) - 1) // (KWIC_MAX_LINES - 1)] for k in range(KWIC_MAX_LINES)]
    lines += ["## 用例（KWIC） { #kwic }", "",
              "左侧上下文 | 提法 | 右侧上下文；点击提法打开讲话原处并高亮。点击表头可按该列排序（默认按日期）。", ""]
    if len(occ) > len(shown):
        lines += [f"共 {len(occ)} 处，按日期均匀选列 {len(shown)} 处（含最早和最晚的）；全部见 "
                  f"[data/insight.json]({urls.relative(path, urls.INSIGHT_JSON)})。", ""]
    h = quote(f.text)
    rows = []
    for o in shown:
        speech = speeches[o.speech]
        left, phrase, right = kwic(texts[(o.speech, o.unit)], o.start, len(f.text))
        page = urls.relative(path, urls.speech_path(speech))
        unit = _unit(site, o.speech, o.unit)
        rows.append([escape(_speech_date(speech)),
                     f"{link(page, escape(speech.title))} · {escape(location(speech, unit))}",
                     escape(left), link(f"{page}?h={h}#{o.unit}", Md("<strong>{}</strong>").format(phrase)),
                     escape(right)])
    lines += [_table(["日期", "讲话", "左侧", "提法", "右侧"], rows, "kb-sortable kb-kwic", (2,)), ""]
    return "\n".join(lines)


def reuse_pages(site: Site) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) of each page of the 复用 report: the pairs of
    speeches with shared passages, most shared first (then the earliest),
    ``REUSE_PAGE_PAIRS`` a page."""
    views = _views(site)
    speeches = _speeches(site)
    groups: dict[tuple[str, str], list] = {}
    for p in views.reuse:
        groups.setdefault((p.a[0], p.b[0]), []).append(p)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), _date_key(speeches[kv[0][0]]), kv[0]))
    chunks = [ordered[k:k + REUSE_PAGE_PAIRS] for k in range(0, len(ordered), REUSE_PAGE_PAIRS)] or [[]]
    for number, chunk in enumerate(chunks, 1):
        path = urls.reuse_page_path(number)
        yield path, _reuse_page(site, path, number, len(chunks), chunk, len(groups))


def _reuse_page(site: Site, path: str, number: int, total: int, chunk: list, n_groups: int) -> str:
    views = _views(site)
    speeches = _speeches(site)
    title = "复用" if number == 1 else f"复用（第 {number} 页）"
    lines = [front_matter(title), "", "# 复用报告" + ("" if number == 1 else f"（第 {number} 页）"), "",
             "不同讲话中文字大体相同的段落（改了地名、增删分句、调整语序的也算）：先用 MinHash LSH 找出候选，"
             "再逐对核对字符三元组的 Jaccard 相似度（至少 45%）。每对讲话中较早的一篇（按日期或估计时期）"
             "列在前面，它更可能是出处。", "",
             f"共 {len(views.reuse)} 对相似段落，涉及 {n_groups} 对讲话，相似段落多的在前。", ""]
    if not chunk:
        return "\n".join(lines + ["目前没有发现复用的段落。", ""])
    if total > 1:
        first = (number - 1) * REUSE_PAGE_PAIRS + 1
        pager = " ".join(f"**{n}**" if n == number else f"[{n}]({urls.relative(path, urls.reuse_page_path(n))})"
                         for n in range(1, total + 1))
        lines += [f"本页列出第 {first}–{first + len(chunk) - 1} 对讲话。各页：{pager}", ""]
    for (a, b), pairs in chunk:
        sa, sb = speeches[a], speeches[b]
        lines += [f"## {escape(sa.title)} ↔ {escape(sb.title)}", "",
                  f"{escape(_speech_date(sa))} → {escape(_speech_date(sb))} · {len(pairs)} 段相似", "",
                  ]
        rows = []
        for p in pairs:
            ua, ub = _unit(site, a, p.a[1]), _unit(site, b, p.b[1])
            rows.append([link(urls.relative(path, urls.speech_path(sa), ua.id), escape(location(sa, ua))),
                         link(urls.relative(path, urls.speech_path(sb), ub.id), escape(location(sb, ub))),
                         f"{round(p.similarity * 100)}%"])
        lines += [_table(["较早的讲话", "较晚的讲话", "相似度"], rows, right=(2,)), ""]
    if total > 1:
        lines += [f"各页：{pager}", ""]
    return "\n".join(lines)


def reuse_marks(site: Site, speech: Speech, unit: Unit) -> list[Md]:
    """The lines marking ``unit`` as reused: "与《…》第二部分相似 87%",
    linking to the other passage (which links back)."""
    views = _views(site)
    if views is None:
        return []
    marks = _marks(site).get((speech.id, unit.id))
    if not marks:
        return []
    speeches = _speeches(site)
    items = []
    for p, (sid, uid) in marks:
        other = speeches[sid]
        where = location(other, _unit(site, sid, uid))
        items.append(link(urls.relative(urls.speech_path(speech), urls.speech_path(other), uid),
                          Md("与《{}》{}相似 {}%").format(other.title, where, round(p.similarity * 100)),
                          "kb-reuse-link"))
    return [html_block("p", Md("↔ ") + Md("；").join(items), "kb-reuse", search=False), Md("")]


def _marks(site: Site) -> dict:
    return _cached(site, "marks", lambda: by_unit(_views(site).reuse))


def speech_profile(site: Site, speech: Speech) -> list[Md]:
    """The speech's theme profile: share of its passages per theme (none
    when the views are turned off)."""
    if _views(site) is None:
        return []
    b = trends.profile(site.corpus, speech)
    if not b.passages:
        return []
    themes = site.corpus.themes
    # A bar per theme in a table (charts.share_table), not an SVG chart
    # plus its table: it is on every speech page.
    chart = charts.share_table("profile", "本篇讲话各主题段落所占比例",
                               [(t.name, b.share(t.name), site.theme_color(t)) for t in themes],
                               caption=f"共 {b.passages} 个段落/要点；一个段落可有多个主题。")
    # charts.share_table escapes every text it writes.  Closed by default:
    # the page is for reading, and the text should start on the first screen.
    summary = Md("<summary>本篇讲话的主题分布</summary>")
    return [html_block("details", summary + Md(chart), "kb-profile", search=False), Md("")]


def render_citations(site: Site) -> str:
    views = _views(site)
    speeches = _speeches(site)
    lines = [front_matter("引用"), "", "# 引用的文件、会议与工作品牌", "",
             "讲话中引用的《》文件与法规、会议精神（如党的十八大、十八届三中全会、中国工会十六大）"
             "和工作品牌与制度（如送温暖、金秋助学、职工书屋）。会议与品牌的词表在 "
             "`build_scripts/data/citations.yml`，可在 `insight.yml` 中补充。", ""]
    for kind in citations.KINDS:
        entries = [c for c in views.citations if c.kind == kind]
        lines += [f"## {citations.KIND_LABEL[kind]} {{ #{kind} }}", ""]
        if not entries:
            lines += ["（无）", ""]
            continue
        rows = []
        for c in entries:
            mentions = []
            for o in c.occurrences[:CITATION_MAX_MENTIONS]:
                s = speeches[o.speech]
                target = urls.relative(urls.CITATIONS, urls.speech_path(s))
                mentions.append(link(f"{target}?h={quote(c.name.strip('《》'))}#{o.unit}",
                                     Md("{}·{}").format(s.title[:16], location(s, _unit(site, o.speech, o.unit)))))
            more = f" 等 {len(c.occurrences)} 处" if len(c.occurrences) > CITATION_MAX_MENTIONS else ""
            rows.append([escape(c.name), str(len(c.speeches)), str(len(c.occurrences)), "；".join(mentions) + more])
        lines += [_table(["名称", "讲话数", "次数", "出处"], rows, right=(1, 2)), ""]
    return "\n".join(lines)


def render_trends(site: Site) -> str:
    views = _views(site)
    t = views.trends
    themes = site.corpus.themes
    lines = [front_matter("趋势"), "", "# 主题趋势", "",
             "各主题段落占全部段落的比例（一个段落可有多个主题，故各主题之和可超过 100%）。"
             "时期按党代会划分，由正文中的时代线索估计；年份为讲话日期，无日期的按估计时期的中点。"
             "每个图下的表格列出同样的数字。", ""]

    def series(buckets: list) -> list[charts.Series]:
        return [charts.Series(th.name, site.theme_color(th), [b.share(th.name) for b in buckets])
                for th in themes]

    lines += ["## 按时期 { #by-period }", ""]
    if t.by_period:
        lines += [charts.bars("by-period", "各时期主题段落占比", [b.label.split("（")[0] for b in t.by_period],
                              series(t.by_period),
                              caption="讲话数：" + "，".join(f"{b.label} {b.speeches} 篇" for b in t.by_period)), ""]
    lines += ["## 按年份 { #by-year }", ""]
    if t.by_year:
        lines += [charts.bars("by-year", "各年份主题段落占比", [b.key for b in t.by_year], series(t.by_year),
                              caption="讲话数：" + "，".join(f"{b.key} 年 {b.speeches} 篇" for b in t.by_year)), ""]
    if t.undated:
        lines += [f"另有 {t.undated} 篇讲话无法确定时期，未计入。", ""]
    return "\n".join(lines)


def render_overview(site: Site) -> str:
    views = _views(site)
    corpus = site.corpus
    rel = functools.partial(urls.relative, urls.INSIGHT)
    # data/insight.json is always written (corpus.json only for small corpora).
    data = (f"全部数字也在 [data/insight.json]({rel(urls.INSIGHT_JSON)}) 中"
            + (f"（格式见[数据格式]({rel(urls.DATA_FORMAT)})）。" if site.has(urls.DATA_FORMAT) else "。"))
    return "\n".join([
        front_matter("洞察"), "", "# 洞察", "",
        "从全部讲话中统计出的四种视图，均由构建时的语料模型生成，离线可用：", "",
        f"- [提法]({rel(urls.FORMULATIONS)})：{len(views.formulations)} 个在多篇讲话中反复出现的固定表述，"
        "每个都有用例索引（KWIC）。",
        f"- [复用]({rel(urls.REUSE)})：{len(views.reuse)} 对文字大体相同的段落（可能的出处在前）。",
        f"- [引用]({rel(urls.CITATIONS)})：{len(views.citations)} 个被引用的文件、会议精神和工作品牌。",
        f"- [趋势]({rel(urls.TRENDS)})：各主题段落占比按时期、按年份的变化（{len(corpus.speeches)} 篇讲话）。",
        "", data, ""])


def pages(site: Site) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) of every page of the views (none without them)."""
    views = _views(site)
    if views is None:
        return
    yield urls.INSIGHT, render_overview(site)
    yield urls.FORMULATIONS, render_formulation_index(site)
    yield from reuse_pages(site)
    yield urls.CITATIONS, render_citations(site)
    yield urls.TRENDS, render_trends(site)
    by_text = {f.text: f for f in views.formulations}
    for text, path in formulation_pages(views).items():
        yield path, render_formulation(site, by_text[text])


#: The 洞察 section of the nav.
NAV = {"洞察": [urls.INSIGHT, {"提法": urls.FORMULATIONS}, {"复用": urls.REUSE},
                {"引用": urls.CITATIONS}, {"趋势": urls.TRENDS}]}
