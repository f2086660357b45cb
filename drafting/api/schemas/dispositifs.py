"""Dispositifs: an edited article in, the dispositif out; a dispositif in, the article out."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from drafting.api.schemas import Schema
from drafting.api.schemas.amendments import PositionOut

MAX = 100_000
Alinea = Annotated[str, Field(max_length=MAX)]


class DispositifIn(Schema):
    article_id: int
    alineas: list[Alinea] = Field(
        max_length=1_000, description="The whole edited article, one alinéa per item."
    )
    parent_id: int | None = Field(
        default=None,
        description="A sub-amendment: the parent amendment, whose dispositif paragraphs are "
        "the alinéas (then `alineas` is the edited parent dispositif).",
    )


class DispositifOut(Schema):
    dispositif: str
    position: PositionOut
    family: str = Field(description="The formula family of the dispositif (informative).")


class ApplyIn(Schema):
    article_id: int
    dispositif: str = Field(max_length=MAX)
    parent_id: int | None = None


class ApplyOut(Schema):
    alineas: list[str]
