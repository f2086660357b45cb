"""Backups: a rich database survives backup → restore into a fresh database exactly."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask, current_app
from sqlalchemy import create_engine, select, text

from drafting import cli, create_app
from drafting.db import commit
from drafting.errors import Conflict, Invalid
from drafting.extensions import db
from drafting.models import (
    AccountInvitation,
    Amendment,
    GroupDeadline,
    GroupMembership,
    Invitation,
    Job,
    PublishedAmendment,
    Reopening,
    SentReminder,
    Signature,
    StoredFile,
    TextDivision,
    User,
)
from drafting.services import amendments, backup, confidentiality, journal, notifications
from drafting.services.accounts import api_tokens, passwords, registration, second_factor, sessions
from drafting.services.documents import storage
from drafting.services.workflow import transitions
from tests.conftest import NOW

SECOND_DB = "liasse_restore_target"


def _second_url(app: Flask, tmp_path: Path) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    base, _, name = url.rpartition("/")
    target = f"{name}_{SECOND_DB}"[:60]
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target}):
            conn.execute(text(f'CREATE DATABASE "{target}"'))
    engine.dispose()
    return f"{base}/{target}"


def _fresh_app(app: Flask, tmp_path: Path, **overrides: Any) -> Flask:
    """A second app on an empty, migrated database."""
    from flask_migrate import upgrade

    config = {k: app.config[k] for k in ("LIASSE_PASSWORD_HASH_COST", "SECRET_KEY", "REDIS_URL")}
    config |= {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _second_url(app, tmp_path),
        "LIASSE_DATA_DIR": str(tmp_path / "data2"),
        "RATELIMIT_ENABLED": False,
        "LIASSE_STORAGE_PATH": str(tmp_path / "files2"),
    }
    second = create_app(config | overrides)
    cli.init_app(second)
    with second.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return second


@pytest.fixture
def target(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    second = _fresh_app(app, tmp_path)
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def _amendment(people: dict[str, User], bill: Any, author: str, article: str = "7") -> Amendment:
    position = amendments.PositionInput("article", article, None)
    draft = amendments.Draft(
        bill.id, position, "Supprimer cet article.", "Exposé.", people[author].id
    )
    actor = people["claire"] if people[author].group_code == "ECOS" else people["hugo"]
    return amendments.create_amendment(actor, draft, NOW)


def _documents(people: dict[str, User], tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(storage, "PART_SIZE", 1000)  # so one file is kept in parts
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    monkeypatch.setitem(app.config, "LIASSE_STORAGE_PATH", str(tmp_path / "files1"))
    monkeypatch.setitem(app.extensions, "liasse_storage", {})  # backends built on that path
    small = storage.backend("database").put(
        "docs/small.pdf", b"%PDF-1.7 small", "application/pdf", "petit.pdf"
    )
    big_bytes = os.urandom(3500)
    big = storage.backend("database").put(
        "docs/big.bin", big_bytes, "application/octet-stream", "gros.bin"
    )
    outside = storage.backend("filesystem").put(
        "docs/liasse.docx", b"PK docx bytes", "application/vnd.openxmlformats", "liasse.docx"
    )
    # a file made of ranges of the three (as a liasse is of its parts): restored as its row
    pieces = [(small.id, 0, 5), (outside.id, 3, 4), (big.id, 900, 2000)]
    whole = b"%PDF-" + b"docx" + big_bytes[900:2900]
    storage.compose(
        "docs/composed.zip", pieces, hashlib.sha256(whole).hexdigest(), "application/zip", "c.zip"
    )
    parent = Job(
        id="job-parent",
        kind="export",
        status="done",
        params={"text": 1},
        file_id=outside.id,
        requested_by_id=people["claire"].id,
        created_at=NOW,
    )
    db.session.add(parent)
    db.session.flush()
    db.session.add(
        Job(
            id="job-child",
            kind="chunk",
            status="done",
            file_id=small.id,
            requested_by_id=people["claire"].id,
            parent_id="job-parent",
            created_at=NOW,
            progress=100,
        )
    )


def build_rich_dataset(people: dict[str, User], bill: Any, tmp_path: Path, monkeypatch) -> None:
    """Every table gets rows, through the services where they exist."""
    regol, lucas, peu, claire = (people[n] for n in ("regol", "lucas", "peu", "claire"))
    first = _amendment(people, bill, "regol")
    amendments.update_amendment(
        claire,
        first.id,
        amendments.Edit(1, "Supprimer cet article.\nEt ses alinéas.", None, None),
        NOW + timedelta(hours=1),
    )
    other = _amendment(people, bill, "peu", "8")
    sub = _amendment(people, bill, "lucas", "10")
    sub.parent_id = first.id
    transitions.comment(claire, first.id, "Relire « alinéa 3 ».", NOW + timedelta(hours=2))
    db.session.add_all(
        [
            Signature(
                amendment_id=first.id,
                deputy_id=lucas.id,
                version=2,
                content_hash=first.content_hash,
                first_signed_at=NOW,
                signed_at=NOW,
            ),
            Invitation(
                amendment_id=first.id, deputy_id=peu.id, invited_by_id=claire.id, invited_at=NOW
            ),
            GroupDeadline(
                text_id=bill.id,
                group_id=regol.group_id,
                review_by=NOW,
                cosign_by=NOW + timedelta(hours=3),
            ),
            Reopening(
                text_id=bill.id,
                article_id=other.article_id,
                until=NOW + timedelta(days=1),
                reason="Amendement du Gouvernement",
            ),
            SentReminder(key=f"cosign:{first.id}:24h", sent_at=NOW),
        ]
    )
    notifications.notify(
        [regol, lucas], "cosign", key="k1", message="À signer", now=NOW, amendment=first
    )
    confidentiality.record_read(people["lea"], first, NOW, "web")
    confidentiality.record_read(claire, first, NOW, "api")
    enrolment = second_factor.start_enrolment(regol, NOW)
    second_factor.confirm_enrolment(regol, pyotp.TOTP(enrolment.secret).at(NOW), NOW)
    second_factor.start_enrolment(lucas, NOW)  # pending only
    second_factor.reset_second_factor(people["admin"], peu, NOW)
    api_tokens.issue_token(regol, NOW)
    sessions.open_session(regol, NOW, user_agent="Firefox", address="127.0.0.1")
    _documents(people, tmp_path, monkeypatch)
    _assembly_data(people, bill, first)
    commit()


def _assembly_data(people: dict[str, User], bill: Any, ours: Any) -> None:
    """The Assembly's data: a division, a membership, an invitation, a published amendment."""
    db.session.add_all(
        [
            TextDivision(
                text_id=bill.id, position=1, kind="titre", label="TITRE Ier", article_position=1
            ),
            GroupMembership(
                user_id=people["regol"].id,
                group_id=people["regol"].group_id,
                starts_on=date(2024, 7, 18),
            ),
            AccountInvitation(user_id=people["peu"].id, created_at=NOW),
            PublishedAmendment(
                text_id=bill.id,
                uid="AMANR5L17PO838901BTC1187P0D1N000066",
                amendment_id=ours.id,
                number="66",
                rectification=1,
                order_key="bbbbbbb",
                cosignatory_refs=["PA841701"],
                filed_on=date(2025, 3, 28),
                decided_at=NOW,
                digest="0" * 64,
                synced_at=NOW,
            ),
        ]
    )


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    return {
        table.name: [
            dict(r)
            for r in db.session.execute(
                select(table).order_by(*table.primary_key.columns)
            ).mappings()
        ]
        for table in backup.tables()
    }


def _file_bytes() -> dict[str, bytes]:
    rows = db.session.scalars(select(StoredFile).order_by(StoredFile.id))
    return {row.key: storage.storage_for(row).read(row) for row in rows}


@pytest.fixture
def archive(people, bill, tmp_path, monkeypatch) -> Path:
    build_rich_dataset(people, bill, tmp_path, monkeypatch)
    path = tmp_path / "liasse.zip"
    backup.backup(path, NOW)
    return path


def test_the_round_trip_is_exact_and_the_journal_still_verifies(archive, target):
    before, files = _snapshot(), _file_bytes()
    assert all(before[name] for name in before), [n for n in before if not before[n]]
    with target.app_context():
        counts = backup.restore(archive)
        commit()
        after = _snapshot()
        assert journal.verify_all() == []
        assert _file_bytes() == files
    assert counts == {name: len(rows) for name, rows in before.items()}
    for name in before:
        assert after[name] == before[name], f"table {name} differs after restore"


def test_live_credentials_are_not_exported(archive):
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        users = zipped.read("tables/users.jsonl").decode()
    assert "tables/users.jsonl" in names
    assert not {"tables/web_sessions.jsonl", "tables/api_tokens.jsonl"} & names
    regol = db.session.scalar(select(User).where(User.email == "sandra.regol@an.example"))
    assert regol.totp_secret not in users and regol.calendar_token not in users
    assert regol.password_hash in users  # an argon2 hash: accounts work after a restore


def test_the_manifest_names_format_version_tables_and_counts(archive):
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    assert (manifest["format"], manifest["version"]) == ("liasse-backup", 1)
    assert manifest["tables"].index("users") < manifest["tables"].index("amendments")
    assert manifest["counts"]["revisions"] == 4
    assert [f["key"] for f in manifest["files"]] == ["docs/liasse.docx"]


def test_a_restored_database_accepts_new_rows_and_logins(archive, target):
    with target.app_context():
        backup.restore(archive)
        commit()
        group = registration.create_group("LIOT", "Libertés, Indépendants")
        commit()
        assert group.id > 2
        regol = db.session.scalar(select(User).where(User.email == "sandra.regol@an.example"))
        assert passwords.verify_password(regol, "Motdepasse-solide-42")
        assert second_factor.is_enrolled(regol)


def test_restore_refuses_a_database_that_is_not_empty(archive):
    with pytest.raises(Conflict) as refused:
        backup.restore(archive)
    assert refused.value.code == "not_empty"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, target):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("manifest.json", json.dumps({"format": "other", "version": 1}))
    with target.app_context(), pytest.raises(Invalid):
        backup.restore(path)


def test_another_secret_key_needs_drop_secrets_which_resets_second_factors(app, archive, tmp_path):
    other = _fresh_app(app, tmp_path, SECRET_KEY="another-secret-key-of-the-new-site")
    with other.app_context():
        with pytest.raises(Conflict) as refused:
            backup.restore(archive)
        assert refused.value.code == "secret_key_mismatch"
        db.session.rollback()
        counts = backup.restore(archive, drop_secrets=True)
        commit()
        users = db.session.scalars(select(User)).all()
        assert all(u.totp_secret is None and u.totp_enabled_at is None for u in users)
        assert all(u.calendar_token for u in users)
        assert "recovery_codes" not in counts
        assert journal.verify_all() == []
        db.session.remove()
        db.engine.dispose()


def test_the_cli_backs_up_and_restores(app, people, bill, target, tmp_path):
    path = str(tmp_path / "cli.zip")
    result = app.test_cli_runner().invoke(args=["backup", path])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output
    with target.app_context():  # the CLI uses the app context it finds
        restored = target.test_cli_runner().invoke(args=["restore", path])
        assert restored.exit_code == 0, restored.output
        again = target.test_cli_runner().invoke(args=["restore", path])
        assert again.exit_code != 0 and "pas vide" in again.output
