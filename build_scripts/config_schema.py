"""Configuration files (themes.yml, sidecars) read strictly and validated
against a JSON Schema.

Reading (``load_yaml``) composes the YAML into nodes without constructing
any object, and reports as problems what a configuration never needs and
what makes a file mean something else than it shows:

* explicit tags (``!foo``, ``!!python/name:…``): PyYAML's full loader would
  run them; the safe loader would crash on them;
* aliases and merge keys (``*a``, ``<<: *a``): a value repeated from
  elsewhere in the file (and the "billion laughs" expansion);
* duplicate keys: YAML keeps the last one silently;
* keys that are not text.

The plain data is then validated with ``jsonschema`` against the schemas
in ``build_scripts/data/*.schema.json`` (Draft 2020-12).  Every failure
becomes a ``Problem`` with the file, the line of the offending key or
value and a fix; an unknown key names the nearest valid one
("keyword → keywords?").  Messages and fixes come from the schema's
``x-problem`` / ``x-fix`` annotations where it has them.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import jsonschema
import yaml

from . import safetext
from .errors import Problem

DATA = Path(__file__).parent / "data"

#: A sidecar date: a year, year-month or full ISO date (and a real one).
DATE_RE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(\d{2}))?)?")


@dataclass
class Document:
    """A configuration file as plain data, with where each part was written.

    ``lines`` maps the path of a value (a tuple of keys and list indexes,
    as jsonschema's ``error.absolute_path``) to its 1-based line;
    ``key_lines`` maps the path of a mapping entry to the line of its key.
    """

    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    key_lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, path: tuple) -> Optional[int]:
        """The line of the value at ``path``, or of its nearest parent."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


@functools.lru_cache(maxsize=None)
def schema(name: str) -> dict:
    """The JSON Schema ``build_scripts/data/<name>.schema.json``."""
    return json.loads((DATA / f"{name}.schema.json").read_text(encoding="utf-8"))


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True  # the type check reports it
    m = DATE_RE.fullmatch(value)
    if not m:
        return False
    if m.group(3):
        try:
            datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:  # 2016-02-30
            return False
    return True


FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("kb-date")(_is_date)


def _error(path: str, line: Optional[int], problem: str, fix: str) -> Problem:
    return Problem(path, problem, fix, line)


def load_yaml(text: str, path: str, *, scalars_as_text: bool = False) -> tuple[Optional[Document], list[Problem]]:
    """Parse ``text`` (the content of the file ``path``) strictly.

    Returns (document, problems); the document is None when the text is
    not YAML at all.  With ``scalars_as_text`` numbers and dates stay as
    written (a sidecar's values are all text: ``date: 2016`` is "2016").
    Never constructs an object from a tag.
    """
    problems: list[Problem] = []
    try:
        events = list(yaml.parse(text))
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [_error(path, mark.line + 1 if mark else None,
                             f"is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                             "fix the syntax: indentation, a missing `:` or an unclosed quote or bracket")]
    for event in events:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            problems.append(_error(path, line, f"an alias (*{event.anchor}) repeats a value from elsewhere in the file",
                                   "write the value out in full"))
        elif getattr(event, "tag", None) is not None:
            problems.append(_error(path, line, f"a YAML tag ({event.tag}) is not allowed here",
                                   "remove the tag (the text starting with `!`); values are plain text, numbers or lists"))
    doc = Document(None)
    if root is None:
        return doc, problems
    constructor = yaml.constructor.SafeConstructor()

    def convert(node: yaml.Node, where: tuple) -> Any:
        doc.lines[where] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for knode, vnode in node.value:
                kline = knode.start_mark.line + 1
                if knode.tag == "tag:yaml.org,2002:merge":
                    problems.append(_error(path, kline, "a merge key (<<) copies keys from elsewhere in the file",
                                           "write the keys out in full"))
                    continue
                if not isinstance(knode, yaml.ScalarNode):
                    problems.append(_error(path, kline, "a key must be plain text", "write `key: value`"))
                    continue
                key = knode.value
                if key in out:
                    problems.append(_error(path, kline, f"`{key}` is given twice (first on line {doc.key_lines[where + (key,)]})",
                                           "keep one of the two"))
                    continue
                doc.key_lines[where + (key,)] = kline
                out[key] = convert(vnode, where + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, where + (i,)) for i, item in enumerate(node.value)]
        if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge") or (
                scalars_as_text and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                                                 "tag:yaml.org,2002:timestamp")):
            return node.value
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # validated as text by the schema's date format
        if node.tag in constructor.yaml_constructors:
            try:
                return constructor.yaml_constructors[node.tag](constructor, node)
            except (ValueError, yaml.YAMLError):
                return node.value
        return node.value  # an explicit tag, already reported

    doc.data = convert(root, ())
    return doc, problems


def validate(doc: Document, name: str, path: str) -> list[Problem]:
    """Problems of ``doc`` against the schema ``name``, in file order."""
    sch = schema(name)
    validator = jsonschema.Draft202012Validator(sch, format_checker=FORMATS)
    problems: list[tuple[int, Problem]] = []
    for err in validator.iter_errors(doc.data):
        for line, problem in _describe(err, doc, path):
            problems.append((line or 0, problem))
    problems.sort(key=lambda p: p[0])
    out: list[Problem] = []
    for _, p in problems:
        if p not in out:
            out.append(p)
    return out


def _where(path: tuple, data: Any = None) -> str:
    """``themes[服务大局].keywords``: list items that have a name are named."""
    if not path:
        return "the file"
    out = ""
    node = data
    for part in path:
        if isinstance(part, int):
            name = node[part].get("name") if isinstance(node, list) and part < len(node) and isinstance(node[part], dict) else None
            # The name is user text: escaped so that a newline or bidi
            # control in it cannot forge or reorder a log line.
            out += f"[{safetext.printable(name)}]" if isinstance(name, str) and name.strip() else f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


def _describe(err: jsonschema.ValidationError, doc: Document, path: str) -> list[tuple[Optional[int], Problem]]:
    where = tuple(err.absolute_path)
    subschema = err.schema if isinstance(err.schema, dict) else {}
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = list(subschema.get("properties", {}))
        out = []
        for key in err.instance:
            if key in known:
                continue
            line = doc.key_lines.get(where + (key,))
            near = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            problem = f"unknown key `{key}`" + (f" in {_where(where, doc.data)}" if where else "")
            fix = (f"{key} → {near[0]}? (the keys here are: {', '.join(known)})" if near
                   else f"remove it or use one of the keys here: {', '.join(known)}")
            out.append((line, _error(path, line, problem, fix)))
        return out
    if err.validator == "propertyNames":
        key = err.instance
        line = doc.key_lines.get(where + (key,), doc.line(where))
        return [(line, _error(path, line, f"{_where(where, doc.data)}: {subschema.get('x-problem', 'invalid key')} ({key!r})",
                              subschema.get("x-fix", "rename the key")))]
    if err.validator == "required":
        line = doc.line(where)
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return [(line, _error(path, line, f"{_where(where, doc.data)}: `{missing}` is missing",
                              subschema.get("x-fix", f"add `{missing}:`")))]
    if err.validator in ("anyOf", "oneOf"):
        line = doc.line(where)
        if "x-anyof-problem" in subschema:
            return [(line, _error(path, line, f"{_where(where, doc.data)}: {subschema['x-anyof-problem']}",
                                  subschema.get("x-anyof-fix", "see the header of the file")))]
        # Report the branch that got furthest.
        best = jsonschema.exceptions.best_match(err.context) if err.context else None
        if best is not None:
            return _describe(best, doc, path)
    line = doc.line(where)
    problem = subschema.get("x-problem")
    value = err.instance
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if problem:
        problem = f"{_where(where, doc.data)}: {problem} (got {shown[:60]})"
    else:
        problem = f"{_where(where, doc.data)}: {err.message[:160]}"
    return [(line, _error(path, line, problem, subschema.get("x-fix", "see the header of the file for what is allowed")))]


def read_config(file: Path, name: str, *, scalars_as_text: bool = False) -> tuple[Optional[Document], list[Problem]]:
    """Read ``file`` and validate it against the schema ``name``.

    Returns (document, problems); the document is None when the file
    could not be read or parsed.  A file that is a directory, unreadable
    or not UTF-8 is a problem too, never an exception.
    """
    path = str(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None, [_error(path, None, "file not found", "create it, or remove what refers to it")]
    except IsADirectoryError:
        return None, [_error(path, None, "is a directory, not a file", "remove or rename the directory")]
    except OSError as exc:
        return None, [_error(path, None, f"cannot be read ({exc.strerror or exc})", "check the file's permissions")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [_error(path, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})", "save it as UTF-8")]
    doc, problems = load_yaml(text, path, scalars_as_text=scalars_as_text)
    if doc is None:
        return None, problems
    return doc, by_line(problems + validate(doc, name, path))


def by_line(problems: list[Problem]) -> list[Problem]:
    """``problems`` in file order (whole-file problems first)."""
    return sorted(problems, key=lambda p: p.line or 0)
