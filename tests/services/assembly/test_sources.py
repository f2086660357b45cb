"""Reading a source: a file, a folder, a ZIP — and refusing a truncated archive or a ZIP bomb."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.sources import Limits, is_zip, read_bytes, read_path, read_zip

MIB = 1 << 20


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "texte.html"
    path.write_bytes(b"<p>Article 1er</p>")
    assert list(read_path(path)) == [("texte.html", b"<p>Article 1er</p>")]


def test_a_folder_is_read_in_name_order_with_wanted_suffixes_only(tmp_path: Path) -> None:
    (tmp_path / "json" / "b").mkdir(parents=True)
    (tmp_path / "json" / "b" / "2.json").write_bytes(b"2")
    (tmp_path / "json" / "1.json").write_bytes(b"1")
    (tmp_path / "json" / "notes.txt").write_bytes(b"x")
    (tmp_path / "json" / ".hidden.json").write_bytes(b"x")
    (tmp_path / "json" / "link.json").symlink_to(tmp_path / "json" / "1.json")
    names = [name for name, _ in read_path(tmp_path, suffixes=(".json",))]
    assert names == ["json/1.json", "json/b/2.json"]


def test_a_zip_yields_its_wanted_members_and_skips_mac_metadata(tmp_path: Path) -> None:
    path = tmp_path / "dump.zip"
    path.write_bytes(
        _zip({"json/a.json": b"{}", "json/readme.txt": b"x", "__MACOSX/json/._a.json": b"x"})
    )
    assert list(read_path(path, suffixes=(".json",))) == [("json/a.json", b"{}")]


def test_uploaded_bytes_are_unpacked_when_they_are_a_zip() -> None:
    assert is_zip(_zip({"a.json": b"{}"}))
    assert list(read_bytes("up.zip", _zip({"a.json": b"{}"}))) == [("a.json", b"{}")]
    assert list(read_bytes("a.json", b"{}")) == [("a.json", b"{}")]


def test_a_truncated_zip_is_refused_with_a_clear_message() -> None:
    data = _zip({"json/a.json": b"{}" * 1000})
    with pytest.raises(SourceError, match="tronquée ou corrompue"):
        list(read_zip(io.BytesIO(data[: len(data) // 2])))


def test_a_corrupt_member_is_refused_with_its_name() -> None:
    data = bytearray(_zip({"a.json": b"hello world " * 100}, zipfile.ZIP_STORED))
    data[40] ^= 0xFF  # inside the stored member: its CRC no longer matches
    with pytest.raises(SourceError, match=r"a\.json"):
        list(read_zip(io.BytesIO(bytes(data))))


def test_a_zip_bomb_is_refused_before_it_fills_memory() -> None:
    bomb = _zip({"bomb.json": b"\0" * (8 * MIB)})  # 8 MiB of zeros compress ~1000 times
    assert len(bomb) < 64 * 1024
    with pytest.raises(SourceError, match="bombe de décompression"):
        list(read_bytes("bomb.zip", bomb))


def test_an_archive_over_the_limits_is_refused() -> None:
    three = _zip({f"{n}.json": b"{}" for n in range(3)})
    with pytest.raises(SourceError, match="plus de 2 fichiers"):
        list(read_bytes("x.zip", three, limits=Limits(members=2)))
    big = _zip({"a.json": b"x" * 5000})
    with pytest.raises(SourceError, match="trop volumineux"):
        list(read_bytes("x.zip", big, limits=Limits(member_bytes=4000)))
    with pytest.raises(SourceError, match="trop volumineux"):
        list(read_bytes("x.json", b"x" * 5000, limits=Limits(member_bytes=4000)))


def test_a_missing_source_is_named() -> None:
    with pytest.raises(SourceError, match="introuvable"):
        list(read_path("/nonexistent/liasse.zip"))
