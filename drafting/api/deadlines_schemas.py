"""Request and response schemas of the deadline endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from drafting.api.schemas import Schema

REASON_CHARS = 2_000


class FilingDeadlineIn(Schema):
    filing_deadline: AwareDatetime
    reason: str = Field(max_length=REASON_CHARS, description="The decision moving the deadline.")


class ReopeningIn(Schema):
    article: str = Field(min_length=1, max_length=40)
    until: AwareDatetime
    reason: str = Field(max_length=REASON_CHARS)


class GroupDeadlinesIn(Schema):
    review_by: AwareDatetime | None = Field(
        default=None, description="Drafts submitted for review by then; absent: unchanged."
    )
    cosign_by: AwareDatetime | None = Field(
        default=None, description="Co-signature closes then; absent: unchanged, null: none."
    )


class DeadlineQuery(Schema):
    upcoming: bool = Field(default=True, description="Only deadlines still ahead (default).")


class DeadlineItem(Schema):
    kind: Literal["filing", "reopening", "review", "cosign"]
    text_id: int
    text_number: str
    at: datetime
    article: str | None = None
    group: str | None = None
    rule: str | None = None


class DeadlineList(Schema):
    items: list[DeadlineItem]
