"""Load and validate the theme lexicon (themes.yml).

The file is read with the strict loader of ``config_schema`` and validated
against ``build_scripts/data/themes.schema.json``, which is also the one
source of the tagger's default thresholds (``TaggingSettings``).  Every
problem is collected with its line and a fix, and all are raised at once
as a ``ConfigError``; an unknown key (``keyword:`` for ``keywords:``) is an
error that names the nearest valid key.  The checks a schema cannot say
(a theme name or slug used twice) follow the schema.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import config_schema
from .cleaner import normalize_space
from .errors import ConfigError, Problem
from .model import Theme


def _defaults() -> dict[str, Any]:
    props = config_schema.schema("themes")["properties"]["tagging"]["properties"]
    return {key: spec["default"] for key, spec in props.items()}


@dataclass
class TaggingSettings:
    """Thresholds of the tagger (see themes.yml's header and tagger.py).

    Construct with ``TaggingSettings.from_config``: the defaults live only
    in the schema (``themes.schema.json``, ``tagging.properties.*.default``).
    """

    sentence_min: float
    dominance: float
    passage_min: float
    sentence_cap: float
    heading_bonus: float
    title_max: int
    list_min_themes: int
    frames: list[str]
    definitions: list[str]
    ceremonial: list[str]
    significance: list[str]
    closings: list[str]
    model: bool

    @classmethod
    def from_config(cls, values: dict[str, Any] | None = None) -> "TaggingSettings":
        """Settings from a validated ``tagging:`` mapping, defaults filled in."""
        merged = _defaults() | dict(values or {})
        return cls(**{f.name: merged[f.name] for f in dataclasses.fields(cls)})


@dataclass
class Lexicon:
    """The parsed themes.yml: themes in file order plus tagging settings."""

    themes: list[Theme]
    settings: TaggingSettings
    path: str

    @property
    def terms(self) -> list[str]:
        """Every keyword of every theme (for the segmenter's dictionary)."""
        return sorted({k for t in self.themes for k in t.keywords})


def _duplicates(doc: config_schema.Document, path: str) -> list[Problem]:
    """A theme name or slug used twice (what the schema cannot say)."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    items = doc.data.get("themes") if isinstance(doc.data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        for what in ("name", "slug"):
            value = item.get(what) if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue
            line = doc.line(("themes", i, what))
            if (what, value.strip()) in seen:
                problems.append(Problem(path, f"theme {what} {value.strip()!r} is used twice (first on line {seen[what, value.strip()]})",
                                        f"give each theme its own {what}", line))
            else:
                seen[what, value.strip()] = line
    return problems


def _lexicon(doc: config_schema.Document, path: str) -> Lexicon:
    """The ``Lexicon`` of a document that passed every check."""
    themes = [Theme(name=item["name"].strip(), slug=item["slug"],
                    # A folded YAML block joins lines with a space, which is
                    # noise between Chinese characters.
                    description=normalize_space(item["description"].strip()),
                    keywords={k: float(v) for k, v in (item.get("keywords") or {}).items()},
                    phrases={k: float(v) for k, v in (item.get("phrases") or {}).items()},
                    heading_cues=list(item.get("heading_cues") or []),
                    color=item.get("color", ""),
                    subjects=list(item.get("subjects") or []))
              for item in doc.data["themes"]]
    return Lexicon(themes=themes, settings=TaggingSettings.from_config(doc.data.get("tagging")), path=path)


def _check(doc: config_schema.Document | None, problems: list[Problem], path: str) -> Lexicon:
    if doc is not None and doc.data is not None:
        problems = config_schema.by_line(problems + _duplicates(doc, path))
    if doc is not None and doc.data is None and not problems:
        problems = [Problem(path, "is empty", "start the file with `themes:` (see the shipped themes.yml)")]
    if problems or doc is None:
        raise ConfigError(problems)
    return _lexicon(doc, path)


def parse_lexicon(text: str, path: str = "themes.yml") -> Lexicon:
    """Parse and validate the text of a themes.yml.

    Returns a ``Lexicon``.  Raises ``ConfigError`` listing every problem
    (YAML syntax, tags and aliases, duplicate keys, unknown keys with the
    nearest valid one, missing or mistyped fields, weights out of range,
    reserved or duplicate slugs, duplicate names) with its line and fix.
    """
    doc, problems = config_schema.load_yaml(text, path)
    if doc is not None:
        problems = problems + config_schema.validate(doc, "themes", path)
    return _check(doc, problems, path)


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate ``path`` (themes.yml); see ``parse_lexicon``.

    Raises ``ConfigError`` if the file is missing, a directory, unreadable,
    not UTF-8 or invalid.
    """
    doc, problems = config_schema.read_config(Path(path), "themes")
    return _check(doc, problems, str(path))
