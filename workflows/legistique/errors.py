"""How the légistique core declines: a dispositif not understood, an edit that changes nothing."""

from __future__ import annotations


class NotUnderstood(ValueError):
    """A dispositif the applier does not understand or cannot apply unambiguously."""

    def __init__(
        self,
        reason: str,
        *,
        code: str = "not_understood",
        start: int | None = None,
        end: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.start = start
        self.end = end


class NoChange(ValueError):
    """The edited article is the same as the article (after normalisation)."""
