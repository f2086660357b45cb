"""Amendments: a draft, an edit under optimistic lock, the amendment as read, filters and pages."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.assembly import ExternalAmendmentOut
from drafting.api.schemas.people import UserOut
from drafting.models import Amendment

MAX = 100_000


class PositionIn(Schema):
    kind: Literal["article", "before_article", "after_article"]
    article: str = Field(min_length=1, max_length=40)
    alinea: int | None = Field(default=None, ge=1, le=10_000)


class PositionOut(Schema):
    kind: str
    article: str
    alinea: int | None

    @classmethod
    def of(cls, amendment: Amendment) -> Self:
        """Where the amendment applies: on, before or after an article, maybe one alinéa."""
        return cls(
            kind=amendment.position_kind,
            article=amendment.article.number,
            alinea=amendment.alinea,
        )


class AmendmentIn(Schema):
    text_id: int
    position: PositionIn
    dispositif: str = Field(max_length=MAX)
    expose: str = Field(default="", max_length=MAX)
    author_id: int | None = None


class AmendmentPatch(Schema):
    version: int
    dispositif: str | None = Field(default=None, max_length=MAX)
    expose: str | None = Field(default=None, max_length=MAX)
    position: PositionIn | None = None


class AmendmentOut(Schema):
    id: int
    text_id: int
    position: PositionOut
    dispositif: str
    expose: str
    author: UserOut
    created_by: UserOut
    group: str | None
    state: str
    version: int
    content_hash: str
    number: str | None
    outcome: str | None
    presented_by_group: bool = False
    created_at: Timestamp
    updated_at: Timestamp
    # In lists of one text (issue 17): never external, and its place in the order of call.
    external: Literal[False] = False
    order_key: str | None = None

    @classmethod
    def of(cls, amendment: Amendment) -> Self:
        """The amendment as the contract describes it."""
        return cls(
            id=amendment.id,
            text_id=amendment.text_id,
            position=PositionOut.of(amendment),
            dispositif=amendment.dispositif,
            expose=amendment.expose,
            author=UserOut.of(amendment.author),
            created_by=UserOut.of(amendment.created_by),
            group=amendment.group.code if amendment.group else None,
            state=amendment.state,
            version=amendment.version,
            content_hash=amendment.content_hash,
            number=amendment.number,
            outcome=amendment.outcome,
            presented_by_group=amendment.presented_by_group,
            created_at=amendment.created_at,
            updated_at=amendment.updated_at,
        )


class AmendmentQuery(Schema):
    text_id: int | None = None
    state: str | None = Field(default=None, max_length=32)
    group: str | None = Field(default=None, max_length=32)
    article: str | None = Field(default=None, max_length=40)
    author_id: int | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=100)


class AmendmentPage(Schema):
    # Ours, then (a list of one text) its external amendments in the order of call.
    items: list[AmendmentOut | ExternalAmendmentOut]
    total: int
    page: int
    per_page: int
