"""API for political groups and user accounts (admin)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from drafting.api.routing import current_user, endpoint
from drafting.api.schemas import GroupIn, GroupList, GroupOut, UserIn, UserList, UserOut, UserQuery
from drafting.api.serializers import group_json, user_json
from drafting.db import commit
from drafting.errors import Forbidden
from drafting.extensions import db
from drafting.models import Group, User
from drafting.permissions import is_admin
from drafting.services.accounts import registration


def _require_admin() -> None:
    if not is_admin(current_user()):
        raise Forbidden("Réservé aux administrateurs.")


@endpoint(
    "/groups",
    "POST",
    summary="Create a political group (admin)",
    body=GroupIn,
    response=GroupOut,
    status=201,
    errors=(403, 409),
    tags=("people",),
)
def create_group(body: GroupIn) -> dict[str, Any]:
    """POST /groups."""
    _require_admin()
    group = registration.create_group(body.code, body.name)
    commit()
    return group_json(group)


@endpoint("/groups", summary="List political groups", response=GroupList, tags=("people",))
def list_groups() -> dict[str, Any]:
    """GET /groups."""
    groups = db.session.scalars(select(Group).order_by(Group.code))
    return {"items": [group_json(g) for g in groups]}


@endpoint(
    "/users",
    "POST",
    summary="Create a user account (admin)",
    body=UserIn,
    response=UserOut,
    status=201,
    errors=(403, 409),
    tags=("people",),
)
def create_user(body: UserIn) -> dict[str, Any]:
    """POST /users."""
    _require_admin()
    user = registration.create_user(
        email=body.email,
        name=body.name,
        role=body.role,
        password=body.password,
        civility=body.civility,
        group_code=body.group,
        deputy_id=body.deputy_id,
    )
    commit()
    return user_json(user)


@endpoint(
    "/users",
    summary="List users, filtered by role and group",
    query=UserQuery,
    response=UserList,
    tags=("people",),
)
def list_users(query: UserQuery) -> dict[str, Any]:
    """GET /users?role=&group=."""
    stmt = select(User).where(User.active.is_(True)).order_by(User.name)
    if query.role:
        stmt = stmt.where(User.role == query.role)
    if query.group:
        stmt = stmt.join(Group, Group.id == User.group_id).where(Group.code == query.group.upper())
    return {"items": [user_json(u) for u in db.session.scalars(stmt).unique()]}
