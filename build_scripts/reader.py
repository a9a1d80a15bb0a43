"""Find and read speech files and their optional metadata sidecars.

Input files are only ever opened for reading.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, Problem, SpeechError

log = logging.getLogger("build_scripts")

#: File suffixes read as speeches.
SPEECH_SUFFIXES = (".txt",)
#: Keys a sidecar seeds/<id>.yml may set; each overrides the value read
#: from the text.
SIDECAR_KEYS = ("title", "date", "place", "speaker", "occasion", "congress", "source")


def discover(seeds_dir: Path) -> list[Path]:
    """Speech files directly in ``seeds_dir``, sorted by name (bytewise, so
    the order is the same on every machine).  Hidden files are ignored.
    """
    if not seeds_dir.is_dir():
        raise ConfigError([Problem(str(seeds_dir), "the seeds folder does not exist",
                                   "create it and put the speeches (.txt, UTF-8) in it")])
    return sorted((p for p in seeds_dir.iterdir()
                   if p.is_file() and p.suffix.lower() in SPEECH_SUFFIXES and not p.name.startswith(".")),
                  key=lambda p: p.name.encode("utf-8"))


def read_text(path: Path) -> str:
    """The text of a speech file, decoded as UTF-8 (a BOM is dropped).

    Raises ``SpeechError`` for an unreadable, non-UTF-8 or empty file.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpeechError(Problem(str(path), f"cannot be read ({exc.strerror})", "check the file's permissions"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpeechError(Problem(str(path), f"is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                                  "save it as UTF-8 (in WPS/Word: 另存为 → 纯文本 → UTF-8)", line))
    if not text.strip():
        raise SpeechError(Problem(str(path), "is empty", "put the speech text in it, or remove the file"))
    return text


def sidecar_path(speech: Path) -> Path:
    return speech.with_suffix(".yml")


def read_sidecar(speech: Path) -> tuple[dict[str, str], list[Problem]]:
    """Metadata overrides from ``<speech>.yml``, if it exists.

    Returns (values, problems).  Values are strings (a YAML date becomes
    ISO ``YYYY-MM-DD``).  Unknown keys are logged as warnings.
    """
    path = sidecar_path(speech)
    if not path.exists():
        return {}, []
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [Problem(str(path), f"is not valid YAML: {getattr(exc, 'problem', exc)}",
                            "fix the syntax: one `key: value` per line, UTF-8", mark.line + 1 if mark else None)]
    if node is None:
        return {}, []
    if not isinstance(node, yaml.MappingNode):
        return {}, [Problem(str(path), "must be a mapping of key: value",
                            f"write lines like `title: …`; keys: {', '.join(SIDECAR_KEYS)}", node.start_mark.line + 1)]
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for knode, vnode in node.value:
        key = knode.value
        line = knode.start_mark.line + 1
        if key not in SIDECAR_KEYS:
            log.warning("%s:%d: unknown key %r ignored (known: %s)", path, line, key, ", ".join(SIDECAR_KEYS))
            continue
        value: Any = yaml.safe_load(yaml.serialize(vnode)) if isinstance(vnode, yaml.ScalarNode) else vnode
        if isinstance(value, (datetime.date, int)) and not isinstance(value, bool):
            value = value.isoformat() if isinstance(value, datetime.date) else str(value)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(str(path), f"`{key}` must be a non-empty text",
                                    f"write `{key}: …` with the value on the same line", line))
            continue
        values[key] = value.strip()
    return values, problems
