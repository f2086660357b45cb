"""The journal's hash covers every field of an event and the previous hash (the chain)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drafting.services import journal

EVENT = journal.NewEvent(
    amendment_id=7,
    text_id=3,
    seq=4,
    at=datetime(2023, 3, 20, 9, 0, tzinfo=UTC),
    actor_id=11,
    on_behalf_of_id=12,
    action="signed",
    from_state="open",
    to_state="open",
    data={"deputy_id": 11, "version": 2},
    prev_hash="a" * 64,
)
CHANGED: dict[str, Any] = {
    "amendment_id": 8,
    "text_id": 4,
    "seq": 5,
    "at": EVENT.at + timedelta(seconds=1),
    "actor_id": 13,
    "on_behalf_of_id": None,
    "action": "withdrawn",
    "from_state": "ready",
    "to_state": "filed",
    "data": {"deputy_id": 11, "version": 3},
    "prev_hash": "b" * 64,
}


def test_every_field_of_the_chain_is_listed_here():
    assert set(CHANGED) | {"hash"} == set(journal.ROW_COLUMNS)


@pytest.mark.parametrize("field", sorted(CHANGED))
def test_changing_any_field_changes_the_hash(field):
    assert journal.event_hash(replace(EVENT, **{field: CHANGED[field]})) != journal.event_hash(
        EVENT
    )


def test_the_hash_is_the_stored_formula_and_stable():
    assert journal.event_hash(EVENT) == journal.event_hash(replace(EVENT))
    assert len(journal.event_hash(EVENT)) == 64
