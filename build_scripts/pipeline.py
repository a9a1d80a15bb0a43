"""The pipeline: read → clean → split → tag → one in-memory ``Corpus``.

Knows nothing of mkdocs; ``plugin`` and ``__main__`` both call
``build_corpus``.  A bad speech is logged, counted and skipped; a bad
themes.yml or sidecar stops the build (``ConfigError``) before anything is
written.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Optional, Union

from . import cleaner, ids, insight, metadata, reader, safetext, splitter
from .cache import AnalysisCache, digest, lexicon_fingerprint
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
        _neutralise_bidi(speech)
        return speech


def _neutralise_bidi(speech: Speech) -> None:
    """Remove bidi controls (``safetext.BIDI_CONTROLS``) from the title and
    the metadata values, which are displayed as names (page title, nav,
    metadata table): ``讲话\u202egnp.exe`` would show as ``讲话exe.png``.
    What was removed is listed in the speech's metadata notes
    (``meta.warnings``, shown on its page); the source file is untouched."""
    removed: list[str] = []
    speech.title, found = safetext.strip_bidi(speech.title)
    removed += found
    meta = speech.meta
    for name in ("title", "place", "congress", "occasion", "speaker", "date", "source", "period"):
        mv = getattr(meta, name, None) if meta is not None else None
        if mv is None:
            continue
        mv.value, found = safetext.strip_bidi(mv.value)
        removed += found
        mv.source, found = safetext.strip_bidi(mv.source)
        removed += found
    if removed:
        codes = "、".join(sorted(set(removed)))
        note = (f"标题或元数据中有 {len(removed)} 个双向文字控制符（{codes}），它们会颠倒文字的显示顺序，"
                "显示时已移除；原始文件未改动。")
        if meta is not None:
            meta.warnings.append(note)
        log.info("%s: removed %d bidi control character(s) (%s) from the title and metadata",
                 speech.source, len(removed), ", ".join(sorted(set(removed))))


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
                 jobs: int = 1, views: bool = True) -> Corpus:
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
    A full build (``files`` None) also computes the corpus-wide views
    (``Corpus.insight``) with ``insight.yml`` beside ``themes_path``;
    ``views=False`` leaves them out unless they are in memory already
    (``add_views`` computes them later: ``mkdocs serve`` shows an edit
    first and the views after).
    Raises ``ConfigError`` (themes.yml, insight.yml or sidecars invalid:
    every problem listed).  Bad speech files are skipped and listed in ``Corpus.skipped``.
    """
    lexicon = analyzer.lexicon if analyzer is not None else load_lexicon(themes_path)
    # The input gate: every entry decided on lstat before any file is read.
    found = reader.scan(seeds_dir) if files is None else reader.check_files(files)
    paths = found.speeches
    shown = (lambda p: _display_path(Path(p), seeds_dir)) if files is None else str
    refused = [replace(p, path=shown(p.path)) for p in found.refused]
    ignored = [replace(p, path=shown(p.path)) for p in found.ignored]
    for problem in ignored:
        log.info("%s", problem)
    if files is None and not paths and not refused:
        log.warning("%s: no speech files (.txt or .docx) found — put the speeches in it", shown(str(seeds_dir)))

    sidecars: dict[Path, dict[str, str]] = {}
    problems: list[Problem] = []
    for path in paths:
        side = reader.sidecar_path(path)
        # The gate's rule for sidecars too: a link (out of seeds/, dangling,
        # a loop), a FIFO or a socket named x.yml is a configuration
        # problem, never opened.  Regular files and folders are
        # read_sidecar's to judge.
        gate = reader.classify(side, seeds_dir if files is None else None, sidecar=True) if (
            side.is_symlink() or (side.exists() and not side.is_file() and not side.is_dir())) else None
        if gate is not None:
            problems.append(gate)
            sidecars[path] = {}
            continue
        values, errs = reader.read_sidecar(path)
        sidecars[path] = values
        problems += errs
    insight_config = None
    if files is None:
        try:
            insight_config = insight.load_config(Path(themes_path).parent)
        except ConfigError as exc:
            problems += exc.problems
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
    for problem in refused:  # looks like a speech, cannot be read: logged and counted like any skipped file
        log.error("skipped %s", problem)
        skipped.append(SkippedFile(safetext.printable(problem.path), str(problem)))
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
            skipped.append(SkippedFile(safetext.printable(source), str(problem)))
    if skipped:
        log.warning("%d of %d speech file(s) skipped; the rest is built", len(skipped), len(paths) + len(refused))
    if ignored:
        log.info("%d file(s) in %s ignored: not speeches (listed above)", len(ignored),
                 shown(str(seeds_dir)) if files is None else "the arguments")
    if cache is not None:
        log.info("analysed %d speech(es), %d unchanged from the cache", cache.misses, cache.hits)
        if files is None:
            cache.retain(used)
    corpus = Corpus(themes=lexicon.themes, speeches=speeches, skipped=skipped,
                    ignored=[SkippedFile(safetext.printable(p.path), str(p)) for p in ignored])
    if cache is not None:
        # The analysis keys cover the code, the lexicon, each speech's id,
        # source, text and sidecar; the rest is what else a page can show.
        corpus.digest = digest("corpus", fingerprint, [k for _, k, _ in entries if k in used],
                               [dataclasses.astuple(s) for s in corpus.skipped],
                               [dataclasses.astuple(s) for s in corpus.ignored],
                               repr(insight_config) if insight_config is not None else None)
    if insight_config is not None:
        # Unchanged corpus (a `mkdocs serve` rebuild after editing docs/):
        # the views of the previous build.
        corpus.insight = _INSIGHT.get(corpus.digest) if corpus.digest else None
        if corpus.insight is None and views:
            _add_views(corpus, insight_config, cache.directory if cache is not None else None, jobs)
    return corpus


def add_views(corpus: Corpus, themes_path: Path, cache_dir: Optional[Path], jobs: int = 1) -> None:
    """Compute (or load) the corpus-wide views of a corpus that
    ``build_corpus(..., views=False)`` built, into ``corpus.insight``, with
    ``insight.yml`` beside ``themes_path``; kept in memory by
    ``corpus.digest`` for the next build.  ``cache_dir``: the analysis
    cache's folder (the views are stored beside it, in ``insight/``), or
    None.  Raises ``ConfigError`` if insight.yml is invalid.  Safe to call
    from another thread than the build's."""
    _add_views(corpus, insight.load_config(Path(themes_path).parent), cache_dir, jobs)


def _add_views(corpus: Corpus, config, cache_dir: Optional[Path], jobs: int) -> None:
    key = corpus.digest or None
    views = _INSIGHT.get(key) if key is not None else None
    if views is None:
        # On disk beside the analysis cache: .cache/insight/ (insight.py).
        folder = cache_dir.parent / "insight" if cache_dir else None
        views = insight.cached_analyse(corpus, config, jobs, folder, key or "")
        if key is not None:
            _INSIGHT.clear()
            _INSIGHT[key] = views
    corpus.insight = views


#: The corpus-wide views of the last build with a cache, by its corpus
#: digest (``Corpus.digest``: the code, the lexicon, every speech's text
#: and sidecar, insight.yml).
_INSIGHT: dict[str, object] = {}


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
    if analyzer is None:
        # `mkdocs serve` re-analyses one edited speech at a time: keep the
        # segmenter (jieba's dictionary takes ~1 s to load) for the next one.
        fingerprint = lexicon_fingerprint(lexicon)
        analyzer = _ANALYZERS.get(fingerprint)
        if analyzer is None:
            _ANALYZERS.clear()
            analyzer = _ANALYZERS[fingerprint] = Analyzer.from_lexicon(lexicon)
    return [_analyse_with(analyzer, job) for job in pending]


#: The analyzer of the last lexicon analysed in this process.
_ANALYZERS: dict[str, Analyzer] = {}


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
    # The folder is resolved, not the file: a link's own name is shown,
    # never the file it points at.
    try:
        return (path.parent.resolve() / path.name).relative_to(seeds_dir.resolve().parent).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.as_posix()
