"""Accounts: groups, users, passwords, API tokens and login throttling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

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


# Token and user in one row, the plain way (a joined eager load costs more per request).
_TOKEN_BY_DIGEST = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("digest"))
    .options(lazyload(ApiToken.user))
)


def token_record(token: str, now: datetime) -> ApiToken | None:
    """The live token record for a bearer token, or None if unknown, expired or revoked."""
    row = db.session.execute(_TOKEN_BY_DIGEST, {"digest": _digest(token)}).first()
    if row is None:
        return None
    record, user = row
    if record.revoked_at is not None or record.expires_at <= now or not user.active:
        return None
    set_committed_value(record, "user", user)  # loaded with it: no lazy load, no change
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=5):
        record.last_used_at = now
    return record


def revoke_token(record: ApiToken, now: datetime) -> None:
    """Revoke one token (logout)."""
    record.revoked_at = now
