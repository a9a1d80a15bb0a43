"""The per-speech analysis cache: an unchanged speech is not analysed again.

Analysing a speech (clean, split, tag, metadata) is the pipeline's main
cost; a rebuild after editing one speech should analyse that speech only.
An entry is keyed by a SHA-256 over everything the analysis reads:

* ``CODE_VERSION`` — the bytes of every module and data file of this
  package (any edit to the code, the user dictionary or the period clues
  invalidates every entry),
* the lexicon as parsed from themes.yml (any change to a theme, keyword,
  weight or threshold invalidates every entry; comments do not),
* the speech's id, displayed source path, text and sidecar overrides.

Two layers: a process-wide dict (``mkdocs serve`` keeps the process, so its
rebuilds reuse it) and, if a directory is given, one JSON file per entry
(``.cache/analysis/<key>.json`` under the project; repeated ``make site``).
A missing, unreadable or corrupt file is a miss, never an error: the speech
is analysed again and the entry rewritten.  Files are written atomically
(temporary file, then rename), so a concurrent build never reads half a file.

Cached ``Speech`` objects are shared: callers must not modify them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import threading
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional, Union

from .model import Speech


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` (bytes) to ``path`` through a part file renamed into
    place, so a reader never sees half a file.

    The part file's name (``.<name>.<pid>.<thread>.part`` beside ``path``,
    unique to this process and thread) is fixed before the file exists, and
    the file is created inside the ``try``: an interrupt at any point (Ctrl-C,
    or a signal the build turns into an exception) leaves no part file
    behind, which a temporary file created before the ``try`` cannot promise.
    Raises ``OSError`` when the write or the rename fails (the part file is
    removed first).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

log = logging.getLogger("build_scripts")

#: Bump when the stored JSON layout changes without a model change.
FORMAT = 1
PACKAGE = Path(__file__).resolve().parent

#: Entries of every AnalysisCache in this process: key → Speech.
_MEMORY: dict[str, Speech] = {}


@lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 of the package's modules and data files (hex)."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for path in sorted([*PACKAGE.glob("*.py"), *(PACKAGE / "data").glob("*")]):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def lexicon_fingerprint(lexicon: Any) -> str:
    """SHA-256 of a parsed ``Lexicon`` (its file path excluded)."""
    data = dataclasses.asdict(lexicon)
    data.pop("path", None)
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


class AnalysisCache:
    """Speeches already analysed, by content key.

    ``directory`` (optional) holds the on-disk entries; it is created on the
    first write.  ``hits``/``misses`` count lookups since construction.
    """

    def __init__(self, directory: Optional[Path] = None):
        self.directory = directory
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(lexicon: str, speech_id: str, source: str, text: str, overrides: Optional[dict[str, str]]) -> str:
        """The entry key (64 hex digits); ``lexicon`` is ``lexicon_fingerprint``."""
        payload = json.dumps([code_version(), lexicon, speech_id, source, text, sorted((overrides or {}).items())],
                             ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Optional[Speech]:
        """The cached speech for ``key``, or None (counted as a miss)."""
        speech = _MEMORY.get(key)
        if speech is None and self.directory is not None:
            speech = self._load(self.directory / f"{key}.json")
            if speech is not None:
                _MEMORY[key] = speech
        if speech is None:
            self.misses += 1
        else:
            self.hits += 1
        return speech

    def put(self, key: str, speech: Speech) -> None:
        """Store ``speech``; a failed disk write is logged, not raised."""
        _MEMORY[key] = speech
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # vars() lets the C encoder walk the dataclasses: the same JSON
            # as dataclasses.asdict, without its deep copy (5x faster).
            data = json.dumps(speech, default=vars, ensure_ascii=False, separators=(",", ":"))
            write_atomic(self.directory / f"{key}.json", data.encode("utf-8"))
        except OSError as exc:
            log.info("analysis cache: cannot write %s (%s); continuing without it", self.directory, exc)

    def retain(self, keys: set[str]) -> None:
        """Forget every entry not in ``keys`` (after a full build: entries of
        deleted or edited speeches, or of an old themes.yml)."""
        for key in [k for k in _MEMORY if k not in keys]:
            del _MEMORY[key]
        if self.directory is None or not self.directory.is_dir():
            return
        for path in self.directory.glob("*.json"):
            if path.stem not in keys:
                try:
                    path.unlink()
                except OSError:
                    pass

    @staticmethod
    def _load(path: Path) -> Optional[Speech]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return _decode(Speech, data)
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - any bad entry is a miss
            log.info("analysis cache: ignoring unreadable entry %s (%s)", path.name, exc)
            return None


def _decode(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` (a model dataclass, list, dict, tuple,
    Optional or scalar) from its ``dataclasses.asdict`` JSON form.  Raises
    ``TypeError``/``KeyError``/``ValueError`` on data of the wrong shape."""
    return _decoder(tp)(value)


@lru_cache(maxsize=None)
def _decoder(tp: Any) -> Callable[[Any], Any]:
    """A function decoding JSON data into ``tp``, built once per type (the
    type introspection, get_type_hints above all, is too slow to repeat
    for each of the ~100,000 objects of 1,000 speeches)."""
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp))

        def dataclass_(value: Any) -> Any:
            if not isinstance(value, dict):
                raise TypeError(f"{tp.__name__}: expected an object")
            return tp(**{name: decode(value[name]) for name, decode in fields})
        return dataclass_
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Union:
        inner = _decoder(next(a for a in args if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _decoder(args[0])
        return lambda value: [item(v) for v in _check(value, list)]
    if origin is tuple:
        items = tuple(_decoder(a) for a in args)

        def tuple_(value: Any) -> tuple:
            if len(_check(value, list)) != len(items):
                raise ValueError("tuple of the wrong length")
            return tuple(decode(v) for decode, v in zip(items, value))
        return tuple_
    if origin is dict:
        item = _decoder(args[1])
        return lambda value: {_check(k, str): item(v) for k, v in _check(value, dict).items()}
    if tp is float:
        # Kept as stored: a weight written 2 in themes.yml stays int 2,
        # as in a fresh analysis (and in the export).
        return lambda value: _check(value, (int, float))
    if tp in (str, int, bool):
        return lambda value: _check(value, tp)
    return lambda value: value


def _check(value: Any, tp: Any) -> Any:
    if not isinstance(value, tp):
        raise TypeError(f"expected {tp}, got {type(value).__name__}")
    return value


def digest(*parts: Any) -> str:
    """SHA-256 (hex) of ``parts`` as JSON (``str()`` for anything JSON
    cannot encode): the key of a stored build output."""
    payload = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class BlobStore:
    """Build outputs by key (``digest`` of everything they were made from):
    the incremental build's memory of rendered pages, page HTML and
    generated files.

    With a ``directory`` an entry is a file ``<directory>/<key[:2]>/<key>``
    written atomically (a temporary file, then a rename), so two builds
    sharing the folder never read half an entry; without one, entries live
    in this object (``mkdocs serve`` keeps the plugin, hence the store,
    across rebuilds).  A missing or unreadable entry is a miss, never an
    error.  ``retain`` forgets every entry the current build did not use,
    so the store holds one build's outputs, not every build's.
    """

    def __init__(self, directory: Optional[Path] = None):
        self.directory = directory
        self._memory: dict[str, bytes] = {}
        #: Keys looked up or stored since the last ``retain``.
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / key

    def get(self, key: str) -> Optional[bytes]:
        """The bytes stored under ``key``, or None."""
        self.used.add(key)
        data: Optional[bytes]
        if self.directory is None:
            data = self._memory.get(key)
        else:
            try:
                data = self._path(key).read_bytes()
            except OSError:
                data = None
        if data is None:
            self.misses += 1
        else:
            self.hits += 1
        return data

    def has(self, key: str) -> bool:
        """Whether ``key`` is stored (kept by the next ``retain``, like a
        key looked up): a content-addressed entry need not be written again."""
        self.used.add(key)
        if self.directory is None:
            return key in self._memory
        return self._path(key).is_file()

    def discard(self, key: str) -> None:
        """Forget ``key`` (an entry found damaged)."""
        self._memory.pop(key, None)
        if self.directory is not None:
            with contextlib.suppress(OSError):
                self._path(key).unlink()

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``; a failed disk write is logged, not raised."""
        self.used.add(key)
        if self.directory is None:
            self._memory[key] = data
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except OSError as exc:
            log.info("build cache: cannot write %s (%s); continuing without it", path, exc)

    def retain(self) -> None:
        """Forget every entry not used since the last ``retain``."""
        used, self.used = self.used, set()
        self.hits = self.misses = 0
        if self.directory is None:
            self._memory = {k: v for k, v in self._memory.items() if k in used}
            return
        if not self.directory.is_dir():
            return
        for path in self.directory.glob("??/*"):
            if path.name not in used and not path.name.startswith("."):
                with contextlib.suppress(OSError):
                    path.unlink()
