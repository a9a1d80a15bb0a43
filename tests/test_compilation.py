"""The 专题汇编 (a theme's passages as .docx and .csv) and citations, on the
real corpus: every tagged passage once, in time order, each with its
citation; the same input gives the same bytes."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from datetime import datetime, timezone

import docx
import pytest

from build_scripts import compilation
from build_scripts.model import LEAF_KINDS


def url_of(speech, unit):
    return f"https://kb.example/speeches/{speech.id}/#{unit.id}"


def tagged(corpus, theme):
    return [(s, u) for s in corpus.speeches for u in s.units
            if u.kind in LEAF_KINDS and u.kind != "note" and theme.name in u.themes]


def test_location_and_citation(corpus):
    speech = next(s for s in corpus.speeches if s.id == "002_3520ac743f25e09c")
    assert compilation.location(speech, speech.unit("part-2-1")) == "第二部分·要点一"
    assert compilation.location(speech, speech.unit("part-2")) == "第二部分"
    assert compilation.location(speech, speech.unit("part-1-p1")) == "第一部分·段落1"
    assert compilation.location(speech, speech.unit("intro-1")) == "开场"
    assert compilation.citation(speech, speech.unit("part-2-1")) == \
        "——《在××区工会代表大会上的讲话》，××区，2017–2020年（估计），第二部分·要点一"


def test_citation_prefers_a_date_and_skips_missing_pieces(corpus):
    # 003's title says 2023 but its text (十二五) dates it 2012–2015: the
    # text wins, as the metadata warning says.
    titled = next(s for s in corpus.speeches if s.id == "003_8934f3c4a65f5158")
    assert titled.meta.date.value == "2023" and titled.meta.date.origin == "title"
    assert compilation.when(titled) == "2012–2015年（估计）"
    saved = titled.meta.date.origin
    titled.meta.date.origin = "sidecar"
    try:
        assert compilation.when(titled) == "2023年" and compilation.year(titled) == 2023
    finally:
        titled.meta.date.origin = saved
    speech = corpus.speeches[0]
    saved = speech.meta.place
    speech.meta.place = None
    try:
        assert compilation.citation(speech).startswith(f"——《{speech.title}》，{speech.meta.period.value}年")
    finally:
        speech.meta.place = saved


@pytest.mark.parametrize("index", range(4))
def test_docx_holds_every_passage_with_its_citation(corpus, index):
    theme = corpus.themes[index]
    expected = tagged(corpus, theme)
    assert expected, f"{theme.name} has no tagged passage in the seeds"
    document = docx.Document(io.BytesIO(compilation.theme_docx(corpus, theme, url_of)))
    paras = [p.text for p in document.paragraphs]
    assert paras[0] == f"{theme.name}专题汇编"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    speeches = compilation.chronological({s.id: s for s, _ in expected}.values())
    assert headings == [s.title for s in speeches]
    for speech, unit in expected:
        i = paras.index(unit.text)
        assert paras[i + 1] == f"{compilation.citation(speech, unit)}\n{url_of(speech, unit)}"
    assert sum(1 for p in paras if p.startswith("——《")) == len(expected)
    assert document.core_properties.title == f"{theme.name}专题汇编"


def test_speeches_are_in_time_order(corpus):
    years = [compilation.year(s) for s in compilation.chronological(corpus.speeches)]
    dated = [y for y in years if y is not None]
    assert dated == sorted(dated) and len(set(dated)) > 1
    assert years[:len(dated)] == dated  # undated last


def test_docx_is_byte_identical_and_dated(corpus):
    theme = corpus.themes[1]
    date = datetime(2020, 5, 1, 12, 0, tzinfo=timezone.utc)
    first = compilation.theme_docx(corpus, theme, url_of, date=date)
    time.sleep(2.1)  # zip entry times have a 2-second resolution
    assert compilation.theme_docx(corpus, theme, url_of, date=date) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2020, 5, 1, 12, 0, 0)}
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.created == props.modified == date


def test_docx_leaves_out_the_templates_optional_parts(corpus):
    data = compilation.theme_docx(corpus, corpus.themes[0], url_of)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8") + z.read("_rels/.rels").decode("utf-8")
    assert not [n for n in names if "stylesWithEffects" in n or "thumbnail" in n or n.startswith("customXml/")]
    assert "stylesWithEffects" not in types + rels and "thumbnail" not in types + rels
    # Every part a relationship names is in the package; styles still apply.
    assert {"word/styles.xml", "word/numbering.xml", "word/settings.xml"} <= set(names)
    document = docx.Document(io.BytesIO(data))
    assert document.styles["Citation"].base_style.name == "Normal"
    assert any(p.style.name == "Citation" for p in document.paragraphs)


def test_selection_narrows_the_compilation(corpus):
    theme = corpus.themes[1]
    speech = next(s for s, _ in tagged(corpus, theme))
    document = docx.Document(io.BytesIO(compilation.theme_docx(corpus, theme, url_of, speeches=[speech])))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [speech.title]


def test_csv_rows(corpus):
    theme = corpus.themes[0]
    data = compilation.theme_csv(corpus, theme, url_of)
    assert data.startswith("\ufeff".encode()) and data == compilation.theme_csv(corpus, theme, url_of)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == compilation.CSV_COLUMNS
    expected = tagged(corpus, theme)
    assert len(rows) - 1 == len(expected)
    by_text = {r[4]: r for r in rows[1:]}
    for speech, unit in expected:
        row = by_text[unit.text]
        assert row[0] == speech.title and row[5] == compilation.citation(speech, unit)
        assert row[6] == url_of(speech, unit)
