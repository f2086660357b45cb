"""Deadlines: enforcement for the other services, the secretariat's settings, who must act when.

The rules themselves (jours ouvrables, Paris time) live in the pure `workflows.deadlines`; this
module reads and writes the database: the text's filing deadline and its override, per-article
reopenings, and each group's internal review/co-signature deadlines.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TypeGuard

from sqlalchemy import bindparam, select

from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import (
    Amendment,
    Article,
    Group,
    GroupDeadline,
    LegislativeText,
    Reopening,
    User,
)
from drafting.permissions import can_manage_group_deadlines, can_manage_texts
from drafting.services import journal, texts
from drafting.services.content import clean_text
from drafting.services.deadline_queries import Deadline, user_deadlines
from workflows.deadlines import DeadlineSet, format_paris, validate_group_deadlines

MAX_REASON_CHARS = 2_000

__all__ = [
    "Deadline",
    "add_reopening",
    "assert_can_cosign",
    "assert_can_file",
    "assert_can_submit",
    "cosign_closed",
    "current_group_deadlines",
    "deadline_set",
    "group_deadline",
    "regenerate_calendar_token",
    "reopenings_of",
    "set_filing_deadline_override",
    "set_group_deadlines",
    "upcoming_deadlines",
]


# ----- reading -----


_GROUP_DEADLINE = select(GroupDeadline).where(
    GroupDeadline.text_id == bindparam("text_id"), GroupDeadline.group_id == bindparam("group_id")
)


def group_deadline(text_id: int, group_id: int | None) -> GroupDeadline | None:
    """The group's internal deadlines on a text, if its secretariat set any."""
    if group_id is None:
        return None
    return db.session.scalar(_GROUP_DEADLINE, {"text_id": text_id, "group_id": group_id})


def current_group_deadlines(
    text_id: int, group_code: str
) -> tuple[datetime | None, datetime | None]:
    """(review_by, cosign_by) of a group on a text, (None, None) when unset or unknown."""
    group = db.session.scalar(select(Group).where(Group.code == (group_code or "").upper()))
    row = group_deadline(text_id, group.id) if group is not None else None
    return (row.review_by, row.cosign_by) if row is not None else (None, None)


def reopenings_of(text_id: int) -> list[tuple[Reopening, str]]:
    """Every reopening of a text with its article number, in the order they were recorded."""
    query = (
        select(Reopening, Article.number)
        .join(Article, Article.id == Reopening.article_id)
        .where(Reopening.text_id == text_id)
        .order_by(Reopening.created_at, Reopening.id)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


def deadline_set(text: LegislativeText, group_id: int | None) -> DeadlineSet:
    """The deadlines binding a group's amendments on a text (rules applied by DeadlineSet)."""
    reopened: dict[str, datetime] = {}
    for reopening, article in reopenings_of(text.id):
        reopened[article] = max(reopened.get(article, reopening.until), reopening.until)
    group = group_deadline(text.id, group_id)
    return DeadlineSet(
        filing_deadline=text.filing_deadline,
        reopenings=reopened,
        review_by=group.review_by if group else None,
        cosign_by=group.cosign_by if group else None,
    )


def upcoming_deadlines(user: User, now: datetime) -> list[Deadline]:
    """The caller's deadlines still ahead, soonest first (texts, reopenings, their group's)."""
    return user_deadlines(user, since=now)


# ----- enforcement (called by the signature and workflow services) -----


def _group_code(amendment: Amendment) -> str:
    return amendment.group.code if amendment.group else ""


def cosign_closed(cosign_by: datetime | None, now: datetime) -> TypeGuard[datetime]:
    """Whether the group's co-signature deadline (None: none set) has passed at `now` (closed
    implies set, which the type says too)."""
    return cosign_by is not None and now > cosign_by


def assert_can_cosign(amendment: Amendment, now: datetime) -> None:
    """Raise Conflict(code="deadline_passed") once the group's cosign_by has passed."""
    group = group_deadline(amendment.text_id, amendment.group_id)
    cosign_by = group.cosign_by if group is not None else None
    if not cosign_closed(cosign_by, now):
        return
    raise Conflict(
        f"La cosignature est close depuis le {format_paris(cosign_by)} "
        f"(date limite fixée par le groupe {_group_code(amendment)}).",
        code="deadline_passed",
    )


def assert_can_submit(amendment: Amendment, now: datetime) -> None:
    """Raise Conflict(code="deadline_passed") when a draft is submitted after the review_by.

    The secretariat can still act: it edits the draft, or moves the group's review_by later.
    """
    group = group_deadline(amendment.text_id, amendment.group_id)
    if group is None or group.review_by is None or now <= group.review_by:
        return
    raise Conflict(
        f"La date limite de relecture du groupe était le {format_paris(group.review_by)} : "
        "demandez au secrétariat du groupe de la reporter.",
        code="deadline_passed",
    )


def assert_can_file(amendment: Amendment, now: datetime, exception_reason: str | None) -> None:
    """Raise Conflict(code="deadline_passed") after the filing deadline, unless an exception
    with a reason is given (the caller journals it)."""
    if exception_reason is not None and exception_reason.strip():
        return
    article = amendment.article.number
    rules = deadline_set(amendment.text, amendment.group_id)
    if rules.is_filing_open(article, now, sub_amendment=amendment.is_sub_amendment):
        return
    deadline = rules.filing_deadline_for(article)
    assert deadline is not None  # a closed filing always has a deadline
    raise Conflict(
        f"Le délai de dépôt sur l'article {article} a expiré le {format_paris(deadline)} : "
        "indiquez le motif de l'exception pour déposer quand même.",
        code="deadline_passed",
    )


# ----- settings (secretariat) -----


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


def set_filing_deadline_override(
    actor: User, text_id: int, when: datetime, reason: str | None, now: datetime
) -> LegislativeText:
    """Record a decision moving the filing deadline (Conférence des présidents, chair)."""
    if not can_manage_texts(actor):
        raise Forbidden("Seuls les secrétariats de groupe enregistrent le délai de dépôt.")
    text = _lock_text(text_id)
    cleaned = _reason(reason)
    before = {"filing_deadline": _iso(text.filing_deadline), "rule": text.filing_deadline_rule}
    text.filing_deadline, text.filing_deadline_rule = when, "override"
    text.filing_deadline_reason = cleaned
    journal.record(
        "filing_deadline_overridden",
        now=now,
        actor=actor,
        text_id=text.id,
        data={"filing_deadline": when.isoformat(), "reason": cleaned, "previous": before},
    )
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
    if not can_manage_texts(actor):
        raise Forbidden("Seuls les secrétariats de groupe enregistrent une réouverture.")
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
    journal.record(
        "filing_reopened",
        now=now,
        actor=actor,
        text_id=text.id,
        data={"article": article.number, "until": until.isoformat(), "reason": cleaned},
    )
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
        "group_deadlines_set",
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


def regenerate_calendar_token(user: User) -> str:
    """Give the user a new secret calendar-feed token (the old feed URL stops working)."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token
