"""Who may do what: roles and can_*/is_* predicates, shared by services, views and templates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from drafting.models import Amendment, Invitation, Person, Role, Signature, User
from workflows.review import Action, Actor, State, available_actions, can_edit_content

SHARED_STATES = (State.OPEN.value, State.READY.value, State.ABANDONED.value)


def in_group(user: Person, group_id: int | None) -> bool:
    """Whether `user` belongs to the group `group_id` (no group matches no one)."""
    return user.group_id is not None and user.group_id == group_id


def actors_for(user: User, amendment: Amendment) -> frozenset[Actor]:
    """The capacities in which `user` acts on `amendment` (author, assistant, secretariat)."""
    actors: set[Actor] = set()
    if user.id == amendment.author_id:
        actors.add(Actor.AUTHOR)
    if user.role == Role.ASSISTANT and user.deputy_id == amendment.author_id:
        actors.add(Actor.ASSISTANT)
    if user.role == Role.SECRETARIAT and user.group_id and user.group_id == amendment.group_id:
        actors.add(Actor.SECRETARIAT)
    return frozenset(actors)


def is_insider(user: User, amendment: Amendment) -> bool:
    """Author, the author's assistants, the group secretariat or an admin."""
    return user.role == Role.ADMIN or bool(actors_for(user, amendment))


def can_view_amendment(
    user: User, amendment: Amendment, *, invited: bool = False, signed: bool = False
) -> bool:
    """Drafts are confidential; shared states are seen by the group and invitees; filed by all."""
    if amendment.state == State.FILED or is_insider(user, amendment):
        return True
    if amendment.state not in SHARED_STATES:
        return False
    same_group = in_group(user, amendment.group_id)
    return same_group or invited or signed


def visible_amendments_clause(user: User, amendment: Any = Amendment) -> ColumnElement[bool]:
    """SQL version of can_view_amendment, for lists (`amendment`: the entity or an alias of it)."""
    if user.role == Role.ADMIN:
        return true()
    clauses: list[ColumnElement[bool]] = [
        amendment.state == State.FILED.value,
        amendment.author_id == user.id,
    ]
    if user.role == Role.ASSISTANT and user.deputy_id:
        clauses.append(amendment.author_id == user.deputy_id)
    if user.role == Role.SECRETARIAT and user.group_id:
        clauses.append(amendment.group_id == user.group_id)
    shared = or_(
        amendment.group_id == user.group_id if user.group_id else false(),
        exists(
            select(Invitation.id).where(
                Invitation.amendment_id == amendment.id, Invitation.deputy_id == user.id
            )
        ),
        exists(
            select(Signature.id).where(
                Signature.amendment_id == amendment.id, Signature.deputy_id == user.id
            )
        ),
    )
    clauses.append(and_(amendment.state.in_(SHARED_STATES), shared))
    return or_(*clauses)


def can_draft_for(user: User, author: User) -> bool:
    """Deputies draft for themselves, assistants for their deputy, secretariats for their group."""
    if author.role != Role.DEPUTY or not author.active:
        return False
    if user.role == Role.DEPUTY:
        return user.id == author.id
    if user.role == Role.ASSISTANT:
        return user.deputy_id == author.id
    if user.role == Role.SECRETARIAT:
        return in_group(user, author.group_id)
    return False


def can_draft_on_text(user: Person) -> bool:
    """Who may draft on a text (texts belong to no group): a deputy, an assistant working for a
    deputy, a group's secretariat; the same people the dispositif generator and applier serve."""
    if user.role == Role.DEPUTY:
        return True
    if user.role == Role.ASSISTANT:
        return user.deputy_id is not None
    return user.role == Role.SECRETARIAT and user.group_id is not None


SUB_AMENDABLE_STATES = (State.OPEN.value, State.READY.value, State.FILED.value)


def can_sub_amend(user: Person, parent: Amendment) -> bool:
    """Who may draft a sub-amendment on an amendment they see: anyone who may draft, once the
    amendment is settled (open to co-signature, closed or filed); a sub-amendment is not
    sub-amended itself."""
    return (
        can_draft_on_text(user)
        and parent.parent_id is None
        and parent.state in SUB_AMENDABLE_STATES
    )


def can_edit_amendment(user: User, amendment: Amendment) -> bool:
    """Content edits depend on the state and the actor (see workflows.review.EDITORS)."""
    return can_edit_content(State(amendment.state), actors_for(user, amendment))


def can_transition(user: User, amendment: Amendment) -> list[Action]:
    """The workflow actions `user` may take now (for buttons)."""
    return available_actions(State(amendment.state), actors_for(user, amendment))


def can_comment(user: User, amendment: Amendment) -> bool:
    """Insiders (author, assistants, group secretariat, admin) comment on the timeline."""
    return is_insider(user, amendment)


def can_mark_group_amendment(user: User, amendment: Amendment) -> bool:
    """The group secretariat marks an unfiled amendment as presented with the whole group."""
    return Actor.SECRETARIAT in actors_for(user, amendment) and amendment.state not in (
        State.FILED,
        State.ABANDONED,
    )


class Signable(Protocol):
    """What the co-signing rule reads of an amendment: a mapped `Amendment`, or the row that
    signing reads under its lock (`services.cosigning.fast_path.LockedAmendment`)."""

    @property
    def author_id(self) -> int: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def state(self) -> str: ...


class Invited(Protocol):
    """What the co-signing rule reads of an invitation: whether it was declined."""

    @property
    def declined_at(self) -> datetime | None: ...


class CannotSign(StrEnum):
    """Why a user may not co-sign an amendment now."""

    NOT_A_DEPUTY = "not_a_deputy"
    AUTHOR = "author"
    NOT_OPEN = "not_open"
    DECLINED = "declined"
    NOT_INVITED = "not_invited"


def signing_refusal(
    user: Person, amendment: Signable, invitation: Invited | None
) -> CannotSign | None:
    """The one rule of who may co-sign (None: they may): a deputy other than the author, of the
    author's group or invited and not declined, while the amendment is open. Every path asks it:
    signing (alone or in bulk), the consent page and the "À signer" list."""
    if user.role != Role.DEPUTY:
        return CannotSign.NOT_A_DEPUTY
    if user.id == amendment.author_id:
        return CannotSign.AUTHOR
    if amendment.state != State.OPEN:
        return CannotSign.NOT_OPEN
    if in_group(user, amendment.group_id):
        return None
    if invitation is None:
        return CannotSign.NOT_INVITED
    return CannotSign.DECLINED if invitation.declined_at is not None else None


def can_sign(user: Person, amendment: Signable, invitation: Invited | None = None) -> bool:
    """Whether `user` may co-sign `amendment` now (`signing_refusal` says why not)."""
    return signing_refusal(user, amendment, invitation) is None


def can_give_filing_consent(user: User, amendment: Amendment) -> bool:
    """The author alone gives the « bon à déposer » of an amendment not yet filed."""
    unfiled = (State.DRAFT, State.IN_REVIEW, State.OPEN, State.READY)
    return user.id == amendment.author_id and amendment.state in unfiled


def can_invite(user: User, amendment: Amendment) -> bool:
    """The author, their assistant or the group secretariat invite co-signatories."""
    return bool(actors_for(user, amendment)) and amendment.state in (
        State.DRAFT,
        State.IN_REVIEW,
        State.OPEN,
    )


def can_void_signature(user: User, amendment: Amendment) -> bool:
    """Only the group secretariat voids a signature added in error."""
    return Actor.SECRETARIAT in actors_for(user, amendment)


def can_view_reads(user: User, amendment: Amendment) -> bool:
    """The author, the author's assistants and the group secretariat see who read a draft."""
    return bool(actors_for(user, amendment))


def can_follow_signatures(user: User, amendment: Amendment) -> bool:
    """Insiders (author, assistants, group secretariat, admin) see who has not signed and
    remind them."""
    return is_insider(user, amendment)


def can_follow_group_signatures(user: User, group_id: int | None) -> bool:
    """A group's secretariat (and admins) follow what each deputy of the group has to sign."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SECRETARIAT and group_id is not None and user.group_id == group_id


def can_reset_second_factor(user: User) -> bool:
    """Admins reset a deputy's lost second factor."""
    return user.role == Role.ADMIN


def can_refile(user: User, amendment: Amendment) -> bool:
    """Who may re-file in séance an amendment that fell in commission (filed, not adopted): those
    who may draft for its author (the séance text must exist too: the service checks it)."""
    fell = (
        amendment.text.stage == "commission"
        and amendment.state == State.FILED
        and amendment.outcome is not None
        and amendment.outcome != "adopte"
    )
    return fell and can_draft_for(user, amendment.author)


def can_manage_texts(user: User) -> bool:
    """Secretariats and admins load texts."""
    return user.role in (Role.SECRETARIAT, Role.ADMIN)


def can_set_filing_deadlines(user: User) -> bool:
    """The text's filing deadline, its overrides and reopenings are the Assembly's decision,
    shared by every group: entered once, by an admin."""
    return user.role == Role.ADMIN


def can_manage_group_deadlines(user: User, group_id: int) -> bool:
    """A group's secretariat sets that group's internal deadlines."""
    return user.role == Role.SECRETARIAT and user.group_id == group_id


def can_export_liasse(user: User) -> bool:
    """Secretariats and admins export the liasse of a text (what they may see of it)."""
    return user.role in (Role.SECRETARIAT, Role.ADMIN)


def is_admin(user: User) -> bool:
    """Admins manage accounts and groups."""
    return user.role == Role.ADMIN
