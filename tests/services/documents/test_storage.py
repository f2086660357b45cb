"""The storage interface: database (inline and in parts), filesystem (atomic), download headers."""

from __future__ import annotations

import hashlib
import io
import random
import zlib
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from drafting.db import commit, rollback
from drafting.extensions import db
from drafting.infra import downloads
from drafting.models import StoredFile, StoredFilePart
from drafting.services.documents import storage


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_database_backend_keeps_small_files_in_the_row_with_size_and_sha256():
    data = b"%PDF-1.7 contenu"
    row = storage.backend("database").put("t/a.pdf", data, "application/pdf", "a.pdf")
    commit()
    assert (row.size, row.sha256, row.backend) == (
        len(data),
        hashlib.sha256(data).hexdigest(),
        "database",
    )
    assert storage.backend().exists("t/a.pdf") and not storage.backend().exists("t/b.pdf")
    assert storage.storage_for(row).read(row) == data
    assert _count(StoredFilePart) == 0


def test_database_backend_streams_large_files_in_parts(monkeypatch, tmp_path):
    monkeypatch.setattr(storage, "PART_SIZE", 1000)
    source = tmp_path / "big.zip"
    source.write_bytes(bytes(range(256)) * 20)  # 5 120 bytes: six parts
    row = storage.backend("database").put("t/big.zip", source, "application/zip", "big.zip")
    commit()
    assert _count(StoredFilePart) == 6
    assert storage.storage_for(row).read(row) == source.read_bytes()


def test_a_read_after_a_seek_loads_a_window_of_a_part_not_the_part(monkeypatch, tmp_path):
    """Reading a ZIP's directory at the end of a stored part loads kilobytes, not 8 MiB."""
    monkeypatch.setattr(storage, "PART_SIZE", 4000)
    monkeypatch.setattr(storage._PartsReader, "FIRST_WINDOW", 100)
    data = bytes(random.Random(7).randrange(256) for _ in range(20_000))
    source = tmp_path / "big.zip"
    source.write_bytes(data)
    row = storage.backend("database").put("t/big.zip", source, "application/zip", "big.zip")
    commit()
    loaded: list[int] = []
    real = storage._PartsReader._load
    monkeypatch.setattr(
        storage._PartsReader,
        "_load",
        lambda self, seq, offset, length: loaded.append(length) or real(self, seq, offset, length),
    )
    with storage.storage_for(row).open(row) as handle:
        handle.seek(11_950)
        assert handle.read(30) == data[11_950:11_980]
        assert loaded == [50]  # the window, cut at the end of its part
        handle.seek(13_000)
        assert handle.read() == data[13_000:]  # reading on: windows doubled up to whole parts
        assert loaded[1:] == [100, 200, 400, 800, 1500, 3200, 800]
    loaded.clear()
    with storage.storage_for(row).open(row) as handle:
        assert handle.read() == data  # from the start: whole parts
        assert loaded == [4000] * 5


def test_postgresql_keeps_stored_bytes_as_they_come(monkeypatch, tmp_path):
    """Generated files are DOCX, PDF and ZIP, already compressed: PostgreSQL is not asked to
    compress them again (EXTERNAL, migration 23a1b2c3d4e9), and reads them back in binary."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL column setting")
    monkeypatch.setattr(storage, "PART_SIZE", 4000)
    source = tmp_path / "big.zip"
    source.write_bytes(b"%PDF " * 2000)  # compressible, so an attempt would shrink it
    small = storage.backend("database").put("t/small.pdf", b"%PDF " * 700, "application/pdf", "s")
    row = storage.backend("database").put("t/big.zip", source, "application/zip", "big.zip")
    commit()
    stored = select(func.pg_column_size(StoredFilePart.data), func.length(StoredFilePart.data))
    parts = db.session.execute(stored.where(StoredFilePart.file_id == row.id)).all()
    assert len(parts) == 3 and all(kept == length for kept, length in parts)
    inline = select(func.pg_column_size(StoredFile.data)).where(StoredFile.id == small.id)
    assert db.session.scalar(inline) == 3500
    assert storage.storage_for(row).read(row) == source.read_bytes()
    assert storage.read_many(["t/small.pdf"]) == {"t/small.pdf": b"%PDF " * 700}


def test_put_many_takes_a_key_given_twice_once_and_keeps_a_stored_row_with_its_crc(
    app, monkeypatch, tmp_path
):
    """Two identical drafts print the same sheet: one chunk keeps it twice under one key. A key
    already stored keeps its bytes in the database (a liasse may be made of them); on a
    volume it takes the new ones (its file may have been lost)."""
    same = storage.SmallFile("amdt/x/docx", b"first", "application/zip", "a.docx")
    again = storage.SmallFile("amdt/x/docx", b"second", "application/zip", "a.docx")
    storage.backend().put_many([same, again])
    commit()
    row = storage.find("amdt/x/docx")
    assert row is not None and storage.storage_for(row).read(row) == b"second"
    assert row.crc32 == zlib.crc32(b"second")
    storage.backend().put_many([same])
    commit()
    row = db.session.get(StoredFile, row.id, populate_existing=True)
    assert (row.size, storage.storage_for(row).read(row)) == (6, b"second")
    assert storage.describe_many(["amdt/x/docx", "amdt/none"]) == {
        "amdt/x/docx": storage.Described(row.id, 6, zlib.crc32(b"second"), "database")
    }
    monkeypatch.setitem(app.config, "LIASSE_STORAGE_PATH", str(tmp_path))
    monkeypatch.setitem(app.extensions, "liasse_storage", {})
    volume = storage.backend("filesystem")
    volume.put_many([storage.SmallFile("amdt/y/docx", b"second", "application/zip", "a.docx")])
    volume.put_many([storage.SmallFile("amdt/y/docx", b"first", "application/zip", "a.docx")])
    commit()
    row = storage.find("amdt/y/docx")
    assert row is not None and (row.size, volume.read(row)) == (5, b"first")
    assert (row.sha256, row.crc32) == (hashlib.sha256(b"first").hexdigest(), zlib.crc32(b"first"))


def test_put_is_first_writer_wins_for_a_key():
    first = storage.backend().put("t/k", b"one", "text/plain", "k.txt")
    second = storage.backend().put("t/k", b"two", "text/plain", "k.txt")
    commit()
    assert first.id == second.id and storage.backend().read(second) == b"one"


def test_a_rolled_back_put_leaves_no_visible_file():
    storage.backend().put("t/gone", b"x", "text/plain", "gone.txt")
    rollback()
    assert not storage.backend().exists("t/gone")


def test_filesystem_backend_renames_into_place_and_leaves_no_temporary_file(app: Flask, tmp_path):
    backend = storage.FilesystemStorage(tmp_path / "files")
    scratch = backend.scratch_dir() / "work.zip"
    scratch.write_bytes(b"PK zip")
    row = backend.put("exports/x/liasse.zip", scratch, "application/zip", "l.zip", move=True)
    commit()
    target = tmp_path / "files" / "exports" / "x" / "liasse.zip"
    assert target.read_bytes() == b"PK zip" and not scratch.exists()
    assert backend.read(row) == b"PK zip" and row.backend == "filesystem"
    backend.put("amdt/h/pdf", b"%PDF", "application/pdf", "a.pdf")
    leftovers = [p for p in (tmp_path / "files").rglob(".part-*")]
    assert leftovers == []
    backend.remove(row)
    commit()
    assert not target.exists() and _count(StoredFile) == 1


def test_filesystem_backend_is_selected_by_setting(app: Flask, monkeypatch):
    monkeypatch.setitem(app.config, "LIASSE_STORAGE", "filesystem")
    monkeypatch.setitem(app.extensions, "liasse_storage", {})
    row = storage.backend().put("t/fs.txt", b"disque", "text/plain", "fs.txt")
    commit()
    assert row.backend == "filesystem"
    assert (Path(app.config["LIASSE_STORAGE_PATH"]) / "t" / "fs.txt").read_bytes() == b"disque"


@pytest.mark.parametrize("key", ["../etc/passwd", "a//b", "/abs", "a/./b", ".hidden", "a b"])
def test_unsafe_keys_are_refused(key):
    with pytest.raises(ValueError):
        storage.check_key(key)


def test_content_disposition_quotes_the_name_and_adds_utf8_when_needed():
    assert downloads.content_disposition("AMDT_809_art7_n123.pdf") == (
        'attachment; filename="AMDT_809_art7_n123.pdf"'
    )
    header = downloads.content_disposition("LIASSE_séance.zip")
    assert header.startswith('attachment; filename="LIASSE_sance.zip"')
    assert "filename*=UTF-8''LIASSE_s%C3%A9ance.zip" in header


def test_s3_backend_stores_and_reads_objects_through_boto3():
    boto3 = pytest.importorskip("boto3")
    from botocore.response import StreamingBody
    from botocore.stub import Stubber

    client = boto3.client(
        "s3", region_name="eu-west-3", aws_access_key_id="test", aws_secret_access_key="test"
    )
    stubber = Stubber(client)
    where = {"Bucket": "liasse", "Key": "prod/amdt/h/pdf"}
    stubber.add_response(
        "put_object", {}, where | {"Body": b"%PDF", "ContentType": "application/pdf"}
    )
    stubber.add_response("get_object", {"Body": StreamingBody(io.BytesIO(b"%PDF"), 4)}, where)
    stubber.add_response("delete_object", {}, where)
    with stubber:
        backend = storage.S3Storage("liasse", "prod/", client)
        row = backend.put("amdt/h/pdf", b"%PDF", "application/pdf", "a.pdf")
        commit()
        assert row.backend == "s3" and backend.read(row) == b"%PDF"
        backend.remove(row)
        commit()
    stubber.assert_no_pending_responses()
    assert not backend.exists("amdt/h/pdf")


def test_a_large_file_is_served_part_by_part_with_its_headers(app: Flask, monkeypatch, tmp_path):
    monkeypatch.setattr(storage, "PART_SIZE", 1000)
    source = tmp_path / "LIASSE_809.zip"
    source.write_bytes(b"PK" + bytes(range(256)) * 12)
    row = storage.backend().put(
        "exports/j/LIASSE_809.zip", source, "application/zip", "LIASSE_809.zip"
    )
    commit()
    with app.test_request_context():
        response = downloads.download_response(storage.open_file(row), row)
        body = b"".join(response.response)
    assert body == source.read_bytes()
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Length"] == str(len(body))
    assert response.headers["Content-Disposition"] == 'attachment; filename="LIASSE_809.zip"'


def _large(tmp_path: Path, monkeypatch) -> tuple[StoredFile, bytes]:
    monkeypatch.setattr(storage, "PART_SIZE", 1000)
    data = bytes(range(256)) * 20  # 5 120 bytes: six parts
    source = tmp_path / "LIASSE_809.zip"
    source.write_bytes(data)
    row = storage.backend().put(
        "exports/j/LIASSE_809.zip", source, "application/zip", "LIASSE_809.zip"
    )
    commit()
    return row, data


@pytest.mark.parametrize("position", [0, 1, 999, 1000, 2500, 4999, 5119, 5120])
def test_a_file_in_parts_is_read_from_any_position(monkeypatch, tmp_path, position):
    row, data = _large(tmp_path, monkeypatch)
    with storage.open_file(row) as handle:
        assert handle.seek(position) == position
        assert handle.read(1500) == data[position : position + 1500]
        assert handle.tell() == min(len(data), position + 1500)
        handle.seek(-10, io.SEEK_END)
        assert handle.read() == data[-10:]


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [("bytes=1500-2600", 1500, 2600), ("bytes=-100", 5020, 5119), ("bytes=4990-", 4990, 5119)],
)
def test_a_range_request_gets_those_bytes_only(
    app: Flask, monkeypatch, tmp_path, asked, first, last
):
    row, data = _large(tmp_path, monkeypatch)
    with app.test_request_context(headers={"Range": asked}):
        response = downloads.download_response(storage.open_file(row), row)
        body = b"".join(response.response)
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {first}-{last}/{len(data)}"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert body == data[first : last + 1]
    assert response.headers["Content-Length"] == str(len(body))


def test_a_range_for_another_version_of_the_file_gets_the_whole_file(
    app: Flask, monkeypatch, tmp_path
):
    row, data = _large(tmp_path, monkeypatch)
    headers = {"Range": "bytes=1000-", "If-Range": '"not-this-digest"'}
    with app.test_request_context(headers=headers):
        response = downloads.download_response(storage.open_file(row), row)
        body = b"".join(response.response)
    assert (response.status_code, body) == (200, data)
    headers["If-Range"] = f'"{row.sha256}"'
    with app.test_request_context(headers=headers):
        response = downloads.download_response(storage.open_file(row), row)
        assert (response.status_code, b"".join(response.response)) == (206, data[1000:])


def _composed(app: Flask, tmp_path: Path, monkeypatch) -> tuple[StoredFile, bytes, list[int]]:
    """A file made of ranges of a large database file (in parts), a small one and a file on
    disk, one of them twice (as a liasse takes its parts' sheets, then their PDF pages)."""
    monkeypatch.setattr(storage, "PART_SIZE", 1000)
    monkeypatch.setitem(app.config, "LIASSE_STORAGE_PATH", str(tmp_path / "files"))
    monkeypatch.setitem(app.extensions, "liasse_storage", {})
    large = bytes(range(256)) * 20  # 5 120 bytes: six parts
    big = storage.backend("database").put("p/big", large, "application/zip", "big")
    small = storage.backend("database").put("p/small", b"glue-bytes", "application/zip", "glue")
    disk = storage.backend("filesystem").put("p/disk", b"0123456789" * 50, "text/plain", "d")
    pieces = [(big.id, 0, 2600), (small.id, 0, 4), (disk.id, 10, 300), (big.id, 3000, 2120)]
    data = large[:2600] + b"glue" + (b"0123456789" * 50)[10:310] + large[3000:]
    row = storage.compose(
        "exports/j/L.zip", pieces, hashlib.sha256(data).hexdigest(), "application/zip", "L.zip"
    )
    commit()
    return row, data, [big.id, small.id, disk.id]


@pytest.mark.parametrize("position", [0, 999, 2599, 2600, 2603, 2604, 2903, 2904, 5000, 5023])
def test_a_composed_file_reads_as_its_pieces_from_any_position(
    app: Flask, monkeypatch, tmp_path, position
):
    row, data, _ = _composed(app, tmp_path, monkeypatch)
    assert (row.size, row.backend) == (len(data), "composed")
    with storage.open_file(row) as handle:
        assert handle.read() == data
        assert handle.seek(position) == position
        assert handle.read(1500) == data[position : position + 1500]
        handle.seek(-10, io.SEEK_END)
        assert handle.read() == data[-10:]


def test_a_composed_file_answers_range_requests_once_its_session_is_gone(
    app: Flask, monkeypatch, tmp_path
):
    row, data, _ = _composed(app, tmp_path, monkeypatch)
    with app.test_request_context(headers={"Range": "bytes=2500-3100"}):
        response = downloads.download_response(storage.open_file(row), row)
    db.session.remove()  # the response streams after the request's session is closed
    body = b"".join(response.response)
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 2500-3100/{len(data)}"
    assert body == data[2500:3101]


def test_removing_a_composed_file_removes_the_files_it_is_made_of(
    app: Flask, monkeypatch, tmp_path
):
    row, _, sources = _composed(app, tmp_path, monkeypatch)
    disk = storage.backend("filesystem").path("p/disk")
    storage.storage_for(row).remove(row)
    commit()
    assert db.session.scalars(select(StoredFile.id)).all() == []
    assert _count(StoredFilePart) == 0 and not disk.exists() and sources


def test_a_composed_file_whose_pieces_are_gone_is_an_error_not_other_bytes(
    app: Flask, monkeypatch, tmp_path
):
    from sqlalchemy import delete

    from drafting.models import StoredFileSource

    row, _, (big, _, _) = _composed(app, tmp_path, monkeypatch)
    source = db.session.get(StoredFile, big)
    # the database refuses to forget a file a composed file lists: done by hand here
    db.session.execute(delete(StoredFileSource).where(StoredFileSource.source_id == big))
    storage.storage_for(source).remove(source)
    commit()
    with pytest.raises(FileNotFoundError):
        storage.open_file(db.session.get(StoredFile, row.id))


class _Stream(io.RawIOBase):
    """A body that reads on and cannot seek (as an S3 object's), counting its openings."""

    opened = 0

    def __init__(self, data: bytes) -> None:
        self.data, self.position = data, 0
        _Stream.opened += 1

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def readinto(self, target) -> int:
        chunk = self.data[self.position : self.position + len(target)]
        target[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


def test_pieces_of_a_stream_that_cannot_seek_are_read_on_or_opened_again():
    data = bytes(range(256)) * 8
    source = lambda: _Stream(data)  # noqa: E731 - one opener: one source file
    _Stream.opened = 0
    whole = storage.read_pieces([(source, 0, 100), (source, 500, 200), (source, 50, 10)])
    assert whole.read() == data[:100] + data[500:700] + data[50:60]
    assert _Stream.opened == 2  # read on to 500, then opened again to go back to 50
    whole.seek(150)
    assert whole.read(20) == data[550:570]


def _kept_small(contents: list[bytes]) -> list[int]:
    """Small files kept as a liasse's sheets are (`put_many`), committed: their ids."""
    files = [
        storage.SmallFile(f"amdt/s/{n}", data, "application/pdf", "s.pdf")
        for n, data in enumerate(contents)
    ]
    storage.backend().put_many(files)
    commit()
    found = storage.describe_many([f.key for f in files])
    return [found[f.key].id for f in files]


def test_a_composed_file_of_many_small_files_reads_them_a_batch_at_a_time(monkeypatch):
    monkeypatch.setattr(storage, "INLINE_BATCH", 100)
    ids = _kept_small([f"<{n:03d}>".encode() for n in range(250)])
    pieces = [(file_id, 1, 3) for file_id in ids]  # the digits of each
    composed = storage.compose("exports/x/whole", pieces, "0" * 64, "text/plain", "whole")
    commit()
    loads: list[int] = []
    real = storage._InlineBatches._bytes

    def counted(self, file_id):
        if file_id not in self.loaded:
            loads.append(file_id)
        return real(self, file_id)

    monkeypatch.setattr(storage._InlineBatches, "_bytes", counted)
    assert (
        storage.storage_for(composed).read(composed)
        == "".join(f"{n:03d}" for n in range(250)).encode()
    )
    assert len(loads) == 3  # 100, 100 and 50 files a query
    with storage.storage_for(composed).open(composed) as handle:
        handle.seek(3 * 180 + 1)  # a range request: the batch from the file it starts in
        assert handle.read(5) == b"80181"


def test_a_small_file_named_at_many_places_is_read_there_not_with_each_batch(monkeypatch):
    """A liasse names each chunk's part at several places (its segment, each piece of the XML
    documents), far apart: read by windows where it is read, never loaded again with a batch
    of kept files (each batch holds files named once: 120 MB of parts were read four times)."""
    monkeypatch.setattr(storage, "INLINE_BATCH", 10)
    part = storage.backend().put("exports/x/part-0001.zip", bytes(range(256)) * 40, "a/b", "p")
    ids = _kept_small([f"<{n:03d}>".encode() for n in range(30)])
    pieces, expected = [], b""
    for n, file_id in enumerate(ids):
        pieces.append((file_id, 1, 3))
        expected += f"{n:03d}".encode()
        if n % 10 == 9:  # the part, after each ten kept files, at a different place
            pieces.append((part.id, 100 * n, 300))
            expected += (bytes(range(256)) * 40)[100 * n : 100 * n + 300]
    composed = storage.compose("exports/x/whole", pieces, "0" * 64, "text/plain", "whole")
    commit()
    batches: list[list[int]] = []
    real = storage._InlineBatches._load

    def counted(self, start):
        batches.append(self.order[start : start + storage.INLINE_BATCH])
        return real(self, start)

    monkeypatch.setattr(storage._InlineBatches, "_load", counted)
    assert storage.storage_for(composed).read(composed) == expected
    assert len(batches) == 3 and all(part.id not in batch for batch in batches)
    opened = storage.openers([file_id for file_id, _, _ in pieces])
    readable = [(opened[file_id], offset, length) for file_id, offset, length in pieces]
    assert b"".join(storage.piece_blocks(readable, block=2)) == expected


def test_naming_a_source_the_clock_forgot_meanwhile_is_an_error_not_a_broken_liasse():
    kept = storage.backend().put("amdt/k/docx", b"kept", "application/zip", "k.docx")
    gone = storage.backend().put("amdt/g/docx", b"gone", "application/zip", "g.docx")
    part = storage.backend().put("exports/e/part-0000.zip", b"part", "application/zip", "p")
    commit()
    storage.backend().remove(gone)  # the clock, between the lookup and the part's names
    commit()
    with pytest.raises(FileNotFoundError):
        storage.name_sources(part, [kept.id, gone.id])
    rollback()
    storage.name_sources(part, [kept.id])
    commit()


def test_the_blocks_of_pieces_are_the_bytes_read_pieces_gives():
    """A liasse's SHA-256 reads its pieces block by block: the same bytes, in order, as
    reading it as a file (a stream that cannot seek read on or opened again; blocks at most
    the size asked); a piece cut short is an error."""
    data = bytes(range(256)) * 8
    source = lambda: _Stream(data)  # noqa: E731 - one opener: one source file
    pieces = [(source, 0, 100), (source, 500, 200), (source, 50, 10), (source, 0, 0)]
    blocks = list(storage.piece_blocks(pieces, block=64))
    assert b"".join(blocks) == storage.read_pieces(pieces).read()
    assert max(len(b) for b in blocks) == 64
    with pytest.raises(OSError):
        list(storage.piece_blocks([(source, 2000, 100)]))


def test_kept_files_known_small_are_read_in_batches_without_looking_them_up(monkeypatch):
    """A liasse's kept sheets are small database files by construction: read in batches
    without a query to learn it first; one gone is an error when read, and the assembly
    looks a file larger than a row holds up as any other (`exports._kept_openers`)."""
    from drafting.rendering.liasse_splice import KeptFile
    from drafting.services.documents import exports

    ids = _kept_small([f"kept {n}".encode() for n in range(3)])
    lookups: list[object] = []
    real_sources = storage._sources
    monkeypatch.setattr(
        storage, "_sources", lambda wanted: lookups.append(1) or real_sources(wanted)
    )
    opened = storage.inline_openers([ids[2], ids[0], ids[2]])
    assert list(opened) == [ids[2], ids[0]] and lookups == []
    assert opened[ids[0]]().read() == b"kept 0" and opened[ids[2]]().read() == b"kept 2"
    with pytest.raises(FileNotFoundError):
        storage.inline_openers([ids[1] + 1000])[ids[1] + 1000]().read()
    opened = exports._kept_openers([(KeptFile(i), 0, 6) for i in ids])
    assert lookups == [] and opened[ids[1]]().read() == b"kept 1"
    monkeypatch.setattr(storage, "PART_SIZE", 8)  # a file kept in parts: looked up
    large = storage.backend().put("amdt/k/large", b"0123456789", "application/pdf", "l.pdf")
    commit()
    pieces = [(KeptFile(ids[1]), 0, 6), (KeptFile(large.id), 0, 10)]
    opened = exports._kept_openers(pieces)
    assert lookups and opened[large.id]().read() == b"0123456789"
    assert opened[ids[1]]().read() == b"kept 1"
