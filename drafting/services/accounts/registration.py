"""Registering people and groups: accounts with their role, civility, group and deputy."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from drafting.errors import Conflict, Invalid, NotFound
from drafting.extensions import db
from drafting.models import CIVILITIES, Group, Role, User
from drafting.services.accounts.passwords import check_password_strength, hash_password
from drafting.services.content import clean_text

_PARTICLES = {"de", "du", "des", "d'", "d’", "le", "la", "les", "van", "von", "di", "da"}


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
    elif role == Role.SECRETARIAT:  # a deputy without a group is non-attached (non-inscrit)
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
