"""The one exception family for bad input from the Assembly's files."""

from __future__ import annotations


class SourceError(ValueError):
    """A source that cannot be read as what was expected; the message says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
