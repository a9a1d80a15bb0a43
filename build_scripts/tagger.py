"""Theme tagging: which themes a passage is *about*, with evidence and score.

The rule (thresholds in themes.yml's ``tagging`` block):

1. Split the passage into sentences (。！？；and line breaks); drop
   ceremonial sentences (祝贺, 感谢, 预祝…), which carry no theme.
2. Segment each sentence with the domain dictionary; a keyword matches a
   whole token, a phrase matches a substring.  Overlapping matches are one
   expression and count once (the largest weight).
3. A sentence scores the sum of its distinct terms' weights, capped at
   ``sentence_cap`` (one enumerating sentence must not outweigh a passage).
4. A heading cue (part heading, or a sub-point's first sentence) adds
   ``heading_bonus`` — the speaker's own statement of what the passage is
   about — when the passage has content evidence for the theme too.
5. Assign a theme when its score ≥ ``min_score``, its evidence covers
   ≥ ``min_coverage`` of the sentences (or a heading cue matched), and its
   score ≥ ``min_relative`` × the best theme's score.  Rules 3 and 5 are
   what keep a passing mention from becoming a theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Evidence, ThemeTag, Unit
from .segmenter import Segmenter
from .themes import Lexicon

#: Sentence boundaries for scoring; ： is not one (it introduces lists).
SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, each with its closing mark; empty ones dropped."""
    return [s.strip() for s in SENTENCE_RE.findall(text) if s.strip()]


@dataclass
class Score:
    """One theme's score on one passage (before the assignment rule)."""

    theme: str
    score: float
    coverage: float
    cue: bool
    evidence: list[Evidence]


class Tagger:
    """Tags passages with the themes of a ``Lexicon``."""

    def __init__(self, lexicon: Lexicon, segmenter: Segmenter):
        self.lexicon = lexicon
        self.settings = lexicon.settings
        self.segmenter = segmenter
        # A keyword can only be a token of a sentence that contains it:
        # sentences without any keyword (about 1 in 4) skip jieba.
        keywords = sorted({k for t in lexicon.themes for k in t.keywords}, key=len, reverse=True)
        self._any_keyword = re.compile("|".join(map(re.escape, keywords))) if keywords else None

    def is_ceremonial(self, sentence: str) -> bool:
        return any(c in sentence for c in self.settings.ceremonial)

    def _matches(self, theme, sentence: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, float]]:
        """Terms of ``theme`` in one sentence, one per expression.

        Keywords match whole tokens, phrases substrings.  Matches that
        overlap (党联系职工群众 / 联系职工群众的桥梁 / 桥梁和纽带 in one stock
        phrase) are one expression and count once, with the largest weight.
        """
        found: list[tuple[int, int, str, float]] = []
        for phrase, weight in theme.phrases.items():
            start = sentence.find(phrase)
            if start >= 0:
                found.append((start, start + len(phrase), phrase, weight))
        for token, start, end in spans:
            if token in theme.keywords:
                found.append((start, end, token, theme.keywords[token]))
        found.sort(key=lambda f: (f[0], -f[1]))
        clusters: list[list[tuple[int, int, str, float]]] = []
        for f in found:
            if clusters and f[0] < max(c[1] for c in clusters[-1]):
                clusters[-1].append(f)
            else:
                clusters.append([f])
        best: dict[str, float] = {}
        for cluster in clusters:
            _, _, term, weight = max(cluster, key=lambda c: (c[3], c[1] - c[0]))
            best[term] = weight  # a term repeated in a sentence counts once
        return list(best.items())

    def _sentence_terms(self, sentence: str, memo: dict | None) -> list[list[tuple[str, float]]]:
        """Each theme's terms in ``sentence`` (lexicon order); ``memo``
        remembers sentences already matched (a part's text repeats its
        sub-points' sentences, so each is segmented once per speech)."""
        if memo is not None and sentence in memo:
            return memo[sentence]
        has_keyword = self._any_keyword is not None and self._any_keyword.search(sentence)
        spans = self.segmenter.spans(sentence) if has_keyword else []
        terms = [self._matches(theme, sentence, spans) for theme in self.lexicon.themes]
        if memo is not None:
            memo[sentence] = terms
        return terms

    def scores(self, text: str, heading: str | None = None, memo: dict | None = None) -> list[Score]:
        """Score every theme on ``text``; ``heading`` is checked for cues.

        Returns one ``Score`` per theme, in lexicon order.  ``memo`` (a dict
        owned by the caller) caches per-sentence matches across calls.
        """
        content = [s for s in sentences(text) if not self.is_ceremonial(s)]
        matched = [(s, self._sentence_terms(s, memo)) for s in content]
        out = []
        for index, theme in enumerate(self.lexicon.themes):
            total = 0.0
            covered = 0
            found: dict[str, Evidence] = {}
            for sentence, per_theme in matched:
                terms = per_theme[index]
                if not terms:
                    continue
                covered += 1
                total += min(self.settings.sentence_cap, sum(w for _, w in terms))
                for term, weight in terms:
                    if term in found:
                        found[term].count += 1
                    else:
                        found[term] = Evidence(term=term, weight=weight, sentence=sentence)
            # A heading cue only confirms content evidence; on its own it
            # is a word in a title, not a theme.
            cue = None
            if heading and covered:
                cue = next((c for c in theme.heading_cues if c in heading), None)
            evidence = sorted(found.values(), key=lambda e: -e.weight)
            if cue:
                total += self.settings.heading_bonus
                evidence.insert(0, Evidence(term=cue, weight=self.settings.heading_bonus,
                                            sentence=heading, cue=True))
            coverage = covered / len(content) if content else 0.0
            out.append(Score(theme.name, round(total, 2), round(coverage, 3), bool(cue), evidence))
        return out

    def assign(self, scores: list[Score]) -> list[ThemeTag]:
        """Apply the assignment rule (module docstring, step 5)."""
        best = max((s.score for s in scores), default=0.0)
        s = self.settings
        return [
            ThemeTag(theme=sc.theme, score=sc.score, evidence=sc.evidence)
            for sc in scores
            if sc.score >= s.min_score
            and (sc.coverage >= s.min_coverage or sc.cue)
            and sc.score >= s.min_relative * best
        ]

    def tag(self, text: str, heading: str | None = None) -> list[ThemeTag]:
        """Themes of one passage, strongest first."""
        return sorted(self.assign(self.scores(text, heading)), key=lambda t: -t.score)

    def tag_units(self, units: list[Unit]) -> None:
        """Tag every unit in place (sets ``tags`` and ``scores``).

        Notes and salutations carry no theme.  A section is scored on its
        whole text with its heading as cue; a sub-point with its own
        first sentence (``Unit.heading``) as cue.
        """
        memo: dict = {}
        for unit in units:
            if unit.kind in ("note", "salutation"):
                continue
            heading = unit.heading if unit.kind in ("section", "subpoint") else None
            scores = self.scores(unit.text, heading, memo)
            unit.scores = {s.theme: s.score for s in scores}
            unit.tags = self.assign(scores)
