"""Passwords: argon2id hashes and the strength rule."""

from __future__ import annotations

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


def verify_password(user: User, password: str) -> bool:
    """True when `password` matches; never raises."""
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


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
