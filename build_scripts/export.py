"""The JSON export of the annotated corpus (site/data/).

Files (``files``; JSON Schema in data/corpus.schema.json, documented on the
site's 数据格式 page):

``data/index.json``
    the manifest, always written and small (about 0.3 KB a speech)::

        {"schema_version": 5, "themes": [THEME…],
         "speeches": [{"id", "title", "url", "data", "place", "occasion",
                       "date", "period", "themes", "units"}]}

    ``data`` is the speech's own file (relative to ``data/``), the metadata
    are the bare values (or null), ``themes`` the themes of its passages,
    ``units`` how many units it has;
``data/speeches/<id>.json``
    one speech, whole: ``{"schema_version": 5, "id", "source", "title",
    "url", "meta": {…}, "units": [UNIT…]}``;
``data/corpus.json``
    everything in one file, ``{"schema_version": 5, "themes": [THEME…],
    "speeches": [SPEECH…]}`` — written only while the corpus has at most
    ``SINGLE_FILE_MAX`` speeches (about 20 KB a speech: at 10,000 it would
    be 200 MB, which nobody the export is for can open).

A UNIT is ``{"id", "parent", "kind", "number", "heading", "text", "themes",
"evidence", "scores", "line", "formulations"}``, every key but ``id``,
``kind``, ``text`` and ``line`` left out when null or empty
(``UNIT_OPTIONAL``); ``heading``, when ``text`` starts with it (always so
far), is its length in code points; ``formulations`` the indices
(ascending) of the corpus's formulations occurring in it, each at every
place its text occurs in ``text`` (``formulation_starts``); ``evidence``:
theme → [[term, weight, count, cue, sentence]…] (``EVIDENCE_FIELDS``; an
array, not an object: the keys were half an entry's bytes, and a speech
has about a hundred entries), ``sentence`` ``[start, end]``, the evidence
sentence as code-point offsets into ``text`` (for a part, into
``part_text``; a sentence that is not in it — never seen — is written out
as a string instead).  A unit's URL is its speech's ``url`` plus
``#<unit id>``.  In ``meta``, a value's ``source`` and a period clue's
``sentence`` are references ``[unit id, start, end]`` into a unit's
``text`` where a unit holds them (``_locator``; ``resolve`` reads them
back), else the sentence itself.

Version 5 writes no sentence twice: meta's sentences are references into
the units, a part's or sub-point's heading is a length into its text, a
formulation's occurrences in a unit are its index once, and empty keys are
left out (a per-speech file of the synthetic corpus: 24.5 KB in version 4,
19.5 KB now).  Version 4 wrote each character of a speech once: a part's
``text`` is its heading line only (version 3 repeated its sub-units' text
in it, 45 % of the file), a unit has no ``url`` (the speech's ``url`` plus
its id), formulation occurrences are stored on the units that hold them
instead of as one list per formulation in the views (the largest data
file at 10,000 speeches), and an evidence entry is an array of
``EVIDENCE_FIELDS``.  Version 3 kept one evidence field where version 2
had three.  The 数据格式 page has the migration notes.  Files are compact,
one line per speech in corpus.json.

``data/insight.json``
    the corpus-wide views (``build_scripts/insight.py``), always written,
    each item on its own line::

      {"schema_version": 5,
       "formulations": [{"text", "speeches", "count", "periods", "years",
                         "pinned"}],
       "reuse": [{"a", "b", "similarity"}],
       "citations": [{"kind", "name", "speeches", "occurrences"}],
       "trends": {"by_period": [bucket], "by_year": [bucket], "undated"}}

    corpus.json carries the same four keys after its speeches.  A unit
    reference ``<speech id>#<unit id>`` is also the unit's URL fragment on
    its speech page.

Deterministic: same corpus, same bytes (no timestamps, no set order,
``ensure_ascii=False`` so Chinese stays readable).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

from . import urls
from .model import PART, Corpus, MetaValue, Speech, Theme, Unit

SCHEMA_VERSION = 5
#: Unit keys left out when null or empty (a reader uses ``.get``).
UNIT_OPTIONAL = ("parent", "number", "heading", "themes", "evidence", "scores", "formulations")
#: The fields of an evidence entry, in order (a unit's ``evidence``).
EVIDENCE_FIELDS = ("term", "weight", "count", "cue", "sentence")
#: Largest corpus (in speeches) that also gets the one-file corpus.json.
SINGLE_FILE_MAX = 500
SCHEMA_PATH = Path(__file__).parent / "data" / "corpus.schema.json"


def _locator(speech: Speech) -> Callable[[str], Any]:
    """A function: sentence → ``[unit id, start, end]``, the first place it
    occurs in a unit's exported ``text`` (code points, ``text[start:end]``
    is the sentence), or the sentence itself when no unit holds it (a value
    read from the title, or inferred)."""
    texts = [(u.id, _exported_text(u)) for u in speech.units]
    found: dict[str, Any] = {}

    def locate(sentence: str) -> Any:
        if sentence not in found:
            found[sentence] = sentence
            if sentence:
                for uid, text in texts:
                    start = text.find(sentence)
                    if start >= 0:
                        found[sentence] = [uid, start, start + len(sentence)]
                        break
        return found[sentence]
    return locate


def _value(mv: Optional[MetaValue], locate: Callable[[str], Any]) -> Optional[dict[str, Any]]:
    return None if mv is None else {"value": mv.value, "source": locate(mv.source), "origin": mv.origin}


def meta_dict(speech: Speech) -> dict[str, Any]:
    """The ``meta`` object of one speech; every sentence of the text it
    cites (a value's ``source``, a clue's ``sentence``) is a reference
    ``[unit id, start, end]`` (``_locator``)."""
    m = speech.meta
    locate = _locator(speech)
    period = _value(m.period, locate)
    if period is not None:
        period.update(start=m.period_start, end=m.period_end)
    return {
        "title": _value(m.title, locate),
        "place": _value(m.place, locate),
        "congress": _value(m.congress, locate),
        "occasion": _value(m.occasion, locate),
        "speaker": _value(m.speaker, locate),
        "date": _value(m.date, locate),
        "source": _value(m.source, locate),
        "period": period,
        "period_clues": [
            {"term": c.term, "label": c.label, "start": c.start, "end": c.end, "weight": c.weight,
             "sentence": locate(c.sentence)}
            for c in m.clues
        ],
        "warnings": list(m.warnings),
        "notes": list(speech.notes),
        "placeholders": [{"original": p.original, "line": p.line, "count": p.count} for p in speech.placeholders],
    }


def _exported_text(unit: Unit) -> str:
    """A unit's ``text`` as exported: a part's is its first line only."""
    return unit.text.split("\n", 1)[0] if unit.kind == PART else unit.text


def resolve(speech: dict[str, Any], ref: Any) -> str:
    """The sentence a meta ``source`` or clue ``sentence`` of an exported
    speech stands for: ``[unit id, start, end]`` → that slice of the unit's
    ``text``; a string is the sentence itself."""
    if isinstance(ref, str):
        return ref
    uid, start, end = ref
    return next(u["text"] for u in speech["units"] if u["id"] == uid)[start:end]


def unit_dict(speech: Speech, unit: Unit, formulations: Optional[list[list[int]]] = None) -> dict[str, Any]:
    """One unit as exported.  A part's ``text`` is its first line (its
    heading as written): the rest is its sub-units' text, and the part's
    whole text — the text its evidence offsets count in — is that line and
    its sub-units' ``text`` joined with line breaks (``part_text``).
    ``heading``, when the unit's text starts with it (always so far), is
    its length in code points (``text[:heading]``), else the heading.
    ``formulations``: its occurrences of the corpus's formulations,
    ``[index in insight.json's formulations, start]``, written as the
    distinct indices, ascending: a formulation occurs at every place its
    text does in the unit's exported ``text`` (``formulation_starts``).  ``id``, ``kind``, ``text`` and
    ``line`` are always there; every other key is left out when it is
    null or empty (``UNIT_OPTIONAL``)."""
    spans: dict[str, Any] = {}
    for tag in unit.tags:
        for e in tag.evidence:
            if e.sentence not in spans:
                start = unit.text.find(e.sentence)
                spans[e.sentence] = [start, start + len(e.sentence)] if start >= 0 else e.sentence
    text = _exported_text(unit)
    heading: Any = unit.heading
    if heading and text.startswith(heading):
        heading = len(heading)
    out = {
        "id": unit.id,
        "parent": unit.parent,
        "kind": unit.kind,
        "number": unit.number,
        "heading": heading,
        "text": text,
        "themes": unit.themes,
        "evidence": {
            t.theme: [[e.term, e.weight, e.count, e.cue, spans[e.sentence]] for e in t.evidence]
            for t in unit.tags
        },
        "scores": {t.theme: t.score for t in unit.tags},
        "line": unit.line,
        "formulations": sorted({i for i, _start in formulations or ()}),
    }
    return {k: v for k, v in out.items() if k not in UNIT_OPTIONAL or v not in (None, [], {})}


def part_text(speech: dict[str, Any], part_id: str) -> str:
    """The whole text of the part ``part_id`` of an exported speech (a
    ``speech_dict``, or a data/speeches/<id>.json read back): its
    ``text`` line and its sub-units' ``text``, joined with line breaks —
    the model's ``Unit.text`` of the part, which its evidence offsets
    count in."""
    units = speech["units"]
    head = next(u for u in units if u["id"] == part_id)
    return "\n".join([head["text"]] + [u["text"] for u in units if u.get("parent") == part_id])


def formulation_starts(unit: dict[str, Any], texts: list[str]) -> list[list[int]]:
    """``[index, start]`` of every occurrence of a formulation in an
    exported unit (as ``formulation_refs`` has them, in index then text
    order): each place, overlapping ones too, where ``texts[index]`` (the
    formulations' ``text`` in insight.json's order) occurs in the unit's
    ``text``, for each index in its ``formulations``."""
    out = []
    for i in unit.get("formulations", []):
        start = unit["text"].find(texts[i])
        while start >= 0:
            out.append([i, start])
            start = unit["text"].find(texts[i], start + 1)
    return out


def theme_dicts(corpus: Corpus, url_of: urls.UrlOf = urls.directory_url) -> list[dict[str, Any]]:
    """The ``themes`` list (of corpus.json and index.json)."""
    return [{"name": t.name, "slug": t.slug, "url": url_of(urls.theme_path(t)), "description": t.description}
            for t in corpus.themes]


def speech_dict(speech: Speech, url: str, formulations: Optional[dict[str, list[list[int]]]] = None) -> dict[str, Any]:
    """One speech, whole (its file in data/speeches/, an entry of
    corpus.json); ``url`` its page's site-relative URL, a unit's URL being
    ``url#<unit id>``; ``formulations``: unit id → its formulation
    occurrences (``formulation_refs``)."""
    refs = formulations or {}
    return {"id": speech.id, "source": speech.source, "title": speech.title, "url": url, "meta": meta_dict(speech),
            "units": [unit_dict(speech, u, refs.get(u.id)) for u in speech.units]}


def formulation_refs(corpus: Corpus) -> dict[str, dict[str, list[list[int]]]]:
    """speech id → unit id → ``[formulation index, start]`` of each
    occurrence of the corpus's formulations (``insight.json``'s order), in
    formulation order.  Stored with the units rather than as one list per
    formulation: a stock formulation occurs in most speeches, and those
    lists grew with the corpus into the largest data file (85 MB at 10,000
    speeches)."""
    out: dict[str, dict[str, list[list[int]]]] = {}
    if corpus.insight is None:
        return out
    for i, f in enumerate(corpus.insight.formulations):
        for o in f.occurrences:
            out.setdefault(o.speech, {}).setdefault(o.unit, []).append([i, o.start])
    return out


def index_entry(speech: Speech, url: str, theme_order: list[str]) -> dict[str, Any]:
    """One speech's row of data/index.json: what a list or a filter needs.
    ``themes`` are those of its units, in ``theme_order`` (the codebook's)."""
    m = speech.meta
    present = {theme for u in speech.units for theme in u.themes}
    return {"id": speech.id, "title": speech.title, "url": url,
            "data": urls.speech_data_path(speech).removeprefix("data/"),
            "place": _bare(m.place), "occasion": _bare(m.occasion or m.congress), "date": _bare(m.date),
            "period": None if m.period_start is None else [m.period_start, m.period_end],
            "themes": [t for t in theme_order if t in present], "units": len(speech.units)}


def _bare(mv: Optional[MetaValue]) -> Optional[str]:
    return None if mv is None else mv.value


def corpus_dict(corpus: Corpus, url_of: urls.UrlOf = urls.directory_url) -> dict[str, Any]:
    """The whole export (corpus.json) as a JSON-ready dict.  ``url_of`` maps
    a docs path (``urls.speech_path``) to its site-relative URL: the plugin
    passes mkdocs' ``File.url``, so the URLs match the build
    (``speeches/<id>/``, or ``speeches/<id>.html`` with
    ``use_directory_urls: false``)."""
    refs = formulation_refs(corpus)
    return {"schema_version": SCHEMA_VERSION, "themes": theme_dicts(corpus, url_of),
            "speeches": [speech_dict(s, url_of(urls.speech_path(s)), refs.get(s.id)) for s in corpus.speeches]}


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


#: (id of a Speech, its URL, its formulation occurrences) → (the Speech,
#: its JSON line).  Analysed speeches are shared, unmodified objects
#: (cache.py), so under ``mkdocs serve`` an unchanged speech is not encoded
#: again; the Speech is kept with its line so that its id cannot be reused
#: by another object.
_LINES: dict[tuple[int, str, str], tuple[Speech, str]] = {}


def _speech_lines(corpus: Corpus, url_of: urls.UrlOf) -> list[str]:
    """Each speech's ``speech_dict`` as one compact JSON line."""
    global _LINES
    lines, kept = [], {}
    refs = formulation_refs(corpus)
    for speech in corpus.speeches:
        mine = refs.get(speech.id)
        key = (id(speech), url_of(urls.speech_path(speech)), _dumps(mine))
        entry = _LINES.get(key)
        if entry is None or entry[0] is not speech:
            entry = (speech, _dumps(speech_dict(speech, key[1], mine)))
        kept[key] = entry
        lines.append(entry[1])
    _LINES = kept
    return lines


def _corpus_text(head: dict[str, Any], lines: list[str], views: Optional[dict[str, Any]] = None) -> str:
    """``head`` with a "speeches" array of ``lines`` (one a line) and, if
    given, the corpus-wide views after it (see ``_views_text``)."""
    text = _dumps(head)[:-1] + ',"speeches":[\n' + ",\n".join(lines) + ("\n" if lines else "") + "]"
    return text + ("," + _views_text(views) if views is not None else "") + "}\n"


def _views_text(views: dict[str, Any]) -> str:
    """The four view keys, one formulation, reuse pair and citation a line."""
    out = []
    for key in ("formulations", "reuse", "citations"):
        out += [f'\n"{key}":', _lines(views[key]), ","]
    return "".join(out + ['\n"trends":', _dumps(views["trends"])])


def _lines(items: list) -> str:
    """A JSON array with one item per line."""
    return "[\n" + ",\n".join(_dumps(i) for i in items) + ("\n" if items else "") + "]"


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
             "pinned": f.pinned}
            for f in ins.formulations],
        "reuse": [{"a": unit_ref(*p.a), "b": unit_ref(*p.b), "similarity": p.similarity} for p in ins.reuse],
        "citations": [{"kind": c.kind, "name": c.name, "speeches": len(c.speeches),
                       "occurrences": [unit_ref(o.speech, o.unit) for o in c.occurrences]}
                      for c in ins.citations],
        "trends": {"by_period": [_bucket(b, corpus.themes) for b in ins.trends.by_period],
                   "by_year": [_bucket(b, corpus.themes) for b in ins.trends.by_year],
                   "undated": ins.trends.undated},
    }


def to_json(corpus: Corpus, url_of: urls.UrlOf = urls.directory_url) -> str:
    """corpus.json as UTF-8-ready text: compact, one line per speech (so a
    diff shows which speeches changed), trailing newline.  ``url_of``: see
    ``corpus_dict``."""
    head = {"schema_version": SCHEMA_VERSION, "themes": theme_dicts(corpus, url_of)}
    return _corpus_text(head, _speech_lines(corpus, url_of), insight_dict(corpus))


def files(corpus: Corpus, url_of: urls.UrlOf = urls.directory_url) -> dict[str, bytes]:
    """Every export file (docs path → UTF-8 bytes): data/index.json, one
    data/speeches/<id>.json per speech and, up to ``SINGLE_FILE_MAX``
    speeches, data/corpus.json, and data/insight.json (see the module
    docstring)."""
    themes = theme_dicts(corpus, url_of)
    lines = _speech_lines(corpus, url_of)
    version = f'{{"schema_version":{SCHEMA_VERSION},'
    out: dict[str, bytes] = {}
    order = [t.name for t in corpus.themes]
    rows = [_dumps(index_entry(s, url_of(urls.speech_path(s)), order)) for s in corpus.speeches]
    out[urls.DATA_INDEX] = _corpus_text({"schema_version": SCHEMA_VERSION, "themes": themes}, rows).encode("utf-8")
    for speech, line in zip(corpus.speeches, lines):
        out[urls.speech_data_path(speech)] = (version + line[1:] + "\n").encode("utf-8")
    views = insight_dict(corpus)
    out[urls.INSIGHT_JSON] = (version + _views_text(views) + "}\n").encode("utf-8")
    if len(corpus.speeches) <= SINGLE_FILE_MAX:
        head = {"schema_version": SCHEMA_VERSION, "themes": themes}
        out[urls.CORPUS_JSON] = _corpus_text(head, lines, views).encode("utf-8")
    return out


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the export."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
