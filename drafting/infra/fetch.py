"""Fetching a document from an allow-listed host: never a request to an address a user chose.

Only `http`/`https` URLs on the default port whose host is in the allow-list
(`LIASSE_IMPORT_HOSTS`) are fetched; redirects are followed only to allow-listed hosts (at most
`MAX_REDIRECTS`); every read has a timeout and the body a size limit, counted as it streams
(a `Content-Length` is not trusted). Plumbing: it names no domain concept.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urljoin, urlsplit

MAX_REDIRECTS = 5
CHUNK = 1 << 16
DEFAULT_HOSTS = (
    "www.assemblee-nationale.fr",
    "assemblee-nationale.fr",
    "data.assemblee-nationale.fr",
    "eliasse.assemblee-nationale.fr",
    "www2.assemblee-nationale.fr",
    "www.senat.fr",
    "senat.fr",
    "data.senat.fr",
    "www.legifrance.gouv.fr",
    "legifrance.gouv.fr",
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_USER_AGENT = "Liasse (import des données de l'Assemblée)"


class FetchError(ValueError):
    """The URL is refused or could not be fetched; the message says why, in French."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.refused = refused  # the address itself is not allowed (as opposed to a failure)


@dataclass(frozen=True)
class Policy:
    """Where and how much may be fetched."""

    hosts: frozenset[str]
    timeout: float = 30.0
    max_bytes: int = 64 << 20


def parse_hosts(value: str | Iterable[str] | None) -> frozenset[str]:
    """The allow-list from a setting ("a.fr, b.fr"); the default hosts when unset."""
    if value is None or value == "":
        return frozenset(DEFAULT_HOSTS)
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(item.strip().lower().rstrip(".") for item in items if item.strip())


def check_url(url: str, policy: Policy) -> str:
    """The URL when it may be fetched; FetchError (refused) naming what is wrong otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"Adresse invalide : {exc}.", refused=True) from exc
    if parts.scheme not in _DEFAULT_PORTS:
        raise FetchError("Seules les adresses http:// et https:// sont acceptées.", refused=True)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.username or parts.password:
        raise FetchError("Une adresse avec identifiants n'est pas acceptée.", refused=True)
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        raise FetchError("Une adresse avec un port particulier n'est pas acceptée.", refused=True)
    if host not in policy.hosts:
        allowed = ", ".join(sorted(policy.hosts))
        raise FetchError(
            f"Hôte non autorisé : « {host or '?'} ». Hôtes acceptés (LIASSE_IMPORT_HOSTS) : "
            f"{allowed}.",
            refused=True,
        )
    return url.strip()


def fetch(url: str, policy: Policy, out: BinaryIO) -> str:
    """Write the document at `url` to `out`; returns its file name (from the last URL's path)."""
    current = check_url(url, policy)
    for _ in range(MAX_REDIRECTS + 1):
        location = _get(current, policy, out)
        if location is None:
            name = PurePosixPath(unquote(urlsplit(current).path)).name
            return name or "document"
        current = check_url(urljoin(current, location), policy)
    raise FetchError(f"Trop de redirections (plus de {MAX_REDIRECTS}).")


def _get(url: str, policy: Policy, out: BinaryIO) -> str | None:
    """One GET: the body written to `out`, or the redirect's location (nothing written)."""
    parts = urlsplit(url)
    connection = _connection(parts.scheme, parts.hostname or "", policy.timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("GET", path, headers={"User-Agent": _USER_AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
            if not location:
                raise FetchError(f"Redirection sans destination ({response.status}).")
            return location
        if response.status != 200:
            raise FetchError(f"Le serveur a répondu {response.status} {response.reason}.")
        _copy(response, out, policy.max_bytes)
        return None
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        raise FetchError(f"Téléchargement impossible : {exc}.") from exc
    finally:
        connection.close()


def _connection(scheme: str, host: str, timeout: float) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(host, timeout=timeout)
    return http.client.HTTPConnection(host, timeout=timeout)


def _copy(response: http.client.HTTPResponse, out: BinaryIO, max_bytes: int) -> None:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_big(max_bytes))
    total = 0
    while chunk := response.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(_too_big(max_bytes))
        out.write(chunk)


def _too_big(max_bytes: int) -> str:
    return f"Document trop volumineux : plus de {max_bytes >> 20} Mio."


__all__ = ["DEFAULT_HOSTS", "FetchError", "Policy", "check_url", "fetch", "parse_hosts"]
