"""The trained theme model: rebuilt byte-identically from the labelled data,
scored without scikit-learn exactly as scikit-learn scores it, and still
under the user's control through themes.yml."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from build_scripts import theme_model, train_model
from build_scripts.pipeline import Analyzer
from build_scripts.tagger import Tagger, simplified
from build_scripts.themes import load_lexicon
from conftest import ROOT, THEMES


def test_the_shipped_model_knows_the_four_themes_and_matches_the_lexicon():
    model = theme_model.ThemeModel.load()
    lexicon = load_lexicon(THEMES)
    assert set(model.themes) == {t.name for t in lexicon.themes}
    for w in model.themes.values():
        assert len(w.ngrams) == len(model.vocabulary) == len(model.idf)
        assert len(w.lexicon) == len(theme_model.LEXICON_FEATURES)
        assert 0.0 < w.threshold < 1.0


@pytest.mark.slow
def test_make_model_rebuilds_the_shipped_file_byte_for_byte():
    """Same labelled data, same bytes (``make model``)."""
    text, items, _, thresholds = train_model.build()
    assert text == theme_model.DEFAULT_PATH.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["trained_on"]["passages"] == len(items) >= 600
    assert {t: v["threshold"] for t, v in data["themes"].items()} == thresholds


def test_scoring_without_scikit_learn_equals_scikit_learn():
    """``ThemeModel`` (pure Python) gives scikit-learn's TF-IDF vectors and
    probabilities for a model fitted on a small fixture."""
    items = [{"view": t, "gold": g, "lexicon": {"甲": [float(len(t) % 3), 1.0, 2.0, 0.0, float(bool(g))]}}
             for t, g in [("要推进工资集体协商", {"甲"}), ("大会隆重开幕", set()), ("做好困难职工帮扶", {"甲"}),
                          ("加强工会自身建设", set()), ("签订集体合同 维护职工权益", {"甲"}), ("表示热烈的祝贺", set())]]
    vec, models = train_model.fit(items, ["甲"], c=10.0)
    data = json.loads(train_model.export(vec, models, {"甲": 0.5}, ["甲"], [
        dict(i, split="train") for i in items]))
    model = theme_model.ThemeModel(data)
    expected = train_model.predict(vec, models, items, ["甲"])["甲"]
    dense = vec.transform([i["view"] for i in items]).toarray()
    for row, item, p in zip(dense, items, expected):
        mine = model.vector(item["view"])
        assert np.allclose([mine.get(i, 0.0) for i in range(len(row))], row, atol=1e-5)
        assert model.probability("甲", mine, item["lexicon"]["甲"]) == pytest.approx(p, abs=1e-4)


def test_the_build_does_not_import_scikit_learn():
    code = ("import sys; from build_scripts.pipeline import Analyzer; from build_scripts.themes import load_lexicon; "
            "a = Analyzer.from_lexicon(load_lexicon('themes.yml')); assert a.tagger.model is not None; "
            "a.tagger.tag('要推进工资集体协商，签订集体合同。'); print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_model_only_decides_themes_with_terms_so_every_tag_has_evidence(analyzer):
    """Every tag the model gives on the dev passages has lexicon terms and
    the sentences they sit in."""
    from build_scripts import evaluation

    for item in evaluation.load_labels(ROOT / "tests" / "data" / "labels_dev.yml"):
        for tag in analyzer.tagger.tag(item["text"]):
            assert tag.evidence, (item.get("id"), tag.theme)
            for e in tag.evidence:
                # Terms are matched in simplified characters (tagger.simplified).
                assert e.term in simplified(e.sentence) or e.cue


def test_themes_yml_stays_the_lever(analyzer):
    """Removing a theme's terms removes the theme even where the model
    would carry it; ``tagging.model: false`` leaves the rule alone."""
    text = "要以工资集体协商为切入点，签订和落实集体合同。要做好困难职工帮扶，开展送温暖和金秋助学活动。"
    assert {t.theme for t in analyzer.tagger.tag(text)} == {"维权帮扶"}
    lexicon = analyzer.lexicon
    bare = dataclasses.replace(lexicon, themes=[dataclasses.replace(t, keywords={}, phrases={})
                                                if t.name == "维权帮扶" else t for t in lexicon.themes])
    assert "维权帮扶" not in {t.theme for t in Tagger(bare, analyzer.tagger.segmenter).tag(text)}
    off = dataclasses.replace(lexicon, settings=dataclasses.replace(lexicon.settings, model=False))
    assert Tagger(off, analyzer.tagger.segmenter).model is None


def test_the_model_changes_what_the_rule_alone_would_say(analyzer):
    """The model is in use: on the dev passages it differs from the rule
    alone somewhere, and it scores at least as well there (dev is part
    of its training data: this shows the model is used, not how well it
    generalises; `make model-cv` measures that)."""
    from build_scripts import evaluation

    rule = Tagger(analyzer.lexicon, analyzer.tagger.segmenter, None)
    labels = evaluation.load_labels(ROOT / "tests" / "data" / "labels_dev.yml")
    names = [t.name for t in analyzer.lexicon.themes]
    with_model = evaluation.score(evaluation.text_decisions(analyzer.tagger, labels), names)[-1].f1
    alone = evaluation.score(evaluation.text_decisions(rule, labels), names)[-1].f1
    assert with_model != alone and with_model >= alone
