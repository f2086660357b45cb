"""Bulk co-signing: one consent screen, one second-factor code, one signature per amendment.

Each item names the amendment and the content hash of the text the deputy was shown; each is
signed by the single signing path (`signatures.sign`: the co-signing rule, the deadline, the
hash), in a savepoint of its own, so an amendment that changed or closed since the screen was
drawn is refused and listed, and the others are signed, each bound to its own version and hash.
The second factor is checked once for the whole batch: a passed check marks the request's
session or token, which every signature of the batch then finds recent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from drafting.errors import DomainError, Invalid
from drafting.extensions import db
from drafting.infra.transactions import begin_write
from drafting.models import Person
from drafting.services.accounts import second_factor
from drafting.services.cosigning import signatures

MAX_ITEMS = 1_000
DUPLICATE = ("duplicate", "Amendement déjà présent plus haut dans la liste.")


@dataclass(frozen=True)
class Consent:
    """One amendment as the consent screen showed it: its id and the hash of its text."""

    amendment_id: int
    content_hash: str


@dataclass(frozen=True)
class Outcome:
    """What happened to one consent: "signed" (now or already, on that text) or "refused"."""

    amendment_id: int
    status: str
    code: str | None = None
    message: str | None = None

    @property
    def signed(self) -> bool:
        """Whether the deputy's signature is on the text they consented to."""
        return self.status == "signed"


def _check(consents: Sequence[Consent]) -> None:
    if not consents:
        raise Invalid("Aucun amendement à signer.", fields={"items": "au moins un"})
    if len(consents) > MAX_ITEMS:
        raise Invalid(
            f"Au plus {MAX_ITEMS} amendements par demande ({len(consents)} reçus).",
            fields={"items": f"au plus {MAX_ITEMS}"},
        )


def _sign_one(
    deputy: Person,
    consent: Consent,
    now: datetime,
    credential: second_factor.Credential | None,
) -> Outcome:
    """One signature through the single path, in a savepoint: refused, it leaves no trace."""
    try:
        with db.session.begin_nested():
            signatures.sign(
                deputy,
                consent.amendment_id,
                now,
                seen_hash=consent.content_hash,
                credential=credential,
            )
    except DomainError as exc:
        return Outcome(consent.amendment_id, "refused", exc.code, exc.message)
    return Outcome(consent.amendment_id, "signed")


def sign_many(
    deputy: Person,
    consents: Sequence[Consent],
    now: datetime,
    *,
    otp: str | None = None,
    credential: second_factor.Credential | None = None,
) -> list[Outcome]:
    """Sign each consented amendment on the text shown; one outcome each, in the request's
    order (a repeated amendment refused there). 403 for a non-deputy or without a valid second
    factor, 422 for an empty or oversized request: then nothing is signed."""
    signatures.require_deputy(deputy)
    _check(consents)
    second_factor.require_recent_second_factor(deputy, now, otp, credential)
    begin_write(db.session())
    first: dict[int, Consent] = {}
    for consent in consents:
        first.setdefault(consent.amendment_id, consent)
    # In id order: two batches signing the same amendments lock their rows in the same order.
    done = {i: _sign_one(deputy, first[i], now, credential) for i in sorted(first)}
    outcomes, seen = [], set()
    for consent in consents:
        if consent.amendment_id in seen:
            outcomes.append(Outcome(consent.amendment_id, "refused", *DUPLICATE))
            continue
        seen.add(consent.amendment_id)
        outcomes.append(done[consent.amendment_id])
    return outcomes
