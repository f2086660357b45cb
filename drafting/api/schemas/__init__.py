"""The JSON API's contract: one module per concept, each model both the schema and the response.

Request models (`*In`, `*Query`) are parsed by `routing.endpoint`. Response models (`*Out`, their
lists and pages) are built from domain objects by their `of` class methods (from a few plain
values, by their constructor); `routing` writes each one once, leaving out the fields never set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer


def iso(value: datetime) -> str:
    """A datetime as the API has always written it: `isoformat()`, `+00:00` rather than `Z`."""
    return value.isoformat()


# Pydantic alone would write UTC as `Z`; the OpenAPI schema stays a plain `date-time`.
Timestamp = Annotated[datetime, PlainSerializer(iso, return_type=str, when_used="json")]


class Schema(BaseModel):
    """Base: unknown fields are ignored so clients can be newer than the server."""

    model_config = ConfigDict(extra="ignore")
