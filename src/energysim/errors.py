"""The one error family of energysim.

Every invalid input is reported as one line::

    file:line: key.path: what is wrong (expected …, got …)

The CLI prints that line and exits with status 2; the API raises :class:`ScenarioError`
(a :class:`ValueError`) or one of its subclasses with the same text.
"""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: str | os.PathLike) -> str:
    """How a file is named in messages: relative to the working directory when below it."""
    path = Path(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


class ScenarioError(ValueError):
    """An invalid scenario, parameter, data file or command-line value.

    Parameters
    ----------
    message : str
        What is wrong, ideally ``"… (expected …, got …)"``.
    file : str, optional
        The file the problem is in.
    line : int, optional
        1-based line number in ``file``.
    key : str, optional
        Dotted key path, e.g. ``"parameters.coal.mine_capacity"``.
    hint : str, optional
        How to fix it, appended after ``"; "`` (e.g. ``"did you mean 'coal.output_cap'?"``).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The error as the single line the CLI prints."""
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        key = f"{self.key}: " if self.key else ""
        hint = f"; {self.hint}" if self.hint else ""
        text = f"{where}{key}{self.message}{hint}"
        return " ".join(text.split())  # never more than one line

    def __str__(self) -> str:
        return self.one_line()


class UnitError(ScenarioError):
    """A quantity with a wrong or unknown unit or dimension."""


class BoundsError(ScenarioError):
    """A value outside the bounds the catalogue allows."""


class InheritanceError(ScenarioError):
    """A missing parent scenario or an ``extends`` cycle."""


class DataError(ScenarioError):
    """Invalid historical or calibration data (missing or duplicate years, wrong units)."""


class MemoryBudgetError(ScenarioError):
    """A run whose kept outputs would not fit in the memory allowed."""


class OutputError(ScenarioError):
    """An output folder that cannot be used: a file in the way, no permission, no space, or
    another run writing to it."""
