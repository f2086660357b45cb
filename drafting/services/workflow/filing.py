"""Filing one can stand behind: the author's consent, and the gate before closing and filing.

An amendment is filed in a deputy's name only with that deputy's consent: given for the current
version (« bon à déposer », by the author, or recorded when an assistant the author delegated it
to submits it), or a standing delegation to the group's secretariat. Before closing and filing,
the gate lists what blocks: co-signatures not re-confirmed since the last edit (the secretariat
waits, or drops them explicitly, each deputy told), an empty exposé or the linter's errors, and
at filing a number whose form contradicts the stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from drafting.errors import Conflict, Forbidden, Invalid
from drafting.extensions import db
from drafting.models import Amendment, FilingDelegation, Role, Signature, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_give_filing_consent
from drafting.services import amendments, journal
from drafting.services.accounts import second_factor
from drafting.services.cosigning import signatures, stale
from drafting.services.legistique import checks

SEANCE_NUMBER = re.compile(r"(?:[IVX]{1,4}-)?\d{1,6}(?: .*)?")
# What the editor's formula buttons leave to fill in: « … », alinéa N, N à M, {n}, XXX.
PLACEHOLDER = re.compile(
    r"«[\s\u00a0\u202f]*(?:…|\.\.\.)[\s\u00a0\u202f]*»|\b(?:alinéas?|article)[\s\u00a0]+N\b"
    r"|\bN à M\b|\{(?:n|text)\}|\bX{3,}\b"
)
DROPPED = "Signature non reconfirmée après la dernière modification : retirée avant le dépôt."


@dataclass(frozen=True)
class Consent:
    """Who consented to filing (the author, or by delegation) and when."""

    by: str
    at: datetime


@dataclass
class Delegation:
    """A deputy's standing delegations: the assistants named, the secretariat or not."""

    assistants: list[int] = field(default_factory=list)
    secretariat: bool = False
    granted_at: datetime | None = None


def _grants(deputy_id: int) -> list[FilingDelegation]:
    query = select(FilingDelegation).where(
        FilingDelegation.deputy_id == deputy_id, FilingDelegation.revoked_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(FilingDelegation.id)))


CACHE = "liasse_filing_delegations"  # per unit of work: a list asks for each author once


def delegation_of(deputy_id: int) -> Delegation:
    """The deputy's standing delegations now in force (read once per unit of work)."""
    cache: dict[int, Delegation] = db.session.info.setdefault(CACHE, {})
    if deputy_id not in cache:
        cache[deputy_id] = _read_delegation(deputy_id)
    return cache[deputy_id]


def preload_delegations(deputy_ids: Iterable[int]) -> None:
    """Read the delegations of these deputies in one query (a list of amendments asks for
    each author's: without this, a query per author)."""
    cache: dict[int, Delegation] = db.session.info.setdefault(CACHE, {})
    missing = sorted(set(deputy_ids) - set(cache))
    if not missing:
        return
    query = select(FilingDelegation).where(
        FilingDelegation.deputy_id.in_(missing), FilingDelegation.revoked_at.is_(None)
    )
    grants: dict[int, list[FilingDelegation]] = {deputy_id: [] for deputy_id in missing}
    for grant in db.session.scalars(query.order_by(FilingDelegation.id)):
        grants[grant.deputy_id].append(grant)
    cache.update({deputy_id: _delegation(found) for deputy_id, found in grants.items()})


def _read_delegation(deputy_id: int) -> Delegation:
    return _delegation(_grants(deputy_id))


def _delegation(grants: list[FilingDelegation]) -> Delegation:
    secretariat = [g for g in grants if g.secretariat]
    return Delegation(
        assistants=sorted(g.assistant_id for g in grants if g.assistant_id is not None),
        secretariat=bool(secretariat),
        granted_at=secretariat[0].granted_at if secretariat else None,
    )


def _check_assistants(deputy: User, assistants: list[int]) -> None:
    mine = set(db.session.scalars(select(User.id).where(User.deputy_id == deputy.id)))
    strangers = sorted(set(assistants) - mine)
    if strangers:
        raise Invalid(
            "Seuls vos collaborateurs peuvent recevoir une délégation.",
            fields={"assistants": f"pas vos collaborateurs : {strangers}"},
        )


def require_deputy(user: User) -> None:
    """Only a deputy has a consent to filing to give or delegate (403 otherwise)."""
    if user.role != Role.DEPUTY:
        raise Forbidden("Seul un député délègue son accord au dépôt.")


def set_delegation(
    deputy: User, assistants: list[int], secretariat: bool, now: datetime
) -> Delegation:
    """Replace the deputy's standing delegations (revoked ones are kept, dated; journalled)."""
    require_deputy(deputy)
    wanted = sorted(set(assistants))
    _check_assistants(deputy, wanted)
    db.session.info.pop(CACHE, None)
    before = delegation_of(deputy.id)
    if (before.assistants, before.secretariat) == (wanted, secretariat):
        return before
    db.session.execute(
        update(FilingDelegation)
        .where(FilingDelegation.deputy_id == deputy.id, FilingDelegation.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    rows = [FilingDelegation(deputy_id=deputy.id, assistant_id=a, granted_at=now) for a in wanted]
    if secretariat:
        rows.append(FilingDelegation(deputy_id=deputy.id, secretariat=True, granted_at=now))
    db.session.add_all(rows)
    db.session.flush()
    data = {"deputy_id": deputy.id, "assistants": wanted, "secretariat": secretariat}
    journal.record(EventKind.FILING_DELEGATION_SET, now=now, actor=deputy, data=data)
    db.session.info.pop(CACHE, None)
    return delegation_of(deputy.id)


def _record(amendment: Amendment, by: str, actor: User, now: datetime) -> None:
    amendment.filing_consent_by, amendment.filing_consent_at = by, now
    amendment.filing_consent_version = amendment.version
    data = {"version": amendment.version, "by": by}
    journal.record(
        EventKind.FILING_CONSENTED, now=now, actor=actor, amendment_id=amendment.id, data=data
    )


def give_consent(
    author: User,
    amendment_id: int,
    now: datetime,
    *,
    otp: str | None = None,
    credential: second_factor.Credential | None = None,
) -> Amendment:
    """« Bon à déposer »: the author consents to filing this version (second factor when
    signing requires one)."""
    amendment = amendments.get_visible_amendment(author, amendment_id, lock=True)
    if author.id != amendment.author_id:
        raise Forbidden("Seul l'auteur donne son accord au dépôt de son amendement.")
    if not can_give_filing_consent(author, amendment):
        raise Conflict("L'amendement n'est plus à déposer.", code="invalid_state")
    second_factor.require_recent_second_factor(author, now, otp, credential)
    if not _current_consent(amendment):
        _record(amendment, "author", author, now)
    return amendment


def record_delegated_consent(actor: User, amendment: Amendment, now: datetime) -> None:
    """An assistant the author delegated it to submits: the consent is on record for this
    version (called by the workflow at submission)."""
    if actor.role != Role.ASSISTANT or actor.deputy_id != amendment.author_id:
        return
    if actor.id in delegation_of(amendment.author_id).assistants:
        _record(amendment, "delegation", actor, now)


def _current_consent(amendment: Amendment) -> Consent | None:
    if amendment.filing_consent_version != amendment.version:
        return None
    if amendment.filing_consent_by is None or amendment.filing_consent_at is None:
        return None
    return Consent(amendment.filing_consent_by, amendment.filing_consent_at)


def consent_of(amendment: Amendment) -> Consent | None:
    """The consent that lets the secretariat file this version, if any."""
    given = _current_consent(amendment)
    if given is not None:
        return given
    standing = delegation_of(amendment.author_id)
    if standing.secretariat and standing.granted_at is not None:
        return Consent("delegation", standing.granted_at)
    return None


def assert_consent(amendment: Amendment) -> None:
    """409 `author_consent_required` unless the author consented to filing this version."""
    if consent_of(amendment) is None:
        raise Conflict(
            "L'auteur n'a pas donné son accord au dépôt de cette version (« bon à déposer ») "
            "et n'a pas délégué cet accord au secrétariat.",
            code="author_consent_required",
        )


def _number_blocker(amendment: Amendment, number: str | None) -> str | None:
    if number is None:
        return None
    seance = amendment.text.stage == "seance"
    if seance != bool(SEANCE_NUMBER.fullmatch(number)):
        expected = "un numéro de séance (27, I-305)" if seance else "un numéro de commission"
        return f"Le numéro {number} ne convient pas à ce texte : {expected} est attendu."
    return None


def blockers(
    amendment: Amendment, number: str | None, drop_stale: bool, now: datetime
) -> dict[str, str]:
    """What stops closing or filing `amendment` now, by code (empty: nothing)."""
    found: dict[str, str] = {}
    waiting = stale.stale_signatures(amendment)
    if waiting and not drop_stale:
        found["stale_signatures"] = (
            f"{len(waiting)} cosignature(s) non reconfirmée(s) depuis la dernière modification : "
            "attendez-les, ou retirez-les (les députés concernés sont prévenus)."
        )
    if not amendment.expose.strip():
        found["empty_expose"] = "L'exposé sommaire est vide (Règlement, art. 98)."
    left = placeholders_in(amendment.dispositif) + placeholders_in(amendment.expose)
    if left:
        found["placeholders"] = "Reste à compléter : " + ", ".join(dict.fromkeys(left)) + "."
    errors = checks.errors_of(amendment, now)
    if errors:
        found["lint_errors"] = "; ".join(e.message for e in errors)
    blocker = _number_blocker(amendment, number)
    if blocker:
        found["number"] = blocker
    return found


def placeholders_in(text: str) -> list[str]:
    """The placeholders of a formula left unfilled in `text` (« … », alinéa N…)."""
    return [" ".join(m.group(0).split()) for m in PLACEHOLDER.finditer(text)]


def assert_ready_to_file(
    actor: User, amendment: Amendment, number: str | None, drop_stale: bool, now: datetime
) -> None:
    """The gate: 409 `filing_blocked` listing what blocks; else drop the stale signatures if the
    secretariat chose to (each voided with the reason, each deputy told)."""
    found = blockers(amendment, number, drop_stale, now)
    if found:
        raise Conflict(
            "Ce qui empêche de clore ou de déposer : " + " ".join(found.values()),
            code="filing_blocked",
            fields=found,
        )
    if drop_stale:
        for signature in stale.stale_signatures(amendment):
            signatures.void(actor, amendment.id, signature.deputy_id, DROPPED, now)


def stale_count(amendment: Amendment) -> int:
    """How many co-signatures wait for a re-confirmation (the editor warns before an edit)."""
    return len(stale.stale_signatures(amendment))


def current_signature_count(amendment: Amendment) -> int:
    """How many co-signatures an edit would make stale now."""
    query = select(Signature.id).where(
        Signature.amendment_id == amendment.id,
        Signature.withdrawn_at.is_(None),
        Signature.voided_at.is_(None),
        Signature.content_hash == amendment.content_hash,
    )
    return len(db.session.scalars(query).all())
