"""Fit, cross-validate and export the theme model (``make model``).

    python -m build_scripts.train_model            write build_scripts/data/theme_model.json
    python -m build_scripts.train_model --cv       also print the grouped cross-validation
    python -m build_scripts.train_model --check    exit 1 if the file on disk differs

Needs scikit-learn (a development dependency, requirements-dev.txt); the
build reads the JSON with ``build_scripts.theme_model`` alone.

Data (tests/data/, see its README): the labelled passages of
``labels_train*.yml`` and ``labels_dev.yml`` (grouped by ``source``), and
the labelled passages (not the numbered parts) of the seeds
(``labels_seeds.yml``, grouped by speech).  Features: ``theme_model``'s
(character 1–3-gram TF-IDF, ``min_df`` 2, plus the lexicon rule's scores
for the theme).  One ``LogisticRegression`` per theme (liblinear, L2,
``class_weight="balanced"``, ``C`` below).

Thresholds are calibrated on dev only: 5-fold ``GroupKFold`` by source over
train + dev (the seeds are in every training fold) gives every dev passage
a probability from a model that never saw its source; each theme's
threshold is the one of ``THRESHOLDS`` that maximises F1 on those dev
passages (ties: the one nearest 0.5).  The exported model is then fitted on
all the data.  Same data, same bytes: liblinear's order is fixed
(``random_state=0``) and every float is rounded to ``DIGITS`` places.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

import numpy as np

from . import evaluation
from .cleaner import clean_line
from .pipeline import ROOT, Analyzer, build_corpus
from .splitter import subpoint_heading
from .tagger import simplified
from .theme_model import DEFAULT_PATH, FORMAT, LEXICON_FEATURES, char_ngrams, lexicon_features
from .themes import load_lexicon

DATA = ROOT / "tests" / "data"
#: Regularisation (inverse strength) chosen by the grouped cross-validation
#: (tests/data/README.md gives the table).
C = 10.0
NGRAM = (1, 3)
MIN_DF = 2
DIGITS = 6
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(13)]  # 0.20 … 0.80


def _analyzer(text: str) -> list[str]:
    return char_ngrams(text, *NGRAM)


def load_items(analyzer: Analyzer) -> list[dict]:
    """Every labelled passage as ``{key, split, group, text, heading, gold}``;
    ``split`` is train, dev or seeds."""
    items = []
    for path in sorted(DATA.glob("labels_train*.yml")) + [DATA / "labels_dev.yml"]:
        split = "dev" if path.stem == "labels_dev" else "train"
        for n, item in enumerate(evaluation.load_labels(path)):
            text = "\n".join(clean_line(line) for line in item["text"].splitlines())
            items.append({"key": str(item.get("id") or f"{path.stem}:{n}"), "split": split, "file": path.name,
                          "group": str(item.get("source") or item.get("source_title") or f"{path.stem}:{n}"),
                          "text": text, "heading": subpoint_heading(text), "gold": set(item["themes"])})
    corpus = build_corpus(ROOT / "seeds", ROOT / "themes.yml", analyzer=analyzer)
    speeches = {s.id: s for s in corpus.speeches}
    for item in evaluation.load_labels(DATA / "labels_seeds.yml"):
        unit = speeches[item["speech"]].unit(item["unit"])
        if unit.kind == "section":
            continue  # a part carries the union of its passages' themes
        items.append({"key": f"{item['speech']}#{unit.id}", "split": "seeds", "group": f"seed:{item['speech']}",
                      "text": unit.text, "heading": unit.heading if unit.kind == "subpoint" else None,
                      "gold": set(item["themes"])})
    return items


def featurize(analyzer: Analyzer, items: list[dict], themes: list[str]) -> None:
    """Add ``view`` (simplified text), ``lexicon`` {theme: features} and
    ``rule`` (the lexicon rule's themes) to each item."""
    tagger = analyzer.tagger
    for item in items:
        scores = tagger.scores(item["text"], item["heading"])
        rule = {t.theme for t in tagger.assign(scores)}
        item["view"] = simplified(item["text"])
        item["rule"] = rule
        item["lexicon"] = {sc.theme: lexicon_features(sc, sc.theme in rule) for sc in scores}


def fit(items: list[dict], themes: list[str], c: float = C, lexicon: bool = True, ngrams: bool = True):
    """Fit the vectorizer and one model per theme; returns (vectorizer, {theme: model})."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, min_df=MIN_DF)
    x_text = vec.fit_transform([i["view"] for i in items])
    models = {}
    for t in themes:
        x = _matrix(x_text, items, t, lexicon, ngrams)
        y = np.array([t in i["gold"] for i in items], dtype=int)
        models[t] = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", random_state=0,
                                       max_iter=1000).fit(x, y)
    return vec, models


def _matrix(x_text, items, theme, lexicon=True, ngrams=True):
    from scipy.sparse import csr_matrix, hstack

    lex = csr_matrix(np.array([i["lexicon"][theme] for i in items], dtype=float))
    if not ngrams:
        return lex
    return hstack([x_text, lex]).tocsr() if lexicon else x_text


def predict(vec, models, items, themes, lexicon=True, ngrams=True) -> dict[str, np.ndarray]:
    x_text = vec.transform([i["view"] for i in items])
    return {t: models[t].predict_proba(_matrix(x_text, items, t, lexicon, ngrams))[:, 1] for t in themes}


def folds(items: list[dict], k: int = 5):
    """GroupKFold by source over the train and dev passages; the seeds are
    in every training fold.  Yields (train indices, test indices)."""
    from sklearn.model_selection import GroupKFold

    pool = [n for n, i in enumerate(items) if i["split"] != "seeds"]
    seeds = [n for n, i in enumerate(items) if i["split"] == "seeds"]
    for tr, te in GroupKFold(n_splits=k).split(pool, groups=[items[n]["group"] for n in pool]):
        yield [pool[n] for n in tr] + seeds, [pool[n] for n in te]


def out_of_fold(items, themes, **kw) -> dict[str, np.ndarray]:
    """Each train/dev passage's probability from the fold that left its source out."""
    probs = {t: np.full(len(items), np.nan) for t in themes}
    for tr, te in folds(items):
        vec, models = fit([items[n] for n in tr], themes, **kw)
        p = predict(vec, models, [items[n] for n in te], themes,
                    **{k: v for k, v in kw.items() if k in ("lexicon", "ngrams")})
        for t in themes:
            probs[t][te] = p[t]
    return probs


def calibrate(items, probs, themes) -> dict[str, float]:
    """Per theme, the threshold of ``THRESHOLDS`` with the best F1 on the
    dev passages' out-of-fold probabilities (ties: nearest 0.5)."""
    dev = [n for n, i in enumerate(items) if i["split"] == "dev"]
    out = {}
    for t in themes:
        def f1(th):
            tp = sum(1 for n in dev if probs[t][n] >= th and t in items[n]["gold"])
            fp = sum(1 for n in dev if probs[t][n] >= th and t not in items[n]["gold"])
            fn = sum(1 for n in dev if probs[t][n] < th and t in items[n]["gold"])
            return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        out[t] = max(THRESHOLDS, key=lambda th: (round(f1(th), 9), -abs(th - 0.5)))
    return out


def decisions(items, idx, predicted) -> list[evaluation.Decision]:
    return [evaluation.Decision(items[n]["key"], frozenset(items[n]["gold"]), frozenset(predicted(n))) for n in idx]


def paired_difference(a: list[evaluation.Decision], b: list[evaluation.Decision], themes, rounds=1000, seed=0):
    """Micro-F1 of ``b`` minus ``a`` on the same passages, with a 95 %
    paired bootstrap interval."""
    rng = random.Random(seed)
    diff = evaluation.score(b, themes)[-1].f1 - evaluation.score(a, themes)[-1].f1
    values = []
    for _ in range(rounds):
        draw = [rng.randrange(len(a)) for _ in a]
        values.append(evaluation.score([b[n] for n in draw], themes)[-1].f1
                      - evaluation.score([a[n] for n in draw], themes)[-1].f1)
    values.sort()
    return diff, values[int(0.025 * (rounds - 1))], values[int(0.975 * (rounds - 1))]


def _r(x: float) -> float:
    v = round(float(x), DIGITS)
    return 0.0 if v == 0 else v


def export(vec, models, thresholds, themes, items) -> str:
    """The model file's text (``theme_model`` FORMAT), deterministic."""
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    n = len(vocab)
    data = {
        "format": FORMAT,
        "ngram": list(NGRAM),
        "vocabulary": vocab,
        "idf": [_r(v) for v in vec.idf_],
        "themes": {t: {"intercept": _r(models[t].intercept_[0]), "threshold": thresholds[t],
                       "lexicon": [_r(v) for v in models[t].coef_[0][n:]],
                       "ngrams": [_r(v) for v in models[t].coef_[0][:n]]} for t in themes},
        "trained_on": {"passages": len(items),
                       "by_split": {s: sum(1 for i in items if i["split"] == s) for s in ("train", "dev", "seeds")},
                       "C": C, "min_df": MIN_DF, "lexicon_features": list(LEXICON_FEATURES),
                       "files": sorted(p.name for p in DATA.glob("labels_train*.yml")) + ["labels_dev.yml",
                                                                                          "labels_seeds.yml"]},
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


def build(analyzer: Analyzer | None = None) -> tuple[str, list[dict], dict]:
    """(model file text, items, out-of-fold probabilities)."""
    analyzer = analyzer or Analyzer.from_lexicon(load_lexicon(ROOT / "themes.yml"))
    themes = [t.name for t in analyzer.lexicon.themes]
    items = load_items(analyzer)
    featurize(analyzer, items, themes)
    probs = out_of_fold(items, themes)
    thresholds = calibrate(items, probs, themes)
    vec, models = fit(items, themes)
    return export(vec, models, thresholds, themes, items), items, probs, thresholds


def report(items, probs, thresholds, themes) -> str:
    """Grouped CV: the rule against the model (threshold 0.5 and calibrated)."""
    pool = [n for n, i in enumerate(items) if i["split"] != "seeds"]
    dev = [n for n in pool if items[n]["split"] == "dev"]
    runs = {"lexicon rule": lambda n: items[n]["rule"],
            "model, threshold 0.5": lambda n: {t for t in themes if probs[t][n] >= 0.5},
            "model, dev-calibrated thresholds": lambda n: {t for t in themes if probs[t][n] >= thresholds[t]}}
    lines = [f"thresholds (dev): {thresholds}"]
    # labels_train4.yml: sources the lexicon was never tuned on (the rule's
    # words were chosen looking at the other sets), single annotator.
    fresh = [n for n in pool if items[n].get("file") == "labels_train4.yml"]
    for label, idx in (("train + dev (5-fold GroupKFold by source)", pool), ("dev (out of fold)", dev),
                       ("labels_train4.yml (out of fold)", fresh)):
        if not idx:
            continue
        lines.append(f"\n{label}: {len(idx)} passages")
        base = None
        for name, fn in runs.items():
            ds = decisions(items, idx, fn)
            ci = evaluation.bootstrap(ds, themes)
            m = evaluation.score(ds, themes)
            lines.append(f"  {name:<34} micro {m[-1].f1:.3f} [{ci['micro'][0]:.2f}, {ci['micro'][1]:.2f}]  "
                         + "  ".join(f"{x.name} {x.f1:.2f} [{ci[x.name][0]:.2f}, {ci[x.name][1]:.2f}]" for x in m[:-1]))
            if base is None:
                base = ds
            else:
                d, lo, hi = paired_difference(base, ds, themes)
                lines.append(f"  {'':<34} minus rule {d:+.3f} [{lo:+.3f}, {hi:+.3f}] (paired bootstrap)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_scripts.train_model", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--cv", action="store_true", help="print the grouped cross-validation")
    parser.add_argument("--check", action="store_true", help="exit 1 if --output differs from a rebuild")
    args = parser.parse_args(argv)
    text, items, probs, thresholds = build()
    if args.cv:
        themes = list(thresholds)
        print(report(items, probs, thresholds, themes))
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'differs from a rebuild (run make model)'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.encode())} bytes, {len(items)} passages)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
