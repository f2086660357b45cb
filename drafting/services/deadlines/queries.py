"""Read-only deadline queries: a user's deadlines (list, API, calendar), the secretariat board."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from drafting.extensions import db
from drafting.models import (
    Amendment,
    Article,
    Event,
    Group,
    GroupDeadline,
    LegislativeText,
    Reopening,
    Role,
    User,
)
from drafting.models.event_kinds import EventKind

# The order of kinds falling at the same instant: the group's own deadlines come first.
KIND_ORDER = {"review": 0, "cosign": 1, "reopening": 2, "filing": 3}


@dataclass(frozen=True)
class Deadline:
    """One dated deadline someone must keep (a filing deadline, a reopening, a group's)."""

    kind: str  # "filing", "reopening", "review" or "cosign"
    text_id: int
    text_number: str
    text_title: str
    at: datetime
    article: str | None = None
    group: str | None = None
    rule: str | None = None
    uid: str = ""

    def sort_key(self) -> tuple[datetime, int, int, str]:
        """Soonest first; at one instant, group deadlines before official ones."""
        return (self.at, KIND_ORDER.get(self.kind, 9), self.text_id, self.uid)


def home_group(user: User) -> Group | None:
    """The group a user works for (an assistant: their deputy's); None for admins."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.ASSISTANT:
        return user.deputy.group if user.deputy is not None else None
    return user.group


def groups_of(user: User) -> list[int] | None:
    """The groups whose internal deadlines concern the user (None: every group, for admins)."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.ASSISTANT:
        deputy = user.deputy
        return [deputy.group_id] if deputy is not None and deputy.group_id else []
    return [user.group_id] if user.group_id else []


def _filing(since: datetime | None) -> list[Deadline]:
    query = select(LegislativeText).where(LegislativeText.filing_deadline.is_not(None))
    if since is not None:
        query = query.where(LegislativeText.filing_deadline >= since)
    return [
        Deadline(
            "filing",
            t.id,
            t.number,
            t.title,
            t.filing_deadline,
            rule=t.filing_deadline_rule,
            uid=f"filing-{t.id}",
        )
        for t in db.session.scalars(query)
        if t.filing_deadline is not None
    ]


def _reopenings(since: datetime | None) -> list[Deadline]:
    query = (
        select(Reopening, Article, LegislativeText)
        .join(Article, Article.id == Reopening.article_id)
        .join(LegislativeText, LegislativeText.id == Reopening.text_id)
    )
    if since is not None:
        query = query.where(Reopening.until >= since)
    return [
        Deadline(
            "reopening", t.id, t.number, t.title, r.until, article=a.number, uid=f"reopening-{r.id}"
        )
        for r, a, t in ((row[0], row[1], row[2]) for row in db.session.execute(query))
    ]


def _group_rows(
    groups: list[int] | None,
) -> list[tuple[GroupDeadline, Group, LegislativeText]]:
    query = (
        select(GroupDeadline, Group, LegislativeText)
        .join(Group, Group.id == GroupDeadline.group_id)
        .join(LegislativeText, LegislativeText.id == GroupDeadline.text_id)
    )
    if groups is not None:
        query = query.where(GroupDeadline.group_id.in_(groups))
    return [(row[0], row[1], row[2]) for row in db.session.execute(query)]


def _group_deadlines(groups: list[int] | None, since: datetime | None) -> list[Deadline]:
    found = []
    for row, group, text in _group_rows(groups):
        for kind, at in (("review", row.review_by), ("cosign", row.cosign_by)):
            if at is not None and (since is None or at >= since):
                found.append(
                    Deadline(
                        kind,
                        text.id,
                        text.number,
                        text.title,
                        at,
                        group=group.code,
                        uid=f"{kind}-{text.id}-{group.code}",
                    )
                )
    return found


def user_deadlines(user: User, *, since: datetime | None) -> list[Deadline]:
    """The user's deadlines from `since` on (every one when None), soonest first."""
    groups = groups_of(user)
    found = _filing(since) + _reopenings(since)
    if groups is None or groups:
        found += _group_deadlines(groups, since)
    return sorted(found, key=Deadline.sort_key)


@dataclass(frozen=True)
class Decision:
    """The last change to a text's filing deadline: who, when and why."""

    by: str
    at: datetime
    reason: str


DECISIONS = (
    EventKind.FILING_DEADLINE_OVERRIDDEN,
    EventKind.FILING_DEADLINE_RESTORED,
    EventKind.FILING_REOPENED,
)


def filing_decisions(text_ids: list[int] | None = None) -> dict[int, Decision]:
    """{text_id: the last filing-deadline decision} (one query)."""
    query = (
        select(Event.text_id, Event.at, Event.data, User)
        .join(User, User.id == Event.actor_id)
        .where(Event.amendment_id.is_(None), Event.action.in_(DECISIONS))
        .order_by(Event.text_id, Event.seq)
    )
    if text_ids is not None:
        query = query.where(Event.text_id.in_(text_ids))
    decisions = {}
    for text_id, at, data, actor in db.session.execute(query):
        decisions[text_id] = Decision(actor.display_name, at, str(data.get("reason", "")))
    return decisions


@dataclass
class BoardRow:
    """One text on the secretariat's deadline board."""

    text: LegislativeText
    reopenings: list[tuple[str, datetime]] = field(default_factory=list)
    groups: list[tuple[str, GroupDeadline]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    decision: Decision | None = None

    @property
    def total(self) -> int:
        """How many of the group's amendments are on this text."""
        return sum(self.counts.values())


def _state_counts(groups: list[int] | None) -> dict[int, dict[str, int]]:
    query = select(Amendment.text_id, Amendment.state, func.count(Amendment.id)).group_by(
        Amendment.text_id, Amendment.state
    )
    if groups is not None:
        query = query.where(Amendment.group_id.in_(groups))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for text_id, state, count in db.session.execute(query):
        counts[text_id][state] = count
    return counts


def board(user: User, now: datetime) -> list[BoardRow]:
    """Every text with its official and group deadlines and the group's amendments per state."""
    groups = groups_of(user)
    texts = db.session.scalars(select(LegislativeText).order_by(LegislativeText.id.desc()))
    rows = {t.id: BoardRow(t) for t in texts}
    for deadline in _reopenings(None):
        rows[deadline.text_id].reopenings.append((deadline.article or "", deadline.at))
    if groups is None or groups:
        for row, group, text in _group_rows(groups):
            rows[text.id].groups.append((group.code, row))
    for text_id, counts in _state_counts(groups).items():
        if text_id in rows:
            rows[text_id].counts = counts
    for text_id, decision in filing_decisions().items():
        if text_id in rows:
            rows[text_id].decision = decision
    return sorted(rows.values(), key=lambda row: _board_order(row, now))


def _board_order(row: BoardRow, now: datetime) -> tuple[int, float, int]:
    """Deadlines ahead first (soonest first), then passed ones (latest first), then none."""
    deadline = row.text.filing_deadline
    if deadline is None:
        return (2, 0.0, -row.text.id)
    if deadline >= now:
        return (0, deadline.timestamp(), -row.text.id)
    return (1, -deadline.timestamp(), -row.text.id)


def upcoming_deadlines(user: User, now: datetime) -> list[Deadline]:
    """The caller's deadlines still ahead, soonest first (texts, reopenings, their group's)."""
    return user_deadlines(user, since=now)
