"""Sub-amendments (sous-amendements): drafted on an amendment one may see, once it is settled;
their alinéas are the paragraphs of the parent's dispositif. They follow the same review and
co-signature workflow, are not bound by the filing deadline (Règlement de l'Assemblée
nationale, art. 99: `services/deadlines/binding.py`), and come right after their parent in the
order of discussion and in the liasse (`workflows.discussion_order.subs_after_parents`)."""

from __future__ import annotations

from sqlalchemy import select

from drafting.errors import Conflict, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Article, User
from drafting.permissions import can_sub_amend, visible_amendments_clause
from workflows.legistique import split_alineas

STATE_NAMES = {"draft": "brouillon", "in_review": "en relecture", "abandoned": "abandonné"}


def parent_for(actor: User, text_id: int, parent_id: int | None) -> Amendment | None:
    """The amendment a new sub-amendment amends: visible (404), of the same text, not itself a
    sub-amendment (422), settled (409)."""
    if parent_id is None:
        return None
    query = select(Amendment).where(Amendment.id == parent_id, visible_amendments_clause(actor))
    parent = db.session.scalar(query)
    if parent is None:
        raise NotFound("Amendement sous-amendé inconnu.")
    if parent.text_id != text_id:
        raise Invalid(
            "L'amendement sous-amendé porte sur un autre texte.",
            fields={"parent_id": "amendement d'un autre texte"},
        )
    if parent.parent_id is not None:
        raise Invalid(
            "Un sous-amendement ne se sous-amende pas.",
            fields={"parent_id": "c'est un sous-amendement"},
        )
    if not can_sub_amend(actor, parent):
        state = STATE_NAMES.get(parent.state, parent.state)
        raise Conflict(
            f"L'amendement est à l'état « {state} » : on ne sous-amende qu'un amendement ouvert "
            "à la cosignature, clos ou déposé.",
            code="invalid_state",
        )
    return parent


def resolve_position(parent: Amendment, alinea: int | None, article: Article) -> Article:
    """A sub-amendment is on its parent's article; its alinéa is a paragraph of the parent."""
    if article.id != parent.article_id:
        raise Invalid(
            "Un sous-amendement porte sur l'article de l'amendement qu'il modifie.",
            fields={"position.article": f"article {parent.article.number}"},
        )
    count = len(split_alineas(parent.dispositif))
    if alinea is not None and not 1 <= alinea <= count:
        raise Invalid(
            "Paragraphe invalide.",
            fields={"position.alinea": f"paragraphe absent de l'amendement (1 à {count})"},
        )
    return article


def sub_amendments_of(viewer: User, parent: Amendment) -> list[Amendment]:
    """The sub-amendments of an amendment that `viewer` may see, oldest first."""
    query = (
        select(Amendment)
        .where(Amendment.parent_id == parent.id, visible_amendments_clause(viewer))
        .order_by(Amendment.id)
    )
    return list(db.session.scalars(query))
