"""Reading a source safely: a file, a folder or a ZIP archive, as (name, bytes) pairs.

No network here: fetching a URL (allow-listed hosts, timeout, size limit) is done elsewhere and
hands its bytes to `read_bytes`. Every read is capped, whatever the archive declares: a ZIP's
central directory can lie about sizes, so members are read with a limit and measured.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from drafting.services.assembly.errors import SourceError

MIB = 1 << 20
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
# A member this small may compress extremely well (a file of spaces) without being a threat.
_RATIO_FLOOR = MIB


@dataclass(frozen=True)
class Limits:
    """What one source may hold: beyond any of these it is refused, nothing read further."""

    member_bytes: int = 64 * MIB
    # The Assembly's bulk amendment dump (128 762 JSON files, 310 MB zipped) must fit.
    total_bytes: int = 4096 * MIB
    members: int = 500_000
    ratio: int = 200  # uncompressed size over compressed size of one member


DEFAULT_LIMITS = Limits()


def is_zip(head: bytes) -> bool:
    """Whether these first bytes open a ZIP archive."""
    return head[:4] in ZIP_MAGICS


def _wanted(name: str, suffixes: tuple[str, ...]) -> bool:
    """Skip folders' metadata (`__MACOSX/`, dot files); keep names ending in one of `suffixes`."""
    parts = name.replace("\\", "/").split("/")
    if "__MACOSX" in parts or parts[-1].startswith(".") or not parts[-1]:
        return False
    return not suffixes or name.lower().endswith(suffixes)


def read_path(
    path: str | os.PathLike[str],
    *,
    suffixes: tuple[str, ...] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[tuple[str, bytes]]:
    """Yield (name, bytes) of a file, of every wanted file under a folder, or of a ZIP's members."""
    source = Path(path)
    if source.is_dir():
        yield from _read_folder(source, suffixes, limits)
    elif source.is_file():
        with source.open("rb") as handle:
            head = handle.read(4)
        if is_zip(head):
            yield from read_zip(source, suffixes=suffixes, limits=limits)
        else:
            yield source.name, _read_file(source, limits)
    else:
        raise SourceError(f"Source introuvable : {source}.")


def read_bytes(
    name: str,
    content: bytes,
    *,
    suffixes: tuple[str, ...] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[tuple[str, bytes]]:
    """Yield the members of uploaded bytes when they are a ZIP, else (name, bytes) itself."""
    if is_zip(content):
        yield from read_zip(io.BytesIO(content), suffixes=suffixes, limits=limits)
        return
    if len(content) > limits.member_bytes:
        raise SourceError(_too_big(name, limits.member_bytes))
    yield name, content


def read_zip(
    file: str | os.PathLike[str] | BinaryIO,
    *,
    suffixes: tuple[str, ...] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[tuple[str, bytes]]:
    """Yield (name, bytes) of a ZIP's wanted members, refusing a corrupt or oversized archive."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise SourceError(f"Archive ZIP illisible (tronquée ou corrompue) : {exc}.") from exc
    with archive:
        members = [
            m for m in archive.infolist() if not m.is_dir() and _wanted(m.filename, suffixes)
        ]
        _check_declared(members, limits)
        total = 0
        for member in members:
            data = _read_member(archive, member, limits)
            total += len(data)
            if total > limits.total_bytes:
                raise SourceError(_too_big("l'archive décompressée", limits.total_bytes))
            yield member.filename, data


def _check_declared(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse before reading anything what the central directory already admits to."""
    if len(members) > limits.members:
        raise SourceError(f"Archive refusée : plus de {limits.members} fichiers.")
    if sum(m.file_size for m in members) > limits.total_bytes:
        raise SourceError(_too_big("l'archive décompressée", limits.total_bytes))
    for member in members:
        if member.file_size > limits.member_bytes:
            raise SourceError(_too_big(member.filename, limits.member_bytes))
        _check_ratio(member.filename, member.file_size, member.compress_size, limits)


def _check_ratio(name: str, size: int, compressed: int, limits: Limits) -> None:
    if size > _RATIO_FLOOR and size > limits.ratio * max(compressed, 1):
        raise SourceError(
            f"Archive refusée : « {name} » se décompresse plus de {limits.ratio} fois "
            "(bombe de décompression ?)."
        )


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> bytes:
    """The member's bytes, read by chunks with a cap: the declared size is not trusted."""
    cap = min(limits.member_bytes, max(_RATIO_FLOOR, limits.ratio * member.compress_size))
    try:
        with archive.open(member) as stream:
            data = stream.read(cap + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise SourceError(
            f"Archive ZIP illisible (tronquée ou corrompue) : « {member.filename} » : {exc}."
        ) from exc
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encryption
        raise SourceError(
            f"Archive ZIP non prise en charge : « {member.filename} » : {exc}."
        ) from exc
    if len(data) > limits.member_bytes:
        raise SourceError(_too_big(member.filename, limits.member_bytes))
    _check_ratio(member.filename, len(data), member.compress_size, limits)
    return data


def _read_folder(
    folder: Path, suffixes: tuple[str, ...], limits: Limits
) -> Iterator[tuple[str, bytes]]:
    """Every wanted regular file under `folder`, in name order; symbolic links are not followed."""
    count = total = 0
    for directory, subdirs, files in os.walk(folder):
        subdirs.sort()
        for filename in sorted(files):
            path = Path(directory, filename)
            name = path.relative_to(folder).as_posix()
            if path.is_symlink() or not _wanted(name, suffixes):
                continue
            count += 1
            if count > limits.members:
                raise SourceError(f"Dossier refusé : plus de {limits.members} fichiers.")
            data = _read_file(path, limits)
            total += len(data)
            if total > limits.total_bytes:
                raise SourceError(_too_big("le dossier", limits.total_bytes))
            yield name, data


def _read_file(path: Path, limits: Limits) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limits.member_bytes + 1)
    if len(data) > limits.member_bytes:
        raise SourceError(_too_big(path.name, limits.member_bytes))
    return data


def _too_big(what: str, limit: int) -> str:
    return f"Fichier trop volumineux : {what} dépasse {limit // MIB} Mio."
