"""The author's consent to filing: per amendment (« bon à déposer »), or a standing delegation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from drafting.extensions import db
from drafting.models.types import UTCDateTime


class FilingDelegation(db.Model):  # type: ignore[name-defined,misc]
    """A deputy's standing consent to filing in their name, granted to one named assistant or
    to their group's secretariat (one row per grant; revoked, never deleted)."""

    __tablename__ = "filing_delegations"
    __table_args__ = (Index("ix_filing_delegations_deputy", "deputy_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assistant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    secretariat: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
