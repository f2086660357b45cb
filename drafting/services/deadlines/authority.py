"""Setting deadlines: the text's filing deadline override and reopenings, each group's internal
deadlines, each change journalled with who and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from drafting.errors import Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import (
    Article,
    Group,
    GroupDeadline,
    LegislativeText,
    Reopening,
    Role,
    User,
)
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_manage_group_deadlines, can_set_filing_deadlines
from drafting.services import journal, notifications, texts
from drafting.services.content import clean_text
from drafting.services.deadlines.binding import group_deadline
from workflows import deadlines
from workflows.deadlines import format_paris, validate_group_deadlines

MAX_REASON_CHARS = 2_000


def _lock_text(text_id: int) -> LegislativeText:
    """The text with a row lock, so its journal chain and deadlines change one at a time."""
    query = select(LegislativeText).where(LegislativeText.id == text_id).with_for_update()
    text = db.session.scalar(query.execution_options(populate_existing=True))
    if text is None:
        raise NotFound("Texte inconnu.")
    return text


def _reason(reason: str | None) -> str:
    cleaned = clean_text(reason or "", field="reason", max_chars=MAX_REASON_CHARS)
    if not cleaned:
        raise Invalid("Indiquez le motif.", fields={"reason": "obligatoire"})
    return cleaned


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


FORBIDDEN_FILING = (
    "Le délai de dépôt est celui de l'Assemblée, commun à tous les groupes : seul un "
    "administrateur l'enregistre."
)


def _groups_after(text: LegislativeText) -> list[str]:
    """The groups whose internal deadlines now fall on or after the filing deadline."""
    if text.filing_deadline is None:
        return []
    late = (GroupDeadline.review_by >= text.filing_deadline) | (
        GroupDeadline.cosign_by >= text.filing_deadline
    )
    query = select(Group.code).join(GroupDeadline, GroupDeadline.group_id == Group.id)
    return list(db.session.scalars(query.where(GroupDeadline.text_id == text.id, late)))


def _tell_secretariats(text: LegislativeText, message: str, event_id: int, now: datetime) -> None:
    """Every group's secretariat hears of a change to the text's filing deadline."""
    staff = db.session.scalars(
        select(User).where(User.role == Role.SECRETARIAT, User.active.is_(True))
    )
    notifications.notify(
        list(staff),
        "filing_deadline_changed",
        key=f"text-deadline:{event_id}",
        message=message,
        now=now,
        text_id=text.id,
    )


Change = tuple[datetime | None, str | None]  # (the deadline, its rule)


def _change_filing_deadline(
    actor: User,
    text: LegislativeText,
    change: Change,
    reason: str,
    now: datetime,
) -> None:
    """Move the filing deadline (to `change` = (when, rule)), journal who and why, tell every
    group's secretariat, and flag the groups whose deadlines now fall after it."""
    before = {"filing_deadline": _iso(text.filing_deadline), "rule": text.filing_deadline_rule}
    text.filing_deadline, text.filing_deadline_rule = change
    text.filing_deadline_reason = reason
    late = _groups_after(text)
    restored = change[1] != "override"
    kind = EventKind.FILING_DEADLINE_RESTORED if restored else EventKind.FILING_DEADLINE_OVERRIDDEN
    data: dict[str, Any] = {
        "filing_deadline": _iso(change[0]),
        "reason": reason,
        "previous": before,
    }
    if late and not restored:
        data["groups_after"] = late
    event = journal.record(kind, now=now, actor=actor, text_id=text.id, data=data)
    when = format_paris(change[0]) if change[0] else "sans date"
    message = (
        f"Délai de dépôt du texte n° {text.number} : {when}, fixé par {actor.display_name} "
        f"({reason})."
    )
    if late:
        message += f" Dates limites de groupe désormais postérieures : {', '.join(late)}."
    _tell_secretariats(text, message, event.id, now)


def set_filing_deadline_override(
    actor: User, text_id: int, when: datetime, reason: str | None, now: datetime
) -> LegislativeText:
    """Record a decision moving the filing deadline (Conférence des présidents, chair)."""
    if not can_set_filing_deadlines(actor):
        raise Forbidden(FORBIDDEN_FILING)
    text = _lock_text(text_id)
    _change_filing_deadline(actor, text, (when, "override"), _reason(reason), now)
    return text


def restore_filing_deadline_rule(
    actor: User, text_id: int, reason: str | None, now: datetime
) -> LegislativeText:
    """« Revenir à la règle »: the filing deadline the Règlement gives from the examination's
    start (none when the start is unknown)."""
    if not can_set_filing_deadlines(actor):
        raise Forbidden(FORBIDDEN_FILING)
    text = _lock_text(text_id)
    if text.examination_starts_at is None:
        change: Change = (None, None)
    else:
        computed = deadlines.filing_deadline(text.stage, text.examination_starts_at)
        change = (computed, deadlines.filing_deadline_rule(text.stage))
    _change_filing_deadline(actor, text, change, _reason(reason), now)
    return text


def add_reopening(
    actor: User,
    text_id: int,
    article_number: str,
    until: datetime,
    reason: str | None,
    now: datetime,
) -> Reopening:
    """Reopen the filing deadline for deputies on one article (after a late Government one)."""
    if not can_set_filing_deadlines(actor):
        raise Forbidden(FORBIDDEN_FILING)
    text = _lock_text(text_id)
    article = _article(text, article_number)
    cleaned = _reason(reason)
    if text.filing_deadline is not None and until <= text.filing_deadline:
        when = format_paris(text.filing_deadline)
        raise Invalid(
            "La réouverture doit finir après le délai de dépôt.",
            fields={"until": f"postérieur au délai de dépôt ({when})"},
        )
    reopening = Reopening(
        text_id=text.id,
        article_id=article.id,
        until=until,
        reason=cleaned,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(reopening)
    event = journal.record(
        EventKind.FILING_REOPENED,
        now=now,
        actor=actor,
        text_id=text.id,
        data={"article": article.number, "until": until.isoformat(), "reason": cleaned},
    )
    message = (
        f"Dépôt rouvert sur l'article {article.number} du texte n° {text.number} jusqu'au "
        f"{format_paris(until)}, par {actor.display_name} ({cleaned})."
    )
    _tell_secretariats(text, message, event.id, now)
    return reopening


def _article(text: LegislativeText, number: str) -> Article:
    found = texts.find_article(text, number or "")
    if found is None:
        raise Invalid(
            f"Le texte n° {text.number} n'a pas d'article « {number} ».",
            fields={"article": "article inconnu"},
        )
    return found


def _group(code: str) -> Group:
    group = db.session.scalar(select(Group).where(Group.code == (code or "").upper()))
    if group is None:
        raise NotFound("Groupe inconnu.")
    return group


def set_group_deadlines(
    actor: User,
    text_id: int,
    group_code: str,
    review_by: datetime | None,
    cosign_by: datetime | None,
    now: datetime,
) -> GroupDeadline:
    """Set a group's review and co-signature deadlines (that group's secretariat only)."""
    group = _group(group_code)
    if not can_manage_group_deadlines(actor, group.id):
        raise Forbidden("Seul le secrétariat du groupe fixe ses dates limites.")
    text = _lock_text(text_id)
    errors = validate_group_deadlines(review_by, cosign_by, text.filing_deadline)
    if errors:
        raise Invalid("Dates limites du groupe invalides.", fields=errors)
    row = group_deadline(text.id, group.id)
    if row is None:
        row = GroupDeadline(text_id=text.id, group_id=group.id)
        db.session.add(row)
    before = {"review_by": _iso(row.review_by), "cosign_by": _iso(row.cosign_by)}
    row.review_by, row.cosign_by, row.updated_at = review_by, cosign_by, now
    journal.record(
        EventKind.GROUP_DEADLINES_SET,
        now=now,
        actor=actor,
        text_id=text.id,
        data={
            "group": group.code,
            "review_by": _iso(review_by),
            "cosign_by": _iso(cosign_by),
            "previous": before,
        },
    )
    return row
