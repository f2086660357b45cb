"""The Assembly's data: what a text import and an amendment sync report."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.models import PublishedAmendment
from workflows.numbering import number_label


class TextImportResult(Schema):
    """The result of a text import job: the new text."""

    text_id: int
    articles: int
    alineas: int


class UnmatchedOut(Schema):
    """Something a sync could not settle, for a person to look at."""

    # "assembly": an amendment of the source by one of our deputies that matches none of ours;
    # "local": one of ours, filed, that the source does not have.
    side: Literal["assembly", "local"]
    reason: str
    number: str | None = None
    uid: str | None = None
    amendment_id: int | None = None
    article: str | None = None


class SyncSummaryOut(Schema):
    """What a sync did: matched and updated ours, added or updated the external ones."""

    text_id: int
    read: int  # the text's amendments read from the source
    matched: int  # ours found in the source
    updated: int  # ours whose Assembly data changed
    external_added: int
    external_updated: int
    unchanged: int
    skipped: int = 0  # files of the source set aside (another text, the dump's incorrect data)
    unmatched: list[UnmatchedOut] = Field(default_factory=list)


class SyncIn(Schema):
    """Where to read a text's amendments: one of `url`, `json` (pasted open-data JSON: one
    amendment, or a list of them), `xml` (liasse or Eliasse XML), or an uploaded `file` (a JSON
    or XML file, or a ZIP of them such as the bulk dataset)."""

    url: str | None = Field(default=None, max_length=2000)
    json_: Any = Field(default=None, alias="json")
    xml: str | None = None


class ExternalPositionOut(Schema):
    kind: str  # "article" | "before_article" | "after_article"
    article: str | None  # None on the text's title
    alinea: int | None
    division: str  # "article", "titre" (the text's title), "chapitre", "annexe"…


class ExternalAuthorOut(Schema):
    assembly_id: str | None  # "PA794106"
    name: str | None  # "Mme Taurinya"
    kind: str  # "depute" | "gouvernement" | "commission" | "rapporteur"
    user_id: int | None  # the account, when the deputy was imported


class ExternalAmendmentOut(Schema):
    """Another group's amendment, as the Assembly published it: read-only, outside the workflow."""

    id: int
    external: Literal[True]
    text_id: int
    state: Literal["external"]
    number: str
    number_label: str  # "66 rect."
    rectification: int
    order_key: str | None
    position: ExternalPositionOut
    dispositif: str
    expose: str
    author: ExternalAuthorOut
    group: str | None  # the group's code in Liasse, when imported
    group_ref: str | None  # the Assembly's organe id, "PO845413"
    cosignatories: list[str]  # the Assembly's actor ids
    signatories: str  # as printed: "Mme Taurinya, Mme Abomangoli… et M. Vannier"
    outcome: str | None
    outcome_label: str | None
    inadmissibility_ground: str | None
    identical_group: str | None
    joint_group: str | None
    parent_uid: str | None
    uid: str
    filed_on: date | None
    decided_at: Timestamp | None

    @classmethod
    def of(cls, row: PublishedAmendment) -> Self:
        """An external amendment from its published row."""
        return cls(
            id=row.id,
            external=True,
            text_id=row.text_id,
            state="external",
            number=row.number,
            number_label=number_label(row.number, row.rectification),
            rectification=row.rectification,
            order_key=row.order_key,
            position=ExternalPositionOut(
                kind=row.position_kind,
                article=row.article_number,
                alinea=row.alinea,
                division=row.division_type,
            ),
            dispositif=row.dispositif,
            expose=row.expose,
            author=ExternalAuthorOut(
                assembly_id=row.author_ref,
                name=row.author_name,
                kind=row.author_kind,
                user_id=row.author_id,
            ),
            group=row.group.code if row.group else None,
            group_ref=row.group_ref,
            cosignatories=list(row.cosignatory_refs or []),
            signatories=row.signatories_label,
            outcome=row.outcome,
            outcome_label=row.outcome_label,
            inadmissibility_ground=row.inadmissibility_ground,
            identical_group=row.identical_group,
            joint_group=row.joint_group,
            parent_uid=row.parent_uid,
            uid=row.uid,
            filed_on=row.filed_on,
            decided_at=row.decided_at,
        )


class PeopleImportIn(Schema):
    """AMO records pasted as JSON (`{"acteur": …}` and `{"organe": …}` objects), or an
    uploaded `file` (one JSON file, or the dataset's ZIP)."""

    records: list[dict[str, Any]] | None = Field(default=None, max_length=5_000)


class PeopleImportOut(Schema):
    """What a people import did."""

    deputies_created: int
    deputies_updated: int
    deputies_unchanged: int
    groups_created: int
    groups_updated: int
    invitations: int
    without_email: list[str]
