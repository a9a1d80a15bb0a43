"""Errors that name the file, the line, the problem and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional


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
        where = f"{self.path}:{self.line}" if self.line else self.path
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
