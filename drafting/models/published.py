"""Amendments as the Assembly published them: every amendment of a text read by a sync.

One row per published amendment of a text. A row linked to a Liasse amendment (`amendment_id`)
is the Assembly's record of one of ours (its official number, rectification, order of call,
discussion groups, outcome); a row linked to none is an **external amendment**: another group's
(or the Government's, a committee's), read-only, outside the workflow, visible to every signed-in
user. See ARCHITECTURE.md, "External amendments".
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.models.groups import Group
from drafting.models.types import UTCDateTime, utcnow
from drafting.models.users import User


class PublishedAmendment(db.Model):  # type: ignore[name-defined,misc]
    """One amendment of a text as the Assembly publishes it (see the module's docstring)."""

    __tablename__ = "published_amendments"
    __table_args__ = (
        UniqueConstraint("text_id", "uid"),
        Index("ix_published_amendments_text_order", "text_id", "order_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("texts.id"))
    # The Assembly's uid ("AMANR5L17PO838901BTC1187P0D1N000074"); Eliasse files have none, so
    # theirs is made of the organ and the number ("eliasse:AN:74").
    uid: Mapped[str] = mapped_column(String(80))
    # The Liasse amendment this is the record of; None for an external amendment.
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), unique=True)
    number: Mapped[str] = mapped_column(String(40))
    rectification: Mapped[int] = mapped_column(Integer, default=0)
    order_key: Mapped[str | None] = mapped_column(String(120))  # the order of call
    assembly_order: Mapped[bool] = mapped_column(Boolean, default=False)  # triAmendement given
    # Where the rules alone place it (workflows.order_of_call.computed_keys): ours not yet
    # published are slotted between the Assembly's keys by comparing theirs with these.
    rule_key: Mapped[str | None] = mapped_column(String(120))
    # Where: the division (article, title…), the article, before/on/after it, the alinéa.
    division_type: Mapped[str] = mapped_column(String(16), default="article")
    article_number: Mapped[str | None] = mapped_column(String(40))
    position_kind: Mapped[str] = mapped_column(String(16), default="article")
    anchor: Mapped[str | None] = mapped_column(String(120))
    designation: Mapped[str | None] = mapped_column(String(120))  # "APRÈS ART. 5"
    alinea: Mapped[int | None] = mapped_column(Integer)
    alinea_relation: Mapped[str | None] = mapped_column(String(8))
    # Who: the author (the Assembly's ids; the accounts when imported), co-signatories.
    author_kind: Mapped[str] = mapped_column(String(16), default="depute")
    author_ref: Mapped[str | None] = mapped_column(String(16))
    author_name: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    group_ref: Mapped[str | None] = mapped_column(String(16))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    group_mention: Mapped[str | None] = mapped_column(String(300))
    cosignatory_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    signatories_label: Mapped[str] = mapped_column(Text, default="")
    # What: the dispositif and exposé (paragraphs separated by "\n"), the Assembly's notice.
    dispositif: Mapped[str] = mapped_column(Text, default="")
    expose: Mapped[str] = mapped_column(Text, default="")
    notice: Mapped[str | None] = mapped_column(Text)
    # Discussed with: identical amendments, joint discussion; the parent of a sub-amendment.
    identical_group: Mapped[str | None] = mapped_column(String(40))
    identical_position: Mapped[str | None] = mapped_column(String(8))
    joint_group: Mapped[str | None] = mapped_column(String(40))
    joint_position: Mapped[str | None] = mapped_column(String(8))
    parent_uid: Mapped[str | None] = mapped_column(String(80))
    parent_number: Mapped[str | None] = mapped_column(String(40))
    # What became of it.
    state_label: Mapped[str | None] = mapped_column(String(80))  # "Discuté", "En traitement"
    outcome: Mapped[str | None] = mapped_column(String(16))  # workflows.review.Outcome value
    outcome_label: Mapped[str | None] = mapped_column(String(120))  # "Cavalier (45)"
    inadmissibility_ground: Mapped[str | None] = mapped_column(String(8))  # "40", "45", "98"
    filed_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    article_99: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the record as read: a sync that reads the same record again changes nothing.
    digest: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    group: Mapped[Group | None] = relationship()

    @property
    def is_external(self) -> bool:
        """Another group's amendment (no Liasse amendment behind it)."""
        return self.amendment_id is None

    @property
    def on_title(self) -> bool:
        """An amendment to the text's title."""
        return self.division_type == "titre" and self.article_number is None
