"""Accounts: groups, users, passwords, API tokens and login throttling."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import defer

from drafting.errors import Conflict, Invalid, NotFound, Throttled, Unauthorized
from drafting.extensions import db
from drafting.models import CIVILITIES, ApiToken, Group, LoginFailure, Role, User
from drafting.services.content import clean_text

MIN_PASSWORD_LENGTH = 10
_PARTICLES = {"de", "du", "des", "d'", "d’", "le", "la", "les", "van", "von", "di", "da"}


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


def split_name(name: str) -> tuple[str, str]:
    """First name and surname, keeping particles with the surname ("Charles de Courson")."""
    words = name.split()
    if len(words) < 2:
        return "", name
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def create_group(code: str, name: str) -> Group:
    """Create a political group; codes are unique."""
    code = clean_text(code, field="code", max_chars=32, multiline=False).upper()
    name = clean_text(name, field="name", max_chars=200, multiline=False)
    errors = {k: "obligatoire" for k, v in (("code", code), ("name", name)) if not v}
    if errors:
        raise Invalid("Champs manquants.", fields=errors)
    if db.session.scalar(select(Group.id).where(Group.code == code)):
        raise Conflict(f"Le groupe {code} existe déjà.", code="exists", fields={"code": "pris"})
    group = Group(code=code, name=name)
    db.session.add(group)
    db.session.flush()
    return group


def group_by_code(code: str, *, field: str = "group") -> Group:
    """The group with this code, or a 422 naming the field."""
    group = db.session.scalar(select(Group).where(Group.code == code.strip().upper()))
    if group is None:
        raise Invalid(f"Groupe inconnu : {code}", fields={field: "groupe inconnu"})
    return group


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    civility: str = "M.",
    group_code: str | None = None,
    deputy_id: int | None = None,
    check_strength: bool = True,
) -> User:
    """Create an account, validating role, civility, group and the assistant's deputy."""
    email = clean_text(email, field="email", max_chars=254, multiline=False).lower()
    name = clean_text(name, field="name", max_chars=200, multiline=False)
    fields: dict[str, str] = {}
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        fields["email"] = "adresse invalide"
    if not name:
        fields["name"] = "obligatoire"
    if role not in {r.value for r in Role}:
        fields["role"] = "rôle inconnu (admin, secretariat, deputy, assistant)"
    if civility not in CIVILITIES:
        fields["civility"] = "M. ou Mme"
    group = None
    if group_code:
        try:
            group = group_by_code(group_code)
        except Invalid as exc:
            fields.update(exc.fields)
    elif role in (Role.DEPUTY, Role.SECRETARIAT):
        fields["group"] = "obligatoire pour ce rôle"
    deputy = _assistant_deputy(role, deputy_id, fields)
    if fields:
        raise Invalid("Champs invalides.", fields=fields)
    if check_strength:
        check_password_strength(password)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("Cette adresse est déjà utilisée.", code="exists", fields={"email": "prise"})
    first, last = split_name(name)
    user = User(
        email=email,
        name=name,
        first_name=first,
        last_name=last,
        civility=civility,
        role=role,
        group=group or (deputy.group if deputy else None),
        deputy_id=deputy.id if deputy else None,
        password_hash=hash_password(password),
        calendar_token=secrets.token_urlsafe(24),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _assistant_deputy(role: str, deputy_id: int | None, fields: dict[str, str]) -> User | None:
    if role != Role.ASSISTANT:
        if deputy_id is not None:
            fields["deputy_id"] = "seulement pour un collaborateur"
        return None
    if deputy_id is None:
        fields["deputy_id"] = "obligatoire pour un collaborateur"
        return None
    deputy = db.session.get(User, deputy_id)
    if deputy is None or deputy.role != Role.DEPUTY:
        fields["deputy_id"] = "député inconnu"
        return None
    return deputy


def get_user(user_id: int) -> User:
    """A user by id, or 404."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Utilisateur inconnu.")
    return user


# --- login throttling -------------------------------------------------------------------


def _failure_keys(email: str, address: str) -> list[str]:
    return [f"email:{email.strip().lower()}", f"ip:{address}"]


def check_throttle(email: str, address: str, now: datetime) -> None:
    """Refuse (429) when the account or the address has failed too often recently."""
    window = timedelta(minutes=current_app.config["LIASSE_LOGIN_WINDOW_MINUTES"])
    limit = current_app.config["LIASSE_LOGIN_MAX_FAILURES"]
    for key in _failure_keys(email, address):
        count = db.session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.key == key, LoginFailure.at > now - window
            )
        )
        if (count or 0) >= limit:
            raise Throttled(
                "Trop de tentatives de connexion. Réessayez dans quelques minutes.",
                code="throttled",
            )


def authenticate(email: str, password: str, address: str, now: datetime) -> User:
    """The user for these credentials, recording failures; raises 401 or 429."""
    check_throttle(email, address, now)
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not verify_password(user, password):
        for key in _failure_keys(email, address):
            db.session.add(LoginFailure(key=key, at=now))
        db.session.flush()
        raise Unauthorized("Adresse ou mot de passe incorrect.", code="bad_credentials")
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _failure_keys(email, "")[0]))
    return user


# --- API tokens ---------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, now: datetime, *, label: str = "api") -> tuple[str, ApiToken]:
    """A new bearer token (returned once in clear) and its stored record."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["LIASSE_TOKEN_TTL_HOURS"]
    record = ApiToken(
        user_id=user.id,
        token_hash=_digest(token),
        label=label,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(record)
    db.session.flush()
    return token, record


@dataclass(slots=True)
class BearerToken:
    """The live API token carrying a request: what requests need of its row, with its user.
    Read on every API call, so a plain row (the ORM object cost 3 % of a signature); written
    through `mark_token_verified` and `revoke_bearer`."""

    id: int
    user: User
    second_factor_at: datetime | None

    @property
    def user_id(self) -> int:
        """The id of the token's user."""
        return self.user.id


_TOKENS = ApiToken.__table__
# Columns of the user that API requests rarely read: secrets that signing does not need (it
# checks the TOTP enrolment, so the secret stays), and what only documents, logins and account
# pages use. Left out of every request's user (2.5 % of a signature), loaded on first access by
# the few requests that read them.
_SELDOM_READ = (
    User.password_hash,
    User.password_changed_at,
    User.created_at,
    User.totp_pending_secret,
    User.totp_last_step,
    User.calendar_token,
    User.first_name,
    User.last_name,
)
# The token's columns and the user in one row (the user's group joined, as User loads it).
_TOKEN_BY_DIGEST = (
    select(
        _TOKENS.c.id,
        _TOKENS.c.expires_at,
        _TOKENS.c.revoked_at,
        _TOKENS.c.last_used_at,
        _TOKENS.c.second_factor_at,
        User,
    )
    .join(User, User.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_hash == bindparam("digest"))
    .options(*(defer(column) for column in _SELDOM_READ))
)
_UPDATE_TOKEN = update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id"))


def token_record(token: str, now: datetime) -> BearerToken | None:
    """The live token for a bearer token, or None if unknown, expired or revoked. Its last use
    is recorded to within five minutes."""
    row = db.session.execute(_TOKEN_BY_DIGEST, {"digest": _digest(token)}).first()
    if row is None:
        return None
    token_id, expires_at, revoked_at, last_used_at, second_factor_at, user = row
    if revoked_at is not None or expires_at <= now or not user.active:
        return None
    if last_used_at is None or now - last_used_at > timedelta(minutes=5):
        db.session.execute(_UPDATE_TOKEN, {"token_id": token_id, "last_used_at": now})
    return BearerToken(token_id, user, second_factor_at)


def mark_token_verified(token: BearerToken, now: datetime) -> None:
    """Record that the request's token just passed a second-factor check."""
    db.session.execute(_UPDATE_TOKEN, {"token_id": token.id, "second_factor_at": now})
    token.second_factor_at = now


def revoke_bearer(token: BearerToken, now: datetime) -> None:
    """Revoke the token carrying this request (logout)."""
    db.session.execute(_UPDATE_TOKEN, {"token_id": token.id, "revoked_at": now})
