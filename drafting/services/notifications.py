"""In-app inbox (and e-mail when SMTP is configured): each notification sent at most once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from drafting.extensions import db
from drafting.infra.mail import send_mail
from drafting.infra.queue import QueuedJob, enqueue_after_commit, is_pending
from drafting.models import Amendment, Notification, User

log = logging.getLogger(__name__)
EMAIL_JOB = "drafting.jobs.notifications.send_notification_email"
RESEND_WITHIN = timedelta(days=1)  # older unsent e-mails are stale news: the inbox has them


def notify(
    users: Iterable[User],
    kind: str,
    *,
    key: str,
    message: str,
    now: datetime,
    amendment: Amendment | None = None,
    text_id: int | None = None,
    count: int = 1,
) -> list[Notification]:
    """Put `message` in each user's inbox once per `key`; e-mails go out after the commit."""
    created = []
    for user in {u.id: u for u in users}.values():
        exists = db.session.scalar(
            select(Notification.id).where(Notification.user_id == user.id, Notification.key == key)
        )
        if exists:
            continue
        note = Notification(
            user_id=user.id,
            key=key,
            kind=kind,
            message=message,
            count=count,
            created_at=now,
            amendment_id=amendment.id if amendment else None,
            text_id=text_id if text_id is not None else (amendment.text_id if amendment else None),
        )
        db.session.add(note)
        created.append(note)
    db.session.flush()
    for note in created:
        _queue_email(note)
    return created


def _queue_email(note: Notification) -> None:
    job = QueuedJob(EMAIL_JOB, (note.id,), job_id=f"notification-{note.id}")
    enqueue_after_commit(db.session(), job)


def inbox(user: User, *, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    """The user's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


def mark_read(user: User, notification_id: int, now: datetime) -> None:
    """Mark one of the user's notifications as read (others' are ignored)."""
    note = db.session.get(Notification, notification_id)
    if note is not None and note.user_id == user.id and note.read_at is None:
        note.read_at = now


def email_notification(notification_id: int, now: datetime) -> None:
    """E-mail one notification to its user, once (a re-run after success sends nothing)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.emailed_at is not None:
        return
    user = db.session.get_one(User, note.user_id)
    send_mail(user.email, f"[Liasse] {note.message[:80]}", note.message)
    note.emailed_at = now


def resend_unsent(now: datetime) -> list[str]:
    """Queue again the e-mails of the last day never sent (the queue was down when they were
    written); notifications the queue still holds are left alone."""
    stale = now - timedelta(minutes=current_app.config["LIASSE_JOB_STALE_MINUTES"])
    query = select(Notification).where(
        Notification.emailed_at.is_(None),
        Notification.created_at < stale,
        Notification.created_at > now - RESEND_WITHIN,
    )
    queued = []
    for note in db.session.scalars(query):
        if is_pending(f"notification-{note.id}") is not True:
            _queue_email(note)
            queued.append(f"notification-{note.id}")
    return queued
