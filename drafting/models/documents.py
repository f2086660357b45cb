"""Background jobs and the stored files they produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from drafting.extensions import db
from drafting.models.types import UTCDateTime, utcnow


class Job(db.Model):  # type: ignore[name-defined,misc]
    """A unit of background work; the database row is the source of truth for its status."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    text_id: Mapped[int | None] = mapped_column(ForeignKey("texts.id"))
    # A chunk of a large export points to the export job it belongs to.
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last sign of life of the worker running it (start, each progress step): a started job
    # silent for long was orphaned by a killed worker and is queued again (jobs.recover_stalled).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StoredFile(db.Model):  # type: ignore[name-defined,misc]
    """A generated file's metadata; bytes live in `data` or in the configured storage backend."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(16), default="database")
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # backend "composed": the file is these byte ranges of other stored files, in order:
    # [[stored file id, offset, length], ...] (a liasse spliced from its chunks' parts)
    pieces: Mapped[list[list[int]] | None] = mapped_column(JSON, deferred=True)
    # The CRC-32 of the bytes (written with small files: a liasse's ZIP entry of a kept sheet
    # is made of the kept file itself, and its header needs it).
    crc32: Mapped[int | None] = mapped_column(BigInteger)


class StoredFileSource(db.Model):  # type: ignore[name-defined,misc]
    """A file a composed file is made of (the clock keeps a kept sheet a liasse reads)."""

    __tablename__ = "stored_file_sources"

    file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("stored_files.id"), primary_key=True, index=True
    )


class StoredFilePart(db.Model):  # type: ignore[name-defined,misc]
    """One slice of a large file kept by the database backend (bounded memory both ways)."""

    __tablename__ = "stored_file_parts"
    __table_args__ = (UniqueConstraint("file_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
