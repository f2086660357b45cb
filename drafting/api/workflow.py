"""API of the review workflow: transitions, history, revisions, comments, group flag, inbox."""

from __future__ import annotations

from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas.amendments import AmendmentOut
from drafting.api.schemas.workflow import (
    CommentIn,
    GroupAmendmentIn,
    HistoryItem,
    HistoryList,
    NotificationList,
    NotificationOut,
    NotificationQuery,
    RevisionList,
    RevisionOut,
    TransitionIn,
)
from drafting.db import commit
from drafting.services import amendments, notifications
from drafting.services.workflow import review, transitions

TAGS = ("workflow",)


@endpoint(
    "/amendments/<int:amendment_id>/transitions",
    "POST",
    summary="Take a workflow action (409 out of turn, 403 role, 422 unknown action or field)",
    body=TransitionIn,
    response=AmendmentOut,
    errors=(403, 404, 409, 422),
    tags=TAGS,
)
def transition_amendment(amendment_id: int, body: TransitionIn) -> AmendmentOut:
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
        lint_reason=body.lint_reason,
        drop_stale_signatures=body.drop_stale_signatures,
    )
    commit()
    return AmendmentOut.of(amendment)


@endpoint(
    "/amendments/<int:amendment_id>/history",
    summary="The amendment's journal, oldest first",
    response=HistoryList,
    errors=(404,),
    tags=TAGS,
)
def amendment_history(amendment_id: int) -> HistoryList:
    """GET /amendments/{id}/history."""
    _, entries = review.history(current_user(), amendment_id)
    return HistoryList(items=[HistoryItem.of(e) for e in entries])


@endpoint(
    "/amendments/<int:amendment_id>/revisions",
    summary="Every version of the content",
    response=RevisionList,
    errors=(404,),
    tags=TAGS,
)
def amendment_revisions(amendment_id: int) -> RevisionList:
    """GET /amendments/{id}/revisions."""
    amendment = amendments.get_visible_amendment(current_user(), amendment_id)
    return RevisionList(items=[RevisionOut.of(r) for r in amendments.revisions(amendment.id)])


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
def comment_amendment(amendment_id: int, body: CommentIn) -> HistoryItem:
    """POST /amendments/{id}/comments."""
    event = transitions.comment(current_user(), amendment_id, body.text, now())
    commit()
    return HistoryItem.of(review.entry(event, insider=True))


@endpoint(
    "/amendments/<int:amendment_id>/group-amendment",
    "PUT",
    summary="Present the amendment with the members of the group (secretariat)",
    body=GroupAmendmentIn,
    response=AmendmentOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def set_group_amendment(amendment_id: int, body: GroupAmendmentIn) -> AmendmentOut:
    """PUT /amendments/{id}/group-amendment."""
    amendment = transitions.set_group_amendment(
        current_user(), amendment_id, body.presented_by_group, now()
    )
    commit()
    return AmendmentOut.of(amendment)


@endpoint(
    "/notifications",
    summary="Your inbox, newest first",
    query=NotificationQuery,
    response=NotificationList,
    tags=("notifications",),
)
def list_notifications(query: NotificationQuery) -> NotificationList:
    """GET /notifications?unread=."""
    notes = notifications.inbox(current_user(), unread_only=query.unread)
    return NotificationList(items=[NotificationOut.of(n) for n in notes])


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
