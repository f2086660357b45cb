"""Importing deputies and political groups from the Assembly's open data (AMO acteur/organe).

Groups are matched by the Assembly's organe id, then by code (the Assembly's abbreviation or its
short label: a group created by hand as "UDR" is the Assembly's "UDDPLR"). Deputies are matched
by the Assembly's actor id, then by e-mail; names are kept apart (civility, first name, last name
with its particle). Memberships are kept with their dates; the current group is the one of today
(none: non-attached). An import sets no password: a new account gets a welcome link to choose
one. Everything is one transaction: an unknown current group refuses the whole import.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from drafting.errors import Conflict, Forbidden, Invalid
from drafting.extensions import db
from drafting.models import Group, GroupMembership, Role, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import is_admin
from drafting.services import journal
from drafting.services.accounts import passwords, welcome
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.people import (
    Membership,
    ParsedDeputy,
    ParsedGroup,
    ParsedPeople,
    parse_people_files,
)
from workflows.deadlines import PARIS

NO_MAIL_DOMAIN = "deputes.invalid"  # accounts of deputies the open data gives no address for


@dataclass
class PeopleSummary:
    """What an import did."""

    deputies_created: int = 0
    deputies_updated: int = 0
    deputies_unchanged: int = 0
    groups_created: int = 0
    groups_updated: int = 0
    invitations: int = 0
    without_email: list[str] = field(default_factory=list)  # "PA…: M. X" (no welcome sent)

    def lines(self) -> list[str]:
        """The summary in French, one fact a line."""
        lines = [
            f"Députés créés : {self.deputies_created}, mis à jour : {self.deputies_updated}, "
            f"inchangés : {self.deputies_unchanged}.",
            f"Groupes créés : {self.groups_created}, mis à jour : {self.groups_updated}.",
            f"Invitations à choisir un mot de passe : {self.invitations}.",
        ]
        if self.without_email:
            missing = ", ".join(self.without_email)
            lines.append(f"Sans adresse électronique (aucune invitation) : {missing}.")
        return lines


def check_actor(actor: User | None) -> None:
    """Admins import people (None: the operator at the console)."""
    if actor is not None and not is_admin(actor):
        raise Forbidden("Seuls les administrateurs importent les députés et les groupes.")


def import_files(
    actor: User | None, items: Iterable[tuple[str, bytes]], now: datetime, *, source: str
) -> PeopleSummary:
    """Read AMO files (a SourceError becomes a 422 naming the file) and import them."""
    check_actor(actor)
    try:
        parsed = parse_people_files(items)
    except SourceError as exc:
        raise Invalid(
            exc.message, code="unreadable_source", fields={"source": exc.message}
        ) from exc
    return import_people(actor, parsed, now, source=source)


def import_people(
    actor: User | None, people: ParsedPeople, now: datetime, *, source: str, invite: bool = True
) -> PeopleSummary:
    """Create or update the groups and deputies read from the Assembly (admins; None: console).
    `invite` False sends no welcome link (the demo sets its accounts' password itself)."""
    check_actor(actor)
    summary = PeopleSummary()
    today = now.astimezone(PARIS).date()
    groups = _import_groups(people.groups, summary)
    non_attached = {g.assembly_id for g in people.groups if g.non_attached}
    _check_current_groups(people.deputies, groups, non_attached, today)
    for deputy in people.deputies:
        _import_deputy(deputy, groups, non_attached, today, now, summary, invite)
    db.session.flush()
    journal.record(
        EventKind.PEOPLE_IMPORTED,
        now=now,
        actor=actor,
        data={
            "source": source[:300],
            "deputies_created": summary.deputies_created,
            "deputies_updated": summary.deputies_updated,
            "groups_created": summary.groups_created,
            "groups_updated": summary.groups_updated,
        },
    )
    return summary


# --- groups ------------------------------------------------------------------------------------


def _import_groups(parsed: Iterable[ParsedGroup], summary: PeopleSummary) -> dict[str, Group]:
    """The groups by the Assembly's organe id, created or updated (existing ones included)."""
    by_ref = {g.assembly_id: g for g in db.session.scalars(select(Group)) if g.assembly_id}
    for item in parsed:
        if item.non_attached or not item.assembly_id:
            continue
        group = by_ref.get(item.assembly_id) or _group_by_code(item)
        if group is None:
            group = Group(code=_free_code(item), name=item.name or item.short_label)
            db.session.add(group)
            summary.groups_created += 1
        elif (group.assembly_id, group.name) != (item.assembly_id, item.name or group.name):
            summary.groups_updated += 1
        group.assembly_id, group.name = item.assembly_id, item.name or group.name
        by_ref[item.assembly_id] = group
    db.session.flush()
    return by_ref


def _group_by_code(item: ParsedGroup) -> Group | None:
    """A group created by hand under the Assembly's abbreviation or its short label."""
    codes = {c.strip().upper() for c in (item.code, item.short_label) if c and c.strip()}
    if not codes:
        return None
    query = select(Group).where(Group.code.in_(codes), Group.assembly_id.is_(None))
    return db.session.scalars(query).first()


def _free_code(item: ParsedGroup) -> str:
    code = (item.code or item.short_label or item.assembly_id).strip().upper()[:32]
    taken = db.session.scalar(select(Group.id).where(Group.code == code))
    return code if taken is None else item.assembly_id


# --- deputies ----------------------------------------------------------------------------------


def _check_current_groups(
    deputies: Iterable[ParsedDeputy], groups: dict[str, Group], non_attached: set[str], today: date
) -> None:
    """Refuse the whole import when a deputy's group of today is neither read nor known."""
    unknown = sorted(
        {
            f"{deputy.assembly_id} → {ref}"
            for deputy in deputies
            if (ref := deputy.group_on(today)) and ref not in groups and ref not in non_attached
        }
    )
    if unknown:
        raise Invalid(
            "Groupe politique inconnu : importez aussi les organes (dossier json/organe) de "
            f"ces groupes ({', '.join(unknown[:10])}).",
            code="unknown_group",
            fields={"groups": ", ".join(unknown[:10])},
        )


def _import_deputy(
    parsed: ParsedDeputy,
    groups: dict[str, Group],
    non_attached: set[str],
    today: date,
    now: datetime,
    summary: PeopleSummary,
    invite: bool,
) -> None:
    user = _find_account(parsed)
    group = _current_group(parsed, groups, today)
    if user is None:
        user = _create_account(parsed, group, now, summary, invite)
    else:
        _update_account(user, parsed, group, summary)
    _replace_memberships(user, parsed.memberships, groups, non_attached)


def _find_account(parsed: ParsedDeputy) -> User | None:
    user = db.session.scalar(select(User).where(User.assembly_id == parsed.assembly_id))
    if user is None and parsed.email:
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == parsed.email.strip().lower())
        )
        if user is not None and user.assembly_id not in (None, parsed.assembly_id):
            raise Conflict(
                f"L'adresse {parsed.email} est celle d'un autre député ({user.assembly_id}).",
                code="exists",
                fields={"email": parsed.email},
            )
    return user


def _current_group(parsed: ParsedDeputy, groups: dict[str, Group], today: date) -> Group | None:
    ref = parsed.group_on(today)
    return groups.get(ref) if ref else None


def _full_name(parsed: ParsedDeputy) -> str:
    return " ".join(n for n in (parsed.first_name, parsed.last_name) if n) or parsed.assembly_id


def _create_account(
    parsed: ParsedDeputy, group: Group | None, now: datetime, summary: PeopleSummary, invite: bool
) -> User:
    email = (parsed.email or f"{parsed.assembly_id.lower()}@{NO_MAIL_DOMAIN}").strip().lower()
    user = User(
        email=email,
        name=_full_name(parsed),
        first_name=parsed.first_name,
        last_name=parsed.last_name,
        civility=parsed.civility if parsed.civility in ("M.", "Mme") else "M.",
        role=Role.DEPUTY.value,
        group=group,
        assembly_id=parsed.assembly_id,
        password_hash=passwords.unusable_password(),
        calendar_token=secrets.token_urlsafe(24),
        created_at=now,
        password_changed_at=now,
    )
    db.session.add(user)
    db.session.flush()
    summary.deputies_created += 1
    if parsed.email and invite:
        welcome.invite(user, now)
        summary.invitations += 1
    elif not parsed.email:
        summary.without_email.append(f"{parsed.assembly_id} : {user.civility} {user.name}")
    return user


def _update_account(
    user: User, parsed: ParsedDeputy, group: Group | None, summary: PeopleSummary
) -> None:
    values: dict[str, object] = {
        "assembly_id": parsed.assembly_id,
        "first_name": parsed.first_name or user.first_name,
        "last_name": parsed.last_name or user.last_name,
        "name": _full_name(parsed),
        "civility": parsed.civility if parsed.civility in ("M.", "Mme") else user.civility,
    }
    if user.role == Role.DEPUTY and parsed.memberships:
        values["group_id"] = group.id if group is not None else None
    changed = {k: v for k, v in values.items() if getattr(user, k) != v}
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        summary.deputies_updated += 1
    else:
        summary.deputies_unchanged += 1


def _replace_memberships(
    user: User,
    memberships: tuple[Membership, ...],
    groups: dict[str, Group],
    non_attached: set[str],
) -> None:
    """The deputy's memberships as read (those of groups neither read nor known are left out,
    except non-attachment, which is no group)."""
    wanted = {
        (
            None if m.non_attached or m.organe_id in non_attached else groups[m.organe_id].id,
            m.start,
            m.end,
        )
        for m in memberships
        if m.non_attached or m.organe_id in non_attached or m.organe_id in groups
    }
    rows = db.session.scalars(select(GroupMembership).where(GroupMembership.user_id == user.id))
    existing = {(r.group_id, r.starts_on, r.ends_on): r for r in rows}
    for key, row in existing.items():
        if key not in wanted:
            db.session.delete(row)
    for group_id, start, end in wanted - set(existing):
        db.session.add(
            GroupMembership(user_id=user.id, group_id=group_id, starts_on=start, ends_on=end)
        )


def set_printed_mention(actor: User | None, code: str, mention: str | None) -> Group:
    """What the sheet prints after « et les membres du groupe » (None: the group's name)."""
    if actor is not None and not is_admin(actor):
        raise Forbidden("Seuls les administrateurs configurent les groupes.")
    group = db.session.scalar(select(Group).where(Group.code == code.strip().upper()))
    if group is None:
        raise Invalid(f"Groupe inconnu : {code}", fields={"code": "groupe inconnu"})
    group.printed_mention = " ".join((mention or "").split())[:200] or None
    db.session.flush()
    return group
