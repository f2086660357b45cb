"""A finding of the légistique linter: an error (blocks submission) or a warning, with its span."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One linter finding; start and end are offsets into the dispositif (None: the whole)."""

    severity: str
    code: str
    message: str
    start: int | None = None
    end: int | None = None


def error(code: str, message: str, start: int | None = None, end: int | None = None) -> Finding:
    """Build an error finding."""
    return Finding(ERROR, code, message, start, end)


def warning(code: str, message: str, start: int | None = None, end: int | None = None) -> Finding:
    """Build a warning finding."""
    return Finding(WARNING, code, message, start, end)
