"""The review workflow: transitions, the history, revisions, comments, the group flag, the inbox."""

from __future__ import annotations

from typing import Any, Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.amendments import PositionOut
from drafting.api.schemas.people import UserOut
from drafting.models import Notification, Revision
from drafting.services.workflow.review import Entry

ACTIONS = "submit, request_changes, approve, close, reopen, file, rectify, record_outcome, abandon"


class TransitionIn(Schema):
    action: str = Field(max_length=40, description=f"One of: {ACTIONS}.")
    comment: str | None = Field(default=None, max_length=10_000)
    number: str | None = Field(
        default=None,
        max_length=40,
        description="Official number (file): 27, CL358, I-305…; a rectified amendment is "
        "filed again under its number marked rect. (27 rect., then 27 rect. bis) when omitted",
    )
    outcome: str | None = Field(
        default=None,
        max_length=32,
        description="record_outcome: adopte, rejete, retire, tombe, non_soutenu, irrecevable.",
    )
    deadline_exception_reason: str | None = Field(default=None, max_length=2_000)
    lint_reason: str | None = Field(
        default=None,
        max_length=2_000,
        description="approve: why the linter's warnings may pass (secretariat; journalled).",
    )
    drop_stale_signatures: bool = Field(
        default=False,
        description="close, file: drop the co-signatures not re-confirmed since the last edit "
        "(each voided with the reason, each deputy told) instead of waiting for them.",
    )


class HistoryItem(Schema):
    at: Timestamp
    actor: UserOut | None
    on_behalf_of: UserOut | None
    action: str
    from_state: str | None
    to_state: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, entry: Entry) -> Self:
        """One journal event as the history shows it."""
        return cls(
            at=entry.at,
            actor=UserOut.of(entry.actor) if entry.actor else None,
            on_behalf_of=UserOut.of(entry.on_behalf_of) if entry.on_behalf_of else None,
            action=entry.action,
            from_state=entry.from_state,
            to_state=entry.to_state,
            data=entry.data,
        )


class HistoryList(Schema):
    items: list[HistoryItem]


class RevisionOut(Schema):
    version: int
    content_hash: str
    dispositif: str
    expose: str
    position: PositionOut
    created_at: Timestamp

    @classmethod
    def of(cls, revision: Revision) -> Self:
        """One version of an amendment's content, with the position it had then."""
        position = PositionOut(
            kind=revision.position_kind, article=revision.article_number, alinea=revision.alinea
        )
        return cls(
            version=revision.version,
            content_hash=revision.content_hash,
            dispositif=revision.dispositif,
            expose=revision.expose,
            position=position,
            created_at=revision.created_at,
        )


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
    created_at: Timestamp
    read_at: Timestamp | None

    @classmethod
    def of(cls, note: Notification) -> Self:
        """One inbox message."""
        return cls(
            id=note.id,
            kind=note.kind,
            message=note.message,
            amendment_id=note.amendment_id,
            created_at=note.created_at,
            read_at=note.read_at,
        )


class NotificationList(Schema):
    items: list[NotificationOut]


class NotificationQuery(Schema):
    unread: bool = False
