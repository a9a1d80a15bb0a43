"""The export (schema_version 5): every character of a speech once (a
part's text is its heading line, a heading its length, meta's sentences
references into the units), one evidence field whose sentences point into
the unit's (or the part's whole) text, formulation indices on the units,
empty unit keys left out; per-speech files with a small manifest;
corpus.json only for small corpora; every file valid against the schema."""

import json

import pytest
from jsonschema import Draft202012Validator

from build_scripts import export, urls


def _validator(name: str) -> Draft202012Validator:
    schema = export.load_schema()
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{name}"})


def test_evidence_sentences_point_into_the_unit_text(corpus):
    text = export.to_json(corpus)
    data = json.loads(text)
    assert data["schema_version"] == 5
    # One line per speech, then one per formulation, reuse pair and
    # citation, and the trends.
    lines = text.splitlines()
    assert [json.loads(line.rstrip(","))["id"] for line in lines if line.startswith('{"id":')] == \
        [s.id for s in corpus.speeches]
    views = corpus.insight
    assert sum(line.startswith('{"text":') for line in lines) == len(views.formulations)
    assert sum(line.startswith('{"kind":') for line in lines) == len(views.citations)
    assert lines[-1].startswith('"trends":')
    checked = 0
    for speech, out in zip(corpus.speeches, data["speeches"]):
        for unit, u in zip(speech.units, out["units"], strict=True):
            assert not {"evidence_detail", "evidence_sentences", "url"} & set(u)
            assert list(u.get("evidence", {})) == [t.theme for t in unit.tags]
            # Null and empty keys are left out; a heading is a length
            # into the text that starts with it.
            assert all(u[k] not in (None, [], {}) for k in export.UNIT_OPTIONAL if k in u)
            assert u.get("parent") == unit.parent and u.get("number") == unit.number
            assert u.get("themes", []) == unit.themes
            heading = u.get("heading")
            assert (u["text"][:heading] if isinstance(heading, int) else heading) == unit.heading
            if unit.heading and u["text"].startswith(unit.heading):
                assert heading == len(unit.heading)
            # A part's text is written once, in its sub-units; its whole
            # text is rebuilt from them.
            whole = export.part_text(out, u["id"]) if u["kind"] == "section" else u["text"]
            assert whole == unit.text
            if u["kind"] == "section":
                assert "\n" not in u["text"] and len(u["text"]) < len(unit.text)
            for tag in unit.tags:
                for e, d in zip(tag.evidence, u["evidence"][tag.theme], strict=True):
                    d = dict(zip(export.EVIDENCE_FIELDS, d, strict=True))
                    assert (d["term"], d["weight"], d["count"], d["cue"]) == (e.term, e.weight, e.count, e.cue)
                    start, end = d["sentence"]
                    # The offsets lead back to the model's sentence.
                    assert whole[start:end] == e.sentence
                    checked += 1
    assert checked > 100
    # Every occurrence of every formulation is found from its unit's
    # indices, once.
    texts = [f["text"] for f in data["formulations"]]
    refs = [(s["id"], u["id"], i, start) for s in data["speeches"] for u in s["units"]
            for i, start in export.formulation_starts(u, texts)]
    assert sorted(refs) == sorted((o.speech, o.unit, i, o.start) for i, f in enumerate(views.formulations)
                                  for o in f.occurrences)
    assert len(set(refs)) == len(refs)
    assert refs and not {"occurrences", "starts"} & set(data["formulations"][0])
    # Meta's sentences lead back to the model's, most through a unit.
    located = 0
    for speech, out in zip(corpus.speeches, data["speeches"]):
        m, meta = speech.meta, out["meta"]
        for key in ("title", "place", "congress", "occasion", "speaker", "date", "source", "period"):
            if getattr(m, key) is not None:
                assert export.resolve(out, meta[key]["source"]) == getattr(m, key).source
        for clue, c in zip(m.clues, meta["period_clues"], strict=True):
            assert export.resolve(out, c["sentence"]) == clue.sentence
            located += isinstance(c["sentence"], list)
    assert located


def test_per_speech_files_and_manifest_hold_the_same_export(corpus):
    files = export.files(corpus)
    whole = json.loads(files[urls.CORPUS_JSON])
    index = json.loads(files[urls.DATA_INDEX])
    assert not list(_validator("index").iter_errors(index))
    assert index["themes"] == whole["themes"]
    assert [row["id"] for row in index["speeches"]] == [s.id for s in corpus.speeches]
    for row, speech, entry in zip(index["speeches"], corpus.speeches, whole["speeches"], strict=True):
        data = json.loads(files["data/" + row["data"]])
        assert not list(_validator("speech").iter_errors(data))
        assert data.pop("schema_version") == 5
        assert data == entry
        assert row["url"] == entry["url"] and row["title"] == speech.title
        assert set(row["themes"]) == {t for u in speech.units for t in u.themes}
        assert row["units"] == len(speech.units)
    assert set(files) == {urls.CORPUS_JSON, urls.DATA_INDEX, urls.INSIGHT_JSON} | \
        {f"data/speeches/{s.id}.json" for s in corpus.speeches}
    # The corpus-wide views, alone, are those after corpus.json's speeches.
    views = json.loads(files[urls.INSIGHT_JSON])
    assert not list(_validator("insight").iter_errors(views))
    assert views.pop("schema_version") == 5
    assert views == {key: whole[key] for key in ("formulations", "reuse", "citations", "trends")}


def test_corpus_json_only_for_small_corpora(corpus, monkeypatch):
    monkeypatch.setattr(export, "SINGLE_FILE_MAX", len(corpus.speeches) - 1)
    files = export.files(corpus)
    assert urls.CORPUS_JSON not in files
    assert urls.DATA_INDEX in files and urls.INSIGHT_JSON in files and len(files) == len(corpus.speeches) + 2


def test_files_are_deterministic_and_reuse_nothing_stale(corpus):
    first = export.files(corpus)
    assert export.files(corpus) == first
    # Another URL scheme gives other URLs (the per-speech memo is keyed by URL).
    other = export.files(corpus, lambda path: path.replace(".md", ".html"))
    speech = corpus.speeches[0]
    assert json.loads(other[urls.speech_data_path(speech)])["url"].endswith(".html")


@pytest.mark.parametrize("name", ["index", "speech", "insight", "theme", "unit"])
def test_schema_defines_every_file(name):
    Draft202012Validator.check_schema(export.load_schema())
    assert name in export.load_schema()["$defs"]
