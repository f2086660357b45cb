"""Fault suite: a backup taken while deputies sign restores to a state that was real: every
journal chain verifies and new journaled acts work on the restored database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from drafting.db import commit
from drafting.extensions import db
from drafting.services import backup, journal
from drafting.services.accounts import api_tokens, registration
from tests.conftest import PASSWORD
from tests.services.test_backup import _fresh_app

pytestmark = pytest.mark.faults


@pytest.fixture
def restored_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    second = _fresh_app(app, tmp_path, LIASSE_REQUIRE_2FA=False)
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def _signer(app: Flask, n: int) -> str:
    deputy = registration.create_user(
        email=f"signataire{n}@an.example",
        name=f"Député Signataire {n}",
        role="deputy",
        password=PASSWORD,
        group_code="ECOS",
    )
    return api_tokens.issue_token(deputy, datetime.now(UTC))[0]


def _sign_in_another_process(app: Flask, token: str, amendment_id: int) -> None:
    """A signature committed by another connection, as a web process would, at once."""

    def sign() -> None:
        with app.app_context():
            response = app.test_client().post(
                f"/api/v1/amendments/{amendment_id}/signatures",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 201, response.get_json()
            db.session.remove()

    thread = threading.Thread(target=sign)
    thread.start()
    thread.join(timeout=60)


def test_a_backup_under_write_load_restores_and_verifies(
    app, opened, tmp_path, monkeypatch, restored_app
):
    tokens = [_signer(app, n) for n in range(3)]
    commit()
    original, writes = backup._dump_table, iter(tokens)

    def dump_while_others_sign(conn, archive, table, cipher):  # type: ignore[no-untyped-def]
        count = original(conn, archive, table, cipher)
        if table.name in ("amendments", "events", "notifications"):
            # a signature lands between two tables of the dump: after the amendments (their
            # journal heads), after the events, before the signatures
            _sign_in_another_process(app, next(writes), opened.id)
        return count

    monkeypatch.setattr(backup, "_dump_table", dump_while_others_sign)
    path = tmp_path / "under-load.zip"
    backup.backup(path, datetime.now(UTC))
    with restored_app.app_context():
        backup.restore(path)
        commit()
        assert journal.verify_all() == []
        restored_token = _signer(restored_app, 99)
        commit()
        db.session.remove()
        response = restored_app.test_client().post(
            f"/api/v1/amendments/{opened.id}/signatures",
            headers={"Authorization": f"Bearer {restored_token}"},
        )
        assert response.status_code == 201, response.get_json()
        assert journal.verify_all() == []
