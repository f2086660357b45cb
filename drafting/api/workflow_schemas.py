"""Request and response schemas of the review workflow, history and inbox endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from drafting.api.schemas import PositionOut, Schema, UserOut

ACTIONS = "submit, request_changes, approve, close, reopen, file, record_outcome, abandon"


class TransitionIn(Schema):
    action: str = Field(max_length=40, description=f"One of: {ACTIONS}.")
    comment: str | None = Field(default=None, max_length=10_000)
    number: str | None = Field(
        default=None, max_length=40, description="Official number (file): 27, CL358, I-305…"
    )
    outcome: str | None = Field(
        default=None,
        max_length=32,
        description="record_outcome: adopte, rejete, retire, tombe, non_soutenu, irrecevable.",
    )
    deadline_exception_reason: str | None = Field(default=None, max_length=2_000)


class HistoryItem(Schema):
    at: datetime
    actor: UserOut | None
    on_behalf_of: UserOut | None
    action: str
    from_state: str | None
    to_state: str | None
    data: dict[str, Any]


class HistoryList(Schema):
    items: list[HistoryItem]


class RevisionOut(Schema):
    version: int
    content_hash: str
    dispositif: str
    expose: str
    position: PositionOut
    created_at: datetime


class RevisionList(Schema):
    items: list[RevisionOut]


class CommentIn(Schema):
    text: str = Field(max_length=10_000)


class GroupAmendmentIn(Schema):
    presented_by_group: bool


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    amendment_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationList(Schema):
    items: list[NotificationOut]


class NotificationQuery(Schema):
    unread: bool = False
