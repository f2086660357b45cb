"""Group deadlines per text, per-article reopenings, and sent reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.models.groups import Group
from drafting.models.texts import Article
from drafting.models.types import UTCDateTime, utcnow


class GroupDeadline(db.Model):  # type: ignore[name-defined,misc]
    """A group's internal deadlines on one text (review, co-signature)."""

    __tablename__ = "group_deadlines"
    __table_args__ = (UniqueConstraint("text_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    review_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cosign_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group] = relationship()


class Reopening(db.Model):  # type: ignore[name-defined,misc]
    """The filing deadline reopened for deputies on one article."""

    __tablename__ = "reopenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship()


class SentReminder(db.Model):  # type: ignore[name-defined,misc]
    """A reminder already sent: the unique key makes the sweep idempotent across machines."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
