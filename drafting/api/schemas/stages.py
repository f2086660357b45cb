"""Successive stages: an amendment that fell in commission re-filed in séance."""

from __future__ import annotations

from typing import Self

from drafting.api.schemas import Schema
from drafting.api.schemas.amendments import AmendmentOut
from drafting.services.assembly.stages import Refiled


class RefileIn(Schema):
    text_id: int | None = None  # the séance text (default: the one that follows)


class RefileOut(Schema):
    amendment: AmendmentOut  # the new draft on the séance text
    from_amendment_id: int
    article_moved: bool  # the article was found by its heading, not its number: check it
    alinea_dropped: bool  # the alinéa no longer exists: the position names none
    invited: list[int]  # the former co-signatories invited again

    @classmethod
    def of(cls, refiled: Refiled) -> Self:
        """The re-filed draft and what to check."""
        return cls(
            amendment=AmendmentOut.of(refiled.amendment),
            from_amendment_id=refiled.source.id,
            article_moved=refiled.article_moved,
            alinea_dropped=refiled.alinea_dropped,
            invited=refiled.invited,
        )
