"""Request and response schemas of the JSON API v1 (the contract outside clients rely on)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX = 100_000


class Schema(BaseModel):
    """Base: unknown fields are ignored so clients can be newer than the server."""

    model_config = ConfigDict(extra="ignore")


class TokenRequest(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class UserOut(Schema):
    id: int
    email: str
    name: str
    civility: str
    role: str
    group: str | None
    deputy_id: int | None


class TokenOut(Schema):
    token: str
    expires_at: datetime
    user: UserOut


class GroupIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)


class GroupOut(Schema):
    id: int
    code: str
    name: str


class GroupList(Schema):
    items: list[GroupOut]


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


class ArticleIn(Schema):
    number: str = Field(min_length=1, max_length=40)
    heading: str | None = Field(default=None, max_length=2000)
    alineas: list[str] = Field(default_factory=list, max_length=500)


class TextIn(Schema):
    title: str = Field(min_length=1, max_length=2000)
    number: str = Field(min_length=1, max_length=40)
    stage: Literal["commission", "seance"]
    organ: str | None = Field(default=None, max_length=200)
    examination_starts_at: AwareDatetime | None = None
    filing_deadline: AwareDatetime | None = None
    articles: list[ArticleIn] = Field(min_length=1, max_length=2000)


class ArticleOut(Schema):
    id: int
    number: str
    heading: str | None
    alineas: list[str]


class ReopeningOut(Schema):
    article: str
    until: datetime
    reason: str


class GroupDeadlinesOut(Schema):
    group: str
    review_by: datetime | None
    cosign_by: datetime | None


class TextOut(Schema):
    id: int
    title: str
    number: str
    stage: str
    organ: str | None
    examination_starts_at: datetime | None
    filing_deadline: datetime | None
    filing_deadline_rule: str | None
    reopenings: list[ReopeningOut] = Field(default_factory=list)
    group_deadlines: GroupDeadlinesOut | None = None
    articles: list[ArticleOut] | None = None


class TextList(Schema):
    items: list[TextOut]


class PositionIn(Schema):
    kind: Literal["article", "before_article", "after_article"]
    article: str = Field(min_length=1, max_length=40)
    alinea: int | None = Field(default=None, ge=1, le=10_000)


class PositionOut(Schema):
    kind: str
    article: str
    alinea: int | None


class AmendmentIn(Schema):
    text_id: int
    position: PositionIn
    dispositif: str = Field(max_length=MAX)
    expose: str = Field(default="", max_length=MAX)
    author_id: int | None = None


class AmendmentPatch(Schema):
    version: int
    dispositif: str | None = Field(default=None, max_length=MAX)
    expose: str | None = Field(default=None, max_length=MAX)
    position: PositionIn | None = None


class AmendmentOut(Schema):
    id: int
    text_id: int
    position: PositionOut
    dispositif: str
    expose: str
    author: UserOut
    created_by: UserOut
    group: str | None
    state: str
    version: int
    content_hash: str
    number: str | None
    outcome: str | None
    presented_by_group: bool = False
    created_at: datetime
    updated_at: datetime


class AmendmentQuery(Schema):
    text_id: int | None = None
    state: str | None = Field(default=None, max_length=32)
    group: str | None = Field(default=None, max_length=32)
    article: str | None = Field(default=None, max_length=40)
    author_id: int | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=100)


class AmendmentPage(Schema):
    items: list[AmendmentOut]
    total: int
    page: int
    per_page: int
