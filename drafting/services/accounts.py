"""Accounts: groups, users, passwords, API tokens and login throttling."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update

from drafting.direct import DirectStatement
from drafting.errors import Conflict, Invalid, NotFound, Throttled, Unauthorized
from drafting.extensions import db
from drafting.models import CIVILITIES, ApiToken, Group, LoginFailure, Person, Role, User
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


@dataclass(frozen=True, slots=True)
class Caller:
    """The user carrying an API request, as the token lookup reads it: plain columns (a
    `Person`), not a mapped `User` — loading one with its group through the ORM cost 16 % of a
    signature's CPU (docs/PERFORMANCE.md). Signing reads only these; other views take the
    mapped user (`mapped`, loaded on first use)."""

    id: int
    email: str
    name: str
    civility: str
    role: str
    group_id: int | None
    deputy_id: int | None
    totp_secret: str | None
    totp_enabled_at: datetime | None
    group_code: str | None

    @property
    def display_name(self) -> str:
        """Civility and full name, as `User.display_name`."""
        return f"{self.civility}\u00a0{self.name}"


@dataclass(slots=True)
class BearerToken:
    """The live API token carrying a request: what requests need of its row, with its user.
    Read on every API call, so a plain row (the ORM objects cost 3 % of a signature, then 16 %
    with the user); written through `mark_token_verified` and `revoke_bearer`."""

    id: int
    caller: Caller
    second_factor_at: datetime | None
    stamped: bool = False  # its last use was just written (`token_record`), not yet committed

    @property
    def user_id(self) -> int:
        """The id of the token's user."""
        return self.caller.id


def mapped(person: Person) -> User:
    """The mapped user of `person` (itself if mapped, else loaded: once per session)."""
    return person if isinstance(person, User) else db.session.get_one(User, person.id)


_TOKENS, _USERS, _GROUPS = ApiToken.__table__, User.__table__, Group.__table__
_CALLER = [_USERS.c[field.name] for field in fields(Caller) if field.name != "group_code"]
# One round trip on the driver's cursor (drafting.direct): the token, its user and the user's
# group code. Columns: the token's five, the user's `active`, then `Caller`'s in order.
_TOKEN_BY_DIGEST = DirectStatement(
    select(
        _TOKENS.c.id,
        _TOKENS.c.expires_at,
        _TOKENS.c.revoked_at,
        _TOKENS.c.last_used_at,
        _TOKENS.c.second_factor_at,
        _USERS.c.active,
        *_CALLER,
        _GROUPS.c.code,
    )
    .select_from(
        _TOKENS.join(_USERS, _USERS.c.id == _TOKENS.c.user_id).outerjoin(
            _GROUPS, _GROUPS.c.id == _USERS.c.group_id
        )
    )
    .where(_TOKENS.c.token_hash == bindparam("digest"))
)
_UPDATE_TOKEN = update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id"))


def token_record(token: str, now: datetime) -> BearerToken | None:
    """The live token for a bearer token, or None if unknown, expired or revoked. Its last use
    is written when the stored one is more than five minutes old (`stamped`: the caller commits
    it at once, so that requests which only read, or fail, record it too)."""
    row = _TOKEN_BY_DIGEST.first(db.session.connection(), {"digest": _digest(token)})
    if row is None:
        return None
    token_id, expires_at, revoked_at, last_used_at, second_factor_at, active = row[:6]
    if revoked_at is not None or expires_at <= now or not active:
        return None
    stamped = last_used_at is None or now - last_used_at > timedelta(minutes=5)
    if stamped:
        db.session.execute(_UPDATE_TOKEN, {"token_id": token_id, "last_used_at": now})
    return BearerToken(token_id, Caller(*row[6:]), second_factor_at, stamped)


def mark_token_verified(token: BearerToken, now: datetime) -> None:
    """Record that the request's token just passed a second-factor check."""
    db.session.execute(_UPDATE_TOKEN, {"token_id": token.id, "second_factor_at": now})
    token.second_factor_at = now


def revoke_bearer(token: BearerToken, now: datetime) -> None:
    """Revoke the token carrying this request (logout)."""
    db.session.execute(_UPDATE_TOKEN, {"token_id": token.id, "revoked_at": now})
