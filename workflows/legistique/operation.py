"""An operation of a dispositif on an article: what the grammar reads, what the applier applies."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    """One operation of a dispositif; alinéa numbers are those of the text before any change."""

    kind: str
    family: str
    alineas: tuple[int, ...] = ()
    sentence: int | None = None
    edge: str | None = None
    relation: str | None = None
    words: str | None = None
    occurrence: int | None = None
    text: str | None = None
    new_alineas: tuple[str, ...] = ()
    scope: str = "alinea"
    part: int = 1
    span: tuple[int, int] = (0, 0)
    words_span: tuple[int, int] | None = None
    count_mismatch: bool = False
