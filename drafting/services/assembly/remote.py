"""The Assembly's files fetched by URL, under the settings' policy (allow-listed hosts only,
a timeout, a size limit): `drafting.infra.fetch` does the fetching, this names the settings and
turns a refusal into the domain's 422."""

from __future__ import annotations

from dataclasses import replace
from typing import BinaryIO

from flask import current_app

from drafting.errors import Invalid
from drafting.infra.fetch import FetchError, Policy, check_url, fetch, parse_hosts


def policy() -> Policy:
    """The fetch policy of this deployment (LIASSE_IMPORT_HOSTS, _TIMEOUT, _MAX_BYTES)."""
    config = current_app.config
    return Policy(
        hosts=parse_hosts(config.get("LIASSE_IMPORT_HOSTS")),
        timeout=float(config.get("LIASSE_IMPORT_TIMEOUT") or 30),
        max_bytes=int(config.get("LIASSE_IMPORT_MAX_BYTES") or 384 << 20),
    )


def is_url(source: str) -> bool:
    """Whether a command-line source names a URL rather than a file."""
    return source.strip().lower().startswith(("http://", "https://"))


def check(url: str) -> str:
    """The URL when its host is allow-listed; a 422 naming the accepted hosts otherwise."""
    try:
        return check_url(url, policy())
    except FetchError as exc:
        raise _invalid(exc) from exc


def download(url: str, out: BinaryIO, *, max_bytes: int | None = None) -> str:
    """Write the document at `url` to `out` (its name returned); a 422 when refused or failed.
    `max_bytes` lowers the setting's size limit (a bill's page is far smaller than a dump)."""
    rules = policy()
    if max_bytes is not None:
        rules = replace(rules, max_bytes=min(rules.max_bytes, max_bytes))
    try:
        return fetch(url, rules, out)
    except FetchError as exc:
        raise _invalid(exc) from exc


def _invalid(exc: FetchError) -> Invalid:
    code = "host_not_allowed" if exc.refused else "fetch_failed"
    return Invalid(exc.message, code=code, fields={"url": exc.message})
