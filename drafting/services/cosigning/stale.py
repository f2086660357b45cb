"""Stale signatures: when the text of an open amendment changes, the signatures given on the
earlier text are kept but no longer counted. Each such signatory is told once per version, and
sees exactly what changed since they signed (a word diff) before re-confirming."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from drafting.errors import NotFound
from drafting.extensions import db
from drafting.models import Amendment, Revision, Signature
from drafting.services import notifications
from drafting.services.workflow.notices import POSITIONS, amendment_label
from workflows.textdiff import word_diff

Segments = list[tuple[str, str]]


def stale_signatures(amendment: Amendment) -> list[Signature]:
    """Active signatures (neither withdrawn nor voided) given on another text, deputies loaded."""
    query = (
        select(Signature)
        .where(
            Signature.amendment_id == amendment.id,
            Signature.withdrawn_at.is_(None),
            Signature.voided_at.is_(None),
            Signature.content_hash != amendment.content_hash,
        )
        .options(joinedload(Signature.deputy))
        .order_by(Signature.first_signed_at, Signature.id)
    )
    return list(db.session.scalars(query))


def notify_stale_signatories(amendment: Amendment, now: datetime) -> int:
    """Tell each active signatory whose text changed to re-confirm (once per version)."""
    stale = stale_signatures(amendment)
    message = (
        f"Le texte de {amendment_label(amendment)} a changé (version {amendment.version}) : "
        "votre signature est à reconfirmer."
    )
    for signature in stale:
        notifications.notify(
            [signature.deputy],
            "signature_stale",
            key=f"stale:{amendment.id}:{amendment.version}:{signature.deputy_id}",
            message=message,
            now=now,
            amendment=amendment,
        )
    return len(stale)


def _position_label(kind: str, article: str, alinea: int | None) -> str:
    suffix = f", alinéa {alinea}" if alinea else ""
    return f"{POSITIONS.get(kind, kind)} {article}{suffix}"


def changes_since_signed(signature: Signature, amendment: Amendment) -> dict[str, Segments]:
    """Word diffs of the position, dispositif and exposé between the signed and current text."""
    query = select(Revision).where(
        Revision.amendment_id == amendment.id, Revision.version == signature.version
    )
    signed = db.session.scalar(query)
    if signed is None:  # pragma: no cover - every version has its revision
        raise NotFound("Version signée introuvable.")
    return {
        "position": word_diff(
            _position_label(signed.position_kind, signed.article_number, signed.alinea),
            _position_label(amendment.position_kind, amendment.article.number, amendment.alinea),
        ),
        "dispositif": word_diff(signed.dispositif, amendment.dispositif),
        "expose": word_diff(signed.expose, amendment.expose),
    }
