"""The amendment workflow as a pure transition table: states, actions, next_state()."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where an amendment stands on its path to filing."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    OPEN = "open"
    READY = "ready"
    FILED = "filed"
    ABANDONED = "abandoned"


class Action(StrEnum):
    """What someone can do to an amendment's state."""

    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    CLOSE = "close"
    REOPEN = "reopen"
    FILE = "file"
    RECTIFY = "rectify"
    RECORD_OUTCOME = "record_outcome"
    ABANDON = "abandon"


class Outcome(StrEnum):
    """The fate of a filed amendment in the debate (sort)."""

    ADOPTE = "adopte"
    REJETE = "rejete"
    RETIRE = "retire"
    TOMBE = "tombe"
    NON_SOUTENU = "non_soutenu"
    IRRECEVABLE = "irrecevable"


class Actor(StrEnum):
    """The capacity in which a user acts on one amendment (derived by the permissions layer)."""

    AUTHOR = "author"
    ASSISTANT = "assistant"  # an assistant of the author
    SECRETARIAT = "secretariat"  # the secretariat of the amendment's group
    SYSTEM = "system"  # the deadline sweep


S, A, W = State, Action, Actor

# action -> (allowed source states, target state or None to keep the state, who may)
TRANSITIONS: dict[Action, tuple[frozenset[State], State | None, frozenset[Actor]]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.IN_REVIEW, frozenset({W.AUTHOR, W.ASSISTANT})),
    A.REQUEST_CHANGES: (frozenset({S.IN_REVIEW}), S.DRAFT, frozenset({W.SECRETARIAT})),
    A.APPROVE: (frozenset({S.IN_REVIEW}), S.OPEN, frozenset({W.SECRETARIAT})),
    A.CLOSE: (frozenset({S.OPEN}), S.READY, frozenset({W.SECRETARIAT, W.AUTHOR, W.SYSTEM})),
    A.REOPEN: (frozenset({S.READY}), S.OPEN, frozenset({W.SECRETARIAT})),
    A.FILE: (frozenset({S.READY}), S.FILED, frozenset({W.SECRETARIAT})),
    # A filed amendment corrected into « n° 27 rect. »: open again for the co-signatories to
    # re-confirm the corrected version, then closed and filed again under the rect. number.
    A.RECTIFY: (frozenset({S.FILED}), S.OPEN, frozenset({W.AUTHOR, W.SECRETARIAT})),
    A.RECORD_OUTCOME: (frozenset({S.FILED}), None, frozenset({W.SECRETARIAT})),
    A.ABANDON: (
        frozenset({S.DRAFT, S.IN_REVIEW, S.OPEN, S.READY}),
        S.ABANDONED,
        frozenset({W.AUTHOR, W.SECRETARIAT}),
    ),
}

# Who may change the content (dispositif, exposé, position) in each state.
EDITORS: dict[State, frozenset[Actor]] = {
    S.DRAFT: frozenset({W.AUTHOR, W.ASSISTANT, W.SECRETARIAT}),
    S.IN_REVIEW: frozenset({W.SECRETARIAT}),
    S.OPEN: frozenset({W.AUTHOR, W.SECRETARIAT}),
    S.READY: frozenset(),
    S.FILED: frozenset(),
    S.ABANDONED: frozenset(),
}

# Actions whose payload must carry a field.
REQUIRED_FIELDS: dict[Action, str] = {
    A.REQUEST_CHANGES: "comment",
    A.FILE: "number",
    A.RECORD_OUTCOME: "outcome",
}


class TransitionRefused(Exception):
    """Base class of a refused transition."""


class NotAllowedNow(TransitionRefused):
    """The action is not possible from the current state (HTTP 409)."""


class NotAllowedForActor(TransitionRefused):
    """The action is possible now, but not for this actor (HTTP 403)."""


def is_allowed_in(action: Action, state: State) -> bool:
    """True when `action` can be taken from `state`."""
    return state in TRANSITIONS[action][0]


def next_state(state: State, action: Action, actors: frozenset[Actor]) -> State:
    """The state after `action`, or raise why it is refused (state first, then actor)."""
    sources, target, who = TRANSITIONS[action]
    if state not in sources:
        raise NotAllowedNow(f"action {action.value} impossible from state {state.value}")
    if not actors & who:
        raise NotAllowedForActor(f"action {action.value} not allowed for {sorted(actors)}")
    return target if target is not None else state


def available_actions(state: State, actors: frozenset[Actor]) -> list[Action]:
    """Actions these actors may take from `state`, in table order."""
    return [a for a, (src, _, who) in TRANSITIONS.items() if state in src and actors & who]


def can_edit_content(state: State, actors: frozenset[Actor]) -> bool:
    """True when one of these actors may change the content in `state`."""
    return bool(EDITORS[state] & actors)


def mermaid_diagram() -> str:
    """The workflow as a Mermaid state diagram, generated from TRANSITIONS."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for action, (sources, target, who) in TRANSITIONS.items():
        for source in sorted(sources):
            dest = (target or source).value
            roles = ", ".join(sorted(w.value for w in who))
            lines.append(f"    {source.value} --> {dest}: {action.value} ({roles})")
    return "\n".join(lines)


# How pages and refusals name each state (French: the service layer's messages are French).
STATE_NAMES: dict[str, str] = {
    State.DRAFT: "brouillon",
    State.IN_REVIEW: "en relecture",
    State.OPEN: "ouvert à la cosignature",
    State.READY: "clos, prêt au dépôt",
    State.FILED: "déposé",
    State.ABANDONED: "abandonné",
}
