"""Fault suite: a hundred deputies behind one address (the Assembly's network, a proxy) log in
within a minute and all get in; twenty wrong passwords from one address are throttled."""

from __future__ import annotations

import pytest

from drafting.db import commit
from drafting.services.accounts import registration
from tests.conftest import PASSWORD

pytestmark = pytest.mark.faults
DEPUTIES = 100


def test_a_hundred_deputies_log_in_from_one_address(limited, bill):
    with limited.app_context():
        emails = [
            registration.create_user(
                email=f"depute{n}@an.example",
                name=f"Député Numéro {n}",
                role="deputy",
                password=PASSWORD,
                group_code="ECOS",
            ).email
            for n in range(DEPUTIES)
        ]
        commit()
    answers = [
        limited.test_client().post("/login", data={"email": email, "password": PASSWORD})
        for email in emails  # the test client's one address: 127.0.0.1
    ]
    assert [a.status_code for a in answers] == [302] * DEPUTIES


def test_twenty_wrong_passwords_from_one_address_are_throttled(limited, people):
    client = limited.test_client()
    statuses = [
        client.post("/login", data={"email": people["regol"].email, "password": f"faux{n}"})
        for n in range(20)
    ]
    codes = [s.status_code for s in statuses]
    assert 429 in codes and set(codes) <= {401, 429}
    assert codes[-1] == 429
