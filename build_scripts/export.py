"""The JSON export of the annotated corpus (site/data/corpus.json).

Shape (schema_version 2; JSON Schema in data/corpus.schema.json, documented
on the site's 数据格式 page)::

    {"schema_version": 2,
     "themes": [{"name", "slug", "url", "description"}],
     "speeches": [{"id", "source", "title", "url", "meta": {…},
                   "units": [{"id", "parent", "kind", "number", "heading",
                              "text", "themes", "evidence", "evidence_detail",
                              "evidence_sentences", "scores", "line", "url"}]}]}

Version 2 is lean: an evidence sentence is stored once per unit
(``evidence_sentences``) and referenced by ``sentence_index`` (version 1
repeated it in every evidence entry: half the file), and the file is
compact — one line per speech — instead of indented.

After the speeches, the corpus-wide views (``build_scripts/insight.py``),
each item on its own line::

     "formulations": [{"text", "speeches", "count", "periods", "years",
                       "pinned", "occurrences": ["<speech id>#<unit id>"…],
                       "starts": [offset of each occurrence in its unit]}],
     "reuse": [{"a", "b", "similarity"}],
     "citations": [{"kind", "name", "speeches", "occurrences"}],
     "trends": {"by_period": [bucket], "by_year": [bucket], "undated"}

A unit reference ``<speech id>#<unit id>`` is also the unit's URL fragment
on its speech page.

Deterministic: same corpus, same bytes (no timestamps, no set order,
``ensure_ascii=False`` so Chinese stays readable).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from . import urls
from .model import Corpus, MetaValue, Speech, Unit

SCHEMA_VERSION = 2
SCHEMA_PATH = Path(__file__).parent / "data" / "corpus.schema.json"


def _value(mv: Optional[MetaValue]) -> Optional[dict[str, str]]:
    return None if mv is None else {"value": mv.value, "source": mv.source, "origin": mv.origin}


def meta_dict(speech: Speech) -> dict[str, Any]:
    """The ``meta`` object of one speech."""
    m = speech.meta
    period = _value(m.period)
    if period is not None:
        period.update(start=m.period_start, end=m.period_end)
    return {
        "title": _value(m.title),
        "place": _value(m.place),
        "congress": _value(m.congress),
        "occasion": _value(m.occasion),
        "speaker": _value(m.speaker),
        "date": _value(m.date),
        "source": _value(m.source),
        "period": period,
        "period_clues": [
            {"term": c.term, "label": c.label, "start": c.start, "end": c.end, "weight": c.weight,
             "sentence": c.sentence}
            for c in m.clues
        ],
        "warnings": list(m.warnings),
        "notes": list(speech.notes),
        "placeholders": [{"original": p.original, "line": p.line, "count": p.count} for p in speech.placeholders],
    }


def unit_dict(speech: Speech, unit: Unit, speech_url: str) -> dict[str, Any]:
    """One unit as exported; its ``url`` is ``speech_url#<unit id>``."""
    sentences: dict[str, int] = {}
    for tag in unit.tags:
        for e in tag.evidence:
            sentences.setdefault(e.sentence, len(sentences))
    return {
        "id": unit.id,
        "parent": unit.parent,
        "kind": unit.kind,
        "number": unit.number,
        "heading": unit.heading,
        "text": unit.text,
        "themes": unit.themes,
        "evidence": {t.theme: t.terms for t in unit.tags},
        "evidence_detail": {
            t.theme: [{"term": e.term, "weight": e.weight, "count": e.count, "cue": e.cue,
                       "sentence_index": sentences[e.sentence]}
                      for e in t.evidence]
            for t in unit.tags
        },
        "evidence_sentences": list(sentences),
        "scores": {t.theme: t.score for t in unit.tags},
        "line": unit.line,
        "url": f"{speech_url}#{unit.id}",
    }


def corpus_dict(corpus: Corpus, url_of: urls.UrlOf = urls.directory_url) -> dict[str, Any]:
    """The whole export as a JSON-ready dict.  ``url_of`` maps a docs path
    (``urls.speech_path``) to its site-relative URL: the plugin passes
    mkdocs' ``File.url``, so the URLs match the build (``speeches/<id>/``,
    or ``speeches/<id>.html`` with ``use_directory_urls: false``)."""
    speech_urls = {s.id: url_of(urls.speech_path(s)) for s in corpus.speeches}
    return {
        "schema_version": SCHEMA_VERSION,
        "themes": [{"name": t.name, "slug": t.slug, "url": url_of(urls.theme_path(t)), "description": t.description}
                   for t in corpus.themes],
        "speeches": [
            {"id": s.id, "source": s.source, "title": s.title, "url": speech_urls[s.id], "meta": meta_dict(s),
             "units": [unit_dict(s, u, speech_urls[s.id]) for u in s.units]}
            for s in corpus.speeches
        ],
    }


def unit_ref(speech_id: str, unit_id: str) -> str:
    """A unit's id across the corpus: ``<speech id>#<unit id>``."""
    return f"{speech_id}#{unit_id}"


def _bucket(b: Any, themes: list[Theme]) -> dict[str, Any]:
    return {"key": b.key, "label": b.label, "speeches": b.speeches, "passages": b.passages,
            "themes": {t.name: b.themes.get(t.name, 0) for t in themes},
            "shares": {t.name: b.share(t.name) for t in themes}}


def insight_dict(corpus: Corpus) -> dict[str, Any]:
    """The corpus-wide views as exported (empty lists when not computed)."""
    ins = corpus.insight
    if ins is None:
        return {"formulations": [], "reuse": [], "citations": [],
                "trends": {"by_period": [], "by_year": [], "undated": 0}}
    return {
        "formulations": [
            {"text": f.text, "speeches": len(f.speeches), "count": f.count,
             "periods": ins.formulation_periods(f), "years": {str(y): n for y, n in ins.formulation_years(f).items()},
             "pinned": f.pinned,
             "occurrences": [unit_ref(o.speech, o.unit) for o in f.occurrences],
             "starts": [o.start for o in f.occurrences]}
            for f in ins.formulations],
        "reuse": [{"a": unit_ref(*p.a), "b": unit_ref(*p.b), "similarity": p.similarity} for p in ins.reuse],
        "citations": [{"kind": c.kind, "name": c.name, "speeches": len(c.speeches),
                       "occurrences": [unit_ref(o.speech, o.unit) for o in c.occurrences]}
                      for c in ins.citations],
        "trends": {"by_period": [_bucket(b, corpus.themes) for b in ins.trends.by_period],
                   "by_year": [_bucket(b, corpus.themes) for b in ins.trends.by_year],
                   "undated": ins.trends.undated},
    }


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_json(corpus: Corpus, url_of: urls.UrlOf = urls.directory_url) -> str:
    """The export as UTF-8-ready text: compact, one line per speech (so a
    diff shows which speeches changed), then one line per formulation,
    reuse pair and citation, and the trends on one line; trailing newline.
    ``url_of``: see ``corpus_dict``."""
    data = corpus_dict(corpus, url_of)
    speeches = data.pop("speeches")
    head = _dump(data)
    out = [head[:-1], ',"speeches":', _lines(speeches)]
    views = insight_dict(corpus)
    for key in ("formulations", "reuse", "citations"):
        out += [f',\n"{key}":', _lines(views[key])]
    out += [',\n"trends":', _dump(views["trends"]), "}\n"]
    return "".join(out)


def _lines(items: list) -> str:
    """A JSON array with one item per line."""
    return "[\n" + ",\n".join(_dump(i) for i in items) + ("\n" if items else "") + "]"


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the export."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
