"""The review workflow: state transitions, group amendments, comments, journalled and notified."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from drafting.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import actors_for, can_comment, can_mark_group_amendment
from drafting.services import amendments, journal, ordering
from drafting.services.content import clean_text
from drafting.services.deadlines import binding
from drafting.services.legistique import checks
from drafting.services.workflow import filing, notices
from workflows.deadlines import format_paris
from workflows.legistique import Finding
from workflows.numbering import rectified
from workflows.review import (
    REQUIRED_FIELDS,
    STATE_NAMES,
    Action,
    Actor,
    NotAllowedForActor,
    NotAllowedNow,
    Outcome,
    State,
    next_state,
)

MAX_COMMENT_CHARS = 10_000
MAX_NUMBER_CHARS = 40
MAX_REASON_CHARS = 2_000

# Events are past facts: the journal says "approved" for the action "approve".
EVENT_NAMES: dict[Action, EventKind] = {
    Action.SUBMIT: EventKind.SUBMITTED,
    Action.REQUEST_CHANGES: EventKind.CHANGES_REQUESTED,
    Action.APPROVE: EventKind.APPROVED,
    Action.CLOSE: EventKind.CLOSED,
    Action.REOPEN: EventKind.REOPENED,
    Action.FILE: EventKind.FILED,
    Action.RECTIFY: EventKind.RECTIFIED,
    Action.RECORD_OUTCOME: EventKind.OUTCOME_RECORDED,
    Action.ABANDON: EventKind.ABANDONED,
}
ACTION_NAMES: dict[str, str] = {
    Action.SUBMIT: "soumettre à la relecture",
    Action.REQUEST_CHANGES: "demander des modifications",
    Action.APPROVE: "approuver",
    Action.CLOSE: "clore la cosignature",
    Action.REOPEN: "rouvrir à la cosignature",
    Action.FILE: "déposer",
    Action.RECTIFY: "rectifier",
    Action.RECORD_OUTCOME: "enregistrer le sort",
    Action.ABANDON: "abandonner",
}

# Assembly numbers: "27", "CL358", "I-305", "II-CF6", "12 rect.", "3 rect. bis" (Sénat style).
_NUMBER = re.compile(
    r"(?:[IVX]{1,4}-)?[A-Z]{0,4}\d{1,6}"
    r"(?: rect\.(?: (?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?)?"
)


@dataclass(frozen=True)
class Payload:
    """The cleaned, validated fields of a transition request."""

    comment: str | None = None
    number: str | None = None
    outcome: str | None = None
    deadline_exception_reason: str | None = None
    lint_reason: str | None = None
    drop_stale_signatures: bool = False


def parse_action(value: str | Action) -> Action:
    """The Action named by `value`, or 422 naming the field."""
    try:
        return Action(value)
    except ValueError:
        allowed = ", ".join(a.value for a in Action)
        raise Invalid(
            f"Action inconnue : « {value} ».", fields={"action": f"valeurs possibles : {allowed}"}
        ) from None


def _refusal(amendment: Amendment, action: Action, exc: Exception) -> DomainError:
    if isinstance(exc, NotAllowedNow):
        state = STATE_NAMES.get(amendment.state, amendment.state)
        return Conflict(
            f"Action impossible : l'amendement est à l'état « {state} ».", code="invalid_state"
        )
    return Forbidden(f"Vous ne pouvez pas {ACTION_NAMES[action]} cet amendement.")


def _target(amendment: Amendment, action: Action, actors: frozenset[Actor]) -> State:
    try:
        return next_state(State(amendment.state), action, actors)
    except (NotAllowedNow, NotAllowedForActor) as exc:
        raise _refusal(amendment, action, exc) from None


def normalise_number(value: str) -> str:
    """The official number in canonical form ("cl358" -> "CL358", "12 RECT." -> "12 rect.")."""
    value = " ".join(clean_text(value, field="number", max_chars=1_000).split())
    head, _, tail = value.partition(" ")
    value = f"{head.upper()} {tail.lower()}".strip()
    if len(value) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(value):
        raise Invalid(
            f"Numéro d'amendement invalide : « {value[:MAX_NUMBER_CHARS]} ».",
            fields={"number": "format attendu : 27, CL358, I-305, II-CF6, 12 rect., 3 rect. bis"},
        )
    return value


def _optional(value: str | None, field: str, max_chars: int) -> str | None:
    if value is None:
        return None
    return clean_text(value, field=field, max_chars=max_chars) or None


def _outcome(value: str | None) -> str | None:
    if value is None or value in {o.value for o in Outcome}:
        return value
    allowed = ", ".join(o.value for o in Outcome)
    raise Invalid(f"Sort inconnu : « {value} ».", fields={"outcome": f"valeurs : {allowed}"})


def _payload(action: Action, raw: Payload) -> Payload:
    """Clean the request's fields; 422 naming the field the action requires."""
    number = raw.number
    payload = Payload(
        comment=_optional(raw.comment, "comment", MAX_COMMENT_CHARS),
        number=normalise_number(number) if number and number.strip() else None,
        outcome=_outcome(raw.outcome or None),
        deadline_exception_reason=_optional(
            raw.deadline_exception_reason, "deadline_exception_reason", MAX_REASON_CHARS
        ),
        lint_reason=_optional(raw.lint_reason, "lint_reason", MAX_REASON_CHARS),
        drop_stale_signatures=bool(raw.drop_stale_signatures),
    )
    required = REQUIRED_FIELDS.get(action)
    if required and getattr(payload, required) is None:
        raise Invalid(
            f"Le champ « {required} » est obligatoire pour cette action.",
            fields={required: "obligatoire"},
        )
    return payload


def check_payload(action: Action, raw: Payload) -> Payload:
    """The fields of `action` cleaned as a transition cleans them; 422 naming a missing one."""
    return _payload(action, raw)


def _assert_number_free(amendment: Amendment, number: str) -> None:
    taken = db.session.scalar(
        select(Amendment.id).where(
            Amendment.text_id == amendment.text_id,
            Amendment.number == number,
            Amendment.id != amendment.id,
        )
    )
    if taken is not None:
        raise Invalid(
            f"Le numéro {number} est déjà attribué sur ce texte.",
            fields={"number": f"déjà attribué à l'amendement #{taken}"},
        )


def _check_deadlines(action: Action, amendment: Amendment, payload: Payload, now: datetime) -> None:
    """Submitting is bound by the group's review_by, filing by the Assembly's deadline, an
    outcome by the examination having begun."""
    if action == Action.SUBMIT:
        binding.assert_can_submit(amendment, now)
    elif action == Action.FILE:
        assert payload.number is not None
        _assert_number_free(amendment, payload.number)
        binding.assert_can_file(amendment, now, payload.deadline_exception_reason)
    elif action == Action.RECORD_OUTCOME:
        _assert_examination_begun(amendment, now)
    elif action == Action.RECTIFY:
        _assert_no_outcome(amendment)
    elif action == Action.ABANDON and amendment.number:
        raise Conflict(
            "Cet amendement est déjà déposé sous le n° "
            f"{amendment.number} : redéposez-le, ou enregistrez son retrait en séance.",
            code="already_filed",
        )


def _assert_no_outcome(amendment: Amendment) -> None:
    """An amendment the sitting has decided on cannot be rectified any more."""
    if amendment.outcome is not None:
        raise Conflict(
            "Le sort de l'amendement est déjà enregistré : il ne peut plus être rectifié.",
            code="outcome_recorded",
        )


def kept_number(action: Action, amendment: Amendment, number: str | None) -> str | None:
    """A rectified amendment is filed again under its number marked « rect. » (then « rect.
    bis »…) unless the secretariat types the number the Assembly gave."""
    if action == Action.FILE and not (number and number.strip()) and amendment.number:
        return rectified(amendment.number)
    return number


def _assert_examination_begun(amendment: Amendment, now: datetime) -> None:
    """No outcome before any sitting: the text's examination must have begun."""
    starts = amendment.text.examination_starts_at
    if starts is not None and now < starts:
        raise Conflict(
            "L'examen du texte n'a pas commencé (le "
            f"{format_paris(starts)}) : aucun sort ne peut encore être enregistré.",
            code="examination_not_begun",
        )


def _check_lint(
    action: Action, amendment: Amendment, payload: Payload, now: datetime
) -> list[Finding]:
    """The linter's errors block submission and approval; an approval lets the warnings pass
    (journalled, with the secretariat's reason if it gave one). Returns those warnings."""
    if action == Action.SUBMIT:
        checks.assert_no_errors(amendment, now)
    elif action == Action.APPROVE:
        return checks.warnings_to_pass(amendment, now)
    return []


def _check_filing(
    action: Action, amendment: Amendment, payload: Payload, actor: User, now: datetime
) -> None:
    """Filing needs the author's consent; closing and filing pass the gate (what blocks, listed;
    stale co-signatures dropped only when the secretariat says so). An assistant the author
    delegated it to records the author's consent by submitting."""
    if action == Action.SUBMIT:
        filing.record_delegated_consent(actor, amendment, now)
    if action == Action.FILE:
        filing.assert_consent(amendment)
    if action in (Action.CLOSE, Action.FILE):
        number = payload.number if action == Action.FILE else None
        filing.assert_ready_to_file(actor, amendment, number, payload.drop_stale_signatures, now)


def _journal_passed(
    amendment: Amendment, warnings: list[Finding], reason: str | None, actor: User, now: datetime
) -> None:
    """Journal the warnings a secretariat let pass, with its reason (before the approval)."""
    if not warnings:
        return
    journal.record(
        EventKind.LINT_WARNINGS_PASSED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        data={
            "version": amendment.version,
            "codes": sorted({w.code for w in warnings}),
            "reason": reason,
        },
    )


def _apply(
    amendment: Amendment, action: Action, target: State, payload: Payload, now: datetime
) -> None:
    amendment.state = target.value
    amendment.updated_at = now
    if action == Action.FILE:
        amendment.number, amendment.filed_at = payload.number, now
        ordering.derive(amendment)  # numbered amendments are discussed in number order
    elif action == Action.RECORD_OUTCOME:
        amendment.outcome = payload.outcome


def _save() -> None:
    """Flush; a concurrent writer that got there first makes this a 409, not a second change."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(
            "L'amendement vient d'être modifié par quelqu'un d'autre : rechargez-le et réessayez.",
            code="stale_version",
        ) from None


def _event_data(
    amendment: Amendment,
    action: Action,
    payload: Payload,
    old_outcome: str | None,
    old_number: str | None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"version": amendment.version}
    if payload.comment:
        data["comment"] = payload.comment
    if action == Action.FILE:
        data["number"] = amendment.number
        if old_number:
            data["previous_number"] = old_number
        if payload.deadline_exception_reason:
            data["deadline_exception_reason"] = payload.deadline_exception_reason
    elif action == Action.RECTIFY:
        data["number"] = amendment.number
        data["next_number"] = rectified(amendment.number or "")
    elif action == Action.RECORD_OUTCOME:
        data["outcome"] = amendment.outcome
        if old_outcome:
            data["previous_outcome"] = old_outcome
    return data


def _perform(
    action: Action,
    amendment: Amendment,
    target: State,
    payload: Payload,
    actor: User | None,
    now: datetime,
) -> Amendment:
    """Change the state, journal the transition (the system acts as nobody), notify."""
    from_state, old_outcome, old_number = amendment.state, amendment.outcome, amendment.number
    _apply(amendment, action, target, payload, now)
    _save()
    data = (
        _event_data(amendment, action, payload, old_outcome, old_number)
        if actor
        else {"by": "system"}
    )
    event = journal.record(
        EVENT_NAMES[action],
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        on_behalf_of=amendments.on_behalf_of(actor, amendment) if actor else None,
        from_state=from_state,
        to_state=amendment.state,
        data=data,
    )
    notices.after_transition(action, amendment, event, actor, now)
    return amendment


def transition(
    actor: User,
    amendment_id: int,
    action: str | Action,
    *,
    now: datetime,
    comment: str | None = None,
    number: str | None = None,
    outcome: str | None = None,
    deadline_exception_reason: str | None = None,
    lint_reason: str | None = None,
    drop_stale_signatures: bool = False,
) -> Amendment:
    """Take a workflow action: 404 invisible, 409 out of turn, 403 role, 422 missing field,
    409 deadline, 409 linter."""
    act = parse_action(action)
    amendment = amendments.get_visible_amendment(actor, amendment_id, lock=True)
    target = _target(amendment, act, actors_for(actor, amendment))
    number = kept_number(act, amendment, number)
    raw = Payload(
        comment, number, outcome, deadline_exception_reason, lint_reason, drop_stale_signatures
    )
    payload = _payload(act, raw)
    _check_deadlines(act, amendment, payload, now)
    passed = _check_lint(act, amendment, payload, now)
    _check_filing(act, amendment, payload, actor, now)
    _journal_passed(amendment, passed, payload.lint_reason, actor, now)
    return _perform(act, amendment, target, payload, actor, now)


def system_close(amendment_id: int, now: datetime) -> Amendment:
    """Close co-signature when the group's deadline passes (the sweep); 409 if not open."""
    amendment = amendments.lock_amendment(amendment_id)
    if amendment is None:
        raise NotFound("Amendement inconnu.")
    target = _target(amendment, Action.CLOSE, frozenset({Actor.SYSTEM}))
    return _perform(Action.CLOSE, amendment, target, Payload(), None, now)


def set_group_amendment(
    actor: User, amendment_id: int, presented_by_group: bool, now: datetime
) -> Amendment:
    """Mark (or unmark) an amendment as presented with the members of the group (secretariat)."""
    amendment = amendments.get_visible_amendment(actor, amendment_id, lock=True)
    if Actor.SECRETARIAT not in actors_for(actor, amendment):
        raise Forbidden("Seul le secrétariat du groupe peut présenter un amendement de groupe.")
    if not can_mark_group_amendment(actor, amendment):
        state = STATE_NAMES.get(amendment.state, amendment.state)
        raise Conflict(f"L'amendement est à l'état « {state} ».", code="invalid_state")
    if amendment.presented_by_group == presented_by_group:
        return amendment
    amendment.presented_by_group, amendment.updated_at = presented_by_group, now
    _save()
    journal.record(
        EventKind.GROUP_AMENDMENT_CHANGED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        data={"presented_by_group": presented_by_group},
    )
    return amendment


def comment(actor: User, amendment_id: int, text: str, now: datetime) -> journal.NewEvent:
    """Add a comment to the amendment's timeline (author, assistants, secretariat)."""
    amendment = amendments.get_visible_amendment(actor, amendment_id, lock=True)
    if not can_comment(actor, amendment):
        raise Forbidden("Seuls l'auteur, ses collaborateurs et le secrétariat commentent.")
    cleaned = clean_text(text, field="text", max_chars=MAX_COMMENT_CHARS)
    if not cleaned:
        raise Invalid("Le commentaire est vide.", fields={"text": "obligatoire"})
    return journal.record(
        EventKind.COMMENTED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        on_behalf_of=amendments.on_behalf_of(actor, amendment),
        data={"text": cleaned},
    )
