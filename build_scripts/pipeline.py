"""The pipeline: read → clean → split → tag → one in-memory ``Corpus``.

Knows nothing of mkdocs; ``plugin`` and ``__main__`` both call
``build_corpus``.  A bad speech is logged, counted and skipped; a bad
themes.yml or sidecar stops the build (``ConfigError``) before anything is
written.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Optional, Union

from . import cleaner, ids, metadata, reader, splitter
from .cache import AnalysisCache, lexicon_fingerprint
from .errors import ConfigError, Problem, SpeechError
from .model import Corpus, MetaValue, Placeholder, SkippedFile, Speech
from .segmenter import Segmenter
from .tagger import Tagger
from .themes import Lexicon, load_lexicon

log = logging.getLogger("build_scripts")

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Analyzer:
    """Holds the lexicon, segmenter and tagger (built once per build)."""

    lexicon: Lexicon
    tagger: Tagger

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> "Analyzer":
        words = lexicon.terms + [p for t in lexicon.themes for p in t.phrases]
        return cls(lexicon, Tagger(lexicon, Segmenter(words)))

    def analyse(self, speech_id: str, source: str, text: str,
                overrides: Optional[dict[str, str]] = None) -> Speech:
        """Analyse one speech's text.  Raises ``SpeechError`` if the text
        has no speech content or the split would lose text."""
        clean = cleaner.clean(text)
        lost = cleaner.check_source(text, clean)
        if lost:
            # A defect of the cleaner, not of the input: say so plainly.
            raise SpeechError(Problem(source, f"cleaning would lose text: {lost}",
                                      "report this file to the maintainers; it is skipped meanwhile"))
        if not clean.lines:
            raise SpeechError(Problem(source, "has no speech text (only a disclaimer or blank lines)",
                                      "put the speech text in the file, or remove it"))
        overrides = overrides or {}
        sidecar_title = cleaner.clean_line(overrides["title"]) if overrides.get("title") else None
        structure = splitter.analyse(clean.lines, clean.notes, clean.indented, sidecar_title,
                                     [splitter.Repair(n, "markup") for n in clean.markup], widths=clean.widths)
        title, title_line, units = structure.title, structure.title_line, structure.units
        if not any(u.kind != "note" for u in units):
            raise SpeechError(Problem(source, f"has only a title ({(title or '')[:30]!r}) and no speech text",
                                      "put the speech text below the title, or remove the file"))
        # Checked after a sidecar title is applied: a first line it replaces
        # must still be in a unit (a note), never dropped.
        lost = splitter.check_lossless(clean.lines, clean.notes, title, title_line, units)
        if lost:
            # A defect of the splitter, not of the input: say so plainly.
            raise SpeechError(Problem(source, f"splitting would lose text: {lost}",
                                      "report this file to the maintainers; it is skipped meanwhile"))
        self.tagger.tag_units(units)
        body = "\n".join(t for _, t in structure.lines)
        meta = metadata.extract(title or speech_id, body, structure.front)
        placeholders: dict[tuple[str, int], Placeholder] = {}
        for line, form in clean.placeholders:
            key = (form, line)
            if key in placeholders:
                placeholders[key].count += 1
            else:
                placeholders[key] = Placeholder(original=form, line=line)
        speech = Speech(id=speech_id, source=source, original=text, lines=structure.lines,
                        title=title or speech_id, title_line=title_line,
                        notes=[t for _, t in clean.notes], placeholders=list(placeholders.values()),
                        units=units, meta=meta,
                        repairs=[(r.line, r.action) for r in structure.repairs])
        for key, value in overrides.items():
            _apply_override(speech, key, value)
        return speech


def _apply_override(speech: Speech, key: str, value: str) -> None:
    """Set metadata ``key`` from the speech's sidecar.  A sidecar title
    replaces the displayed title only: the text's own first line was kept
    as a unit or a ``source-title`` note by ``splitter.analyse``."""
    mv = MetaValue(value, f"{Path(speech.source).with_suffix('.yml').name}", "sidecar")
    if key == "title":
        speech.title = value
    setattr(speech.meta, key, mv)


def build_corpus(seeds_dir: Path, themes_path: Path, files: Optional[Iterable[Path]] = None,
                 analyzer: Optional[Analyzer] = None, cache: Optional[AnalysisCache] = None,
                 jobs: int = 1) -> Corpus:
    """Build the corpus from every speech in ``seeds_dir``.

    ``files`` restricts the build to the given speech files (for the
    ``tag`` command); their ``source`` is then the path as given.
    ``analyzer`` reuses an already loaded lexicon and segmenter (then
    ``themes_path`` is not read).  ``cache`` reuses the analysis of every
    speech whose text, sidecar, lexicon and code are unchanged (see
    ``cache.py``); the analyzer (jieba's dictionary) is only loaded if some
    speech has to be analysed.  After a full build (``files`` None) the
    cache keeps only this build's entries.  ``jobs`` > 1 shares the
    analysis of many speeches out among that many worker processes
    (spawned: the caller's main module must be import-safe, as for any
    ``multiprocessing`` use; the CLI and the mkdocs plugin pass
    ``jobs_wanted()``); the corpus is the same for any ``jobs``.
    Raises ``ConfigError`` (themes.yml or sidecars invalid: every problem
    listed).  Bad speech files are skipped and listed in ``Corpus.skipped``.
    """
    lexicon = analyzer.lexicon if analyzer is not None else load_lexicon(themes_path)
    paths = list(files) if files is not None else reader.discover(seeds_dir)

    sidecars: dict[Path, dict[str, str]] = {}
    problems: list[Problem] = []
    for path in paths:
        values, errs = reader.read_sidecar(path)
        sidecars[path] = values
        problems += errs
    if problems:
        raise ConfigError(problems)

    sources = {p: _display_path(p, seeds_dir) if files is None else str(p) for p in paths}
    speech_ids = ids.assign(paths, sources)
    fingerprint = lexicon_fingerprint(lexicon) if cache is not None else ""
    used: set[str] = set()
    speeches: list[Speech] = []
    skipped: list[SkippedFile] = []
    # Cleaned text → the first file (in sorted order) that had it.
    seen: dict[str, str] = {}
    # Read every file and look it up in the cache first, then analyse the
    # misses (in parallel when there are many), then assemble in file order.
    entries: list[tuple[Path, str, Union[Speech, SpeechError, None]]] = []
    pending: list[_Job] = []
    for path in paths:
        source = sources[path]
        try:
            read = reader.read_speech(path)
        except SpeechError as exc:
            entries.append((path, "", exc))
            continue
        log.info("%s: read as %s", source, read.encoding)
        key = (cache.key(fingerprint, speech_ids[path], source, f"{read.encoding}\n{read.text}", sidecars[path])
               if cache is not None else "")
        speech = cache.get(key) if cache is not None else None
        if speech is None:
            pending.append(_Job(len(entries), speech_ids[path], source, read.text, read.encoding, sidecars[path]))
        entries.append((path, key, speech))
    for job, result in zip(pending, _analyse_all(pending, lexicon, analyzer, jobs)):
        path, key, _ = entries[job.index]
        if isinstance(result, Speech) and cache is not None:
            cache.put(key, result)
        entries[job.index] = (path, key, result)

    for path, key, result in entries:
        source = sources[path]
        try:
            if isinstance(result, SpeechError):
                raise result
            speech = result
            used.add(key)
            text_key = "\n".join(t for _, t in speech.lines)
            if text_key in seen:
                raise SpeechError(Problem(source, f"has the same speech text as {seen[text_key]}",
                                          f"remove one of the two files (the first, {seen[text_key]}, is published)"))
            seen[text_key] = source
            speeches.append(speech)
        except SpeechError as exc:
            problem = replace(exc.problem, path=source)  # the reader names files by their full path
            log.error("skipped %s", problem)
            skipped.append(SkippedFile(source, str(problem)))
    if skipped:
        log.warning("%d of %d speech file(s) skipped; the rest is built", len(skipped), len(paths))
    if cache is not None:
        log.info("analysed %d speech(es), %d unchanged from the cache", cache.misses, cache.hits)
        if files is None:
            cache.retain(used)
    return Corpus(themes=lexicon.themes, speeches=speeches, skipped=skipped)


@dataclass
class _Job:
    """One speech to analyse: ``index`` is its place in the file list."""

    index: int
    speech_id: str
    source: str
    text: str
    encoding: str
    overrides: dict[str, str]


#: Analysing fewer speeches than this is faster in this process than
#: starting workers (each loads jieba's dictionary, ~1 s).
PARALLEL_MIN = 40


def jobs_wanted() -> int:
    """Worker processes for analysis: ``KB_JOBS`` if set to a positive
    number (1 = analyse in this process), else the CPUs this process may
    use.  Any other ``KB_JOBS`` counts as unset."""
    value = os.environ.get("KB_JOBS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _analyse_all(pending: list[_Job], lexicon: Lexicon, analyzer: Optional[Analyzer],
                 jobs: int) -> list[Union[Speech, SpeechError]]:
    """Analyse ``pending``; each result is the speech or the error that
    skips it, in the order of ``pending``.  With ``jobs`` > 1 and at least
    ``PARALLEL_MIN`` speeches, worker processes share them out (spawned, so
    the same on every platform); the results are the same either way."""
    if not pending:
        return []
    workers = min(jobs, len(pending) // (PARALLEL_MIN // 2))
    if analyzer is None and workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(lexicon,)) as pool:
            return list(pool.map(_analyse_job, pending, chunksize=8))
    analyzer = analyzer or Analyzer.from_lexicon(lexicon)
    return [_analyse_with(analyzer, job) for job in pending]


_worker: dict[str, Analyzer] = {}


def _start_worker(lexicon: Lexicon) -> None:
    _worker["analyzer"] = Analyzer.from_lexicon(lexicon)


def _analyse_job(job: _Job) -> Union[Speech, SpeechError]:
    return _analyse_with(_worker["analyzer"], job)


def _analyse_with(analyzer: Analyzer, job: _Job) -> Union[Speech, SpeechError]:
    try:
        speech = analyzer.analyse(job.speech_id, job.source, job.text, job.overrides)
    except SpeechError as exc:
        return exc
    speech.encoding = job.encoding
    return speech


def _display_path(path: Path, seeds_dir: Path) -> str:
    """``path`` relative to the project (the folder holding seeds/):
    ``seeds/x.txt``."""
    try:
        return path.resolve().relative_to(seeds_dir.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()
