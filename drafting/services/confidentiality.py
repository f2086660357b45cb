"""Confidential drafts: who read an unfiled amendment, when and through which channel."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select

from drafting.errors import Forbidden
from drafting.extensions import db
from drafting.models import Amendment, ReadRecord, User
from drafting.permissions import can_view_reads
from workflows.review import State

Channel = Literal["web", "api"]
SHOWN_READS = 200


def is_confidential(amendment: Amendment) -> bool:
    """Every amendment is confidential until it is filed."""
    return amendment.state != State.FILED


def record_read(
    user: User, amendment: Amendment, now: datetime, channel: Channel
) -> ReadRecord | None:
    """Record a read of an unfiled amendment by anyone but its author."""
    if not is_confidential(amendment) or user.id == amendment.author_id:
        return None
    read = ReadRecord(amendment_id=amendment.id, user_id=user.id, at=now, channel=channel)
    db.session.add(read)
    db.session.flush()
    return read


def reads(user: User, amendment: Amendment) -> list[ReadRecord]:
    """The reads of an amendment, newest first: for its author, assistants and secretariat."""
    if not can_view_reads(user, amendment):
        raise Forbidden("Seuls l'auteur et le secrétariat du groupe voient les consultations.")
    query = (
        select(ReadRecord)
        .where(ReadRecord.amendment_id == amendment.id)
        .order_by(ReadRecord.at.desc(), ReadRecord.id.desc())
        .limit(SHOWN_READS)
    )
    return list(db.session.scalars(query))
