"""The co-signing fast path reads what signing needs by name and never widens who may sign."""

from __future__ import annotations

from dataclasses import fields

import pytest

from drafting.models import Amendment, Role, User
from drafting.permissions import can_view_amendment, signing_refusal
from drafting.services.cosigning import fast_path
from workflows.review import State


def test_the_locking_statement_names_its_columns_as_the_locked_fields():
    columns = [c.name for c in fast_path._LOCK_FOR_SIGNING.statement.exported_columns]
    assert sorted(columns) == sorted(f.name for f in fields(fast_path.LockedAmendment))


@pytest.mark.parametrize("state", [s.value for s in State])
@pytest.mark.parametrize("relation", ["author", "same_group", "other_group", "no_group"])
def test_what_the_rule_admits_on_the_locked_row_the_full_rules_admit(state, relation):
    """Signing asks `signing_refusal` of the locked row, without an invitation, and reads
    nothing more when it admits: that must only happen when the deputy also sees the amendment
    (visibility is checked on the slower path only)."""
    author = User(id=1, role=Role.DEPUTY, group_id=10)
    deputy = {
        "author": author,
        "same_group": User(id=2, role=Role.DEPUTY, group_id=10),
        "other_group": User(id=3, role=Role.DEPUTY, group_id=20),
        "no_group": User(id=4, role=Role.DEPUTY, group_id=None),
    }[relation]
    amendment = Amendment(id=7, text_id=5, author_id=1, group_id=10, state=state)
    locked = fast_path.LockedAmendment(
        id=7,
        text_id=5,
        author_id=1,
        group_id=10,
        state=state,
        version=1,
        content_hash="h" * 64,
        signature_id=None,
        cosign_by=None,
        journal_seq=0,
        journal_hash="0" * 64,
    )
    admitted_fast = signing_refusal(deputy, locked, invitation=None) is None
    admitted_fully = can_view_amendment(deputy, amendment) and (
        signing_refusal(deputy, amendment, None) is None
    )
    assert admitted_fast == admitted_fully
    assert admitted_fast == (relation == "same_group" and state == State.OPEN)
