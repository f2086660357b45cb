"""The one co-signing rule (`permissions.signing_refusal`), case by case."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from drafting.models import Amendment, Role, User
from drafting.permissions import CannotSign, can_sign, signing_refusal
from workflows.review import State

AUTHOR = User(id=1, role=Role.DEPUTY, group_id=10)
COLLEAGUE = User(id=2, role=Role.DEPUTY, group_id=10)
OUTSIDER = User(id=3, role=Role.DEPUTY, group_id=20)
UNATTACHED = User(id=4, role=Role.DEPUTY, group_id=None)
INVITED = SimpleNamespace(declined_at=None)
DECLINED = SimpleNamespace(declined_at=datetime(2023, 3, 1, tzinfo=UTC))


def _amendment(state: State = State.OPEN) -> Amendment:
    return Amendment(id=7, author_id=AUTHOR.id, group_id=10, state=state.value)


@pytest.mark.parametrize(
    ("user", "invitation", "expected"),
    [
        (COLLEAGUE, None, None),
        (COLLEAGUE, DECLINED, None),  # a member of the group needs no invitation
        (OUTSIDER, None, CannotSign.NOT_INVITED),
        (OUTSIDER, INVITED, None),
        (OUTSIDER, DECLINED, CannotSign.DECLINED),
        (UNATTACHED, None, CannotSign.NOT_INVITED),
        (UNATTACHED, INVITED, None),
        (AUTHOR, None, CannotSign.AUTHOR),
        (User(id=5, role=Role.ASSISTANT, group_id=10), None, CannotSign.NOT_A_DEPUTY),
        (User(id=6, role=Role.SECRETARIAT, group_id=10), INVITED, CannotSign.NOT_A_DEPUTY),
        (User(id=8, role=Role.ADMIN, group_id=None), INVITED, CannotSign.NOT_A_DEPUTY),
    ],
)
def test_who_may_co_sign_an_open_amendment(user, invitation, expected):
    assert signing_refusal(user, _amendment(), invitation) == expected
    assert can_sign(user, _amendment(), invitation) == (expected is None)


@pytest.mark.parametrize("state", [s for s in State if s != State.OPEN])
def test_no_one_co_signs_an_amendment_that_is_not_open(state):
    for user, invitation in ((COLLEAGUE, None), (OUTSIDER, INVITED)):
        assert signing_refusal(user, _amendment(state), invitation) is CannotSign.NOT_OPEN
