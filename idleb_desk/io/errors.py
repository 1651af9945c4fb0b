"""Problems met while reading input files, as values the GUI and the CLI can show as is.

A reader never stops a whole import because of one bad file or one bad JSONL line: it
reports an `ImportProblem` naming the file (and the line) and goes on with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass


class ImportProblem(Exception):
    """One input that could not be read; the message names the file and the problem."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")

    @property
    def message(self) -> str:
        return str(self)

    def to_problem(self) -> Problem:
        return Problem(self.path, self.problem, self.line)


@dataclass(frozen=True)
class Problem:
    """A reported problem kept in an import report (an exception is not a good value)."""

    path: str
    problem: str
    line: int | None = None

    @property
    def message(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line is not None else self.path
        return f"{where}: {self.problem}"

    def __str__(self) -> str:
        return self.message
