"""API for political groups and user accounts (admin)."""

from __future__ import annotations

from sqlalchemy import select

from drafting.api.routing import current_user, endpoint
from drafting.api.schemas.people import (
    GroupIn,
    GroupList,
    GroupOut,
    UserIn,
    UserList,
    UserOut,
    UserQuery,
)
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
def create_group(body: GroupIn) -> GroupOut:
    """POST /groups."""
    _require_admin()
    group = registration.create_group(body.code, body.name)
    commit()
    return GroupOut.of(group)


@endpoint("/groups", summary="List political groups", response=GroupList, tags=("people",))
def list_groups() -> GroupList:
    """GET /groups."""
    groups = db.session.scalars(select(Group).order_by(Group.code))
    return GroupList(items=[GroupOut.of(g) for g in groups])


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
def create_user(body: UserIn) -> UserOut:
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
    return UserOut.of(user)


@endpoint(
    "/users",
    summary="List users, filtered by role and group",
    query=UserQuery,
    response=UserList,
    tags=("people",),
)
def list_users(query: UserQuery) -> UserList:
    """GET /users?role=&group=."""
    stmt = select(User).where(User.active.is_(True)).order_by(User.name)
    if query.role:
        stmt = stmt.where(User.role == query.role)
    if query.group:
        stmt = stmt.join(Group, Group.id == User.group_id).where(Group.code == query.group.upper())
    return UserList(items=[UserOut.of(u) for u in db.session.scalars(stmt).unique()])
