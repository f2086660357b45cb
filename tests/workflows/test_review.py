"""The review workflow table, checked exhaustively against the issue's table written out again."""

from __future__ import annotations

from itertools import combinations

import pytest

from workflows.review import (
    REQUIRED_FIELDS,
    Action,
    Actor,
    NotAllowedForActor,
    NotAllowedNow,
    State,
    available_actions,
    can_edit_content,
    is_allowed_in,
    mermaid_diagram,
    next_state,
)

AU, AS, SE, SY = Actor.AUTHOR, Actor.ASSISTANT, Actor.SECRETARIAT, Actor.SYSTEM
S = State

# The table, independently of workflows.review.TRANSITIONS: (action, from) -> (to, who).
SPEC: dict[tuple[Action, State], tuple[State, frozenset[Actor]]] = {
    (Action.SUBMIT, S.DRAFT): (S.IN_REVIEW, frozenset({AU, AS})),
    (Action.REQUEST_CHANGES, S.IN_REVIEW): (S.DRAFT, frozenset({SE})),
    (Action.APPROVE, S.IN_REVIEW): (S.OPEN, frozenset({SE})),
    (Action.CLOSE, S.OPEN): (S.READY, frozenset({SE, AU, SY})),
    (Action.REOPEN, S.READY): (S.OPEN, frozenset({SE})),
    (Action.FILE, S.READY): (S.FILED, frozenset({SE})),
    (Action.RECTIFY, S.FILED): (S.OPEN, frozenset({AU, SE})),  # issue 20: « rect. »
    (Action.RECORD_OUTCOME, S.FILED): (S.FILED, frozenset({SE})),
    **{
        (Action.ABANDON, source): (S.ABANDONED, frozenset({AU, SE}))
        for source in (S.DRAFT, S.IN_REVIEW, S.OPEN, S.READY)
    },
}
EDITORS_SPEC: dict[State, frozenset[Actor]] = {
    S.DRAFT: frozenset({AU, AS, SE}),
    S.IN_REVIEW: frozenset({SE}),
    S.OPEN: frozenset({AU, SE}),
    S.READY: frozenset(),
    S.FILED: frozenset(),
    S.ABANDONED: frozenset(),
}
ACTOR_SETS = [
    frozenset(combo) for size in range(len(Actor) + 1) for combo in combinations(Actor, size)
]


def _name(actors: frozenset[Actor]) -> str:
    return "+".join(sorted(a.value for a in actors)) or "nobody"


@pytest.mark.parametrize("actors", ACTOR_SETS, ids=_name)
@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("action", list(Action), ids=str)
def test_every_action_from_every_state_for_every_actor_set_follows_the_table(action, state, actors):
    row = SPEC.get((action, state))
    if row is None:
        with pytest.raises(NotAllowedNow):
            next_state(state, action, actors)
    elif actors & row[1]:
        assert next_state(state, action, actors) == row[0]
    else:
        with pytest.raises(NotAllowedForActor):
            next_state(state, action, actors)


@pytest.mark.parametrize("actors", ACTOR_SETS, ids=_name)
@pytest.mark.parametrize("state", list(State), ids=str)
def test_available_actions_are_exactly_the_allowed_ones_in_table_order(state, actors):
    expected = [a for a in Action if (a, state) in SPEC and actors & SPEC[(a, state)][1]]
    assert available_actions(state, actors) == expected


@pytest.mark.parametrize("actors", ACTOR_SETS, ids=_name)
@pytest.mark.parametrize("state", list(State), ids=str)
def test_content_can_be_edited_only_by_the_state_s_editors(state, actors):
    assert can_edit_content(state, actors) == bool(actors & EDITORS_SPEC[state])


@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("action", list(Action), ids=str)
def test_is_allowed_in_matches_the_source_states_of_the_table(action, state):
    assert is_allowed_in(action, state) == ((action, state) in SPEC)


def test_a_state_refusal_wins_over_an_actor_refusal():
    with pytest.raises(NotAllowedNow):
        next_state(S.FILED, Action.APPROVE, frozenset())


def test_nothing_leaves_filed_or_abandoned_except_a_rectification_or_the_outcome():
    assert available_actions(S.ABANDONED, frozenset(Actor)) == []
    assert available_actions(S.FILED, frozenset(Actor)) == [Action.RECTIFY, Action.RECORD_OUTCOME]


def test_the_system_may_only_close():
    for state in State:
        assert set(available_actions(state, frozenset({SY}))) <= {Action.CLOSE}


def test_request_changes_file_and_record_outcome_require_their_field():
    assert REQUIRED_FIELDS == {
        Action.REQUEST_CHANGES: "comment",
        Action.FILE: "number",
        Action.RECORD_OUTCOME: "outcome",
    }


def test_the_mermaid_diagram_has_one_edge_per_row_of_the_table():
    edges = [line for line in mermaid_diagram().splitlines() if "-->" in line and "[*]" not in line]
    assert len(edges) == len(SPEC)
    assert "    ready --> filed: file (secretariat)" in edges
