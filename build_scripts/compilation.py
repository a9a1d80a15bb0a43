"""Citations of passages, and a theme's passages compiled for download
(专题汇编) as a Word document and as CSV.

Nothing here knows about mkdocs: the adapter passes a ``url_of`` function
(the URL authority's full URL of a passage) and writes the bytes where it
wants them.  Everything is deterministic: same corpus, same bytes (fixed
document properties and zip entry dates, no set order).

A citation names the speech, its place, its date (or, failing that, its
estimated period) and where the passage sits in the speech::

    ——《在××区工会代表大会上的讲话》，××区，2017–2020年（估计），第二部分·要点一

The same pieces are what the site's passage actions put on the clipboard
(docs/javascripts/kb-passages.js reads them from ``data-kb-*`` attributes).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.sax.saxutils import escape as xml_escape
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Optional

from .model import LEAF_KINDS, Corpus, Speech, Theme, Unit
from .splitter import to_chinese_numeral

#: Kind labels for units outside the numbered parts.
KIND_LABEL = {"salutation": "称呼", "intro": "开场", "section": "部分", "subpoint": "要点",
              "paragraph": "段落", "closing": "结束语", "note": "附注"}

#: ``url_of(speech, unit)`` → the URL printed under a passage (full when the
#: site's address is known, else site-relative).
UrlOf = Callable[[Speech, Unit], str]


def location(speech: Speech, unit: Unit) -> str:
    """Where ``unit`` sits in ``speech``, as cited: ``第二部分``,
    ``第二部分·要点一``, ``第二部分·段落1``, ``开场``, ``结束语``.

    Raises ``KeyError`` if ``unit.parent`` is not a unit of ``speech``.
    """
    if unit.kind == "section":
        return f"第{to_chinese_numeral(unit.number)}部分"
    if unit.parent:
        part = f"第{to_chinese_numeral(speech.unit(unit.parent).number)}部分"
        if unit.kind == "subpoint":
            return f"{part}·要点{to_chinese_numeral(unit.number)}"
        return f"{part}·段落{unit.id.rsplit('p', 1)[-1]}"
    return KIND_LABEL[unit.kind]


def _date(speech: Speech) -> Optional[str]:
    """The speech's date, unless it is only a year in the title that the
    text's period clues contradict (the metadata then warns, and the text
    is believed: a title's "2023" over a text full of 十二五)."""
    m = speech.meta
    if m is None or m.date is None or not m.date.value:
        return None
    found = re.match(r"\d{4}", m.date.value)
    if (m.date.origin == "title" and found and m.period_start is not None and m.period_end is not None
            and not m.period_start <= int(found.group()) <= m.period_end):
        return None
    return m.date.value


def when(speech: Speech) -> str:
    """The speech's date (``2016年``, ``2016-05-20``) if known (``_date``),
    else its estimated period marked as such (``2017–2020年（估计）``), else
    ``""``.  A period is estimated from the text's period clues
    (data/period_clues.yml)."""
    m = speech.meta
    if m is None:
        return ""
    value = _date(speech)
    if value:
        return f"{value}年" if re.fullmatch(r"\d{4}", value) else value
    if m.period is not None and m.period.value:
        return f"{m.period.value}年（估计）"
    return ""


def place(speech: Speech) -> str:
    m = speech.meta
    return m.place.value if m is not None and m.place is not None else ""


def source(speech: Speech) -> str:
    """``——《title》，place，date/period``: the citation of a speech; empty
    pieces are left out (a speech without a known place has none)."""
    return "——" + "，".join(p for p in (f"《{speech.title}》", place(speech), when(speech)) if p)


def citation(speech: Speech, unit: Optional[Unit] = None) -> str:
    """``source(speech)``, then ``，location`` of ``unit`` if given."""
    return source(speech) + (f"，{location(speech, unit)}" if unit is not None else "")


def year(speech: Speech) -> Optional[float]:
    """The year used to order speeches in time: the date's year, else the
    middle of the estimated period, else ``None`` (undated)."""
    m = speech.meta
    if m is None:
        return None
    date = _date(speech)
    if date and re.match(r"\d{4}", date):
        return float(date[:4])
    if m.period_start is not None and m.period_end is not None:
        return (m.period_start + m.period_end) / 2
    return None


def chronological(speeches: Iterable[Speech]) -> list[Speech]:
    """``speeches`` oldest first; undated ones last, in their given order."""
    return sorted(speeches, key=lambda s: (year(s) is None, year(s) or 0.0))


@dataclass
class Passage:
    """One passage of a compilation: its speech, its unit and its citation."""

    speech: Speech
    unit: Unit
    citation: str
    url: str


def passages(corpus: Corpus, theme: Theme, url_of: UrlOf,
             speeches: Optional[Iterable[Speech]] = None) -> list[tuple[Speech, list[Passage]]]:
    """The passages (leaf units, notes excluded) tagged with ``theme``, by
    speech, speeches in time order (``chronological``), passages in speech
    order.  ``speeches`` narrows the selection (default: the whole corpus);
    speeches without such a passage are left out."""
    chosen = corpus.speeches if speeches is None else list(speeches)
    out = []
    for speech in chronological(chosen):
        found = [Passage(speech, u, citation(speech, u), url_of(speech, u)) for u in speech.units
                 if u.kind in LEAF_KINDS and u.kind != "note" and theme.name in u.themes]
        if found:
            out.append((speech, found))
    return out


# --- CSV -------------------------------------------------------------------

CSV_COLUMNS = ("讲话", "地点", "时间", "位置", "段落", "出处", "网址")


def theme_csv(corpus: Corpus, theme: Theme, url_of: UrlOf,
              speeches: Optional[Iterable[Speech]] = None) -> bytes:
    """The compilation as CSV (UTF-8 with a byte-order mark, so that Excel
    reads the Chinese correctly; CRLF rows as RFC 4180): one row per
    passage, columns ``CSV_COLUMNS``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for speech, found in passages(corpus, theme, url_of, speeches):
        for p in found:
            writer.writerow((speech.title, place(speech), when(speech), location(speech, p.unit),
                             p.unit.text, p.citation, p.url))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# --- Word ------------------------------------------------------------------

#: The date written into the document's properties and zip entries when the
#: caller gives none (the zip format's earliest date).
EPOCH_1980 = datetime(1980, 1, 1, tzinfo=timezone.utc)


def theme_docx(corpus: Corpus, theme: Theme, url_of: UrlOf, speeches: Optional[Iterable[Speech]] = None,
               title: Optional[str] = None, date: datetime = EPOCH_1980) -> bytes:
    """The compilation (专题汇编) as a Word document: a title, one heading
    per speech (with its place and date or period), then each passage
    followed by its citation and URL (paragraph style ``Citation``).

    ``title`` defaults to ``<theme>专题汇编``; ``date`` (timezone-aware)
    becomes the document's created/modified property and every zip entry's
    date, so the same input gives the same bytes.  python-docx makes the
    package and the styles; the body is written as WordprocessingML in one
    piece (adding paragraphs one by one through python-docx costs ~3 ms
    each: a minute for a 1,000-speech corpus)."""
    import docx  # the adapter may build without compilations; import on use
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt, RGBColor

    title = title or f"{theme.name}专题汇编"
    groups = passages(corpus, theme, url_of, speeches)
    document = docx.Document()
    _drop_optional_parts(document)
    props = document.core_properties
    props.title, props.subject, props.author = title, theme.name, "工会讲话知识库"
    props.last_modified_by, props.comments, props.keywords = "工会讲话知识库", theme.description, theme.name
    stamp = date.astimezone(timezone.utc).replace(tzinfo=None)
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    # East Asian text needs an East Asian font name on the style.
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    cite = document.styles.add_style("Citation", WD_STYLE_TYPE.PARAGRAPH)
    cite.base_style = normal
    cite.font.size = Pt(9)
    cite.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    cite.paragraph_format.space_after = Pt(10)

    count = sum(len(found) for _, found in groups)
    body = [_w_p(title, "Title"),
            _w_p(f"{theme.description}\n共 {count} 段，出自 {len(groups)} 篇讲话；讲话按时间先后排列，每段之后注明出处。")]
    for speech, found in groups:
        body.append(_w_p(speech.title, "Heading1"))
        facts = "，".join(p for p in (place(speech), when(speech)) if p)
        if facts:
            body.append(_w_p(facts))
        for p in found:
            body += [_w_p(line) for line in p.unit.text.split("\n") if line.strip()]
            body.append(_w_p(p.citation + (f"\n{p.url}" if p.url else ""), cite.style_id))
    fragment = parse_xml(f"<w:body {nsdecls('w')}>{''.join(body)}</w:body>")
    target = document.element.body
    end = target.sectPr  # the section properties stay last
    for element in list(fragment):
        end.addprevious(element)
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue(), date)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _w_p(text: str, style: Optional[str] = None) -> str:
    """A WordprocessingML paragraph of ``text`` (line breaks as ``<w:br/>``)
    in paragraph style ``style`` (a style id)."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    # Characters XML 1.0 cannot hold are dropped (cleaned speech text has none).
    text = _XML_INVALID.sub("", text)
    runs = "<w:r><w:br/></w:r>".join(f'<w:r><w:t xml:space="preserve">{xml_escape(line)}</w:t></w:r>'
                                     for line in text.split("\n"))
    return f"<w:p>{ppr}{runs}</w:p>"


#: Parts of python-docx's default template that no Word or WPS needs to
#: open the document: Word 2010's copy of the styles (stylesWithEffects,
#: 13.6 KB deflated), the package thumbnail (a JPEG, 1.5 KB) and an empty
#: bibliography (customXml).  They were ~45 % of a short compilation and
#: are repeated in every .docx of the site (benchmarks/bench.py,
#: ``site_bytes``).  By relationship type, as the package names them.
OPTIONAL_PARTS = ("/thumbnail", "/stylesWithEffects", "/customXml")


def _drop_optional_parts(document) -> None:
    """Remove ``OPTIONAL_PARTS`` from ``document`` (python-docx): a part
    no relationship points to is not written by ``save``, and the content
    types are made from the parts written."""
    for rels in (document.part.package.rels, document.part.rels):
        for rid in [r.rId for r in rels.values() if r.reltype.endswith(OPTIONAL_PARTS)]:
            rels.pop(rid)


def zipped(name: str, data: bytes, date: datetime = EPOCH_1980) -> bytes:
    """A zip holding one file, ``name`` with ``data`` (deflated), dated
    ``date`` (as ``theme_docx``): same input, same bytes."""
    stamp = max(date.astimezone(timezone.utc), EPOCH_1980).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        entry = zipfile.ZipInfo(name, date_time=stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        dst.writestr(entry, data)
    return out.getvalue()


def _fixed_zip(data: bytes, date: datetime) -> bytes:
    """``data`` (a zip) rewritten with every entry dated ``date`` (python-
    docx stamps each entry with the current time), same order and contents."""
    stamp = date.astimezone(timezone.utc)
    stamp = max(stamp, EPOCH_1980).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
