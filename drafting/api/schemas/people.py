"""Political groups and user accounts: what the admin sends, what everyone reads of a person."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema
from drafting.models import Group, Person


class UserOut(Schema):
    id: int
    email: str
    name: str
    civility: str
    role: str
    group: str | None
    deputy_id: int | None

    @classmethod
    def of(cls, person: Person) -> Self:
        """A mapped user or the plain row an API request carries (`Caller`): the same JSON."""
        return cls(
            id=person.id,
            email=person.email,
            name=person.name,
            civility=person.civility,
            role=person.role,
            group=person.group_code,
            deputy_id=person.deputy_id,
        )


class UserIn(Schema):
    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=200)
    civility: Literal["M.", "Mme"] = "M."
    role: str = Field(max_length=32)
    group: str | None = Field(default=None, max_length=32)
    password: str = Field(max_length=1024)
    deputy_id: int | None = None


class UserQuery(Schema):
    role: str | None = Field(default=None, max_length=32)
    group: str | None = Field(default=None, max_length=32)


class UserList(Schema):
    items: list[UserOut]


class GroupIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)


class GroupOut(Schema):
    id: int
    code: str
    name: str

    @classmethod
    def of(cls, group: Group) -> Self:
        """A political group."""
        return cls(id=group.id, code=group.code, name=group.name)


class GroupList(Schema):
    items: list[GroupOut]
