"""Where generated files live: the database (default), a shared filesystem or S3, one interface.

The StoredFile row is the source of truth for every backend: a file is visible only once its row
is committed, and the bytes are always complete before the row is written (temporary file then
os.replace for the filesystem), so a worker killed mid-write leaves nothing visible.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import itertools
import logging
import os
import re
import tempfile
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

from flask import current_app
from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from drafting.extensions import db
from drafting.infra.direct import binary_rows
from drafting.infra.sql import among
from drafting.models import StoredFile, StoredFilePart, StoredFileSource
from drafting.models.types import utcnow

Source = bytes | Path
log = logging.getLogger(__name__)
PART_SIZE = 8 * 1024 * 1024  # larger files are kept as parts of this size (database backend)
_KEY_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=-]{0,100}$")


def _chunks(source: Source, size: int | None = None) -> Iterator[bytes]:
    size = size or PART_SIZE
    if isinstance(source, bytes):
        for start in range(0, len(source), size):
            yield source[start : start + size]
        return
    with open(source, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def digest(source: Source) -> tuple[int, str]:
    """Size and SHA-256 of bytes or of a file, read in bounded chunks."""
    sha, size = hashlib.sha256(), 0
    for chunk in _chunks(source, 1024 * 1024):
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest()


def check_key(key: str) -> str:
    """Keys are slash-separated safe names (they become paths on disk)."""
    parts = key.split("/")
    if not all(_KEY_PART.match(p) and p not in (".", "..") for p in parts) or len(key) > 200:
        raise ValueError(f"invalid storage key {key!r}")
    return key


@dataclass(frozen=True)
class SmallFile:
    """A file to store in bulk: its key, bytes, type and download name."""

    key: str
    data: bytes
    content_type: str
    filename: str


_ROW_COLUMNS = ("key", "filename", "content_type", "size", "sha256", "backend")


def read_many(keys: Sequence[str]) -> dict[str, bytes]:
    """The bytes of the files stored under these keys, in one query (missing keys are absent,
    and so are files whose bytes are gone from their volume: a cache then renders them again,
    and writing them again restores the bytes under the same key).

    Small files kept in the database come with the query; the others are opened from their
    backend without loading their row again.
    """
    found: dict[str, bytes] = {}
    columns = (StoredFile.id, StoredFile.key, StoredFile.backend, StoredFile.size)
    query = select(*columns, StoredFile.sha256, StoredFile.data).where(among(StoredFile.key, keys))
    for file_id, key, backend_name, size, sha, data in binary_rows(db.session.connection(), query):
        if data is not None:
            found[key] = bytes(data)
            continue
        stored = StoredFile(id=file_id, key=key, backend=backend_name, size=size)
        try:
            content = storage_for(stored).read(stored)
        except OSError:  # its bytes are gone (a volume cleaned by hand): as if never stored
            log.warning("stored file %s has no bytes; it is left out", key)
            continue
        # Kept sheets are written without waiting for the disk (put_many): after a crash, a
        # file may be cut short; it is then rendered again rather than served.
        if len(content) == size and hashlib.sha256(content).hexdigest() == sha:
            found[key] = content
        else:
            log.warning("stored file %s does not hold its bytes; it is left out", key)
    return found


@dataclass(frozen=True)
class Described:
    """A stored file's metadata: what a ZIP entry made of it needs."""

    id: int
    size: int
    crc32: int | None
    backend: str


def describe_many(keys: Sequence[str]) -> dict[str, Described]:
    """The metadata of the files stored under these keys (no bytes), in one query."""
    columns = (StoredFile.key, StoredFile.id, StoredFile.size, StoredFile.crc32)
    query = select(*columns, StoredFile.backend).where(among(StoredFile.key, keys))
    return {
        key: Described(file_id, size, crc, backend_name)
        for key, file_id, size, crc, backend_name in db.session.execute(query)
    }


def find(key: str) -> StoredFile | None:
    """The committed (or flushed) file stored under `key`, if any."""
    return db.session.scalar(select(StoredFile).where(StoredFile.key == key))


class Storage:
    """Put, open and test files by key; subclasses only move bytes."""

    backend = "base"

    def put(
        self, key: str, source: Source, content_type: str, filename: str, *, move: bool = False
    ) -> StoredFile:
        """Store bytes or a file under `key` (first writer wins) and flush its row."""
        existing = find(check_key(key))
        if existing is not None:
            return existing
        size, sha = digest(source)
        row = StoredFile(
            key=key,
            filename=filename,
            content_type=content_type,
            size=size,
            sha256=sha,
            backend=self.backend,
        )
        self._write(row, source, move)
        return self._insert(row, source, move)

    def put_many(self, files: Sequence[SmallFile]) -> None:
        """Store many small files (at most PART_SIZE each) in one statement, with their CRC-32.
        A key already stored keeps its row in the database backend (the same sheet rendered
        again: a liasse may be made of the bytes it holds, which must never change), and takes
        the new bytes in the others (its file was lost, or another job rendered it meanwhile),
        so a row always describes the bytes its backend holds."""
        rows: dict[str, dict[str, Any]] = {}  # by key: one statement may not touch a row twice
        for file in files:
            size, sha = digest(file.data)
            if size > PART_SIZE:
                raise ValueError(f"{file.key}: {size} bytes is not a small file")
            row = StoredFile(
                key=check_key(file.key),
                filename=file.filename,
                content_type=file.content_type,
                size=size,
                sha256=sha,
                backend=self.backend,
            )
            self._write(row, file.data, False, durable=False)  # kept sheets: see read_many
            rows[file.key] = {c: getattr(row, c) for c in _ROW_COLUMNS} | {
                "data": row.data,
                "crc32": zlib.crc32(file.data),
                "created_at": utcnow(),
            }
        if rows:
            dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
            insert_rows = dialect.insert(StoredFile)
            fresh = insert_rows.excluded
            if self.backend == DatabaseStorage.backend:
                statement = insert_rows.on_conflict_do_nothing(index_elements=["key"])
            else:
                statement = insert_rows.on_conflict_do_update(
                    index_elements=["key"],
                    set_={
                        "size": fresh.size,
                        "sha256": fresh.sha256,
                        "data": fresh.data,
                        "crc32": fresh.crc32,
                    },
                )
            db.session.execute(statement, list(rows.values()))

    def _insert(self, row: StoredFile, source: Source, move: bool) -> StoredFile:
        # No savepoint (pysqlite commits on RELEASE): a concurrent writer of the same key makes
        # this flush fail; the job is retried and then finds the stored file.
        db.session.add(row)
        db.session.flush()
        self._after_insert(row, source, move)
        return row

    def _write(self, row: StoredFile, source: Source, move: bool, durable: bool = True) -> None:
        """Write the bytes before the row exists (backends with external bytes); `durable`
        False: a file that can be made again need not reach the disk before the commit."""

    def _after_insert(self, row: StoredFile, source: Source, move: bool) -> None:
        """Write the bytes that need the row's id (database parts)."""

    def open(self, row: StoredFile) -> IO[bytes]:
        """A binary stream of the stored file."""
        raise NotImplementedError

    def read(self, row: StoredFile) -> bytes:
        """The whole file in memory (small files only)."""
        with self.open(row) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key`."""
        return find(key) is not None

    def remove(self, row: StoredFile) -> None:
        """Delete the row (and its bytes where they live outside the database)."""
        db.session.execute(delete(StoredFileSource).where(StoredFileSource.file_id == row.id))
        db.session.execute(delete(StoredFilePart).where(StoredFilePart.file_id == row.id))
        db.session.delete(row)
        db.session.flush()

    def scratch_dir(self) -> Path:
        """Where jobs write temporary files (on the storage volume when that allows a rename)."""
        return Path(tempfile.gettempdir())


class DatabaseStorage(Storage):
    """Bytes in the database: small files in StoredFile.data, larger ones in 8 MiB parts."""

    backend = "database"

    def _write(self, row: StoredFile, source: Source, move: bool, durable: bool = True) -> None:
        if row.size <= PART_SIZE:
            row.data = source if isinstance(source, bytes) else Path(source).read_bytes()

    def _after_insert(self, row: StoredFile, source: Source, move: bool) -> None:
        if row.size > PART_SIZE:
            for seq, chunk in enumerate(_chunks(source)):
                db.session.execute(
                    insert(StoredFilePart).values(file_id=row.id, seq=seq, data=chunk)
                )
        if move and isinstance(source, Path):
            source.unlink(missing_ok=True)

    def open(self, row: StoredFile) -> IO[bytes]:
        """Inline bytes, or a lazy reader over the parts (one part in memory at a time)."""
        if row.size <= PART_SIZE:
            return io.BytesIO(_inline_bytes(db.session.connection(), row.id))
        return io.BufferedReader(_PartsReader(db.engine, row.id, row.size), buffer_size=PART_SIZE)


def _inline_bytes(connection: Any, file_id: int) -> bytes:
    """The bytes a small file keeps in its row (read in the binary format)."""
    rows = binary_rows(connection, select(StoredFile.data).where(StoredFile.id == file_id))
    return bytes(rows[0][0] or b"") if rows else b""


class _SeekableReader(io.RawIOBase):
    """A raw reader of `size` bytes whose subclasses read from `self.position` (readinto)."""

    size: int
    position: int

    def readable(self) -> bool:
        """A reader."""
        return True

    def seekable(self) -> bool:
        """Any position can be read from."""
        return True

    def tell(self) -> int:
        """The position of the next byte read."""
        return self.position

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        """Move to `position` (from the start, the current position or the end)."""
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        if base + position < 0:
            raise ValueError("negative seek position")
        self.position = base + position
        return self.position


class _PartsReader(_SeekableReader):
    """Reads a file's parts with its own connection (usable while a response streams).

    Seekable: every part but the last holds exactly PART_SIZE bytes, so a position names its
    part and the offset in it (an HTTP range request reads only the parts it covers). Read
    from where the last read ended, a whole part is loaded at once; after a seek, a window of
    FIRST_WINDOW bytes, doubled at each read that goes on from it (so reading a ZIP's
    directory at the end of a part of 8 MiB loads kilobytes, not the part). A file of at most
    PART_SIZE bytes keeps them in its own row: read there, by the same windows.
    """

    FIRST_WINDOW = 64 << 10

    def __init__(self, engine: Any, file_id: int, size: int) -> None:
        self.engine, self.file_id, self.size = engine, file_id, size
        self.position, self.start, self.view = 0, 0, memoryview(b"")  # reading from 0 reads on
        self.window = PART_SIZE

    def _load(self, seq: int, offset: int, length: int) -> None:
        query = self._window(seq, offset, length)
        with self.engine.connect() as conn:
            rows = binary_rows(conn, query)
        self.start, self.view = seq * PART_SIZE + offset, memoryview(rows[0][0] if rows else b"")

    def _window(self, seq: int, offset: int, length: int) -> Any:
        """The query of `length` bytes from `offset` in part `seq` (or in the row)."""
        if self.size <= PART_SIZE:
            return select(func.substr(StoredFile.data, offset + 1, length)).where(
                StoredFile.id == self.file_id
            )
        data: Any = StoredFilePart.data
        if offset or length < PART_SIZE:
            data = func.substr(StoredFilePart.data, offset + 1, length)
        return select(data).where(StoredFilePart.file_id == self.file_id, StoredFilePart.seq == seq)

    def _loaded(self) -> bool:
        return 0 <= self.position - self.start < len(self.view)

    def readinto(self, target: Any) -> int:
        """Copy the next bytes from the loaded window, loading the one holding the position
        when it is not (see the class)."""
        if self.position >= self.size:
            return 0
        if not self._loaded():
            sequential = self.position == self.start + len(self.view)
            self.window = min(PART_SIZE, self.window * 2) if sequential else self.FIRST_WINDOW
            seq, offset = divmod(self.position, PART_SIZE)
            self._load(seq, offset, min(self.window, PART_SIZE - offset))
            if not self._loaded():
                return 0
        inner = self.position - self.start
        size = min(len(target), len(self.view) - inner)
        target[:size] = self.view[inner : inner + size]
        self.position += size
        return size


class FilesystemStorage(Storage):
    """Bytes in files under LIASSE_STORAGE_PATH (a volume shared by web and worker machines)."""

    backend = "filesystem"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of `key`."""
        return self.root / check_key(key)

    def _write(self, row: StoredFile, source: Source, move: bool, durable: bool = True) -> None:
        final = self.path(row.key)
        final.parent.mkdir(parents=True, exist_ok=True)
        if move and isinstance(source, Path):
            try:
                os.replace(source, final)  # atomic on one filesystem (the scratch dir is on it)
                return
            except OSError:
                pass
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in _chunks(source):
                    out.write(chunk)
                out.flush()
                if durable:
                    os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, row: StoredFile) -> IO[bytes]:
        """The file itself."""
        return open(self.path(row.key), "rb")

    def remove(self, row: StoredFile) -> None:
        """Delete the row and the file."""
        path = self.path(row.key)
        super().remove(row)
        path.unlink(missing_ok=True)

    def scratch_dir(self) -> Path:
        """A hidden folder on the storage volume, so finished files are renamed into place."""
        scratch = self.root / ".tmp"
        scratch.mkdir(parents=True, exist_ok=True)
        return scratch


class S3Storage(Storage):
    """Bytes in an S3-compatible bucket (boto3, optional dependency `liasse[s3]`)."""

    backend = "s3"

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        if client is None:
            import boto3  # optional: only needed with LIASSE_STORAGE=s3

            client = boto3.client("s3", endpoint_url=os.environ.get("LIASSE_S3_ENDPOINT_URL"))
        self.bucket, self.prefix, self.client = bucket, prefix, client

    def object_key(self, key: str) -> str:
        """The object name of `key` in the bucket."""
        return self.prefix + check_key(key)

    def _write(self, row: StoredFile, source: Source, move: bool, durable: bool = True) -> None:
        # An S3 object (multipart or not) becomes visible only once complete.
        extra = {"ContentType": row.content_type}
        if isinstance(source, bytes):
            self.client.put_object(
                Bucket=self.bucket, Key=self.object_key(row.key), Body=source, **extra
            )
        else:
            self.client.upload_file(
                str(source), self.bucket, self.object_key(row.key), ExtraArgs=extra
            )

    def open(self, row: StoredFile) -> IO[bytes]:
        """The object's streaming body."""
        answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(row.key))
        return answer["Body"]  # type: ignore[no-any-return]

    def remove(self, row: StoredFile) -> None:
        """Delete the row and the object."""
        key = self.object_key(row.key)
        super().remove(row)
        self.client.delete_object(Bucket=self.bucket, Key=key)


class ComposedStorage(Storage):
    """Files made of byte ranges of other stored files (`StoredFile.pieces`): a liasse spliced
    from its chunks' parts and the sheets kept for re-exports. Nothing of their own to write;
    read piece by piece (seekable, so HTTP ranges read only the pieces they cover); removed
    with the files they are made of, but for kept files (`amdt/…`, shared by the liasses that
    reuse them: the clock forgets them once no composed file lists them)."""

    backend = "composed"

    def _write(self, row: StoredFile, source: Source, move: bool, durable: bool = True) -> None:
        raise TypeError("a composed file is made with compose(), from stored files")

    def open(self, row: StoredFile) -> IO[bytes]:
        """A reader over the pieces, each source opened when the reading reaches it."""
        pieces = [tuple(piece) for piece in _pieces(row)]
        opened = openers([file_id for file_id, _, _ in pieces])
        return read_pieces([(opened[f], o, n) for f, o, n in pieces])

    def remove(self, row: StoredFile) -> None:
        """Delete the row, then the files it is made of that are its own."""
        sources = _sources({piece[0] for piece in _pieces(row)})
        super().remove(row)
        for source in sources.values():
            if not source.key.startswith(KEPT_PREFIX):
                own = db.session.get_one(StoredFile, source.id)
                storage_for(own).remove(own)


KEPT_PREFIX = "amdt/"  # files kept for re-exports (services/documents/reuse.py)


def compose(
    key: str,
    pieces: Sequence[tuple[int, int, int]],
    sha256: str,
    content_type: str,
    filename: str,
    sources: Sequence[int] | None = None,
) -> StoredFile:
    """Store a file made of `(stored file id, offset, length)` ranges, in order, and name the
    files it is made of (`sources`: by default every one; a liasse names its parts and glue,
    which name the kept files in turn); the caller read them to give the whole file's SHA-256
    (downloads announce it)."""
    row = StoredFile(
        key=check_key(key),
        filename=filename,
        content_type=content_type,
        size=sum(length for _, _, length in pieces),
        sha256=sha256,
        backend=ComposedStorage.backend,
        pieces=[list(piece) for piece in pieces],
    )
    db.session.add(row)
    db.session.flush()
    name_sources(row, {file_id for file_id, _, _ in pieces} if sources is None else sources)
    return row


def name_sources(row: StoredFile, sources: Iterable[int]) -> None:
    """Note that `row` reads these stored files (the clock never forgets a kept file a stored
    file names; the names go with the row). Raises FileNotFoundError when one is gone (the
    clock forgot it after the caller found it: the caller's job runs again and renders it);
    once named in this transaction, it can no longer be forgotten before the commit."""
    named = sorted(set(sources))
    if not named:
        return
    # One statement names those still there; fewer names than files: one was forgotten.
    still_there = select(literal(row.id), StoredFile.id).where(among(StoredFile.id, named))
    statement = (
        insert(StoredFileSource)
        .from_select(["file_id", "source_id"], still_there)
        .returning(StoredFileSource.source_id)
    )
    try:  # PostgreSQL's foreign key refuses a name of a row deleted meanwhile
        done = len(db.session.execute(statement).all())
    except IntegrityError as error:
        raise FileNotFoundError("a kept file was forgotten meanwhile") from error
    if done != len(named):
        raise FileNotFoundError("a kept file was forgotten meanwhile")


def _pieces(row: StoredFile) -> list[list[int]]:
    pieces = db.session.scalar(select(StoredFile.pieces).where(StoredFile.id == row.id))
    return list(pieces or [])


class _Source(NamedTuple):
    """What opening or removing a piece's file needs of its row."""

    id: int
    key: str
    backend: str
    size: int

    def row(self) -> StoredFile:
        """A detached row of it (what the backends open)."""
        return StoredFile(id=self.id, key=self.key, backend=self.backend, size=self.size)


def _sources(ids: set[int]) -> dict[int, _Source]:
    """The files of these ids (a liasse is made of 40 000: plain rows, not entities)."""
    wanted, found = sorted(ids), {}
    columns = (StoredFile.id, StoredFile.key, StoredFile.backend, StoredFile.size)
    for start in range(0, len(wanted), 5_000):  # SQLite binds at most 32 766 values
        query = select(*columns).where(among(StoredFile.id, wanted[start : start + 5_000]))
        found.update({row[0]: _Source(*row) for row in db.session.execute(query)})
    if len(found) != len(ids):
        raise FileNotFoundError(f"pieces missing: {sorted(ids - set(found))}")
    return found


INLINE_BATCH = 256  # small database files read in one query by a composed file's reader
READ_AHEAD = 2  # batches read ahead meanwhile, on as many threads


def openers(ids: Sequence[int]) -> dict[int, Callable[[], IO[bytes]]]:
    """An opener for each of these stored files, to be read in this order (usable while a
    response streams: no session then, the engine only): the small files the database holds
    are read INLINE_BATCH at a time (a liasse is made of 40 000 kept sheets), but for one
    named more than once (a chunk's part, read at each of its pieces: a batch holding it
    would be loaded again each time), read by windows where it is read."""
    order, named = list(dict.fromkeys(ids)), Counter(ids)
    sources = _sources(set(order))
    inline = _InlineBatches(
        db.engine,
        [
            file_id
            for file_id in order
            if sources[file_id].backend == DatabaseStorage.backend
            and sources[file_id].size <= PART_SIZE
            and named[file_id] == 1  # a part read at many places: by windows, not batches
        ],
    )
    return {
        file_id: inline.opener(file_id) if file_id in inline else _opener(sources[file_id])
        for file_id in order
    }


def inline_openers(ids: Sequence[int]) -> dict[int, Callable[[], IO[bytes]]]:
    """An opener for each of these files known to be small files the database keeps in
    their rows (a liasse's kept sheets and runs: only the database storage gives them as
    `Kept`, and each is at most PART_SIZE), read INLINE_BATCH at a time in this order as by
    `openers`, without first looking their 40 000 rows up to learn it (a missing one is a
    FileNotFoundError when read)."""
    batches = _InlineBatches(db.engine, list(dict.fromkeys(ids)))
    return {file_id: batches.opener(file_id) for file_id in batches.order}


_READ_AHEAD: dict[int, ThreadPoolExecutor] = {}  # by process: a forked job makes its own


def _read_ahead() -> ThreadPoolExecutor:
    pid = os.getpid()
    if pid not in _READ_AHEAD:
        _READ_AHEAD.clear()
        _READ_AHEAD[pid] = ThreadPoolExecutor(READ_AHEAD, thread_name_prefix="read-ahead")
    return _READ_AHEAD[pid]


class _InlineBatches:
    """Small database files read in the order given, INLINE_BATCH at a time from the first
    one asked that is not loaded; the next READ_AHEAD batches are read meanwhile, each on a
    thread of its own (the database serves them on its cores while this one is consumed:
    READ_AHEAD + 1 batches in memory at most)."""

    def __init__(self, engine: Any, order: list[int]) -> None:
        self.engine, self.order = engine, order
        self.position = {file_id: n for n, file_id in enumerate(order)}
        self.loaded: dict[int, bytes] = {}
        self.ahead: dict[int, Future[dict[int, bytes]]] = {}

    def __contains__(self, file_id: object) -> bool:
        return file_id in self.position

    def opener(self, file_id: int) -> _InlineOpener:
        """Opens the file's bytes (its batch loaded if need be)."""
        return _InlineOpener(self, file_id)

    def _load(self, start: int) -> dict[int, bytes]:
        wanted = self.order[start : start + INLINE_BATCH]
        query = select(StoredFile.id, StoredFile.data).where(among(StoredFile.id, wanted))
        with self.engine.connect() as conn:
            return {i: bytes(data or b"") for i, data in binary_rows(conn, query)}

    def _bytes(self, file_id: int) -> bytes:
        if file_id not in self.loaded:
            start = self.position[file_id]
            ahead = self.ahead.pop(start, None)
            self.loaded = ahead.result() if ahead is not None else self._load(start)
            following = range(start + INLINE_BATCH, start + (READ_AHEAD + 1) * INLINE_BATCH)
            wanted = [n for n in following[::INLINE_BATCH] if n < len(self.order)]
            self.ahead = {
                n: self.ahead.get(n) or _read_ahead().submit(self._load, n) for n in wanted
            }
        if file_id not in self.loaded:
            raise FileNotFoundError(f"stored file {file_id} is gone")
        return self.loaded[file_id]


class _InlineOpener:
    """Opens one small database file of `_InlineBatches` (an opener like any other); its
    bytes are also viewed in place (`view`): the liasse's SHA-256 reads 40 000 of them."""

    __slots__ = ("batches", "file_id")

    def __init__(self, batches: _InlineBatches, file_id: int) -> None:
        self.batches, self.file_id = batches, file_id

    def __call__(self) -> IO[bytes]:
        return io.BytesIO(self.batches._bytes(self.file_id))

    def view(self, offset: int, length: int) -> memoryview:
        """The file's bytes from `offset`, `length` of them at most, not copied."""
        return memoryview(self.batches._bytes(self.file_id))[offset : offset + length]


def _opener(source: _Source) -> Callable[[], IO[bytes]]:
    """Opens `source` later (while a response streams: no session then, the engine only): a
    file of another backend, or one the database keeps (in parts, or in its row when it is
    read at many places: the other small ones are read by `_InlineBatches`)."""
    if source.backend != DatabaseStorage.backend:
        backend_of, row = backend(source.backend), source.row()
        return lambda: backend_of.open(row)
    engine, file_id, size = db.engine, source.id, source.size
    return lambda: io.BufferedReader(_PartsReader(engine, file_id, size), PART_SIZE)


def read_pieces(pieces: Sequence[tuple[Callable[[], IO[bytes]], int, int]]) -> IO[bytes]:
    """`(open a file, offset, length)` ranges read as one seekable file, one file open at a
    time (successive ranges of one file read on from the same handle)."""
    reader = _PiecesReader(list(pieces), sum(length for _, _, length in pieces))
    return io.BufferedReader(reader, buffer_size=1 << 20)


def piece_blocks(
    pieces: Sequence[tuple[Callable[[], IO[bytes]], int, int]], block: int = 1 << 20
) -> Iterator[bytes | memoryview]:
    """The bytes of `(open a file, offset, length)` ranges, in order, in blocks of at most
    `block` bytes: what reading `read_pieces` through gives, without its copies into a buffer
    (a liasse's SHA-256 reads 1 GB of 40 000 pieces): a small database file's bytes are
    viewed where its batch holds them, neither opened as a file nor copied."""
    reader = _PiecesReader(list(pieces), 0)
    try:
        for index, (opener, offset, length) in enumerate(reader.pieces):
            if isinstance(opener, _InlineOpener):
                view = opener.view(offset, length)
                if len(view) < length:
                    raise OSError("a piece of a composed file ended early")
                for start in range(0, length, block):
                    yield view[start : start + block]
                continue
            source, remaining = reader._at(index, offset), length
            while remaining:
                data = source.read(min(remaining, block))
                if not data:
                    raise OSError("a piece of a composed file ended early")
                remaining -= len(data)
                yield data
    finally:
        reader.close()


class _PiecesReader(_SeekableReader):
    """Reads `(open source, offset, length)` pieces as one file; seekable. The last
    OPEN_SOURCES sources read stay open: a liasse goes back and forth between its glue (each
    entry's header) and the kept files it is made of, 40 000 times."""

    OPEN_SOURCES = 4

    def __init__(self, pieces: list[tuple[Callable[[], IO[bytes]], int, int]], size: int) -> None:
        self.pieces, self.size, self.position = pieces, size, 0
        self.starts = list(itertools.accumulate((n for _, _, n in pieces), initial=0))
        self.open: OrderedDict[Callable[[], IO[bytes]], IO[bytes]] = OrderedDict()

    def _at(self, index: int, position: int) -> IO[bytes]:
        """The source of piece `index`, at `position`: the file already open if it is (the
        successive pieces of one part, the glue between kept files), else opened; a stream
        that cannot seek (an S3 body) is read further on, or opened again to go back."""
        opener = self.pieces[index][0]
        source = self.open.pop(opener, None) or opener()
        self.open[opener] = source
        while len(self.open) > self.OPEN_SOURCES:
            self.open.popitem(last=False)[1].close()
        if source.seekable():
            source.seek(position)
            return source
        if source.tell() > position:
            source.close()
            source = self.open[opener] = opener()
        skip = position - source.tell()
        while skip > 0:
            skipped = len(source.read(min(skip, 1 << 20)))
            if not skipped:
                break
            skip -= skipped
        return source

    def readinto(self, target: Any) -> int:
        """Copy the next bytes from the piece holding the position."""
        if self.position >= self.size:
            return 0
        index = bisect.bisect_right(self.starts, self.position) - 1
        _, offset, length = self.pieces[index]
        inner = self.position - self.starts[index]
        source = self._at(index, offset + inner)
        wanted = min(len(target), length - inner)
        data = source.read(wanted)
        if not data:
            raise OSError("a piece of a composed file ended early")
        target[: len(data)] = data
        self.position += len(data)
        return len(data)

    def close(self) -> None:
        """Close the sources left open."""
        while self.open:
            self.open.popitem()[1].close()
        super().close()


def _build(backend: str) -> Storage:
    config = current_app.config
    if backend == "database":
        return DatabaseStorage()
    if backend == "filesystem":
        return FilesystemStorage(config["LIASSE_STORAGE_PATH"])
    if backend == "composed":
        return ComposedStorage()
    if backend == "s3":
        bucket = config.get("LIASSE_S3_BUCKET") or os.environ.get("LIASSE_S3_BUCKET", "")
        prefix = config.get("LIASSE_S3_PREFIX") or os.environ.get("LIASSE_S3_PREFIX", "")
        return S3Storage(bucket, prefix)
    raise ValueError(f"unknown LIASSE_STORAGE backend {backend!r}")


def backend(name: str | None = None) -> Storage:
    """The storage backend `name` (default: LIASSE_STORAGE), built once per app."""
    name = name or current_app.config.get("LIASSE_STORAGE") or "database"
    built: dict[str, Storage] = current_app.extensions.setdefault("liasse_storage", {})
    if name not in built:
        built[name] = _build(name)
    return built[name]


def storage_for(row: StoredFile) -> Storage:
    """The backend that holds `row` (files stay readable after LIASSE_STORAGE changes)."""
    return backend(row.backend)


def open_file(row: StoredFile) -> IO[bytes]:
    """A binary stream of a stored file, from whichever backend holds it."""
    return storage_for(row).open(row)
