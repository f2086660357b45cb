"""Amendments and their immutable revisions (one per version)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, relationship, unmapped_column

from drafting.extensions import db
from drafting.models.groups import Group
from drafting.models.texts import Article, LegislativeText
from drafting.models.types import UTCDateTime, utcnow
from drafting.models.users import User

JOURNAL_GENESIS = "0" * 64  # the head of an empty journal chain (drafting.services.journal)


class PositionKind(StrEnum):
    """Where the amendment applies relative to its article."""

    ARTICLE = "article"
    BEFORE_ARTICLE = "before_article"
    AFTER_ARTICLE = "after_article"


class Amendment(db.Model):  # type: ignore[name-defined,misc]
    """A proposed change to a text: position, dispositif, exposé, and where it stands."""

    __tablename__ = "amendments"
    __table_args__ = (
        Index("ix_amendments_text_article", "text_id", "article_id", "id"),
        Index("ix_amendments_text_state", "text_id", "state"),
        Index("ix_amendments_text_order", "text_id", "order_key"),
        Index("ix_amendments_text_digest", "text_id", "digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    position_kind: Mapped[str] = mapped_column(String(16))
    alinea: Mapped[int | None] = mapped_column(Integer)
    dispositif: Mapped[str] = mapped_column(Text)
    expose: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    number: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(16))
    presented_by_group: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The author's consent to filing this version (« bon à déposer »): given by the author, or
    # by an assistant the author delegated it to; void once the text changes (another version).
    filing_consent_by: Mapped[str | None] = mapped_column(String(16))
    filing_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filing_consent_version: Mapped[int | None] = mapped_column(Integer)
    # Derived from the position, dispositif and number on every write of them
    # (drafting.services.ordering): the list sorts by the order-of-discussion key in SQL (and
    # finds identical amendments by `digest`, below).
    order_key: Mapped[str | None] = mapped_column(String(200))
    # Bumped by every UPDATE: SQLAlchemy adds "WHERE row_version = ?" so two concurrent
    # writers cannot both succeed (optimistic lock, on SQLite and PostgreSQL alike).
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    # The head of the amendment's journal chain: seq and hash of its last event. Written by the
    # journal alone (drafting.services.journal), with each event, under the amendment's row
    # lock; read with that lock, so the next event chains onto the latest one without a query
    # on `events`. Not mapped: an ORM object would hold a stale copy and could write it back.
    journal_seq: Unmapped[int] = unmapped_column(Integer, server_default="0")
    journal_hash: Unmapped[str] = unmapped_column(String(64), server_default=JOURNAL_GENESIS)
    # The légistique linter's findings at the last save, for lists (one amendment's response
    # and page lint afresh), and the normalised digest of the dispositif that finds identical
    # amendments (drafting.services.legistique).
    lint: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    digest: Mapped[str | None] = mapped_column(String(64))

    __mapper_args__ = {"version_id_col": row_version}

    text: Mapped[LegislativeText] = relationship()
    article: Mapped[Article] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    group: Mapped[Group | None] = relationship()
    parent: Mapped[Amendment | None] = relationship(remote_side=[id])

    @property
    def is_sub_amendment(self) -> bool:
        """Sub-amendments are not bound by the filing deadline."""
        return self.parent_id is not None


class Revision(db.Model):  # type: ignore[name-defined,misc]
    """The exact content of one version of an amendment; never updated."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("amendment_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"))
    version: Mapped[int] = mapped_column(Integer)
    position_kind: Mapped[str] = mapped_column(String(16))
    article_number: Mapped[str] = mapped_column(String(40))
    alinea: Mapped[int | None] = mapped_column(Integer)
    dispositif: Mapped[str] = mapped_column(Text)
    expose: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # {"dispositif": segments, "expose": segments}: the word diff against the previous version,
    # computed once when this version was saved (None for a first version, or older rows).
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
