"""Texts (bills at one stage), their divisions, ordered articles and alinéas."""

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
    # The official short title the Assembly prints on amendments ("JEUX OLYMPIQUES ET
    # PARALYMPIQUES DE 2024"), and, for a séance text, the number of the committee's text its
    # amendments amend (n° 939 for the Olympics bill n° 809).
    short_title: Mapped[str | None] = mapped_column(String(300))
    committee_text_number: Mapped[str | None] = mapped_column(String(40))
    # The same bill at its previous stage (the commission text of a séance text).
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("texts.id"))

    articles: Mapped[list[Article]] = relationship(
        back_populates="text", order_by="Article.position", cascade="all, delete-orphan"
    )
    divisions: Mapped[list[TextDivision]] = relationship(
        back_populates="text", order_by="TextDivision.position", cascade="all, delete-orphan"
    )
    previous: Mapped[LegislativeText | None] = relationship(remote_side=[id])

    @property
    def amended_number(self) -> str:
        """The number printed on the text's amendments: the committee's text for a séance
        text when known, else the text's own."""
        return self.committee_text_number or self.number


class ArticleStatus(StrEnum):
    """What the text says of an article besides its alinéas."""

    SUPPRIME = "supprime"  # (Supprimé)
    NON_MODIFIE = "non_modifie"  # (Non modifié)
    NOUVEAU = "nouveau"  # (nouveau)


class TextDivision(db.Model):  # type: ignore[name-defined,misc]
    """A titre, chapitre or section of a text, placed before the article it opens."""

    __tablename__ = "text_divisions"
    __table_args__ = (UniqueConstraint("text_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id"))
    position: Mapped[int] = mapped_column(Integer)  # order among the text's divisions, from 1
    kind: Mapped[str] = mapped_column(String(16))  # partie | livre | titre | chapitre | section…
    label: Mapped[str] = mapped_column(String(200))  # "TITRE Ier", "Chapitre II"
    heading: Mapped[str | None] = mapped_column(Text)
    # The position of the first article after it (one past the last article when none follows).
    article_position: Mapped[int] = mapped_column(Integer)

    text: Mapped[LegislativeText] = relationship(back_populates="divisions")


class Article(db.Model):  # type: ignore[name-defined,misc]
    """One article of a text, at its place in the text's order."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("text_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40))
    heading: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(16))  # ArticleStatus value, or None
    anchor: Mapped[str | None] = mapped_column(String(120))  # the Assembly's "D_Article_1er"

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
