"""Theme tagging: which themes a passage is *about*, with evidence and score.

The rule is the codebook's (主题标注规范, docs/about/codebook.md): a
passage carries theme T when at least one of its sentences is *mainly
about* T.  Thresholds are in themes.yml's ``tagging`` block.

0. Matching sees the text in simplified characters (``simplified``,
   zhconv's tables): 維護職工權益 matches 维护职工权益.  Evidence quotes
   each sentence as written.
1. Split the passage into sentences (。！？；and line breaks) and each
   sentence into clauses (，：).  Ceremonial and procedural sentences
   (``tagging.ceremonial``: 祝贺, 感谢, 选举产生, 主要任务是…)
   and definitions of the union (``tagging.definitions``: 工会是…) carry no
   theme (codebook 四, 七), except a list that follows a colon after the
   procedural words (新当选的主席提出四点要求：一是…), which is content.
   A sentence on something's significance (``tagging.significance``:
   对于…具有重要意义) is not content up to the clause that names it;
   what follows that clause is.  A sub-point's first sentence of at most
   ``title_max`` characters is its title: a cue (step 6), not content.
2. Segment each sentence with the domain dictionary; a keyword matches a
   whole token, a phrase matches a substring.  Overlapping matches of a
   theme are one expression and count once (the largest weight); a term
   inside a longer term of another theme belongs to that term (维权 in
   维权能力).
3. Terms that do not say what a sentence is about are dropped:
   * a framing clause, one that ends in ``tagging.frames`` (以…为指导,
     在…坚强领导下), the same phrase inside a clause (是在党的领导下发展
     起来的), a definition of the union after a comma (…，我国工会是…，
     是…), and a document title in 《》: background, not the point
     (codebook 二 党的领导, 六, 七);
   * a closing formula (``tagging.closings``: 作出新的更大贡献) and the
     rest of its sentence (codebook 四, 结尾号召); the clauses before it
     still count;
   * a list (codebook 三): the whole sentence when it names three themes
     with none dominating, or enumerates 在…等方面 several themes or verb
     phrases; a clause of three or more 、-separated items of
     ``list_min_themes`` themes.
4. A sentence whose subject is one of a theme's ``subjects`` (工会干部要…,
   各级党委要…) is about that theme only; a following sentence that starts
   with 要 keeps the subject (codebook 二: 主干是党委 → 党的领导).
5. A sentence's score for a theme is the sum of its remaining terms'
   weights, capped at ``sentence_cap``.  The sentence is *mainly about* the
   theme when that score is ≥ ``sentence_min`` and the uncapped sum is ≥
   ``dominance`` × the sentence's best theme sum.
6. A heading cue (part heading, or a sub-point's first sentence) adds
   ``heading_bonus`` to a theme that has content evidence (codebook 五: a
   heading is evidence only together with content).  When the content
   carries no theme, a title mainly about one decides.
7. A passage carries the theme when one of its sentences is mainly about
   it (its best such sentence plus the heading bonus reaches
   ``sentence_min``), or when the sentences mainly about it add up to
   ``passage_min``.

8. With the trained model (``theme_model``; themes.yml ``tagging.model``,
   on by default), a theme the model knows and the passage has terms of
   (after step 3) is carried when the model's probability, over the
   passage's character n-grams and the scores of steps 1–7, reaches the
   theme's threshold (calibrated on dev): the model can confirm or veto
   the rule, and carry a theme whose terms the rule found too weak, but
   never a theme without terms, so the evidence is always terms and
   their sentences.  A theme the model does not know (one added to
   themes.yml) is decided by steps 1–7 alone.

A part (一、二、三…) carries the themes of its passages (codebook 一);
its score and evidence are computed on its whole text.  ``ThemeTag.main``
marks the themes a passage is mainly about (the strongest, and any within
``dominance`` of it): theme pages list those passages first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import zhconv

from .model import Evidence, ThemeTag, Unit
from .segmenter import Segmenter
from .theme_model import ThemeModel, lexicon_features, load_default
from .themes import Lexicon

#: Sentence boundaries for scoring; ： is not one (it introduces lists).
SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
#: Clause boundaries inside a sentence (framing and list clauses, step 3).
CLAUSE_RE = re.compile(r"[^，,：:]+[，,：:]*")
#: The end of an enumeration of work areas (在…、…等方面).
LIST_END_RE = re.compile(r"等(?:方面|领域|工作)")
#: A document title (《关于…的意见》): a reference, not content.
TITLE_RE = re.compile(r"《[^》]*》")
#: Sub-point markers and connectives before a sentence's subject.
LEAD_RE = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]?(?:是|要|要求)?|同时|此外|另外|并且|最后|首先|其次)[，,、]?")
#: A sentence's own subject: the words before its first modal (要, 应…)
#: in the first clause; empty when the sentence starts with the modal.
SUBJECT_RE = re.compile(r"([^，,；;：:。]{0,14}?)(?:要|应当|应该|必须|务必|需要|将)")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters that zhconv's traditional→simplified table (zh-hans)
    changes; a sentence without any of them is already simplified."""
    table = zhconv.zhconv.getdict("zh-hans")
    return frozenset(k for k, v in table.items() if len(k) == 1 and k != v)


def simplified(text: str) -> str:
    """``text`` in simplified characters, for matching only (the lexicon is
    simplified; 維護職工權益 must match 维护职工权益).  The tables are
    zhconv's (MediaWiki's zh-hans conversion).  Only sentences with a
    traditional character are converted: the rest is returned as is."""
    if _traditional_chars().isdisjoint(text):
        return text
    return zhconv.convert(text, "zh-hans")


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, each with its closing mark; empty ones dropped."""
    return [s.strip() for s in SENTENCE_RE.findall(text) if s.strip()]


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the clauses of ``sentence``."""
    return [(m.start(), m.end()) for m in CLAUSE_RE.finditer(sentence)]


def _first(terms: list["Match"]) -> list["Match"]:
    """One match per term, its first occurrence: a term repeated in a
    sentence counts once."""
    seen: dict[str, Match] = {}
    for m in terms:
        seen.setdefault(m.term, m)
    return list(seen.values())


@dataclass(frozen=True)
class Match:
    """A term found in a sentence: weight and character offsets."""

    term: str
    weight: float
    start: int
    end: int


@dataclass
class Score:
    """One theme's score on one passage (before the assignment rule).

    ``score`` is the sum of the sentence scores plus a heading bonus;
    ``best`` the best single sentence's score among the sentences mainly
    about the theme (0 when none is), plus the heading bonus; ``main`` the
    sum over those sentences, plus the heading bonus.
    """

    theme: str
    score: float
    best: float
    main: float
    cue: bool
    evidence: list[Evidence]
    #: The title's score for the theme when the title is mainly about it
    #: and the passage has content besides (0 otherwise).
    title: float = 0.0
    title_evidence: list[Evidence] = field(default_factory=list)


class Tagger:
    """Tags passages with the themes of a ``Lexicon``."""

    def __init__(self, lexicon: Lexicon, segmenter: Segmenter, model: ThemeModel | None | str = "shipped"):
        """``model``: a ``ThemeModel``, None (the lexicon rule alone), or
        "shipped" (build_scripts/data/theme_model.json, if present); the
        lexicon's ``tagging.model: false`` turns any model off."""
        self.lexicon = lexicon
        self.settings = lexicon.settings
        self.segmenter = segmenter
        if isinstance(model, str):
            model = load_default()
        #: The trained model (step 8), or None: the lexicon rule decides.
        self.model = model if lexicon.settings.model else None
        # A keyword can only be a token of a sentence that contains it:
        # sentences without any keyword (about 1 in 4) skip jieba.
        keywords = sorted({k for t in lexicon.themes for k in t.keywords}, key=len, reverse=True)
        self._any_keyword = re.compile("|".join(map(re.escape, keywords))) if keywords else None

    def is_ceremonial(self, sentence: str) -> bool:
        return any(c in sentence for c in self.settings.ceremonial)

    def content(self, sentence: str) -> str:
        """What of ``sentence`` is content (codebook 四): empty for a
        ceremonial or procedural sentence, except what follows a colon
        after its last ceremonial term (新当选的主席提出四点要求：一是…;
        讲三点意见：一要…): a list announced by a procedural clause is
        content and is judged on its own.  In a sentence on the
        significance of something (``tagging.significance``: 对于…具有重要
        意义) the clauses up to the one naming it are not content; what
        follows it is (深刻认识培训的重要意义，希望学员……提高履职能力)."""
        at = max((sentence.rfind(c) + len(c) for c in self.settings.ceremonial if c in sentence), default=-1)
        if at < 0:
            # …对于X具有重要意义，Y: X is the significance of something,
            # Y (a requirement that follows) is content.
            at = max((sentence.rfind(c) + len(c) for c in self.settings.significance if c in sentence), default=-1)
            if at < 0:
                return sentence
            end = next((b for a, b in clauses(sentence) if a < at <= b), len(sentence))
            rest = sentence[end:]
            return rest if rest.strip("。！？；!?; ") else ""
        colon = min((i for i in (sentence.find("：", at), sentence.find(":", at)) if i >= 0), default=-1)
        rest = sentence[colon + 1:] if colon >= 0 else ""
        return rest if rest.strip("。！？；!?; ") else ""

    def _matches(self, theme, sentence: str, spans: list[tuple[str, int, int]]) -> list[Match]:
        """Terms of ``theme`` in one sentence, one per expression.

        Keywords match whole tokens, phrases substrings.  Matches that
        overlap (党联系职工群众 / 联系职工群众的桥梁 / 桥梁和纽带 in one stock
        phrase) are one expression and count once, with the largest weight.
        """
        found: list[tuple[int, int, str, float]] = []
        for phrase, weight in theme.phrases.items():
            start = sentence.find(phrase)
            while start >= 0:
                found.append((start, start + len(phrase), phrase, weight))
                start = sentence.find(phrase, start + len(phrase))
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
        # Every occurrence is kept here: one inside a title (《…》) or a
        # framing clause is dropped later, and a later real use still counts.
        return [Match(term, weight, start, end)
                for start, end, term, weight in (max(c, key=lambda c: (c[3], c[1] - c[0])) for c in clusters)]

    def _lists(self, sentence: str, per_theme: list[list[Match]]) -> list[tuple[int, int]]:
        """Spans of ``sentence`` that enumerate work areas (step 3).

        The whole sentence when it names three or more themes and no one
        dominates (在服务大局中…，在维权帮扶上…，在队伍建设上…) or has an ``在…等方面`` enumeration of
        several themes or of several verb phrases; otherwise each clause
        with at least three 、-separated items of several themes.
        """
        need = self.settings.list_min_themes

        def themes_in(start: int, end: int) -> int:
            # A theme whose words here are all words of another theme (a
            # sub-theme 劳动竞赛 beside 服务大局) is not another work area.
            found = sorted(({(m.start, m.end) for m in terms if start <= m.start < end} for terms in per_theme),
                           key=len, reverse=True)
            counted: list[set] = []
            for spans in found:
                if spans and not any(spans <= other for other in counted):
                    counted.append(spans)
            return len(counted)

        whole = [(0, len(sentence))]
        raw = sorted((sum(m.weight for m in _first(terms)) for terms in per_theme), reverse=True) + [0.0]
        if themes_in(0, len(sentence)) >= need + 1 and raw[1] >= self.settings.dominance * raw[0]:
            return whole
        spans = []
        for m in LIST_END_RE.finditer(sentence):
            begin = sentence.rfind("在", 0, m.start())
            begin = 0 if begin < 0 else begin
            if themes_in(begin, m.start()) >= need or sentence.count("，", begin, m.start()) >= 2:
                return whole
            if sentence.count("、", begin, m.start()) >= 2:
                spans.append((begin, m.end()))  # 在A、B、C等方面: the enumeration only
        return spans + [(start, end) for start, end in clauses(sentence)
                        if sentence.count("、", start, end) >= 2 and themes_in(start, end) >= need]

    def _sentence_terms(self, sentence: str, memo: dict | None) -> list[list[Match]]:
        """Each theme's counted terms in ``sentence`` (lexicon order), after
        dropping passing mentions (step 3); ``memo`` remembers sentences
        already matched (a part's text repeats its sub-points' sentences,
        so each is segmented once per speech)."""
        if memo is not None and sentence in memo:
            return memo[sentence]
        has_keyword = self._any_keyword is not None and self._any_keyword.search(sentence)
        spans = self.segmenter.spans(sentence) if has_keyword else []
        per_theme = [self._matches(theme, sentence, spans) for theme in self.lexicon.themes]
        if any(per_theme):
            per_theme = [_first(terms) for terms in self._passing(sentence, per_theme)]
        if memo is not None:
            memo[sentence] = per_theme
        return per_theme

    def _passing(self, sentence: str, per_theme: list[list[Match]]) -> list[list[Match]]:
        s = self.settings
        body = LEAD_RE.sub("", sentence)
        if any(body.startswith(d) for d in s.definitions):
            return [[] for _ in per_theme]
        # A term inside a longer term of another theme is part of that
        # term (维权 in 维权能力, 支持工会 in 支持工会干部).
        spans = [(m.start, m.end, i) for i, terms in enumerate(per_theme) for m in terms]
        frames = [(start, end) for start, end in clauses(sentence)
                  if any(sentence[start:end].rstrip("，,：:").endswith(f) for f in s.frames)]
        frames += self._inner_frames(sentence)
        frames += [m.span() for m in TITLE_RE.finditer(sentence)]
        # A closing formula (…作出新的更大贡献) ends a sentence that may
        # have content before it: only its clause and what follows go.
        closing = min((sentence.find(c) for c in s.closings if c in sentence), default=-1)
        if closing >= 0:
            start = next(a for a, b in reversed(clauses(sentence)) if a <= closing)
            frames.append((start, len(sentence)))
        frames += self._lists(sentence, per_theme)
        out = []
        for i, terms in enumerate(per_theme):
            kept = []
            for m in terms:
                if any(j != i and a <= m.start and m.end <= b and b - a > m.end - m.start for a, b, j in spans):
                    continue
                if any(a <= m.start < b for a, b in frames):
                    continue
                kept.append(m)
            out.append(kept)
        return out

    def _inner_frames(self, sentence: str) -> list[tuple[int, int]]:
        """Framing phrases inside a clause (是在党的领导下发展起来的: 在…领导下
        from its 在 or 以), and a definition of the union after a comma
        (…，我国工会是党领导的…，是党联系职工群众的桥梁和纽带) with the
        clauses that continue it (是…): background, not the point."""
        s = self.settings
        out = []
        for start, end in clauses(sentence):
            text = sentence[start:end]
            for f in s.frames:
                at = text.find(f)
                while at >= 0:
                    lead = max(text.rfind("在", 0, at), text.rfind("以", 0, at))
                    if lead >= 0:
                        out.append((start + lead, start + at + len(f)))
                    at = text.find(f, at + len(f))
        defining = False
        for number, (start, end) in enumerate(clauses(sentence)):
            body = sentence[start:end]
            if number and any(body.startswith(d) for d in s.definitions):
                defining = True
            elif not body.startswith("是"):
                defining = False
            if defining:
                out.append((start, end))
        return out

    def _is_title(self, sentence: str, heading: str | None) -> bool:
        """Whether ``sentence`` is the passage's short heading (一是加大依法
        维权力度。): a title is evidence only together with content, so
        it is a cue (step 5), not a sentence of the content."""
        if not heading:
            return False
        bare = sentence.rstrip("。！？；!?;：:")
        return bare == heading.rstrip("。！？；!?;：:") and len(bare) <= self.settings.title_max

    def _subject(self, sentence: str) -> tuple[bool, int | None]:
        """(whether ``sentence`` names its own subject, the theme index of
        that subject or None); a sentence that starts with 要 names none."""
        body = LEAD_RE.sub("", sentence)
        for number, (start, end) in enumerate(clauses(body)):
            m = SUBJECT_RE.match(body, start, end)
            if m:
                break
        else:
            return False, None
        if not m.group(1):
            # 要…: the subject of the sentence before, if this is its
            # first clause.
            return (False, None) if number == 0 else (True, None)
        who = m.group(1)
        for i, theme in enumerate(self.lexicon.themes):
            if any(sub in who for sub in theme.subjects):
                return True, i
        return True, None

    def scores(self, text: str, heading: str | None = None, memo: dict | None = None) -> list[Score]:
        """Score every theme on ``text``; ``heading`` is checked for cues.

        Returns one ``Score`` per theme, in lexicon order.  ``memo`` (a dict
        owned by the caller) caches per-sentence matches across calls.
        """
        s = self.settings
        n = len(self.lexicon.themes)
        totals = [0.0] * n
        bests = [0.0] * n
        mains = [0.0] * n
        found: list[dict[str, Evidence]] = [{} for _ in range(n)]
        subject: int | None = None
        title = [0.0] * n
        title_evidence: list[list[Evidence]] = [[] for _ in range(n)]
        content = 0
        view_heading = simplified(heading) if heading else heading
        for shown in sentences(text):
            # Matching sees simplified characters; evidence quotes the text as written.
            sentence = simplified(shown)
            sentence = self.content(sentence)
            if not sentence:
                continue
            if self._is_title(sentence, view_heading):
                in_title = self._sentence_terms(sentence, memo)
                raw = [sum(m.weight for m in terms) for terms in in_title]
                title = [r if r >= s.dominance * max(raw) else 0.0 for r in raw]
                title_evidence = [[Evidence(term=m.term, weight=m.weight, sentence=shown, cue=True) for m in terms]
                                  for terms in in_title]
                continue
            content += 1
            per_theme = self._sentence_terms(sentence, memo)
            named, who = self._subject(sentence)
            if named:
                subject = who
            if subject is not None:
                # 工会干部要…, 各级党委要…: the sentence is about its subject.
                per_theme = [terms if i == subject else [] for i, terms in enumerate(per_theme)]
            raw = [sum(m.weight for m in terms) for terms in per_theme]
            for i, terms in enumerate(per_theme):
                if not terms:
                    continue
                # A theme that shares a word with this one here is about the
                # same thing, not a rival (a sub-theme 劳动竞赛 beside 服务大局).
                own = {(m.start, m.end) for m in terms}
                top = max([raw[i]] + [raw[j] for j, other in enumerate(per_theme)
                                      if j != i and not own & {(m.start, m.end) for m in other}])
                capped = min(s.sentence_cap, raw[i])
                totals[i] += capped
                if raw[i] >= s.dominance * top:
                    bests[i] = max(bests[i], capped)
                    mains[i] += capped
                for m in terms:
                    if m.term in found[i]:
                        found[i][m.term].count += 1
                    else:
                        found[i][m.term] = Evidence(term=m.term, weight=m.weight, sentence=shown)
        out = []
        for i, theme in enumerate(self.lexicon.themes):
            evidence = sorted(found[i].values(), key=lambda e: -e.weight)
            # A heading cue only confirms content evidence; on its own it
            # is a word in a title, not a theme.
            cue = next((c for c in theme.heading_cues if c in view_heading), None) if heading and evidence else None
            total, best, main = totals[i], bests[i], mains[i]
            if cue:
                total += s.heading_bonus
                main += s.heading_bonus if main else 0.0
                best = best + s.heading_bonus if best else 0.0
                evidence.insert(0, Evidence(term=cue, weight=s.heading_bonus, sentence=heading, cue=True))
            out.append(Score(theme.name, round(total, 2), round(best, 2), round(main, 2), bool(cue), evidence,
                             round(min(s.sentence_cap, title[i]), 2) if content else 0.0, title_evidence[i]))
        return out

    def carries(self, sc: Score) -> bool:
        """The assignment rule (module docstring, step 6)."""
        s = self.settings
        return sc.best >= s.sentence_min or sc.main >= s.passage_min

    def assign(self, scores: list[Score]) -> list[ThemeTag]:
        """The themes ``scores`` carry, strongest first, with ``main`` set."""
        kept = [sc for sc in scores if self.carries(sc)]
        if not kept:
            # Content that says no theme clearly: its title decides (codebook 五).
            kept = [Score(sc.theme, sc.title, sc.title, sc.title, True, sc.title_evidence)
                    for sc in scores if sc.title >= self.settings.sentence_min]
        top = max((sc.score for sc in kept), default=0.0)
        tags = [ThemeTag(theme=sc.theme, score=sc.score, evidence=sc.evidence,
                         main=sc.score >= self.settings.dominance * top) for sc in kept]
        return sorted(tags, key=lambda t: -t.score)

    def decide(self, scores: list[Score], text: str) -> list[ThemeTag]:
        """The themes of a passage (``text``, scored as ``scores``),
        strongest first: the lexicon rule's (``assign``), except that for
        every theme the model knows and the passage has lexicon terms of,
        the model decides (step 8).  A theme without terms in the passage
        is never carried by the model, so every tag has its terms and
        their sentences as evidence."""
        rule = self.assign(scores)
        model = self.model
        if model is None or not any(sc.theme in model.themes for sc in scores):
            return rule
        by_rule = {t.theme: t for t in rule}
        vec = None
        kept: list[tuple[Score, list[Evidence]]] = []
        for sc in scores:
            if sc.theme not in model.themes:
                if sc.theme in by_rule:
                    kept.append((sc, by_rule[sc.theme].evidence))
                continue
            if not sc.evidence:
                # The title fallback (codebook 五) may carry a theme whose
                # terms are all in the title: the model was not asked.
                if sc.theme in by_rule:
                    kept.append((sc, by_rule[sc.theme].evidence))
                continue
            if vec is None:
                vec = model.vector(simplified(text))
            p = model.probability(sc.theme, vec, lexicon_features(sc, sc.theme in by_rule))
            if p >= model.themes[sc.theme].threshold:
                kept.append((sc, by_rule[sc.theme].evidence if sc.theme in by_rule else sc.evidence))
        top = max((sc.score for sc, _ in kept), default=0.0)
        tags = [ThemeTag(theme=sc.theme, score=sc.score, evidence=ev,
                         main=sc.score >= self.settings.dominance * top) for sc, ev in kept]
        return sorted(tags, key=lambda t: -t.score)

    def tag(self, text: str, heading: str | None = None) -> list[ThemeTag]:
        """Themes of one passage, strongest first."""
        return self.decide(self.scores(text, heading), text)

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
            unit.tags = self.decide(scores, unit.text)
        for unit in units:
            if unit.kind != "section":
                continue
            scores = self.scores(unit.text, unit.heading, memo)
            unit.scores = {s.theme: s.score for s in scores}
            kids = children.get(unit.id, [])
            if not kids:
                unit.tags = self.decide(scores, unit.text)
                continue
            carried = {t.theme for k in kids for t in k.tags}
            union = [sc for sc in scores if sc.theme in carried]  # lexicon order, so ties sort the same in every run
            top = max((sc.score for sc in union), default=0.0)
            unit.tags = sorted((ThemeTag(theme=sc.theme, score=sc.score, evidence=sc.evidence,
                                         main=sc.score >= self.settings.dominance * top)
                                for sc in union), key=lambda t: -t.score)


def order_key(unit: Unit, theme: str) -> tuple:
    """Sort key for a theme page: passages mainly about ``theme`` first,
    then by the theme's score (higher first)."""
    tag = next((t for t in unit.tags if t.theme == theme), None)
    if tag is None:
        return (2, 0.0)
    return (0 if tag.main else 1, -tag.score)
