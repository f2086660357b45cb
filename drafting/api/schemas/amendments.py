"""Amendments: a draft, an edit under optimistic lock, the amendment as read, filters and pages."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.assembly import ExternalAmendmentOut
from drafting.api.schemas.people import UserOut
from drafting.models import Amendment, Person
from drafting.permissions import can_sign
from drafting.services.legistique import checks, identity
from drafting.services.workflow import filing

MAX = 100_000


class PositionIn(Schema):
    kind: Literal["article", "before_article", "after_article"]
    article: str = Field(min_length=1, max_length=40)
    alinea: int | None = Field(default=None, ge=1, le=10_000)


class PositionOut(Schema):
    kind: str
    article: str
    alinea: int | None

    @classmethod
    def of(cls, amendment: Amendment) -> Self:
        """Where the amendment applies: on, before or after an article, maybe one alinéa."""
        return cls(
            kind=amendment.position_kind,
            article=amendment.article.number,
            alinea=amendment.alinea,
        )


class AmendmentIn(Schema):
    text_id: int
    position: PositionIn
    dispositif: str = Field(max_length=MAX)
    expose: str = Field(default="", max_length=MAX)
    author_id: int | None = None
    parent_id: int | None = Field(
        default=None,
        description="A sub-amendment: the amendment it amends (open, closed or filed); "
        "`position.article` is then that amendment's article and `position.alinea` one of its "
        "dispositif's paragraphs.",
    )


class AmendmentPatch(Schema):
    version: int
    dispositif: str | None = Field(default=None, max_length=MAX)
    expose: str | None = Field(default=None, max_length=MAX)
    position: PositionIn | None = None


class FindingOut(Schema):
    severity: Literal["error", "warning"]
    code: str
    message: str
    start: int | None = Field(description="Offset of the finding in the dispositif (None: all).")
    end: int | None


class RelatedOut(Schema):
    id: int
    number: str | None
    group: str | None
    state: str
    may_sign: bool = Field(description="Whether the caller may co-sign it now (instead).")

    @classmethod
    def of(cls, related: identity.Related, viewer: Person) -> Self:
        """Another amendment named beside this one (identical or competing)."""
        return cls(
            id=related.id,
            number=related.number,
            group=related.group,
            state=related.state,
            may_sign=can_sign(viewer, related),
        )


class FilingConsentOut(Schema):
    by: Literal["author", "delegation"]
    at: Timestamp

    @classmethod
    def of(cls, consent: filing.Consent | None) -> Self | None:
        """The author's consent to filing this version, if any."""
        if consent is None:
            return None
        return cls(by=consent.by, at=consent.at)  # type: ignore[arg-type]


class AmendmentOut(Schema):
    id: int
    text_id: int
    position: PositionOut
    dispositif: str
    expose: str
    author: UserOut
    created_by: UserOut
    group: str | None
    state: str
    version: int
    content_hash: str
    number: str | None
    outcome: str | None
    presented_by_group: bool = False
    created_at: Timestamp
    updated_at: Timestamp
    lint: list[FindingOut] = Field(
        default_factory=list,
        description="The légistique linter's findings (errors block submission); computed "
        "afresh for one amendment, as of its last save in lists.",
    )
    parent_id: int | None = Field(
        default=None, description="The amendment this sub-amendment amends (None: none)."
    )
    filing_consent: FilingConsentOut | None = Field(
        default=None,
        description="The author's consent to filing this version: by the author (« bon à "
        "déposer ») or by delegation; null without it (filing is then 409).",
    )
    identical: list[RelatedOut] | None = Field(
        default=None,
        description="One amendment only: the visible amendments with the same normalised "
        "dispositif at the same position (« identique au n° X »), to co-sign instead.",
    )
    competing: list[RelatedOut] | None = Field(
        default=None,
        description="One amendment only: visible amendments changing the same alinéa or words.",
    )
    # In lists of one text (issue 17): never external, and its place in the order of call.
    external: Literal[False] = False
    order_key: str | None = None

    @classmethod
    def of(
        cls,
        amendment: Amendment,
        *,
        lint: list[dict[str, Any]] | None = None,
        related: tuple[identity.Concordance, Person] | None = None,
    ) -> Self:
        """The amendment as the contract describes it (`lint`: fresh findings, else stored;
        `related`: the identical and competing amendments as a viewer sees them)."""
        findings = checks.stored(amendment) if lint is None else lint
        return cls(
            id=amendment.id,
            text_id=amendment.text_id,
            position=PositionOut.of(amendment),
            dispositif=amendment.dispositif,
            expose=amendment.expose,
            author=UserOut.of(amendment.author),
            created_by=UserOut.of(amendment.created_by),
            group=amendment.group.code if amendment.group else None,
            state=amendment.state,
            version=amendment.version,
            content_hash=amendment.content_hash,
            number=amendment.number,
            outcome=amendment.outcome,
            presented_by_group=amendment.presented_by_group,
            created_at=amendment.created_at,
            updated_at=amendment.updated_at,
            lint=[FindingOut(**finding) for finding in findings],
            parent_id=amendment.parent_id,
            filing_consent=FilingConsentOut.of(filing.consent_of(amendment)),
            **cls._related(related),
        )

    @staticmethod
    def _related(related: tuple[identity.Concordance, Person] | None) -> dict[str, Any]:
        if related is None:
            return {}  # left out of the JSON (lists): unset fields are not written
        found, viewer = related
        return {
            "identical": [RelatedOut.of(r, viewer) for r in found.identical],
            "competing": [RelatedOut.of(r, viewer) for r in found.competing],
        }


class AmendmentFilter(Schema):
    """The list's filters, shared by `GET /amendments` and the bulk actions' `filter`."""

    text_id: int | None = None
    state: str | None = Field(
        default=None, max_length=120, description="One state, or several separated by commas."
    )
    group: str | None = Field(default=None, max_length=32)
    article: str | None = Field(default=None, max_length=40)
    author_id: int | None = None
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Words searched in the dispositif and the exposé (all of them).",
    )
    order: Literal["discussion", "number", "article", "created"] | None = Field(
        default=None, description="Default: by id. `discussion`: the order of discussion."
    )
    to_sign: Literal["me"] | None = Field(
        default=None, description="`me`: what waits for my signature (the « À signer » list)."
    )
    not_signed_by: int | None = Field(
        default=None, description="A deputy's id: amendments without their current signature."
    )
    identical: bool | None = Field(
        default=None, description="With (true) or without (false) an identical amendment."
    )
    lint: Literal["errors", "clean"] | None = Field(
        default=None, description="By the stored légistique check (422 while none is stored)."
    )


class AmendmentQuery(AmendmentFilter):
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=100)


class AmendmentPage(Schema):
    # Ours, then (a list of one text) its external amendments in the order of call.
    items: list[AmendmentOut | ExternalAmendmentOut]
    total: int
    page: int
    per_page: int
