"""Errors that name the file, the line, the problem and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from .safetext import printable


@dataclass(frozen=True)
class Problem:
    """One problem in one input file.

    ``line`` is 1-based, or None when the problem concerns the whole file.
    ``fix`` tells the user what to change.
    """

    path: str
    problem: str
    fix: str
    line: Optional[int] = None

    def __str__(self) -> str:
        # A file name can hold a newline or a bidi control: escaped, so a
        # message is one honest line (see safetext).
        path = printable(self.path)
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.problem} — {self.fix}"


class KnowledgeBaseError(Exception):
    """Base class of the errors this package raises on bad input."""


class SpeechError(KnowledgeBaseError):
    """A speech file cannot be used; the build skips it and goes on."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class ConfigError(KnowledgeBaseError):
    """themes.yml, a sidecar or another configuration file is invalid.

    Carries every problem found, so the user can fix them all at once; the
    build stops before anything is written.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} configuration problem(s):\n{lines}")
