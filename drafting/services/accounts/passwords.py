"""Passwords: argon2id hashes and the strength rule."""

from __future__ import annotations

import contextlib
import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from drafting.errors import Invalid
from drafting.models import User

MIN_PASSWORD_LENGTH = 10


def _hasher() -> PasswordHasher:
    if current_app.config.get("LIASSE_PASSWORD_HASH_COST") == "fast":
        # Tests only: the cheapest argon2id parameters keep the suite quick.
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _hasher().hash(password)


@functools.cache
def _decoy(cost: str) -> str:
    """A hash of nothing anyone types, with the current parameters (made once per cost)."""
    return _hasher().hash(secrets.token_urlsafe(16))


def spend_equal_time(password: str) -> None:
    """Verify `password` against a decoy hash: a login for an unknown account takes as long as
    one for a known account, so timing does not tell which e-mails have accounts."""
    cost = str(current_app.config.get("LIASSE_PASSWORD_HASH_COST"))
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher().verify(_decoy(cost), password)


def verify_password(user: User, password: str) -> bool:
    """True when `password` matches; never raises."""
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def unusable_password() -> str:
    """A stored value no password matches (not an argon2 hash): an account created by an import
    has it until its owner chooses one through their welcome link."""
    return "!" + secrets.token_urlsafe(24)


def check_password_strength(password: str) -> None:
    """Refuse short or single-class passwords."""
    classes = sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if len(password) < MIN_PASSWORD_LENGTH or classes < 2:
        raise Invalid(
            "Mot de passe trop faible.",
            fields={"password": f"{MIN_PASSWORD_LENGTH} caractères au moins, de deux sortes"},
        )
