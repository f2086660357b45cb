"""Texts (bills at one stage), their ordered articles and alinéas."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.models.types import UTCDateTime, utcnow


class Stage(StrEnum):
    """Where the text is examined."""

    COMMISSION = "commission"
    SEANCE = "seance"


class LegislativeText(db.Model):  # type: ignore[name-defined,misc]
    """A bill (projet or proposition de loi) at one stage, made of articles."""

    __tablename__ = "texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(16))
    organ: Mapped[str | None] = mapped_column(String(200))
    examination_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filing_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filing_deadline_rule: Mapped[str | None] = mapped_column(String(16))
    filing_deadline_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    articles: Mapped[list[Article]] = relationship(
        back_populates="text", order_by="Article.position", cascade="all, delete-orphan"
    )


class Article(db.Model):  # type: ignore[name-defined,misc]
    """One article of a text, at its place in the text's order."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("text_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40))
    heading: Mapped[str | None] = mapped_column(Text)

    text: Mapped[LegislativeText] = relationship(back_populates="articles")
    alineas: Mapped[list[Alinea]] = relationship(
        back_populates="article", order_by="Alinea.number", cascade="all, delete-orphan"
    )


class Alinea(db.Model):  # type: ignore[name-defined,misc]
    """A numbered paragraph (alinéa) of an article, numbered from 1."""

    __tablename__ = "alineas"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)

    article: Mapped[Article] = relationship(back_populates="alineas")
