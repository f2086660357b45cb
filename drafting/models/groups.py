"""Political groups of the Assembly, and deputies' memberships of them over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from drafting.extensions import db


class Group(db.Model):  # type: ignore[name-defined,misc]
    """A political group (code such as ``ECOS``, full name)."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The Assembly's organe id ("PO845439"), set by the people import.
    assembly_id: Mapped[str | None] = mapped_column(String(16), unique=True)
    # What the sheet prints after « et les membres du groupe » (the name when unset): the
    # Assembly's own labels differ ("UDDPLR", "UDR", the full name), so it is a choice.
    printed_mention: Mapped[str | None] = mapped_column(String(200))

    @property
    def mention(self) -> str:
        """The group as printed in « et les membres du groupe … »."""
        return self.printed_mention or self.name


class GroupMembership(db.Model):  # type: ignore[name-defined,misc]
    """A deputy's membership of a group between two dates (no group: non-attached). What they
    signed stays theirs whatever group they join later: signatures name the deputy, not a group."""

    __tablename__ = "group_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
