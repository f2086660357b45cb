"""The append-only, hash-chained event journal, the inbox and read records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.models.types import UTCDateTime, utcnow
from drafting.models.users import User


class Event(db.Model):  # type: ignore[name-defined,misc]
    """One recorded fact about an amendment (or a text): who, when, what, before and after."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("amendment_id", "seq"),  # an amendment's chain, in order
        # Text and global chains (events about no amendment): a partial index, so the busy
        # amendment events (signatures) do not each add an entry to it.
        Index(
            "ix_events_text_chain",
            "text_id",
            "seq",
            postgresql_where=text("amendment_id IS NULL"),
            sqlite_where=text("amendment_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    text_id: Mapped[int | None] = mapped_column(ForeignKey("texts.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])


class Notification(db.Model):  # type: ignore[name-defined,misc]
    """An inbox message for one user, sent at most once per (user, key)."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    text_id: Mapped[int | None] = mapped_column(ForeignKey("texts.id"))
    message: Mapped[str] = mapped_column(Text)
    # How many amendments the notice speaks of (a bulk action's grouped notice: more than one).
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReadRecord(db.Model):  # type: ignore[name-defined,misc]
    """A read of an unfiled amendment by someone other than its author (confidentiality)."""

    __tablename__ = "read_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16), default="web")

    user: Mapped[User] = relationship()
