"""The Assembly's data: what a text import and an amendment sync report."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from drafting.api.schemas import Schema


class TextImportResult(Schema):
    """The result of a text import job: the new text."""

    text_id: int
    articles: int
    alineas: int


class UnmatchedOut(Schema):
    """Something a sync could not settle, for a person to look at."""

    # "assembly": an amendment of the source by one of our deputies that matches none of ours;
    # "local": one of ours, filed, that the source does not have.
    side: Literal["assembly", "local"]
    reason: str
    number: str | None = None
    uid: str | None = None
    amendment_id: int | None = None
    article: str | None = None


class SyncSummaryOut(Schema):
    """What a sync did: matched and updated ours, added or updated the external ones."""

    text_id: int
    read: int  # the text's amendments read from the source
    matched: int  # ours found in the source
    updated: int  # ours whose Assembly data changed
    external_added: int
    external_updated: int
    unchanged: int
    skipped: int = 0  # files of the source set aside (another text, the dump's incorrect data)
    unmatched: list[UnmatchedOut] = Field(default_factory=list)
