"""The JSON API v1: one module per domain concept, all on one blueprint."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from drafting.api import amendments, auth, people, texts
from drafting.api import assembly as assembly_api  # noqa: F401  (registers the routes)
from drafting.api import bulk as bulk_api  # noqa: F401  (registers the routes)
from drafting.api import deadlines as deadlines_api  # noqa: F401  (registers the routes)
from drafting.api import dispositifs as dispositifs_api  # noqa: F401  (registers the routes)
from drafting.api import documents as documents_api  # noqa: F401  (registers the routes)
from drafting.api import filing as filing_api  # noqa: F401  (registers the routes)
from drafting.api import security as security_api  # noqa: F401  (registers the routes)
from drafting.api import signatures as signatures_api  # noqa: F401  (registers the routes)
from drafting.api import workflow as workflow_api  # noqa: F401  (registers the routes)
from drafting.api.openapi import build_openapi
from drafting.api.routing import bp

__all__ = ["amendments", "auth", "bp", "people", "texts"]


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """GET /openapi.json: the generated OpenAPI 3 document (public)."""
    document: dict[str, Any] = build_openapi()
    return jsonify(document)
