"""Fault suite: 50 deputies co-sign one amendment at the same moment, through the API, on the
embedded default (SQLite) as on PostgreSQL: exactly 50 signatures, no error, the journal
verifies."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Event, Signature
from drafting.services import journal
from drafting.services.accounts import api_tokens, registration
from tests.conftest import PASSWORD

pytestmark = pytest.mark.faults
SIGNERS = 50


def _sign(app, token: str, amendment_id: int, barrier, statuses: list[int]) -> None:
    client = app.test_client()
    with app.app_context():
        barrier.wait()
        response = client.post(
            f"/api/v1/amendments/{amendment_id}/signatures",
            headers={"Authorization": f"Bearer {token}"},
        )
        statuses.append(response.status_code)
        db.session.remove()


def test_fifty_concurrent_co_signers_each_get_their_signature(app, opened):
    tokens = []
    for n in range(SIGNERS):
        deputy = registration.create_user(
            email=f"cosignataire{n}@an.example",
            name=f"Député Cosignataire {n}",
            role="deputy",
            password=PASSWORD,
            group_code="ECOS",
        )
        tokens.append(api_tokens.issue_token(deputy, datetime.now(UTC))[0])
    commit()
    barrier, statuses = threading.Barrier(SIGNERS), []
    threads = [
        threading.Thread(target=_sign, args=(app, token, opened.id, barrier, statuses))
        for token in tokens
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [201] * SIGNERS
    db.session.expire_all()
    count = select(func.count(Signature.id)).where(Signature.amendment_id == opened.id)
    assert db.session.scalar(count) == SIGNERS
    signed = select(func.count(Event.id)).where(
        Event.amendment_id == opened.id, Event.action == "signed"
    )
    assert db.session.scalar(signed) == SIGNERS
    assert journal.verify_all() == []
