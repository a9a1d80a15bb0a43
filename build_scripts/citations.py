"""Cited documents, meetings and programmes: what the speeches invoke.

Three kinds of entry:

- ``document``: every 《…》 title (laws, charters, documents, books), found
  by its brackets;
- ``meeting``: meeting spirits (党的十八大, 十八届三中全会, 中国工会十六大 …),
  found by the regular expressions of ``data/citations.yml`` (and of the
  user's insight.yml), several spellings giving one entry;
- ``programme``: named campaigns and institutions (送温暖, 金秋助学, 职工书屋 …),
  matched literally, longest first.

Each entry keeps its occurrences (speech, unit, offset) so the index can
link to every mention.  Nothing here knows about mkdocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .formulations import Occurrence, unit_texts
from .model import Corpus

DATA = Path(__file__).parent / "data" / "citations.yml"

KINDS = ("document", "meeting", "programme")
KIND_LABEL = {"document": "文件与法规", "meeting": "会议精神", "programme": "工作品牌与制度"}

_TITLE = re.compile(r"《([^《》\n]{1,60})》")


@dataclass(frozen=True)
class MeetingPattern:
    """A regular expression and the entry name it gives ({1} … = groups)."""

    pattern: re.Pattern
    name: str

    def entries(self, m: re.Match) -> list[str]:
        """The entry names of a match: ``name`` with its groups filled in;
        a group listing items with 、 (三中、四中、五中 — the trailing 中 of
        each item is dropped) gives one name per item."""
        groups = [g or "" for g in m.groups()]
        listed = next((k for k, g in enumerate(groups) if "、" in g), None)
        values = [groups]
        if listed is not None:
            values = [groups[:listed] + [item.removesuffix("中")] + groups[listed + 1:]
                      for item in groups[listed].split("、")]
        return [re.sub(r"\{(\d)\}", lambda g: v[int(g[1]) - 1], self.name) for v in values]


@dataclass
class Citation:
    """One index entry: ``kind`` (``KINDS``), ``name``, the ids of the
    speeches citing it (corpus order) and every occurrence."""

    kind: str
    name: str
    speeches: list[str] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)


def find(corpus: Corpus, meetings: Iterable[MeetingPattern], programmes: Iterable[str]) -> list[Citation]:
    """Every citation in ``corpus``: by kind (``KINDS`` order), then most
    speeches first, then name.  Deterministic."""
    meetings = list(meetings)
    progs = sorted(set(programmes), key=lambda p: (-len(p), p))
    prog_re = re.compile("|".join(map(re.escape, progs))) if progs else None
    found: dict[tuple[str, str], Citation] = {}

    def add(kind: str, name: str, speech: str, unit: str, start: int) -> None:
        c = found.setdefault((kind, name), Citation(kind, name))
        c.occurrences.append(Occurrence(speech, unit, start))
        if not c.speeches or c.speeches[-1] != speech:
            if speech not in c.speeches:
                c.speeches.append(speech)

    for si, unit_id, text in unit_texts(corpus):
        sid = corpus.speeches[si].id
        for m in _TITLE.finditer(text):
            add("document", f"《{m[1]}》", sid, unit_id, m.start())
        taken: list[tuple[int, int]] = []
        for mp in meetings:
            for m in mp.pattern.finditer(text):
                if all(m.end() <= s or m.start() >= e for s, e in taken):
                    taken.append(m.span())
                    for name in mp.entries(m):
                        add("meeting", name, sid, unit_id, m.start())
        if prog_re is not None:
            for m in prog_re.finditer(text):
                add("programme", m[0], sid, unit_id, m.start())
    return sorted(found.values(), key=lambda c: (KINDS.index(c.kind), -len(c.speeches), c.name))
