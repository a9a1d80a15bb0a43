"""Corpus insight: the 提法 index, reused passages, citations and theme
trends, computed once per build from the corpus model.

``load_config`` reads the user's ``insight.yml`` (beside themes.yml;
optional)::

    formulations:
      pin: [党建带工建, …]      # always in the 提法 index (if they occur)
      ban: [召开表示热烈的祝贺, …] # never
    citations:
      meetings:                 # added to data/citations.yml
        - {pattern: '省第(十[一-九])次党代会', name: '省第{1}次党代会'}
      programmes: [职工疗休养, …]

Unknown keys, wrong types and invalid regular expressions are errors that
stop the build (``ConfigError``, every problem listed with its line).
``analyse`` returns an ``Insight``; nothing here knows about mkdocs.
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from . import citations, formulations, reuse, trends
from .errors import ConfigError, Problem
from .model import Corpus

FILE_NAME = "insight.yml"


@dataclass
class InsightConfig:
    """What ``insight.yml`` (plus the shipped vocabulary) says."""

    pin: list[str] = field(default_factory=list)
    ban: list[str] = field(default_factory=list)
    meetings: list[citations.MeetingPattern] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)


@dataclass
class Insight:
    """The four views: formulations (most speeches first), reuse pairs
    (most similar first), citations, trends; ``periods`` maps a speech id
    to its period slug and ``years`` to its year (or None)."""

    formulations: list[formulations.Formulation]
    reuse: list[reuse.ReusePair]
    citations: list[citations.Citation]
    trends: trends.Trends
    periods: dict[str, str]
    years: dict[str, Optional[int]]

    def formulation_periods(self, f: formulations.Formulation) -> dict[str, int]:
        """Period slug → speeches using ``f``, oldest first (undated last)."""
        counts: dict[str, int] = {}
        for s in f.speeches:
            p = self.periods[s]
            counts[p] = counts.get(p, 0) + 1
        order = trends.PERIOD_ORDER + [trends.UNDATED[0]]
        return {p: counts[p] for p in order if p in counts}

    def formulation_years(self, f: formulations.Formulation) -> dict[int, int]:
        """Year → speeches using ``f`` (dated or estimated speeches only)."""
        counts: dict[int, int] = {}
        for s in f.speeches:
            y = self.years[s]
            if y is not None:
                counts[y] = counts.get(y, 0) + 1
        return dict(sorted(counts.items()))


def _check_strings(value: Any, where: str, path: str, line: Optional[int], problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(Problem(path, f"{where} must be a list of non-empty texts", f"write {where} as [词语, 词语]",
                                line))
        return []
    return [v.strip() for v in value]


def parse_config(text: str, path: str = FILE_NAME, defaults: bool = True) -> InsightConfig:
    """Parse ``insight.yml`` text (with the shipped vocabulary added unless
    ``defaults`` is False).  Raises ``ConfigError`` listing every problem."""
    problems: list[Problem] = []
    try:
        root = yaml.compose(text) if text.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError([Problem(path, f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                                   "fix the YAML syntax", mark.line + 1 if mark else None)])
    config = InsightConfig()
    if defaults:
        shipped = yaml.safe_load(citations.DATA.read_text(encoding="utf-8"))
        config.meetings = [citations.MeetingPattern(re.compile(m["pattern"]), m["name"]) for m in shipped["meetings"]]
        config.programmes = list(shipped["programmes"])
    if root is None:
        return config
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ConfigError([Problem(path, "must be a mapping with the keys formulations and citations",
                                   "see the example at the top of build_scripts/insight.py", 1)])
    lines = {k.value: k.start_mark.line + 1 for k, _ in root.value}
    allowed = {"formulations": {"pin", "ban"}, "citations": {"meetings", "programmes"}}
    for key, value in data.items():
        line = lines.get(key)
        if key not in allowed:
            problems.append(Problem(path, f"unknown key {key!r}", f"use only {', '.join(allowed)}", line))
            continue
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(Problem(path, f"{key} must be a mapping", f"write {key}: with the keys "
                                    f"{', '.join(sorted(allowed[key]))} below it", line))
            continue
        for sub in value:
            if sub not in allowed[key]:
                problems.append(Problem(path, f"unknown key {key}.{sub}",
                                        f"use only {', '.join(sorted(allowed[key]))}", line))
        if key == "formulations":
            config.pin += _check_strings(value.get("pin"), "formulations.pin", path, line, problems)
            config.ban += _check_strings(value.get("ban"), "formulations.ban", path, line, problems)
        else:
            config.programmes += _check_strings(value.get("programmes"), "citations.programmes", path, line,
                                                problems)
            for item in value.get("meetings") or []:
                if not (isinstance(item, dict) and set(item) == {"pattern", "name"}
                        and all(isinstance(v, str) and v for v in item.values())):
                    problems.append(Problem(path, f"citations.meetings entry {item!r} is not {{pattern, name}}",
                                            "write each entry as {pattern: '正则表达式', name: '条目名'}", line))
                    continue
                try:
                    config.meetings.append(citations.MeetingPattern(re.compile(item["pattern"]), item["name"]))
                except re.error as exc:
                    problems.append(Problem(path, f"citations.meetings pattern {item['pattern']!r} is not a valid "
                                            f"regular expression ({exc})", "fix the pattern (Python syntax)", line))
    if problems:
        raise ConfigError(problems)
    return config


def load_config(folder: Path) -> InsightConfig:
    """``folder/insight.yml`` (absent: the shipped vocabulary only).
    Raises ``ConfigError``."""
    path = folder / FILE_NAME
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return parse_config(text, FILE_NAME)


#: With this many speeches or more (and ``jobs`` > 1) the reuse detector
#: runs in a worker process while this one mines the formulations: the two
#: take about as long, and starting a worker (~1 s with datasketch's
#: imports) does not pay for a small corpus.
PARALLEL_MIN = 200


def analyse(corpus: Corpus, config: Optional[InsightConfig] = None, jobs: int = 1) -> Insight:
    """All four views of ``corpus``; the same for any ``jobs`` (see
    ``PARALLEL_MIN``).  Deterministic."""
    config = config or parse_config("")
    if jobs > 1 and len(corpus.speeches) >= PARALLEL_MIN:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            pending = pool.submit(reuse.find_in, reuse.passages(corpus))
            found = formulations.mine(corpus, config.pin, config.ban)
            pairs = pending.result()
    else:
        found = formulations.mine(corpus, config.pin, config.ban)
        pairs = reuse.find(corpus)
    return Insight(
        formulations=found,
        reuse=pairs,
        citations=citations.find(corpus, config.meetings, config.programmes),
        trends=trends.compute(corpus),
        periods={s.id: trends.period_of(s)[0] for s in corpus.speeches},
        years={s.id: trends.year_of(s) for s in corpus.speeches},
    )
