"""`liasse audit verify`: the journal's chains, and what the journal vouches for.

Beyond the hash chains (`journal.verify_all`), two facts must agree with the journal:
- every signature row is the consent the journal recorded: its deputy, version and content hash
  in a "signed" or "reconfirmed" event of its amendment (and its withdrawal or voiding in the
  matching event) — a row inserted, or altered, outside the journal has none;
- every amendment's content is what its hash says: the hash recomputed from the dispositif,
  exposé and position equals the stored one and that of its saved version — a filed text
  changed in place breaks it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from drafting.extensions import db
from drafting.models import Amendment, Article, Event, Revision, Signature
from drafting.models.event_kinds import EventKind
from drafting.services import journal
from drafting.services.content import content_hash

CONSENTS = (EventKind.SIGNED, EventKind.RECONFIRMED)
ENDINGS = {"withdrawn_at": EventKind.WITHDRAWN, "voided_at": EventKind.VOIDED}


@dataclass(frozen=True)
class Finding:
    """Something the audit found wrong: where, and what."""

    where: str
    reason: str


Recorded = dict[int, set[tuple[str, int, int | None, str | None]]]


def _recorded_signature_acts() -> Recorded:
    """{amendment_id: {(action, deputy_id, version, content_hash)}} of the journal's signature
    events (one query)."""
    kinds = [*CONSENTS, *ENDINGS.values()]
    query = select(Event.amendment_id, Event.action, Event.data).where(Event.action.in_(kinds))
    acts: Recorded = defaultdict(set)
    for amendment_id, action, data in db.session.execute(query):
        key = (action, data.get("deputy_id"), data.get("version"), data.get("content_hash"))
        acts[amendment_id].add(key)
    return acts


def _signature_findings(signature: Signature, acts: Recorded) -> list[Finding]:
    where = f"signature {signature.id} (amendment {signature.amendment_id})"
    recorded = acts.get(signature.amendment_id, set())
    consent = {
        (kind.value, signature.deputy_id, signature.version, signature.content_hash)
        for kind in CONSENTS
    }
    found = []
    if not consent & recorded:
        found.append(Finding(where, "no journal event records this consent (version and hash)"))
    for column, kind in ENDINGS.items():
        ended = getattr(signature, column) is not None
        if ended and not any(a[0] == kind and a[1] == signature.deputy_id for a in recorded):
            found.append(Finding(where, f"{column} set without a journal event ({kind})"))
    return found


def verify_signatures() -> list[Finding]:
    """Every signature row against the journal's signature events."""
    acts = _recorded_signature_acts()
    signatures = db.session.scalars(select(Signature).order_by(Signature.id))
    return [finding for s in signatures for finding in _signature_findings(s, acts)]


def verify_contents() -> list[Finding]:
    """Every amendment's content against its stored hash and its saved version's."""
    query = (
        select(Amendment, Article.number, Revision.content_hash)
        .join(Article, Article.id == Amendment.article_id)
        .outerjoin(
            Revision,
            (Revision.amendment_id == Amendment.id) & (Revision.version == Amendment.version),
        )
        .order_by(Amendment.id)
    )
    found = []
    for amendment, article, saved in db.session.execute(query):
        actual = content_hash(
            amendment.text_id,
            amendment.position_kind,
            article,
            amendment.alinea,
            amendment.dispositif,
            amendment.expose,
        )
        if actual != amendment.content_hash or (saved is not None and saved != actual):
            state = f"{amendment.state}, version {amendment.version}"
            found.append(
                Finding(f"amendment {amendment.id} ({state})", "content changed outside a version")
            )
    return found


def verify_everything() -> tuple[list[journal.Breach], list[Finding]]:
    """The journal's chains, then the signatures and contents it vouches for."""
    return journal.verify_all(), verify_signatures() + verify_contents()
