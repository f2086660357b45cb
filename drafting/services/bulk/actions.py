"""Bulk actions on amendments: each amendment of the selection goes through the single action
(`transitions.transition`, `invitations.invite`) in a savepoint of its own, so a refusal touches
nothing of it and never stops the others; the answer says, for each one, done or refused and why.
Nothing is capped: a large selection runs as a job (drafting/jobs/bulk.py) in batches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from drafting.errors import DomainError, Invalid
from drafting.extensions import db
from drafting.infra.transactions import begin_write
from drafting.models import User
from drafting.services.bulk.selection import Selection, existing
from drafting.services.cosigning import invitations
from drafting.services.workflow import notices, transitions
from workflows.review import Action

INVITE = "invite"
ACTIONS = (*(a.value for a in Action), INVITE)
INLINE_LIMIT = 200  # more amendments than this: a job, polled at /api/v1/jobs/{id}
BATCH = 200  # amendments per transaction in a job
MAX_NUMBER_LINES = 100_000
NOT_FOUND = ("not_found", "Amendement inconnu.")
DUPLICATE = ("duplicate", "Amendement déjà présent plus haut dans la sélection.")
_NUMBER_LINE = re.compile(r"^\s*#?(\d{1,10})\s*[;,\t ]\s*(\S.*?)\s*$")


@dataclass(frozen=True)
class Item:
    """What happened to one amendment: "done", or "refused" with the single action's error."""

    amendment_id: int
    status: str
    code: str | None = None
    message: str | None = None

    @property
    def done(self) -> bool:
        """Whether the action was taken."""
        return self.status == "done"


@dataclass(frozen=True)
class BulkAction:
    """The action and its fields, checked as a whole before any amendment is touched."""

    action: str
    comment: str | None = None
    numbers: dict[int, str] = field(default_factory=dict)  # file: amendment id -> number
    outcome: str | None = None
    deputy_ids: tuple[int, ...] = ()  # invite
    deadline_exception_reason: str | None = None


def refused(amendment_id: int, code: str, message: str) -> Item:
    """A refusal with its machine code and its French message."""
    return Item(amendment_id, "refused", code, message)


def parse_number_list(pasted: str) -> dict[int, str]:
    """Official numbers pasted as two columns, one amendment a line: "#12 CL358" or "12;CL358"
    (tab, semicolon, comma or spaces between); 422 naming the first line not understood."""
    numbers: dict[int, str] = {}
    lines = [line for line in pasted.splitlines() if line.strip()][:MAX_NUMBER_LINES]
    for index, line in enumerate(lines, start=1):
        match = _NUMBER_LINE.match(line)
        if match is None:
            raise Invalid(
                f"Ligne {index} incomprise : « {line.strip()[:60]} ».",
                fields={"numbers": "une ligne par amendement : identifiant puis numéro"},
            )
        numbers[int(match[1])] = match[2]
    return numbers


def numbers_in_order(ids: Sequence[int], first: str) -> dict[int, str]:
    """Numbers assigned in the selection's order from `first` ("CL100" → CL100, CL101…)."""
    match = re.fullmatch(r"(.*?)(\d+)", " ".join(first.split()))
    if match is None:
        raise Invalid(
            "Le premier numéro doit finir par des chiffres.", fields={"first_number": "ex. CL100"}
        )
    prefix, start = match[1], int(match[2])
    return {amendment_id: f"{prefix}{start + i}" for i, amendment_id in enumerate(ids)}


def _check_numbers(bulk: BulkAction, selection: Selection) -> dict[int, str]:
    if not bulk.numbers:
        raise Invalid("Indiquez les numéros de dépôt.", fields={"numbers": "obligatoire"})
    chosen = set(selection.ids)
    strangers = [i for i in bulk.numbers if i not in chosen]
    if strangers:
        listed = ", ".join(f"#{i}" for i in strangers[:10])
        raise Invalid(
            f"Numéros donnés pour des amendements hors sélection : {listed}.",
            fields={"numbers": "hors sélection : " + listed},
        )
    normalised: dict[int, str] = {}
    for amendment_id, number in bulk.numbers.items():
        try:
            normalised[amendment_id] = transitions.normalise_number(number)
        except Invalid as exc:
            raise Invalid(exc.message, fields={f"numbers.{amendment_id}": exc.message}) from None
    twice = sorted({n for n in normalised.values() if list(normalised.values()).count(n) > 1})
    if twice:
        raise Invalid(
            f"Numéro donné deux fois : {twice[0]}.", fields={"numbers": "en double : " + twice[0]}
        )
    return normalised


def check(bulk: BulkAction, selection: Selection) -> BulkAction:
    """The request as a whole: a known action and the fields it needs (422 before anything is
    done); the fields cleaned as the single action cleans them."""
    if bulk.action not in ACTIONS:
        raise Invalid(
            f"Action inconnue : « {bulk.action[:40]} ».",
            fields={"action": "valeurs possibles : " + ", ".join(ACTIONS)},
        )
    if bulk.action == INVITE:
        return BulkAction(INVITE, deputy_ids=invitations.check_invitees(list(bulk.deputy_ids)))
    action = Action(bulk.action)
    numbers = _check_numbers(bulk, selection) if action == Action.FILE else {}
    raw = transitions.Payload(
        bulk.comment,
        "1" if action == Action.FILE else None,  # each amendment's number is checked above
        bulk.outcome,
        bulk.deadline_exception_reason,
    )
    payload = transitions.check_payload(action, raw)
    reason = payload.deadline_exception_reason
    return BulkAction(bulk.action, payload.comment, numbers, payload.outcome, (), reason)


def _apply(actor: User, bulk: BulkAction, amendment_id: int, now: datetime) -> None:
    if bulk.action == INVITE:
        invitations.invite(actor, amendment_id, list(bulk.deputy_ids), now)
        return
    if bulk.action == Action.FILE and amendment_id not in bulk.numbers:
        raise Invalid("Aucun numéro donné pour cet amendement.", code="missing_number")
    transitions.transition(
        actor,
        amendment_id,
        bulk.action,
        now=now,
        comment=bulk.comment,
        number=bulk.numbers.get(amendment_id),
        outcome=bulk.outcome,
        deadline_exception_reason=bulk.deadline_exception_reason,
    )


def _one(
    actor: User, bulk: BulkAction, amendment_id: int, now: datetime, batch: notices.Batch
) -> Item:
    """The single action on one amendment, in a savepoint: refused, it leaves no trace."""
    mark = batch.mark()
    try:
        with db.session.begin_nested():
            _apply(actor, bulk, amendment_id, now)
    except DomainError as exc:
        batch.forget(mark)
        return refused(amendment_id, exc.code, exc.message)
    return Item(amendment_id, "done")


def run(
    actor: User,
    bulk: BulkAction,
    ids: Sequence[int],
    now: datetime,
    batch: notices.Batch | None = None,
) -> dict[int, Item]:
    """Take the action on each amendment of `ids` (checked by `check`), in id order so that
    concurrent bulk actions lock rows in the same order; {id: result}. Notices are grouped
    (in `batch` when the caller sends it later, a job spanning several transactions)."""
    if batch is None:
        with notices.batched(now) as own:
            return run(actor, bulk, ids, now, own)
    begin_write(db.session())
    present = existing(ids)
    results: dict[int, Item] = {}
    for amendment_id in sorted(ids):
        if amendment_id in present:
            results[amendment_id] = _one(actor, bulk, amendment_id, now, batch)
        else:
            results[amendment_id] = refused(amendment_id, *NOT_FOUND)
    return results


def in_request_order(selection: Selection, results: dict[int, Item]) -> list[Item]:
    """One result per id the request named, in its order; a repeated id is refused there."""
    items, seen = [], set()
    for amendment_id in selection.requested:
        if amendment_id in seen:
            items.append(refused(amendment_id, *DUPLICATE))
            continue
        seen.add(amendment_id)
        items.append(results[amendment_id])
    return items
