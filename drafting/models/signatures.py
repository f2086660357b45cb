"""Co-signatures bound to one version and content hash, and invitations to co-sign."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.models.types import UTCDateTime
from drafting.models.users import User


class Signature(db.Model):  # type: ignore[name-defined,misc]
    """A deputy's consent to one exact text of an amendment (one row per deputy)."""

    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("amendment_id", "deputy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (amendment_id, deputy_id) index leads with it.
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id])

    def is_current(self, content_hash: str) -> bool:
        """Counted and printed: not withdrawn, not voided, and on the current text."""
        return (
            self.withdrawn_at is None
            and self.voided_at is None
            and self.content_hash == content_hash
        )

    @property
    def is_active(self) -> bool:
        """Not withdrawn nor voided (it may still be stale)."""
        return self.withdrawn_at is None and self.voided_at is None


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    """An invitation for a deputy (usually of another group) to co-sign."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("amendment_id", "deputy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (amendment_id, deputy_id) index leads with it.
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id])
