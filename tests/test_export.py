"""The lean export (schema_version 2): evidence sentences once per unit,
referenced by index; one compact line per speech."""

import json

from build_scripts import export


def test_evidence_sentences_are_stored_once_and_referenced(corpus):
    text = export.to_json(corpus)
    data = json.loads(text)
    assert data["schema_version"] == 2
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
        for unit, u in zip(speech.units, out["units"]):
            assert len(set(u["evidence_sentences"])) == len(u["evidence_sentences"])
            for tag in unit.tags:
                for e, d in zip(tag.evidence, u["evidence_detail"][tag.theme], strict=True):
                    # The reference leads back to the model's sentence.
                    assert u["evidence_sentences"][d["sentence_index"]] == e.sentence
                    assert e.sentence in unit.text or e.sentence == unit.heading
                    checked += 1
    assert checked > 100
