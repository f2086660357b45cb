"""API of the author's consent to filing: « bon à déposer » and standing delegations."""

from __future__ import annotations

from drafting.api.amendments import one_amendment
from drafting.api.routing import current_credential, current_user, endpoint, now
from drafting.api.schemas.amendments import AmendmentOut
from drafting.api.schemas.filing import (
    FilingConsentIn,
    FilingDelegationIn,
    FilingDelegationOut,
)
from drafting.db import commit
from drafting.services.workflow import filing

TAGS = ("filing",)


@endpoint(
    "/amendments/<int:amendment_id>/filing-consent",
    "POST",
    summary="« Bon à déposer »: the author consents to filing this version (author only)",
    body=FilingConsentIn,
    body_optional=True,
    response=AmendmentOut,
    errors=(403, 404, 409, 429),
    tags=TAGS,
)
def give_filing_consent(amendment_id: int, body: FilingConsentIn) -> AmendmentOut:
    """POST /amendments/{id}/filing-consent."""
    amendment = filing.give_consent(
        current_user(), amendment_id, now(), otp=body.otp, credential=current_credential()
    )
    commit()
    return one_amendment(amendment)


@endpoint(
    "/me/filing-delegation",
    summary="My standing delegations of the consent to filing (deputies)",
    response=FilingDelegationOut,
    errors=(403,),
    tags=TAGS,
)
def get_filing_delegation() -> FilingDelegationOut:
    """GET /me/filing-delegation."""
    user = current_user()
    filing.require_deputy(user)
    return FilingDelegationOut.of(filing.delegation_of(user.id))


@endpoint(
    "/me/filing-delegation",
    "PUT",
    summary="Grant or revoke my standing delegations of the consent to filing (deputies)",
    body=FilingDelegationIn,
    response=FilingDelegationOut,
    errors=(403, 422),
    tags=TAGS,
)
def set_filing_delegation(body: FilingDelegationIn) -> FilingDelegationOut:
    """PUT /me/filing-delegation."""
    delegation = filing.set_delegation(current_user(), body.assistants, body.secretariat, now())
    commit()
    return FilingDelegationOut.of(delegation)
