"""The supervised part of theme tagging: a linear model per theme, read from JSON.

A passage's features are (1) the TF-IDF of its character 1–3-grams,
sublinear term frequency, L2-normalised (as scikit-learn's
``TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)`` computes it:
``(1 + ln count) × idf``), matched in simplified characters; and (2) the
lexicon rule's own view of the passage for that theme (``LEXICON_FEATURES``:
best sentence, sentences mainly about it, whole score, title, and whether
the rule carries it).  The probability is the logistic function of
``coef · x + intercept``; the theme is carried when it reaches the theme's
``threshold``, calibrated on the dev split (tests/data/README.md).

The weights are fitted by ``build_scripts.train_model`` (``make model``,
scikit-learn, a development dependency only) and stored in
``build_scripts/data/theme_model.json``; reading and scoring here needs no
scikit-learn.  A theme of themes.yml with no model in the file is tagged by
the lexicon rule alone.

JSON shape (``FORMAT`` 1)::

    {"format": 1, "ngram": [1, 3], "vocabulary": [str, ...], "idf": [float, ...],
     "themes": {name: {"intercept": float, "threshold": float,
                       "lexicon": [float × len(LEXICON_FEATURES)],
                       "ngrams": [coef per vocabulary entry]}},
     "trained_on": {...}}
"""

from __future__ import annotations

import json
import math
from collections import Counter
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The shipped model (rebuilt by ``make model``).
DEFAULT_PATH = Path(__file__).parent / "data" / "theme_model.json"
FORMAT = 1
#: The lexicon rule's features of a passage for one theme (``tagger.Score``).
LEXICON_FEATURES = ("best", "main", "score", "title", "carries")
_SPACE = re.compile(r"\s+")


def char_ngrams(text: str, low: int = 1, high: int = 3) -> list[str]:
    """Character n-grams of ``text`` (whitespace runs are one space, and
    none is inside an n-gram), every length from ``low`` to ``high``."""
    out = []
    for chunk in _SPACE.split(text):
        for n in range(low, high + 1):
            out.extend(chunk[i:i + n] for i in range(len(chunk) - n + 1))
    return out


def lexicon_features(score, carried: bool) -> list[float]:
    """``LEXICON_FEATURES`` of a ``tagger.Score``; ``carried``: whether the
    lexicon rule alone carries the theme."""
    return [score.best, score.main, score.score, score.title, 1.0 if carried else 0.0]


@dataclass
class ThemeWeights:
    """One theme's linear model: n-gram coefficients by vocabulary index."""

    intercept: float
    threshold: float
    lexicon: list[float]
    ngrams: list[float]


class ThemeModel:
    """Per-theme logistic regressions over n-gram TF-IDF and lexicon scores."""

    def __init__(self, data: dict):
        if data.get("format") != FORMAT:
            raise ValueError(f"theme model: format {data.get('format')!r}, expected {FORMAT}")
        self.low, self.high = data["ngram"]
        self.vocabulary: dict[str, int] = {g: i for i, g in enumerate(data["vocabulary"])}
        self.terms: list[str] = list(data["vocabulary"])
        self.idf: list[float] = data["idf"]
        self.themes: dict[str, ThemeWeights] = {
            name: ThemeWeights(t["intercept"], t["threshold"], t["lexicon"],
                               t["ngrams"])
            for name, t in data["themes"].items()}

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> "ThemeModel":
        """Read a model file; raises OSError or ValueError (bad JSON, format)."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def vector(self, text: str) -> dict[int, float]:
        """Sparse L2-normalised TF-IDF of ``text`` (simplified characters):
        {vocabulary index: value}; n-grams outside the vocabulary are dropped."""
        vocab, idf = self.vocabulary, self.idf
        counts = Counter(char_ngrams(text, self.low, self.high))
        vec = {vocab[g]: (1.0 + math.log(c)) * idf[vocab[g]] for g, c in counts.items() if g in vocab}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {i: v / norm for i, v in vec.items()} if norm else vec

    def margin(self, theme: str, vec: dict[int, float], lexicon: list[float]) -> float:
        """``coef · x + intercept`` of ``theme`` (KeyError if it has no model)."""
        w = self.themes[theme]
        z = w.intercept + sum(a * b for a, b in zip(w.lexicon, lexicon))
        coef = w.ngrams
        return z + sum(v * coef[i] for i, v in vec.items())

    def probability(self, theme: str, vec: dict[int, float], lexicon: list[float]) -> float:
        """The model's probability that the passage carries ``theme``."""
        z = self.margin(theme, vec, lexicon)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@lru_cache(maxsize=4)
def load_default(path: str = str(DEFAULT_PATH)) -> ThemeModel | None:
    """The shipped model, or None when the file is absent (rule only)."""
    p = Path(path)
    return ThemeModel.load(p) if p.exists() else None
