"""What each amendment's dispositif touches in the text it amends, kept at each save, so that the
amendments competing for the same alinéa or words are found by an index, not by parsing."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from drafting.extensions import db


class AmendmentTouch(db.Model):  # type: ignore[name-defined,misc]
    """One thing an amendment touches (`workflows.legistique.Touch`): the whole article, an
    alinéa, words in it (start..end in that alinéa) or a place where alinéas are inserted; for a
    sub-amendment, in its parent's dispositif (`parent_id`)."""

    __tablename__ = "amendment_touches"
    __table_args__ = (Index("ix_amendment_touches_place", "article_id", "alinea"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    kind: Mapped[str] = mapped_column(String(16))  # article | alinea | words | insertion
    alinea: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
