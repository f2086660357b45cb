"""Which of our amendments a published one is: the official number when ours has one, else the
position, the normalised dispositif and the author. Only amendments the Assembly can have —
`ready` or `filed` — are candidates: a draft is never matched, hence never overwritten."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from drafting.extensions import db
from drafting.models import Amendment, PublishedAmendment, Role, User
from drafting.services.assembly.amendment_records import AssemblyAmendment
from workflows.numbering import split_number
from workflows.order_of_call import normalise
from workflows.review import State

CANDIDATE_STATES = (State.READY.value, State.FILED.value)


@dataclass(frozen=True)
class _Candidate:
    id: int
    author_ref: str | None
    author_surname: str


def number_key(number: str | None) -> str | None:
    """ "cl358", "CL358 rect." → "CL358": the number the Assembly keys an amendment by."""
    if not number or not number.strip():
        return None
    return split_number(number)[0].replace(" ", "").upper() or None


def content_key(kind: str, article: str | None, dispositif: str) -> tuple[str, str, str]:
    """Position and dispositif, normalised (case, spaces, apostrophes, the part mark)."""
    return kind, (article or "").casefold(), normalise(dispositif)


class Candidates:
    """Our unlinked `ready` and `filed` amendments of a text, claimed at most once each."""

    def __init__(self, amendments: list[Amendment]) -> None:
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_content: dict[tuple[str, str, str], list[_Candidate]] = defaultdict(list)
        self.claimed: set[int] = set()
        for amendment in amendments:
            key = number_key(amendment.number)
            if key:
                self.by_number[key].append(amendment.id)
            author = amendment.author
            candidate = _Candidate(amendment.id, author.assembly_id, author.last_name.casefold())
            position = content_key(
                amendment.position_kind, amendment.article.number, amendment.dispositif
            )
            self.by_content[position].append(candidate)

    @classmethod
    def of_text(cls, text_id: int) -> Candidates:
        """The candidates of a text, in id order (one query)."""
        linked = select(PublishedAmendment.amendment_id).where(
            PublishedAmendment.amendment_id.is_not(None)
        )
        query = (
            select(Amendment)
            .where(
                Amendment.text_id == text_id,
                Amendment.state.in_(CANDIDATE_STATES),
                Amendment.id.not_in(linked),
            )
            .options(joinedload(Amendment.article), joinedload(Amendment.author))
            .order_by(Amendment.id)
        )
        return cls(list(db.session.scalars(query).unique()))

    def claim(self, record: AssemblyAmendment) -> int | None:
        """The id of ours this record is, taken out of the candidates; None when none is."""
        found = self._by_number(record) or self._by_content(record)
        if found is not None:
            self.claimed.add(found)
        return found

    def _by_number(self, record: AssemblyAmendment) -> int | None:
        key = number_key(record.number)
        ids = self.by_number.get(key or "", [])
        return next((i for i in ids if i not in self.claimed), None)

    def _by_content(self, record: AssemblyAmendment) -> int | None:
        position = record.position
        key = content_key(position.kind, position.article_number, record.dispositif)
        for candidate in self.by_content.get(key, []):
            if candidate.id not in self.claimed and _same_author(candidate, record):
                return candidate.id
        return None


def _same_author(candidate: _Candidate, record: AssemblyAmendment) -> bool:
    """By the Assembly's id; for an account not imported yet, by the surname printed."""
    if candidate.author_ref is not None:
        return candidate.author_ref == record.author_ref
    printed = (record.author_name or record.signatories_label or "").casefold()
    return bool(candidate.author_surname) and candidate.author_surname in printed


def our_groups(actor: User | None, text_id: int) -> set[int]:
    """The groups whose amendments a sync settles: the secretariat's own; for an admin or the
    console, every group with amendments on the text."""
    if actor is not None and actor.role == Role.SECRETARIAT:
        return {actor.group_id} if actor.group_id else set()
    query = select(Amendment.group_id).where(
        Amendment.text_id == text_id, Amendment.group_id.is_not(None)
    )
    return {group_id for group_id in db.session.scalars(query.distinct()) if group_id is not None}


def our_deputies(actor: User | None, text_id: int) -> set[str]:
    """The Assembly's ids of the deputies of our groups."""
    groups = our_groups(actor, text_id)
    if not groups:
        return set()
    query = select(User.assembly_id).where(
        User.role == Role.DEPUTY, User.group_id.in_(groups), User.assembly_id.is_not(None)
    )
    return {ref for ref in db.session.scalars(query) if ref}


def filed_without_record(text_id: int, linked: set[int], actor: User | None) -> list[Amendment]:
    """Our filed amendments of the text that no published amendment is the record of."""
    query = (
        select(Amendment)
        .where(Amendment.text_id == text_id, Amendment.state == State.FILED.value)
        .options(joinedload(Amendment.article))
        .order_by(Amendment.id)
    )
    groups = our_groups(actor, text_id)
    return [
        a
        for a in db.session.scalars(query).unique()
        if a.id not in linked
        and (actor is None or actor.role == Role.ADMIN or a.group_id in groups)
    ]
