"""Corpus insight: the 提法 index, reused passages, citations and theme
trends, computed once per build from the corpus model.

``load_config`` reads the user's ``insight.yml`` (beside themes.yml;
optional)::

    enabled: true               # false: no views, no 洞察 pages (default true)
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

import contextlib
import hashlib
import json
import logging
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from . import citations, formulations, reuse, trends
from .cache import write_atomic
from .errors import ConfigError, Problem
from .model import Corpus

FILE_NAME = "insight.yml"

log = logging.getLogger("build_scripts")


@dataclass
class InsightConfig:
    """What ``insight.yml`` (plus the shipped vocabulary) says;
    ``enabled`` False turns the four views (and their pages) off."""

    enabled: bool = True
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
    allowed = {"enabled": set(), "formulations": {"pin", "ban"}, "citations": {"meetings", "programmes"}}
    for key, value in data.items():
        line = lines.get(key)
        if key not in allowed:
            problems.append(Problem(path, f"unknown key {key!r}", f"use only {', '.join(allowed)}", line))
            continue
        if key == "enabled":
            if not isinstance(value, bool):
                problems.append(Problem(path, f"enabled must be true or false, not {value!r}",
                                        "write enabled: true or enabled: false", line))
            else:
                config.enabled = value
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
#: runs in a worker process while this one mines the formulations.  At
#: 1,000 speeches each takes ~2 CPU-s, and starting the worker (a fresh
#: interpreter importing numpy and datasketch, the passages pickled to it)
#: costs ~1 CPU-s of the ~2 s it would save, on a machine whose other core
#: is busy with the build anyway; from a few thousand speeches on the wall
#: time saved is worth it.
PARALLEL_MIN = 3000


def analyse(corpus: Corpus, config: Optional[InsightConfig] = None, jobs: int = 1) -> Optional[Insight]:
    """All four views of ``corpus`` (None if ``config.enabled`` is False);
    the same for any ``jobs`` (see ``PARALLEL_MIN``).  Deterministic."""
    config = config or parse_config("")
    if not config.enabled:
        return None
    with formulations.gc_paused():
        return _analyse(corpus, config, jobs)


def _analyse(corpus: Corpus, config: InsightConfig, jobs: int) -> Insight:
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


# --- the on-disk cache of the views ------------------------------------------

#: Bump when the stored layout (``to_data``) changes.
CACHE_FORMAT = 1


def cached_analyse(corpus: Corpus, config: InsightConfig, jobs: int, folder: Optional[Path],
                   digest: str) -> Optional[Insight]:
    """``analyse``, through an on-disk cache: ``folder/<key>.json`` holds
    the views of the last build, ``key`` a SHA-256 over ``digest`` (the
    caller's digest of everything the views read: the code, the lexicon and
    every speech's text and sidecar — the pipeline passes its
    analysis-cache keys), ``config`` and ``CACHE_FORMAT``.  A rebuild with
    unchanged text and config loads the views (~0.2 CPU-s at 1,000 speeches)
    instead of computing them.  ``folder`` None: no cache.  A missing,
    unreadable or corrupt file is a miss, never an error; a failed write is
    logged.  Only the newest entry is kept.  Views computed and loaded are
    equal (tested)."""
    if not config.enabled:
        return None
    if folder is None:
        return analyse(corpus, config, jobs)
    key = hashlib.sha256(f"{CACHE_FORMAT}\n{config!r}\n{digest}".encode("utf-8")).hexdigest()
    path = folder / f"{key}.json"
    try:
        with formulations.gc_paused():
            views = from_data(json.loads(path.read_text(encoding="utf-8")))
        log.info("insight: views unchanged (%s)", path.name)
        return views
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - any bad entry is a miss
        log.info("insight cache: ignoring unreadable %s (%s)", path.name, exc)
    views = analyse(corpus, config, jobs)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(to_data(views), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        for old in folder.glob("*.json"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError as exc:
        log.info("insight cache: cannot write %s (%s); continuing without it", folder, exc)
    return views


def to_data(views: Insight) -> dict[str, Any]:
    """``views`` as JSON-ready data (``from_data`` reads it back).
    Occurrences are three parallel lists: speech indices into
    ``speeches``, unit ids, starts."""
    ids = list(views.periods)
    index = {s: k for k, s in enumerate(ids)}

    def occ(items: list[formulations.Occurrence]) -> list[list]:
        return [[index[o.speech] for o in items], [o.unit for o in items], [o.start for o in items]]

    def bucket(b: trends.Bucket) -> list:
        return [b.key, b.label, b.speeches, b.passages, b.themes]

    return {
        "speeches": ids,
        "periods": [views.periods[s] for s in ids],
        "years": [views.years[s] for s in ids],
        "formulations": [[f.text, [index[s] for s in f.speeches], f.count, occ(f.occurrences), f.left_entropy,
                          f.right_entropy, f.pinned] for f in views.formulations],
        "reuse": [[index[p.a[0]], p.a[1], index[p.b[0]], p.b[1], p.similarity] for p in views.reuse],
        "citations": [[c.kind, c.name, [index[s] for s in c.speeches], occ(c.occurrences)] for c in views.citations],
        "trends": [[bucket(b) for b in views.trends.by_period], [bucket(b) for b in views.trends.by_year],
                   views.trends.undated],
    }


def _typed(values: Any, tp: type) -> list:
    if not (isinstance(values, list) and all(type(v) is tp for v in values)):
        raise TypeError(f"expected a list of {tp.__name__}")
    return values


def from_data(data: dict[str, Any]) -> Insight:
    """The ``Insight`` that ``to_data`` wrote.  Raises ``KeyError``,
    ``IndexError``, ``TypeError`` or ``ValueError`` on data of another shape."""
    ids = _typed(data["speeches"], str)
    at = ids.__getitem__
    occurrence = formulations.Occurrence

    def occ(items: list) -> list[formulations.Occurrence]:
        speeches, units, starts = items
        if not len(speeches) == len(_typed(units, str)) == len(_typed(starts, int)):
            raise ValueError("occurrence lists of different lengths")
        return list(map(occurrence, map(at, _typed(speeches, int)), units, starts))

    def bucket(b: list) -> trends.Bucket:
        key, label, speeches, passages, themes = b
        return trends.Bucket(str(key), str(label), int(speeches), int(passages),
                             {str(t): int(n) for t, n in themes.items()})

    by_period, by_year, undated = data["trends"]
    return Insight(
        formulations=[formulations.Formulation(str(text), list(map(at, _typed(speeches, int))), int(count), occ(o),
                                               float(hl), float(hr), bool(pinned))
                      for text, speeches, count, o, hl, hr, pinned in data["formulations"]],
        reuse=[reuse.ReusePair((at(a), str(ua)), (at(b), str(ub)), float(sim))
               for a, ua, b, ub, sim in data["reuse"]],
        citations=[citations.Citation(str(kind), str(name), list(map(at, _typed(speeches, int))), occ(o))
                   for kind, name, speeches, o in data["citations"]],
        trends=trends.Trends([bucket(b) for b in by_period], [bucket(b) for b in by_year], int(undated)),
        periods=dict(zip(ids, map(str, data["periods"]))),
        years={s: (None if y is None else int(y)) for s, y in zip(ids, data["years"])},
    )
