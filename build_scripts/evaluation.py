"""Measure the tagger against hand-labelled passages: precision, recall, F1.

Two kinds of labelled sets (YAML lists, see tests/data/):

* seed labels — ``{speech, unit, start, themes}``: a unit of a seed speech,
  identified by its id; ``start`` (the passage's first characters) guards
  against the id pointing at another passage after a splitter change;
* text labels — ``{text, themes, source}``: a passage from any speech,
  tagged on its own (as a paragraph, without heading cues).

Per theme, every labelled passage is one binary decision: true positive
if both gold and prediction have the theme, etc.  Micro-averages pool all
decisions.  ``bootstrap`` gives a 95 % percentile interval for each F1 by
resampling passages (Efron & Tibshirani 1993, ch. 13), with a fixed seed so
the printout is reproducible.  ``agreement`` compares two annotators:
Cohen's κ per theme (Cohen 1960) and micro-F1 of one against the other.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from .cleaner import clean_line
from .model import Corpus
from .splitter import subpoint_heading
from .tagger import Tagger


#: The blind tests that were used once and then became train/dev data,
#: with the pattern of their passage ids (tests/data/README.md).
FORMER_TESTS = (("test1", r"t\d{3}"), ("test2", r"t2-\d{3}"), ("test3", r"t3-\d{3}"))


@dataclass
class Metrics:
    """Counts and scores of one theme (or of all, pooled)."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class Decision:
    """One labelled passage: who it is, gold and predicted themes."""

    key: str
    gold: frozenset[str]
    predicted: frozenset[str]


def load_labels(path: Path) -> list[dict]:
    """A labelled set; raises ValueError naming the entry if one is malformed."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("themes"), list):
            raise ValueError(f"{path}: entry {i} needs a `themes:` list")
    return items


def load_agreement(path: Path) -> list[dict]:
    """Two annotators' labels: a list of ``{id, a: [...], b: [...]}``."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("a"), list) or not isinstance(item.get("b"), list):
            raise ValueError(f"{path}: entry {i} needs `a:` and `b:` lists")
    return items


def seed_decisions(corpus: Corpus, labels: Iterable[dict]) -> list[Decision]:
    """Compare seed labels with the corpus's unit tags.

    Raises KeyError if a label names a missing speech or unit, ValueError
    if the unit's text does not start with the label's ``start``.
    """
    speeches = {s.id: s for s in corpus.speeches}
    out = []
    for item in labels:
        speech = speeches[item["speech"]]
        unit = speech.unit(item["unit"])
        # Compare up to the first Latin letter: a label's start may cut a
        # placeholder ("times;times;*") in half, which cleaning cannot map.
        start = clean_line(re.split(r"[A-Za-z_*&]", item["start"])[0])
        if not unit.text.startswith(start):
            raise ValueError(f"{item['speech']} {item['unit']}: text starts {unit.text[:15]!r}, label says {start!r}")
        out.append(Decision(f"{speech.id}#{unit.id}", frozenset(item["themes"]), frozenset(unit.themes)))
    return out


def text_decisions(tagger: Tagger, labels: Iterable[dict]) -> list[Decision]:
    """Tag each labelled text on its own and compare.

    A text that opens with a sub-point marker (二是增强服务中心大局意识。…)
    gets its first sentence as heading, as the splitter would give it.
    """
    out = []
    for item in labels:
        text = "\n".join(clean_line(line) for line in item["text"].splitlines())
        predicted = frozenset(t.theme for t in tagger.tag(text, subpoint_heading(text)))
        key = str(item.get("id") or item["text"][:24])
        out.append(Decision(key, frozenset(item["themes"]), predicted))
    return out


def score(decisions: list[Decision], themes: list[str]) -> list[Metrics]:
    """Per-theme metrics in ``themes`` order, then the micro-average."""
    per = {t: Metrics(t) for t in themes}
    micro = Metrics("micro")
    for d in decisions:
        for t in themes:
            g, p = t in d.gold, t in d.predicted
            m = per[t]
            if g and p:
                m.tp += 1
            elif p:
                m.fp += 1
                m.errors.append(f"FP {d.key}")
            elif g:
                m.fn += 1
                m.errors.append(f"FN {d.key}")
    for m in per.values():
        micro.tp += m.tp
        micro.fp += m.fp
        micro.fn += m.fn
    return list(per.values()) + [micro]


def table(metrics: list[Metrics]) -> str:
    """A plain-text table: theme, support, P, R, F1."""
    rows = [f"{'theme':<8} {'support':>7} {'P':>6} {'R':>6} {'F1':>6}"]
    rows += [f"{m.name:<8} {m.support:>7} {m.precision:>6.2f} {m.recall:>6.2f} {m.f1:>6.2f}" for m in metrics]
    return "\n".join(rows)


def bootstrap(decisions: list[Decision], themes: list[str], rounds: int = 1000,
              seed: int = 0) -> dict[str, tuple[float, float]]:
    """95 % percentile intervals of each theme's F1 and of micro-F1.

    Resamples the passages ``rounds`` times with replacement (``seed``
    fixes the draw).  Returns {theme or "micro": (low, high)}.
    """
    rng = random.Random(seed)
    names = list(themes) + ["micro"]
    samples: dict[str, list[float]] = {n: [] for n in names}
    if not decisions:
        return {n: (0.0, 0.0) for n in names}
    for _ in range(rounds):
        draw = [decisions[rng.randrange(len(decisions))] for _ in decisions]
        for m in score(draw, themes):
            samples[m.name].append(m.f1)
    out = {}
    for n in names:
        values = sorted(samples[n])
        out[n] = (values[int(0.025 * (rounds - 1))], values[int(0.975 * (rounds - 1))])
    return out


def table_with_intervals(metrics: list[Metrics], intervals: dict[str, tuple[float, float]]) -> str:
    """``table`` plus the 95 % bootstrap interval of each F1."""
    rows = [f"{'theme':<8} {'support':>7} {'P':>6} {'R':>6} {'F1':>6}  95% CI (bootstrap)"]
    for m in metrics:
        lo, hi = intervals.get(m.name, (m.f1, m.f1))
        rows.append(f"{m.name:<8} {m.support:>7} {m.precision:>6.2f} {m.recall:>6.2f} {m.f1:>6.2f}  [{lo:.2f}, {hi:.2f}]")
    return "\n".join(rows)


def micro_row(name: str, decisions: list[Decision], themes: list[str]) -> str:
    """One row like ``table_with_intervals``'s micro row, named ``name``
    (the same passages tagged another way, e.g. by the lexicon rule alone)."""
    m = score(decisions, themes)[-1]
    lo, hi = bootstrap(decisions, themes)["micro"]
    return f"{name:<8} {m.support:>7} {m.precision:>6.2f} {m.recall:>6.2f} {m.f1:>6.2f}  [{lo:.2f}, {hi:.2f}]"


def model_summary(model) -> str:
    """What a ``theme_model.ThemeModel`` was trained on, in a few words."""
    thresholds = ", ".join(f"{t} {w.threshold:.2f}" for t, w in model.themes.items())
    return f"{len(model.vocabulary)} character n-grams; thresholds calibrated on dev: {thresholds}"


def cohen_kappa(a: list[bool], b: list[bool]) -> float:
    """Cohen's κ of two annotators' yes/no decisions on the same items.

    κ = (p_o − p_e) / (1 − p_e); 1.0 when both agree on every item and
    chance agreement is 1 (e.g. neither ever says yes).
    """
    n = len(a)
    if n == 0:
        return 1.0
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def agreement(items: list[dict], themes: list[str]) -> tuple[dict[str, float], Metrics]:
    """Annotator agreement on items ``{id, a: [...], b: [...]}``.

    Returns (κ per theme, micro metrics of annotator B measured against A).
    """
    kappas = {t: cohen_kappa([t in i["a"] for i in items], [t in i["b"] for i in items]) for t in themes}
    decisions = [Decision(str(i["id"]), frozenset(i["a"]), frozenset(i["b"])) for i in items]
    return kappas, score(decisions, themes)[-1]
