"""Drafting amendments: create, edit with optimistic locking, read and list what one may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import (
    Amendment,
    Article,
    Invitation,
    PositionKind,
    Revision,
    Role,
    Signature,
    User,
)
from drafting.models.event_kinds import EventKind
from drafting.permissions import (
    actors_for,
    can_draft_for,
    can_edit_amendment,
    can_view_amendment,
)
from drafting.services import journal, notifications, ordering, texts
from drafting.services.content import clean_text, content_hash
from drafting.services.cosigning import stale
from drafting.services.legistique import checks, identity, sub_amendments
from drafting.services.listing import ListFilter, list_amendments  # noqa: F401 (moved)
from drafting.services.workflow import notices
from workflows.review import State
from workflows.textdiff import word_diff


@dataclass
class PositionInput:
    """Where the amendment applies: an article, or before/after it; optionally an alinéa."""

    kind: str
    article: str
    alinea: int | None = None


@dataclass
class Draft:
    """Content of a new amendment."""

    text_id: int
    position: PositionInput
    dispositif: str
    expose: str = ""
    author_id: int | None = None
    parent_id: int | None = None  # a sub-amendment: the amendment it amends


@dataclass
class Edit:
    """A change to an amendment made from `version`."""

    version: int
    dispositif: str | None = None
    expose: str | None = None
    position: PositionInput | None = None


def _resolve_position(
    text_id: int, position: PositionInput, parent: Amendment | None = None
) -> Article:
    fields: dict[str, str] = {}
    if position.kind not in {k.value for k in PositionKind}:
        raise Invalid("Position invalide.", fields={"position.kind": "kind inconnu"})
    article = texts.article_of(text_id, position.article)
    if article is None:
        raise Invalid("Article inconnu.", fields={"position.article": "article absent du texte"})
    if parent is not None:
        return sub_amendments.resolve_position(parent, position.alinea, article)
    if position.alinea is not None:
        if position.kind != PositionKind.ARTICLE:
            fields["position.alinea"] = "un alinéa ne vaut que pour un article existant"
        elif not 1 <= position.alinea <= len(article.alineas):
            fields["position.alinea"] = f"alinéa absent (1 à {len(article.alineas)})"
    if fields:
        raise Invalid("Alinéa invalide.", fields=fields)
    return article


def _clean_content(dispositif: str, expose: str) -> tuple[str, str]:
    dispositif = clean_text(dispositif, field="dispositif")
    expose = clean_text(expose, field="expose")
    if not dispositif:
        raise Invalid("Le dispositif est obligatoire.", fields={"dispositif": "obligatoire"})
    return dispositif, expose


def _author_for(actor: User, author_id: int | None) -> User:
    if author_id is None:
        if actor.role == Role.DEPUTY:
            return actor
        if actor.role == Role.ASSISTANT and actor.deputy is not None:
            return actor.deputy
        raise Invalid("Indiquez le député auteur.", fields={"author_id": "obligatoire"})
    author = db.session.get(User, author_id)
    if author is None or author.role != Role.DEPUTY:
        raise Invalid("Auteur inconnu.", fields={"author_id": "député inconnu"})
    return author


def _snapshot(amendment: Amendment, actor: User, now: datetime) -> Revision:
    revision = Revision(
        amendment_id=amendment.id,
        version=amendment.version,
        position_kind=amendment.position_kind,
        article_number=amendment.article.number,
        alinea=amendment.alinea,
        dispositif=amendment.dispositif,
        expose=amendment.expose,
        content_hash=amendment.content_hash,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(revision)
    return revision


DIFFED = ("dispositif", "expose")


def text_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The word diffs of the texts an edit changed (computed once, kept with the version)."""
    return {k: word_diff(str(old[k]), str(new[k])) for k in DIFFED if k in old and k in new}


def revision_changes(amendment_id: int) -> dict[int, dict[str, Any]]:
    """{version: changes} of an amendment's saved versions that keep them (one query)."""
    query = select(Revision.version, Revision.changes).where(
        Revision.amendment_id == amendment_id, Revision.changes.is_not(None)
    )
    return {row.version: row.changes for row in db.session.execute(query)}


def _rehash(amendment: Amendment) -> None:
    amendment.content_hash = content_hash(
        amendment.text_id,
        amendment.position_kind,
        amendment.article.number,
        amendment.alinea,
        amendment.dispositif,
        amendment.expose,
    )


def _target_alineas(amendment: Amendment) -> list[str] | None:
    """What the content being saved amends, read without flushing it half-done (the findings
    and the digest go in the same UPDATE as the content)."""
    with db.session.no_autoflush:
        return checks.target_alineas(amendment)


def on_behalf_of(actor: User, amendment: Amendment) -> User | None:
    """The deputy an assistant acts for, recorded in the journal."""
    if actor.role == Role.ASSISTANT and actor.deputy_id == amendment.author_id:
        return amendment.author
    return None


def create_amendment(actor: User, draft: Draft, now: datetime) -> Amendment:
    """Create a draft (version 1) with its first revision and journal event."""
    if actor.role not in (Role.DEPUTY, Role.ASSISTANT, Role.SECRETARIAT):
        raise Forbidden("Votre rôle ne permet pas de rédiger des amendements.")
    author = _author_for(actor, draft.author_id)
    if not can_draft_for(actor, author):
        raise Forbidden("Vous ne pouvez pas rédiger au nom de ce député.")
    parent = sub_amendments.parent_for(actor, draft.text_id, draft.parent_id)
    article = _resolve_position(draft.text_id, draft.position, parent)
    dispositif, expose = _clean_content(draft.dispositif, draft.expose)
    amendment = Amendment(
        text_id=draft.text_id,
        article=article,
        parent_id=parent.id if parent is not None else None,
        position_kind=parent.position_kind if parent is not None else draft.position.kind,
        alinea=draft.position.alinea,
        dispositif=dispositif,
        expose=expose,
        author=author,
        created_by=actor,
        group_id=author.group_id,
        state=State.DRAFT.value,
        version=1,
        created_at=now,
        updated_at=now,
    )
    _rehash(amendment)
    alineas = _target_alineas(amendment)
    checks.refresh(amendment, now, alineas)
    db.session.add(amendment)
    db.session.flush()
    ordering.derive(amendment)
    identity.remember_touches(amendment, alineas)
    _snapshot(amendment, actor, now)
    journal.record(
        EventKind.CREATED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        on_behalf_of=on_behalf_of(actor, amendment),
        to_state=amendment.state,
        data={"version": 1, "content_hash": amendment.content_hash},
    )
    return amendment


_LOCK = (
    select(Amendment)
    .where(Amendment.id == bindparam("amendment_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def lock_amendment(amendment_id: int) -> Amendment | None:
    """Load an amendment with a row lock (PostgreSQL) so concurrent actions serialise."""
    return db.session.scalar(_LOCK, {"amendment_id": amendment_id})


def _changes(amendment: Amendment, article: Article, edit: Edit, content: tuple[str, str]):
    old = {
        "position": position_json(amendment),
        "dispositif": amendment.dispositif,
        "expose": amendment.expose,
    }
    amendment.article = article
    if edit.position is not None:
        amendment.position_kind, amendment.alinea = edit.position.kind, edit.position.alinea
    amendment.dispositif, amendment.expose = content
    new = {
        "position": position_json(amendment),
        "dispositif": amendment.dispositif,
        "expose": amendment.expose,
    }
    return {k: old[k] for k in old if old[k] != new[k]}, {
        k: new[k] for k in new if old[k] != new[k]
    }


def update_amendment(actor: User, amendment_id: int, edit: Edit, now: datetime) -> Amendment:
    """Save a new version; refuse a save made from an older version (409)."""
    amendment = get_visible_amendment(actor, amendment_id, lock=True)
    if not can_edit_amendment(actor, amendment):
        _refuse_edit(actor, amendment)
    if edit.version != amendment.version:
        raise Conflict(
            f"Version périmée : vous modifiez la version {edit.version}, "
            f"la version actuelle est la {amendment.version}.",
            code="stale_version",
            fields={"version": f"version actuelle : {amendment.version}"},
        )
    article = amendment.article  # an edit of the content alone keeps the position as it is
    if edit.position is not None:
        article = _resolve_position(amendment.text_id, edit.position, amendment.parent)
        if amendment.parent is not None:
            edit.position.kind = amendment.parent.position_kind
    content = _clean_content(
        edit.dispositif if edit.dispositif is not None else amendment.dispositif,
        edit.expose if edit.expose is not None else amendment.expose,
    )
    old, new = _changes(amendment, article, edit, content)
    if not new:
        return amendment
    amendment.version += 1
    amendment.updated_at = now
    _rehash(amendment)
    ordering.derive(amendment)
    alineas = _target_alineas(amendment)
    checks.refresh(amendment, now, alineas)
    identity.remember_touches(amendment, alineas)
    _snapshot(amendment, actor, now).changes = text_changes(old, new)
    journal.record(
        EventKind.EDITED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        on_behalf_of=on_behalf_of(actor, amendment),
        data={
            "version": amendment.version,
            "old": old,
            "new": new,
            "content_hash": amendment.content_hash,
        },
    )
    if amendment.state == State.OPEN:
        stale.notify_stale_signatories(amendment, now)
        _tell_the_secretariat(actor, amendment, now)
    return amendment


def _tell_the_secretariat(actor: User, amendment: Amendment, now: datetime) -> None:
    """An edit after the group approved the amendment: its secretariat hears of it."""
    staff = [u for u in notices.secretariat_of(amendment) if u.id != actor.id]
    notifications.notify(
        staff,
        "edited_after_approval",
        key=f"edited-after-approval:{amendment.id}:{amendment.version}",
        message=f"{notices.amendment_label(amendment)} a été modifié après son approbation "
        f"(version {amendment.version}) par {actor.display_name}.",
        now=now,
        amendment=amendment,
    )


def _refuse_edit(actor: User, amendment: Amendment) -> None:
    if amendment.state in (State.READY, State.FILED, State.ABANDONED) and actors_for(
        actor, amendment
    ):
        raise Conflict(
            f"L'amendement est à l'état « {amendment.state} » : il ne peut plus être modifié.",
            code="invalid_state",
        )
    raise Forbidden("Vous ne pouvez pas modifier cet amendement à ce stade.")


def _viewer_links(user: User, amendment_id: int) -> tuple[bool, bool]:
    invited = db.session.scalar(
        select(Invitation.id).where(
            Invitation.amendment_id == amendment_id, Invitation.deputy_id == user.id
        )
    )
    signed = db.session.scalar(
        select(Signature.id).where(
            Signature.amendment_id == amendment_id, Signature.deputy_id == user.id
        )
    )
    return invited is not None, signed is not None


def get_visible_amendment(user: User, amendment_id: int, *, lock: bool = False) -> Amendment:
    """The amendment if `user` may see it; 404 otherwise (no existence leak)."""
    amendment = lock_amendment(amendment_id) if lock else db.session.get(Amendment, amendment_id)
    return visible_or_404(user, amendment)


def visible_or_404(user: User, amendment: Amendment | None) -> Amendment:
    """The loaded amendment if `user` may see it; 404 otherwise (no existence leak)."""
    if amendment is None:
        raise NotFound("Amendement inconnu.")
    if can_view_amendment(user, amendment):
        return amendment
    invited, signed = _viewer_links(user, amendment.id)
    if not can_view_amendment(user, amendment, invited=invited, signed=signed):
        raise NotFound("Amendement inconnu.")
    return amendment


def position_json(amendment: Amendment) -> dict[str, object]:
    """The position as the API shows it."""
    return {
        "kind": amendment.position_kind,
        "article": amendment.article.number,
        "alinea": amendment.alinea,
    }


def revisions(amendment_id: int) -> list[Revision]:
    """Every version of an amendment, oldest first."""
    query = select(Revision).where(Revision.amendment_id == amendment_id).order_by(Revision.version)
    return list(db.session.scalars(query))
