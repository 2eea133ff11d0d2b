"""Locations in the user's files, the problems found there, and the package's one error type."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a project file, as the user sees it."""

    path: PurePosixPath
    """Relative to the project root (or absolute when the file is outside it)."""
    line: int | None = None
    """1-based."""
    col: int | None = None
    """1-based."""

    def __str__(self) -> str:
        text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text

    def shifted(self, lines: int) -> Location:
        """Return this location moved down by `lines` (for text embedded in a larger file)."""
        if self.line is None:
            return self
        return Location(self.path, self.line + lines, self.col)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the user's input, with where it is."""

    location: Location
    message: str
    severity: str = "error"
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ToolkitError(Exception):
    """Bad input: one or more problems the user can fix. The only exception the package raises."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # In file and line order, the way a reader fixes them.
        self.problems = tuple(sorted(problems, key=_order))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ToolkitError], tuple[tuple[Problem, ...]]]:
        # Survive pickling on the way back from a worker process.
        return (ToolkitError, (self.problems,))

    @classmethod
    def at(cls, location: Location, message: str, hint: str | None = None) -> ToolkitError:
        """Return an error with a single problem."""
        return cls([Problem(location, message, hint=hint)])


def _order(problem: Problem) -> tuple[str, int, int, bool]:
    where = problem.location
    return (str(where.path), where.line or 0, where.col or 0, not problem.is_error)


class Problems:
    """Collects problems during one stage, so the user sees every one of them at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, location: Location, message: str, hint: str | None = None) -> None:
        self.items.append(Problem(location, message, "error", hint))

    def warning(self, location: Location, message: str, hint: str | None = None) -> None:
        self.items.append(Problem(location, message, "warning", hint))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def absorb(self, error: ToolkitError) -> None:
        self.items.extend(error.problems)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.items)

    def raise_if_errors(self) -> None:
        """Raise every problem so far if any of them is an error."""
        if self.has_errors:
            raise ToolkitError(self.items)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.items if not p.is_error)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """Return a 'did you mean' hint for a misspelt key or field, or None."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{matches[0]}`?" if matches else None
