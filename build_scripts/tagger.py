"""Theme tagging: which themes a passage is *about*, with evidence and score.

The rule is the codebook's (主题标注规范, docs/about/codebook.md): a
passage carries theme T when at least one of its sentences is *mainly
about* T.  Thresholds are in themes.yml's ``tagging`` block.

1. Split the passage into sentences (。！？；and line breaks) and each
   sentence into clauses (，：).  Ceremonial and procedural sentences
   (``tagging.ceremonial``: 祝贺, 感谢, 选举产生, 重要意义…) carry no
   theme (codebook 四).
2. Segment each sentence with the domain dictionary; a keyword matches a
   whole token, a phrase matches a substring.  Overlapping matches are one
   expression and count once (the largest weight).
3. Terms that do not say what a sentence is about are dropped:
   * a framing clause, one that ends in ``tagging.frames`` (以…为指导,
     在…坚强领导下): background, not the point (codebook 二 党的领导, 六);
   * a list clause, one that enumerates (、, 等方面) terms of at least
     ``list_min_themes`` themes: a passing mention of each (codebook 三).
4. A sentence's score for a theme is the sum of its remaining terms'
   weights, capped at ``sentence_cap``.  The sentence is *mainly about* the
   theme when that score is ≥ ``sentence_min`` and ≥ ``dominance`` × the
   sentence's best theme score.
5. A heading cue (part heading, or a sub-point's first sentence) adds
   ``heading_bonus`` to a theme that has content evidence (codebook 五: a
   heading is evidence only together with content).
6. A passage carries the theme when one of its sentences is mainly about
   it (its best sentence score plus the heading bonus reaches
   ``sentence_min``), or when its sentences' scores for the theme add up
   to ``passage_min`` (several weaker sentences on the same theme).

A part (一、二、三…) carries the themes of its passages (codebook 一);
its score and evidence are computed on its whole text.  ``ThemeTag.main``
marks the themes a passage is mainly about (the strongest, and any within
``dominance`` of it): theme pages list those passages first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Evidence, ThemeTag, Unit
from .segmenter import Segmenter
from .themes import Lexicon

#: Sentence boundaries for scoring; ： is not one (it introduces lists).
SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
#: Clause boundaries inside a sentence (framing and list clauses, step 3).
CLAUSE_RE = re.compile(r"[^，,：:]+[，,：:]*")
#: An enumeration inside a clause: 、 between items, or a closing 等方面/等工作.
LIST_RE = re.compile(r"、|等方面|等领域|等工作")


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, each with its closing mark; empty ones dropped."""
    return [s.strip() for s in SENTENCE_RE.findall(text) if s.strip()]


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the clauses of ``sentence``."""
    return [(m.start(), m.end()) for m in CLAUSE_RE.finditer(sentence)]


@dataclass
class Score:
    """One theme's score on one passage (before the assignment rule).

    ``score`` is the sum of the sentence scores plus a heading bonus;
    ``best`` the best single sentence's score among the sentences mainly
    about the theme (0 when none is), plus the heading bonus.
    """

    theme: str
    score: float
    best: float
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

    def _matches(self, theme, sentence: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, float, int]]:
        """Terms of ``theme`` in one sentence, one per expression, as
        (term, weight, offset).

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
        best: dict[str, tuple[str, float, int]] = {}
        for cluster in clusters:
            start, _, term, weight = max(cluster, key=lambda c: (c[3], c[1] - c[0]))
            best.setdefault(term, (term, weight, start))  # a term repeated in a sentence counts once
        return list(best.values())

    def _passing(self, sentence: str, per_theme: list[list[tuple[str, float, int]]]) -> set[int]:
        """Offsets of terms that are passing mentions (step 3)."""
        frames = self.settings.frames
        drop: set[int] = set()
        for start, end in clauses(sentence):
            clause = sentence[start:end].rstrip("，,：:")
            inside = [(i, t) for i, terms in enumerate(per_theme) for t in terms if start <= t[2] < end]
            if not inside:
                continue
            if any(clause.endswith(f) for f in frames):
                drop |= {t[2] for _, t in inside}
            elif LIST_RE.search(clause) and len({i for i, _ in inside}) >= self.settings.list_min_themes:
                drop |= {t[2] for _, t in inside}
        return drop

    def _sentence_terms(self, sentence: str, memo: dict | None) -> list[list[tuple[str, float]]]:
        """Each theme's counted terms in ``sentence`` (lexicon order), after
        dropping passing mentions; ``memo`` remembers sentences already
        matched (a part's text repeats its sub-points' sentences, so each
        is segmented once per speech)."""
        if memo is not None and sentence in memo:
            return memo[sentence]
        has_keyword = self._any_keyword is not None and self._any_keyword.search(sentence)
        spans = self.segmenter.spans(sentence) if has_keyword else []
        per_theme = [self._matches(theme, sentence, spans) for theme in self.lexicon.themes]
        drop = self._passing(sentence, per_theme) if any(per_theme) else set()
        terms = [[(term, weight) for term, weight, start in found if start not in drop] for found in per_theme]
        if memo is not None:
            memo[sentence] = terms
        return terms

    def scores(self, text: str, heading: str | None = None, memo: dict | None = None) -> list[Score]:
        """Score every theme on ``text``; ``heading`` is checked for cues.

        Returns one ``Score`` per theme, in lexicon order.  ``memo`` (a dict
        owned by the caller) caches per-sentence matches across calls.
        """
        s = self.settings
        content = [x for x in sentences(text) if not self.is_ceremonial(x)]
        matched = [(x, self._sentence_terms(x, memo)) for x in content]
        n = len(self.lexicon.themes)
        totals = [0.0] * n
        bests = [0.0] * n
        found: list[dict[str, Evidence]] = [{} for _ in range(n)]
        for sentence, per_theme in matched:
            capped = [min(s.sentence_cap, sum(w for _, w in terms)) for terms in per_theme]
            top = max(capped, default=0.0)
            for i, terms in enumerate(per_theme):
                if not terms:
                    continue
                totals[i] += capped[i]
                if capped[i] >= s.dominance * top:
                    bests[i] = max(bests[i], capped[i])
                for term, weight in terms:
                    if term in found[i]:
                        found[i][term].count += 1
                    else:
                        found[i][term] = Evidence(term=term, weight=weight, sentence=sentence)
        out = []
        for i, theme in enumerate(self.lexicon.themes):
            evidence = sorted(found[i].values(), key=lambda e: -e.weight)
            # A heading cue only confirms content evidence; on its own it
            # is a word in a title, not a theme.
            cue = next((c for c in theme.heading_cues if c in heading), None) if heading and evidence else None
            total, best = totals[i], bests[i]
            if cue:
                total += s.heading_bonus
                best = best + s.heading_bonus if best else 0.0
                evidence.insert(0, Evidence(term=cue, weight=s.heading_bonus, sentence=heading, cue=True))
            out.append(Score(theme.name, round(total, 2), round(best, 2), bool(cue), evidence))
        return out

    def carries(self, sc: Score) -> bool:
        """The assignment rule (module docstring, step 6)."""
        s = self.settings
        return sc.best >= s.sentence_min or sc.score >= s.passage_min

    def assign(self, scores: list[Score]) -> list[ThemeTag]:
        """The themes ``scores`` carry, strongest first, with ``main`` set."""
        kept = [sc for sc in scores if self.carries(sc)]
        top = max((sc.score for sc in kept), default=0.0)
        tags = [ThemeTag(theme=sc.theme, score=sc.score, evidence=sc.evidence,
                         main=sc.score >= self.settings.dominance * top) for sc in kept]
        return sorted(tags, key=lambda t: -t.score)

    def tag(self, text: str, heading: str | None = None) -> list[ThemeTag]:
        """Themes of one passage, strongest first."""
        return self.assign(self.scores(text, heading))

    def tag_units(self, units: list[Unit]) -> None:
        """Tag every unit in place (sets ``tags`` and ``scores``).

        Notes and salutations carry no theme.  A leaf is scored on its
        text, a sub-point with its own first sentence (``Unit.heading``) as
        cue.  A section carries the union of its children's themes, each
        scored on the section's whole text with its heading as cue; a
        section without children is scored like a passage.
        """
        memo: dict = {}
        children: dict[str, list[Unit]] = {}
        for unit in units:
            if unit.parent:
                children.setdefault(unit.parent, []).append(unit)
        for unit in units:
            if unit.kind in ("note", "salutation") or unit.kind == "section":
                continue
            heading = unit.heading if unit.kind == "subpoint" else None
            scores = self.scores(unit.text, heading, memo)
            unit.scores = {s.theme: s.score for s in scores}
            unit.tags = self.assign(scores)
        for unit in units:
            if unit.kind != "section":
                continue
            scores = self.scores(unit.text, unit.heading, memo)
            unit.scores = {s.theme: s.score for s in scores}
            kids = children.get(unit.id, [])
            if not kids:
                unit.tags = self.assign(scores)
                continue
            union = {t.theme for k in kids for t in k.tags}
            by_name = {sc.theme: sc for sc in scores}
            top = max((by_name[t].score for t in union), default=0.0)
            unit.tags = sorted((ThemeTag(theme=t, score=by_name[t].score, evidence=by_name[t].evidence,
                                         main=by_name[t].score >= self.settings.dominance * top)
                                for t in union), key=lambda t: -t.score)


def order_key(unit: Unit, theme: str) -> tuple:
    """Sort key for a theme page: passages mainly about ``theme`` first,
    then by the theme's score (higher first)."""
    tag = next((t for t in unit.tags if t.theme == theme), None)
    if tag is None:
        return (2, 0.0)
    return (0 if tag.main else 1, -tag.score)
