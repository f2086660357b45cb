"""Backups: every table (and externally stored files) as a versioned ZIP archive, and its restore.

Archive layout (format "liasse-backup", version 1):
  manifest.json            format, version, created_at, schema revision, tables in load order,
                           row counts, the secrets check token and the external files
  tables/<table>.jsonl     one JSON object per row, in primary-key order; datetimes in ISO 8601
                           (UTC), binary columns in base64
  files/<stored_file_id>   bytes of files kept outside the database (filesystem, S3 backends)

Live credentials are never exported (web sessions, API tokens, login failures): everyone signs
in again after a restore. Password hashes (argon2) and recovery-code hashes are kept. The only
plaintext secrets (TOTP secrets, calendar tokens) are encrypted in the archive with a key derived
from SECRET_KEY: a restore on a deployment with the same SECRET_KEY keeps them; elsewhere the
restore is refused unless `drop_secrets` is asked, which resets second factors (deputies enrol
again) and issues new calendar tokens.
"""

from __future__ import annotations

import base64
import io
import json
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Table,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator, TypeEngine

from drafting.errors import Conflict, Invalid
from drafting.extensions import db
from drafting.infra import sqlite
from drafting.models import StoredFile
from drafting.services.documents import storage

FORMAT = "liasse-backup"
VERSION = 1
EXCLUDED = ("web_sessions", "api_tokens", "login_failures")  # live credentials, throttling
SECRETS = {"users": ("totp_secret", "totp_pending_secret", "calendar_token")}
FACTOR_RESET = {
    "totp_secret": None,
    "totp_pending_secret": None,
    "totp_enabled_at": None,
    "totp_last_step": None,
}
BATCH = 500
_CHECK = b"liasse-backup-secrets"


def tables() -> list[Table]:
    """The exported tables, parents before children (foreign-key order)."""
    return [t for t in db.metadata.sorted_tables if t.name not in EXCLUDED]


def _cipher() -> Fernet:
    """Fernet with a key derived (HKDF-SHA256) from SECRET_KEY."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"liasse backup v1")
    key = hkdf.derive(str(current_app.config["SECRET_KEY"]).encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def schema_revision() -> str | None:
    """The Alembic revision of the database, if it was migrated."""
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


# --- export ----------------------------------------------------------------------------------


def _base_type(column: Column[Any]) -> TypeEngine[Any]:
    """The storage type under a TypeDecorator (UTCDateTime is a DateTime)."""
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _encode(table: Table, row: dict[str, Any], cipher: Fernet) -> dict[str, Any]:
    out: dict[str, Any] = {}
    hidden = SECRETS.get(table.name, ())
    for column in table.columns:
        value = row[column.name]
        if value is None:
            out[column.name] = None
        elif column.name in hidden:
            out[column.name] = cipher.encrypt(str(value).encode("utf-8")).decode("ascii")
        elif isinstance(_base_type(column), (DateTime, Date)):
            out[column.name] = value.isoformat()
        elif isinstance(_base_type(column), LargeBinary):
            out[column.name] = base64.b64encode(value).decode("ascii")
        else:
            out[column.name] = value
    return out


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    query = select(table).order_by(*table.primary_key.columns)
    result = conn.execute(query.execution_options(yield_per=BATCH))
    for row in result.mappings():
        yield dict(row)


def _dump_table(conn: Connection, archive: zipfile.ZipFile, table: Table, cipher: Fernet) -> int:
    count = 0
    with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        for row in _rows(conn, table):
            out.write(json.dumps(_encode(table, row, cipher), ensure_ascii=False) + "\n")
            count += 1
        out.flush()
        out.detach()
    return count


def _dump_files(conn: Connection, archive: zipfile.ZipFile) -> list[dict[str, Any]]:
    """Bytes of the files whose backend keeps them outside the database (a composed file has
    none of its own: its row names the ranges of the files it is made of, dumped in their own
    right)."""
    files = []
    inside = ("database", storage.ComposedStorage.backend)
    query = select(StoredFile).where(StoredFile.backend.not_in(inside)).order_by(StoredFile.id)
    for row in Session(bind=conn).scalars(query):
        with (
            storage.storage_for(row).open(row) as source,
            archive.open(f"files/{row.id}", "w", force_zip64=True) as target,
        ):
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
        files.append({"id": row.id, "key": row.key, "backend": row.backend})
    return files


@contextmanager
def _snapshot() -> Iterator[Connection]:
    """One read-only transaction seeing the whole database at one moment, while others write:
    REPEATABLE READ on PostgreSQL, one explicit read transaction on SQLite (WAL)."""
    with sqlite.snapshot_transactions(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn


def backup(path: str | Path, now: datetime) -> dict[str, int]:
    """Write the whole database, as of one moment, to a ZIP archive at `path`; returns the row
    counts. Taken under write load it restores to a state that was real: every journal chain
    and its head agree."""
    cipher = _cipher()
    with (
        _snapshot() as conn,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        counts = {table.name: _dump_table(conn, archive, table, cipher) for table in tables()}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.isoformat(),
            "schema_revision": schema_revision(),
            "tables": list(counts),
            "counts": counts,
            "excluded": list(EXCLUDED),
            "secrets_check": cipher.encrypt(_CHECK).decode("ascii"),
            "files": _dump_files(conn, archive),
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return counts


# --- import ----------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, checked for format and version."""
    try:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise Invalid("Ce fichier n'est pas une sauvegarde Liasse.", code="not_a_backup") from exc
    if manifest.get("format") != FORMAT:
        raise Invalid("Ce fichier n'est pas une sauvegarde Liasse.", code="not_a_backup")
    if manifest.get("version") != VERSION:
        raise Invalid(
            f"Version de sauvegarde non prise en charge : {manifest.get('version')}.",
            code="unsupported_version",
        )
    return manifest


def _check_target(manifest: dict[str, Any]) -> None:
    """Restore only into an empty database migrated to the archive's schema."""
    revision = schema_revision()
    if manifest.get("schema_revision") and revision != manifest["schema_revision"]:
        raise Conflict(
            f"Schéma {revision} ≠ schéma de la sauvegarde {manifest['schema_revision']} : "
            "migrez la base (liasse db upgrade) vers la même version.",
            code="schema_mismatch",
        )
    for table in db.metadata.sorted_tables:
        if db.session.scalar(select(func.count()).select_from(table)):
            raise Conflict(
                f"La base n'est pas vide (table {table.name}) : restauration refusée.",
                code="not_empty",
            )


def _secrets_cipher(manifest: dict[str, Any], drop_secrets: bool) -> Fernet | None:
    if drop_secrets:
        return None
    cipher = _cipher()
    try:
        cipher.decrypt(manifest["secrets_check"].encode("ascii"))
    except (InvalidToken, KeyError) as exc:
        raise Conflict(
            "Cette sauvegarde a été faite avec une autre SECRET_KEY : restaurez avec la même clé, "
            "ou abandonnez les secrets (--drop-secrets : doubles authentifications à refaire).",
            code="secret_key_mismatch",
        ) from exc
    return cipher


def _decode(table: Table, row: dict[str, Any], cipher: Fernet | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    hidden = SECRETS.get(table.name, ())
    for column in table.columns:
        value = row.get(column.name)
        if value is None or isinstance(column.type, JSON):
            out[column.name] = value
        elif column.name in hidden:
            out[column.name] = cipher.decrypt(value.encode()).decode() if cipher else None
        elif isinstance(_base_type(column), DateTime):
            out[column.name] = datetime.fromisoformat(value)
        elif isinstance(_base_type(column), Date):
            out[column.name] = date.fromisoformat(value)
        elif isinstance(_base_type(column), LargeBinary):
            out[column.name] = base64.b64decode(value)
        else:
            out[column.name] = value
    if cipher is None and table.name == "users":
        out |= FACTOR_RESET | {"calendar_token": secrets.token_urlsafe(24)}
    return out


def _lines(archive: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    with archive.open(f"tables/{name}.jsonl") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)


def _self_references(table: Table) -> list[str]:
    """Columns pointing into the same table: filled after every row exists."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _insert(table: Table, rows: list[dict[str, Any]], later: list[dict[str, Any]]) -> None:
    links = _self_references(table)
    for row in rows:
        values = {name: row[name] for name in links if row[name] is not None}
        if values:
            later.append({**{c.name: row[c.name] for c in table.primary_key.columns}, **values})
            row.update(dict.fromkeys(values))
    db.session.execute(table.insert(), rows)


def _link(table: Table, later: list[dict[str, Any]]) -> None:
    keys = [c.name for c in table.primary_key.columns]
    for row in later:
        where = [table.c[k] == row[k] for k in keys]
        db.session.execute(
            update(table).where(*where).values({k: v for k, v in row.items() if k not in keys})
        )


def _load_table(archive: zipfile.ZipFile, table: Table, cipher: Fernet | None) -> int:
    batch: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    count = 0
    for row in _lines(archive, table.name):
        batch.append(_decode(table, row, cipher))
        count += 1
        if len(batch) >= BATCH:
            _insert(table, batch, later)
            batch = []
    if batch:
        _insert(table, batch, later)
    _link(table, later)
    return count


def _restore_files(archive: zipfile.ZipFile, files: list[dict[str, Any]]) -> None:
    """Put back the bytes of files kept outside the database, streamed through a scratch file."""
    for entry in files:
        row = db.session.get(StoredFile, entry["id"])
        assert row is not None
        backend = storage.storage_for(row)
        scratch_dir = backend.scratch_dir()
        with (
            tempfile.NamedTemporaryFile(dir=scratch_dir, delete=False) as scratch,
            archive.open(f"files/{entry['id']}") as source,
        ):
            shutil.copyfileobj(source, scratch, 1024 * 1024)
        try:
            backend._write(row, Path(scratch.name), move=True)  # the same step as Storage.put()
        finally:
            Path(scratch.name).unlink(missing_ok=True)


def reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the restored ids (SQLite needs nothing)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name, column = table.name, keys[0].name
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', '{column}'), "
                f"COALESCE((SELECT MAX({column}) FROM {name}), 0) + 1, false)"
            )
        )


def restore(path: str | Path, *, drop_secrets: bool = False) -> dict[str, int]:
    """Load an archive into an empty database, preserving ids; returns the row counts."""
    with zipfile.ZipFile(path) as archive:
        manifest = read_manifest(archive)
        _check_target(manifest)
        cipher = _secrets_cipher(manifest, drop_secrets)
        counts: dict[str, int] = {}
        for name in manifest["tables"]:
            if drop_secrets and name == "recovery_codes":
                continue  # they belong to the second factors being dropped
            counts[name] = _load_table(archive, db.metadata.tables[name], cipher)
            if counts[name] != manifest["counts"][name]:
                raise Invalid(f"Sauvegarde tronquée : table {name}.", code="truncated")
        _restore_files(archive, manifest.get("files", []))
    reset_sequences()
    db.session.flush()
    return counts
