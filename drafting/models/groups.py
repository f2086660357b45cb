"""Political groups of the Assembly."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from drafting.extensions import db


class Group(db.Model):  # type: ignore[name-defined,misc]
    """A political group (code such as ``ECOS``, full name)."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
