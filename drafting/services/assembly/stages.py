"""Successive stages of one bill: an amendment that fell in commission re-filed in séance.

The séance text follows the commission text (`texts.previous_id`). Re-filing makes a new draft
on the séance text, by the same author, with the same dispositif and exposé, at the article of
the same number (same alinéa when it still exists). When that article is not found by number,
an article with the same heading is taken and the move is flagged; when neither exists the
article went, and the re-filing is refused (409). The co-signatories of the fallen amendment
are invited again: a signature was consent to the other text, never carried over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from drafting.errors import Conflict, Forbidden, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Article, LegislativeText, Signature, Stage, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_draft_for, can_refile
from drafting.services import amendments, journal, texts
from drafting.services.cosigning import invitations


@dataclass
class Refiled:
    """The new draft, and what a person should check."""

    amendment: Amendment
    source: Amendment
    article_moved: bool  # the article was found by its heading, not its number
    alinea_dropped: bool  # the alinéa no longer exists in the séance text's article
    invited: list[int]  # the former co-signatories invited again


def seance_text_after(text: LegislativeText) -> LegislativeText | None:
    """The latest séance text that follows a commission text."""
    query = (
        select(LegislativeText)
        .where(LegislativeText.previous_id == text.id, LegislativeText.stage == Stage.SEANCE.value)
        .order_by(LegislativeText.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def refile_target(user: User, amendment: Amendment) -> LegislativeText | None:
    """The séance text `user` may re-file this amendment on now (None: no button)."""
    if not can_refile(user, amendment):
        return None
    return seance_text_after(amendment.text)


def refile_in_seance(
    actor: User, amendment_id: int, now: datetime, *, text_id: int | None = None
) -> Refiled:
    """Re-file in séance an amendment that fell in commission (see the module's docstring)."""
    source = amendments.get_visible_amendment(actor, amendment_id)
    if not can_draft_for(actor, source.author):
        raise Forbidden("Vous ne pouvez pas rédiger au nom de l'auteur de cet amendement.")
    if not can_refile(actor, source):
        raise Conflict(
            "Seul un amendement déposé en commission et non adopté se redépose en séance.",
            code="invalid_state",
        )
    target = _target(source, text_id)
    article, moved = _article(source.article, target)
    alinea = source.alinea if source.alinea and source.alinea <= len(article.alineas) else None
    position = amendments.PositionInput(source.position_kind, article.number, alinea)
    draft = amendments.Draft(
        target.id, position, source.dispositif, source.expose, source.author_id
    )
    created = amendments.create_amendment(actor, draft, now)
    journal.record(
        EventKind.REFILED,
        now=now,
        actor=actor,
        amendment_id=created.id,
        data={
            "from_amendment_id": source.id,
            "from_text_id": source.text_id,
            "from_number": source.number,
            "article_moved": moved,
        },
    )
    invited = _invite_again(actor, source, created, now)
    return Refiled(created, source, moved, source.alinea is not None and alinea is None, invited)


def _target(source: Amendment, text_id: int | None) -> LegislativeText:
    if text_id is not None:
        target = texts.get_text(text_id)
        if target.stage != Stage.SEANCE or target.previous_id != source.text_id:
            raise Conflict(
                "Ce texte n'est pas le texte de la séance qui suit celui de la commission.",
                code="invalid_stage",
            )
        return target
    found = seance_text_after(source.text)
    if found is None:
        raise NotFound("Aucun texte de la séance ne suit encore ce texte de la commission.")
    return texts.get_text(found.id)


def _article(article: Article, target: LegislativeText) -> tuple[Article, bool]:
    """The séance text's article of the same number; else of the same heading (moved)."""
    same = texts.find_article(target, article.number)
    if same is not None:
        return same, False
    heading = (article.heading or "").strip().casefold()
    moved = next(
        (a for a in target.articles if heading and (a.heading or "").strip().casefold() == heading),
        None,
    )
    if moved is None:
        raise Conflict(
            f"L'article {article.number} n'est plus dans le texte de la séance : choisissez "
            "une autre place en rédigeant un nouvel amendement.",
            code="article_gone",
        )
    return moved, True


def _invite_again(actor: User, source: Amendment, created: Amendment, now: datetime) -> list[int]:
    query = select(Signature.deputy_id).where(
        Signature.amendment_id == source.id,
        Signature.withdrawn_at.is_(None),
        Signature.voided_at.is_(None),
        Signature.deputy_id != source.author_id,
    )
    deputies = [d for d in db.session.scalars(query.order_by(Signature.first_signed_at))]
    active = [
        d.id
        for d in db.session.scalars(select(User).where(User.id.in_(deputies)))
        if d.active and d.role == "deputy"
    ]
    if active:
        invitations.invite(actor, created.id, active, now)
    return active
