"""API of the review workflow: transitions, history, revisions, comments, group flag, inbox."""

from __future__ import annotations

from typing import Any

from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas import AmendmentOut
from drafting.api.serializers import amendment_json, user_json
from drafting.api.workflow_schemas import (
    CommentIn,
    GroupAmendmentIn,
    HistoryItem,
    HistoryList,
    NotificationList,
    NotificationQuery,
    RevisionList,
    TransitionIn,
)
from drafting.db import commit
from drafting.models import Notification, Revision
from drafting.services import amendments, notifications
from drafting.services.workflow import review, transitions

TAGS = ("workflow",)


def history_json(entry: review.Entry) -> dict[str, Any]:
    """One journal event as the history shows it."""
    return {
        "at": entry.at.isoformat(),
        "actor": user_json(entry.actor) if entry.actor else None,
        "on_behalf_of": user_json(entry.on_behalf_of) if entry.on_behalf_of else None,
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "data": entry.data,
    }


def revision_json(revision: Revision) -> dict[str, Any]:
    """One version of an amendment's content."""
    return {
        "version": revision.version,
        "content_hash": revision.content_hash,
        "dispositif": revision.dispositif,
        "expose": revision.expose,
        "position": {
            "kind": revision.position_kind,
            "article": revision.article_number,
            "alinea": revision.alinea,
        },
        "created_at": revision.created_at.isoformat(),
    }


def notification_json(note: Notification) -> dict[str, Any]:
    """One inbox message."""
    return {
        "id": note.id,
        "kind": note.kind,
        "message": note.message,
        "amendment_id": note.amendment_id,
        "created_at": note.created_at.isoformat(),
        "read_at": note.read_at.isoformat() if note.read_at else None,
    }


@endpoint(
    "/amendments/<int:amendment_id>/transitions",
    "POST",
    summary="Take a workflow action (409 out of turn, 403 role, 422 unknown action or field)",
    body=TransitionIn,
    response=AmendmentOut,
    errors=(403, 404, 409, 422),
    tags=TAGS,
)
def transition_amendment(amendment_id: int, body: TransitionIn) -> dict[str, Any]:
    """POST /amendments/{id}/transitions."""
    amendment = transitions.transition(
        current_user(),
        amendment_id,
        body.action,
        now=now(),
        comment=body.comment,
        number=body.number,
        outcome=body.outcome,
        deadline_exception_reason=body.deadline_exception_reason,
    )
    commit()
    return amendment_json(amendment)


@endpoint(
    "/amendments/<int:amendment_id>/history",
    summary="The amendment's journal, oldest first",
    response=HistoryList,
    errors=(404,),
    tags=TAGS,
)
def amendment_history(amendment_id: int) -> dict[str, Any]:
    """GET /amendments/{id}/history."""
    _, entries = review.history(current_user(), amendment_id)
    return {"items": [history_json(e) for e in entries]}


@endpoint(
    "/amendments/<int:amendment_id>/revisions",
    summary="Every version of the content",
    response=RevisionList,
    errors=(404,),
    tags=TAGS,
)
def amendment_revisions(amendment_id: int) -> dict[str, Any]:
    """GET /amendments/{id}/revisions."""
    amendment = amendments.get_visible_amendment(current_user(), amendment_id)
    return {"items": [revision_json(r) for r in amendments.revisions(amendment.id)]}


@endpoint(
    "/amendments/<int:amendment_id>/comments",
    "POST",
    summary="Comment on the timeline",
    body=CommentIn,
    response=HistoryItem,
    status=201,
    errors=(403, 404),
    tags=TAGS,
)
def comment_amendment(amendment_id: int, body: CommentIn) -> dict[str, Any]:
    """POST /amendments/{id}/comments."""
    event = transitions.comment(current_user(), amendment_id, body.text, now())
    commit()
    return history_json(review.entry(event, insider=True))


@endpoint(
    "/amendments/<int:amendment_id>/group-amendment",
    "PUT",
    summary="Present the amendment with the members of the group (secretariat)",
    body=GroupAmendmentIn,
    response=AmendmentOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def set_group_amendment(amendment_id: int, body: GroupAmendmentIn) -> dict[str, Any]:
    """PUT /amendments/{id}/group-amendment."""
    amendment = transitions.set_group_amendment(
        current_user(), amendment_id, body.presented_by_group, now()
    )
    commit()
    return amendment_json(amendment)


@endpoint(
    "/notifications",
    summary="Your inbox, newest first",
    query=NotificationQuery,
    response=NotificationList,
    tags=("notifications",),
)
def list_notifications(query: NotificationQuery) -> dict[str, Any]:
    """GET /notifications?unread=."""
    notes = notifications.inbox(current_user(), unread_only=query.unread)
    return {"items": [notification_json(n) for n in notes]}


@endpoint(
    "/notifications/<int:notification_id>/read",
    "POST",
    summary="Mark a notification read",
    status=204,
    tags=("notifications",),
)
def read_notification(notification_id: int) -> None:
    """POST /notifications/{id}/read (others' notifications are silently ignored)."""
    notifications.mark_read(current_user(), notification_id, now())
    commit()
