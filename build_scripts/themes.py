"""Load and validate the theme lexicon (themes.yml).

Every problem is collected with its line and a fix, and all are raised at
once as a ``ConfigError`` so the user can correct the file in one go.
Unknown keys are logged as warnings (a typo like ``keyword:`` would
otherwise silently disable a list).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from .cleaner import normalize_space
from .errors import ConfigError, Problem
from .safetext import has_unsafe, printable
from .model import Theme

log = logging.getLogger("build_scripts")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Characters that HTML, Markdown or YAML tags give meaning to; a theme
#: name is shown in titles, tags and the nav, so it must be plain text.
MARKUP_RE = re.compile(r"[<>&\"'`{}\[\]|#*\\]")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")

THEME_KEYS = {"name", "slug", "description", "color", "keywords", "phrases", "heading_cues"}
TOP_KEYS = {"tagging", "themes"}


@dataclass
class TaggingSettings:
    """Thresholds of the tagger; documented in themes.yml's header."""

    min_score: float = 2.0
    min_coverage: float = 0.15
    min_relative: float = 0.34
    heading_bonus: float = 2.0
    sentence_cap: float = 3.0
    ceremonial: list[str] = field(default_factory=lambda: ["祝贺", "感谢", "问候", "敬意", "预祝"])


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


class _Checker:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, node: Optional[yaml.Node], problem: str, fix: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.path, problem, fix, line))


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def _scalar(node: yaml.Node) -> Any:
    # Construct a scalar with PyYAML's safe rules (so 2 is int, "2" is str).
    return yaml.safe_load(yaml.serialize(node))


def _number(chk: _Checker, node: yaml.Node, what: str, minimum: float = 0.0, maximum: float = 1e9) -> Optional[float]:
    value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (minimum < value <= maximum):
        chk.add(node, f"{what} must be a number > {minimum:g}" + (f" and ≤ {maximum:g}" if maximum < 1e9 else ""),
                f"write e.g. `{what.split()[-1]}: 1.5`")
        return None
    return float(value)


def _string(chk: _Checker, node: Optional[yaml.Node], what: str, fix: str) -> Optional[str]:
    value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(value, str) or not value.strip():
        chk.add(node, f"{what} must be a non-empty text", fix)
        return None
    return value.strip()


def _weights(chk: _Checker, node: Optional[yaml.Node], where: str) -> dict[str, float]:
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        chk.add(node, f"{where} must be a mapping of term: weight", f"write `{where.split('.')[-1]}:` followed by lines like `  集体合同: 2`")
        return {}
    out: dict[str, float] = {}
    for k, v in node.value:
        term = _scalar(k)
        if not isinstance(term, str) or not term.strip():
            chk.add(k, f"{where}: a term must be text, got {term!r}", "quote the term")
            continue
        if term in out:
            chk.add(k, f"{where}: term {term!r} is listed twice", "remove one of them")
        weight = _number(chk, v, f"{where}.{term} weight", 0.0, 10.0)
        if weight is not None:
            out[term] = weight
    return out


def parse_lexicon(text: str, path: str = "themes.yml") -> Lexicon:
    """Parse and validate the text of a themes.yml.

    Returns a ``Lexicon``.  Raises ``ConfigError`` listing every problem
    (YAML syntax, missing or mistyped fields, duplicate names or slugs,
    non-positive weights) with its line and fix.
    """
    chk = _Checker(path)
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ConfigError([Problem(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                   "fix the syntax (indentation, a missing ':' or quote)", line)])
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError([Problem(path, "the file must be a mapping with a `themes:` list",
                                   "start the file with `themes:` (see the header of the shipped themes.yml)", 1)])
    top = _mapping(root)
    for key, (knode, _) in top.items():
        if key not in TOP_KEYS:
            log.warning("%s:%d: unknown key %r ignored (known: %s)", path, knode.start_mark.line + 1, key, ", ".join(sorted(TOP_KEYS)))

    settings = TaggingSettings()
    if "tagging" in top:
        tnode = top["tagging"][1]
        if not isinstance(tnode, yaml.MappingNode):
            chk.add(tnode, "`tagging` must be a mapping", "write `tagging:` followed by indented `min_score: 2` etc.")
        for key, (knode, vnode) in _mapping(tnode).items():
            if key == "ceremonial":
                cues = _scalar(vnode) if isinstance(vnode, yaml.SequenceNode) else None
                if not isinstance(cues, list) or not all(isinstance(c, str) and c for c in cues):
                    chk.add(vnode, "tagging.ceremonial must be a list of texts", "write e.g. `ceremonial: [祝贺, 感谢]`")
                else:
                    settings.ceremonial = cues
            elif key in ("min_score", "heading_bonus", "sentence_cap"):
                value = _number(chk, vnode, f"tagging.{key}", 0.0, 100.0)
                if value is not None:
                    setattr(settings, key, value)
            elif key in ("min_coverage", "min_relative"):
                value = _number(chk, vnode, f"tagging.{key}", -1e-9, 1.0)
                if value is not None:
                    setattr(settings, key, value)
            else:
                log.warning("%s:%d: unknown key tagging.%s ignored", path, knode.start_mark.line + 1, key)

    themes: list[Theme] = []
    if "themes" not in top:
        chk.add(root, "no `themes:` list", "add a `themes:` list with at least one theme")
    else:
        seq = top["themes"][1]
        if not isinstance(seq, yaml.SequenceNode) or not seq.value:
            chk.add(seq, "`themes` must be a non-empty list", "add themes as `- name: …` items")
        else:
            names: dict[str, int] = {}
            slugs: dict[str, int] = {}
            for item in seq.value:
                theme = _parse_theme(chk, item, names, slugs)
                if theme:
                    themes.append(theme)
    if chk.problems:
        raise ConfigError(chk.problems)
    return Lexicon(themes=themes, settings=settings, path=path)


def _parse_theme(chk: _Checker, item: yaml.Node, names: dict, slugs: dict) -> Optional[Theme]:
    if not isinstance(item, yaml.MappingNode):
        chk.add(item, "a theme must be a mapping", "write `- name: …` with `slug:`, `description:`, `keywords:` indented under it")
        return None
    fields = _mapping(item)
    for key, (knode, _) in fields.items():
        if key not in THEME_KEYS:
            log.warning("%s:%d: unknown theme key %r ignored (known: %s)", chk.path, knode.start_mark.line + 1,
                        key, ", ".join(sorted(THEME_KEYS)))
    get = lambda key: fields.get(key, (None, None))[1]  # noqa: E731
    name = _string(chk, get("name") or item, "theme name", "give the theme a `name:`")
    if name and MARKUP_RE.search(name):
        chk.add(get("name"), f"theme name {name!r} contains markup characters",
                "use plain words for the name (it is a page title, a tag and a nav entry)")
    if name and has_unsafe(name):  # a newline, a control or a bidi character (safetext)
        chk.add(get("name"), f"theme name '{printable(name)}' contains control or bidi characters",
                "retype the name as plain words on one line (it is a page title, a tag and a nav entry)")
    label = name or "?"
    slug = _string(chk, get("slug") or item, f"slug of theme {label}", "add `slug: my-theme` (a-z, 0-9, -)")
    if slug and not SLUG_RE.match(slug):
        chk.add(get("slug"), f"slug {slug!r} of theme {label} is not URL-safe", "use lowercase a-z, 0-9 and single hyphens, e.g. `weiquan-bangfu`")
    description = _string(chk, get("description") or item, f"description of theme {label}", "add a one-sentence `description:`")
    if description:
        # A folded YAML block joins lines with a space, which is noise
        # between Chinese characters.
        description = normalize_space(description)
    color = ""
    if get("color") is not None:
        color = str(_scalar(get("color")))
        if not COLOR_RE.match(color):
            chk.add(get("color"), f"color {color!r} of theme {label} is not a hex colour", 'write e.g. `color: "#c62828"` (quoted)')
    keywords = _weights(chk, get("keywords"), f"{label}.keywords")
    phrases = _weights(chk, get("phrases"), f"{label}.phrases")
    if not keywords and not phrases:
        chk.add(item, f"theme {label} has no keywords or phrases", "add `keywords:` with at least one `term: weight`")
    cues: list[str] = []
    if get("heading_cues") is not None:
        value = _scalar(get("heading_cues")) if isinstance(get("heading_cues"), yaml.SequenceNode) else None
        if not isinstance(value, list) or not all(isinstance(c, str) and c for c in value):
            chk.add(get("heading_cues"), f"heading_cues of theme {label} must be a list of texts", "write e.g. `heading_cues: [维权, 帮扶]`")
        else:
            cues = value
    for value, seen, what in ((name, names, "name"), (slug, slugs, "slug")):
        if value is None:
            continue
        if value in seen:
            chk.add(item, f"theme {what} {value!r} is used twice (first on line {seen[value]})", f"give each theme its own {what}")
        else:
            seen[value] = item.start_mark.line + 1
    if None in (name, slug, description):
        return None
    return Theme(name=name, slug=slug, description=description, keywords=keywords, phrases=phrases,
                 heading_cues=cues, color=color)


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate ``path`` (themes.yml); see ``parse_lexicon``.

    Raises ``ConfigError`` if the file is missing, unreadable or invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(str(path), "file not found", "create it (copy the themes.yml shipped with the project)")])
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(str(path), f"not UTF-8 ({exc.reason} at byte {exc.start})", "save the file as UTF-8")])
    return parse_lexicon(text, str(path))
