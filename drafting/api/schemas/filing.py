"""The author's consent to filing: « bon à déposer » and standing delegations."""

from __future__ import annotations

from typing import Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.services.workflow import filing


class FilingConsentIn(Schema):
    otp: str | None = Field(
        default=None, max_length=32, description="A second-factor code when signing needs one."
    )


class FilingDelegationIn(Schema):
    assistants: list[int] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of the deputy's own assistants who may give the consent in their name.",
    )
    secretariat: bool = Field(
        default=False, description="The group's secretariat may file in the deputy's name."
    )


class FilingDelegationOut(Schema):
    assistants: list[int]
    secretariat: bool
    granted_at: Timestamp | None = None

    @classmethod
    def of(cls, delegation: filing.Delegation) -> Self:
        """A deputy's standing delegations."""
        return cls(
            assistants=delegation.assistants,
            secretariat=delegation.secretariat,
            granted_at=delegation.granted_at,
        )
