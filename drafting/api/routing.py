"""A small declarative layer over Flask for the JSON API: parsing, auth, errors and OpenAPI."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import BaseModel, ValidationError

from drafting.api.schemas import Schema
from drafting.db import commit
from drafting.errors import BadRequest, DomainError, Invalid, NotFound, Unauthorized
from drafting.infra.http import error_response, large_body
from drafting.infra.request_info import MAX_ID
from drafting.models import User
from drafting.services.accounts import api_tokens

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@dataclass
class Endpoint:
    """What the OpenAPI document knows about one API route."""

    rule: str
    method: str
    name: str
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    auth: bool
    errors: tuple[int, ...]
    tags: tuple[str, ...] = field(default_factory=tuple)
    content_type: str = "application/json"
    body_optional: bool = False  # an empty body stands for {} (all the model's defaults)
    also_ok: tuple[int, ...] = ()  # other success statuses the view may return, same schema
    # other success statuses with a schema of their own (a bulk action's 202 and its job)
    alternatives: dict[int, type[BaseModel]] = field(default_factory=dict)

    def response_for(self, status: int) -> type[BaseModel] | None:
        """The schema of the body answered with `status`."""
        return self.alternatives.get(status, self.response)

    # The name of a file field: the body may also come as multipart/form-data (the model's
    # fields as form fields, plus that file), passed to the view as `upload`.
    upload: str | None = None


REGISTRY: list[Endpoint] = []
MAX_INT = MAX_ID  # ids and counters are 32-bit integers in PostgreSQL


def now() -> datetime:
    """The request's clock (one reading per request)."""
    if "now" not in g:
        g.now = datetime.now(UTC)
    return g.now  # type: ignore[no-any-return]


def current_user() -> User:
    """The user authenticated by the bearer token, mapped (loaded on first use)."""
    if "api_user" not in g:
        g.api_user = api_tokens.mapped(current_caller())
    return g.api_user  # type: ignore[no-any-return]


def current_credential() -> api_tokens.BearerToken:
    """The API token carrying the request (where a passed second-factor check is remembered)."""
    return g.api_token  # type: ignore[no-any-return]


def current_caller() -> api_tokens.Caller:
    """The user authenticated by the bearer token, as the token lookup read it: no query, no
    ORM (for the hot paths whose services take a `Person`)."""
    return g.api_token.caller  # type: ignore[no-any-return]


def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Jeton d'accès manquant (Authorization: Bearer …).")
    record = api_tokens.token_record(token.strip(), now())
    if record is None:
        raise Unauthorized("Jeton d'accès inconnu, expiré ou révoqué.", code="bad_token")
    if record.stamped:
        commit()  # the token's last use, on its own: kept whatever the request then does
    g.api_token = record


def _loc(error: Any) -> str:
    parts = [str(p) for p in error.get("loc", ()) if p not in ("body", "query")]
    return ".".join(parts) or "body"


def validation_fields(exc: ValidationError) -> dict[str, str]:
    """Pydantic errors as {field.path: message}."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        fields.setdefault(_loc(error), error.get("msg", "invalide"))
    return fields


def _parse_body(model: type[BaseModel], optional: bool = False) -> BaseModel:
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return model.model_validate({})  # the defaults: nothing to decode, clean or bound
    payload = _decoded(raw)
    if not isinstance(payload, dict):
        raise BadRequest("Le corps doit être un objet JSON.", code="malformed_json")
    try:
        # Strict JSON types: `true` is no id, `0` no date, "1" no number.
        parsed = model.model_validate_json(json.dumps(_without_nul(payload)), strict=True)
    except ValidationError as exc:
        raise Invalid("Champs invalides.", fields=validation_fields(exc)) from exc
    return _bounded(parsed)


def _decoded(raw: bytes) -> Any:
    """The JSON body, or 400: malformed, not UTF-8, a number of thousands of digits, or nested
    deeper than a parser should follow."""
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, digit limit
        raise BadRequest(f"Corps JSON mal formé : {exc}", code="malformed_json") from exc
    except RecursionError as exc:
        raise BadRequest("Corps JSON trop imbriqué.", code="malformed_json") from exc


def _without_nul(value: Any) -> Any:
    """Drop NUL characters from every string (never stored; PostgreSQL refuses them)."""
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value.replace("\x00", "") if isinstance(value, str) else value


def _parse_form(model: type[BaseModel]) -> BaseModel:
    """A multipart body: its form fields (blank ones left out) validated as the JSON body."""
    values = {key: value for key, value in request.form.items() if value.strip()}
    try:
        return _bounded(model.model_validate(_without_nul(values)))
    except ValidationError as exc:
        raise Invalid("Champs invalides.", fields=validation_fields(exc)) from exc


def _is_multipart() -> bool:
    return request.mimetype == "multipart/form-data"


def _parse_query(model: type[BaseModel]) -> BaseModel:
    values: dict[str, Any] = {}
    for key in request.args:
        items = request.args.getlist(key)
        values[key] = items if len(items) > 1 else items[0]
    try:
        return _bounded(model.model_validate(values))
    except ValidationError as exc:
        raise Invalid("Paramètres invalides.", fields=validation_fields(exc)) from exc


def _unstorable(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Fields whose value the database cannot hold (integers beyond 32 bits)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable(item, f"{path}.{index}")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        yield path or "body", f"entier hors limites (±{MAX_INT})"


def _bounded(model: BaseModel) -> BaseModel:
    """Refuse (422) integers the database cannot hold, before the driver fails."""
    fields = dict(_unstorable(model.model_dump()))
    if fields:
        raise Invalid("Champs invalides.", fields=fields)
    return model


Reply = Schema | tuple[Schema | None, int] | Response | None


def _respond(endpoint: Endpoint, result: Reply) -> Response:
    """The view's reply as JSON: a response model (or `(model, status)`), written once."""
    if isinstance(result, Response):
        return result
    status = endpoint.status
    if isinstance(result, tuple):
        result, status = result
    if status == 204 or result is None:
        return Response(status=204)
    # Unset fields stay out: a key absent today (a job's `result` before it finished) stays absent.
    payload = result.model_dump(mode="json", exclude_unset=True)
    declared = endpoint.response_for(status)
    if declared and current_app.config.get("LIASSE_VALIDATE_RESPONSES"):
        _check_contract(declared, result, payload)
    response = jsonify(payload)
    response.status_code = status
    return response


def _check_contract(declared: type[BaseModel], result: Schema, payload: dict[str, Any]) -> None:
    """A contract test: the view returns the declared model, and its JSON reads back as one."""
    if not isinstance(result, declared):
        raise TypeError(f"{type(result).__name__} returned where {declared.__name__} is declared")
    declared.model_validate(payload)


def endpoint(
    rule: str,
    method: str = "GET",
    *,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    auth: bool = True,
    errors: tuple[int, ...] = (),
    tags: tuple[str, ...] = (),
    content_type: str = "application/json",
    body_optional: bool = False,
    also_ok: tuple[int, ...] = (),
    alternatives: dict[int, type[BaseModel]] | None = None,
    upload: str | None = None,
    body_limit: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an API route with its schemas; the view gets `body=` and `query=` parsed (and
    `upload=`, the file or None, when `upload` names a file field). `body_limit` names the
    setting of a larger body size (uploads)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        spec = Endpoint(
            rule,
            method,
            view.__name__,
            summary,
            body,
            query,
            response,
            status,
            auth,
            errors,
            tags,
            content_type,
            body_optional,
            also_ok,
            dict(alternatives or {}),
            upload,
        )
        REGISTRY.append(spec)

        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Response:
            if any(isinstance(v, int) and v > MAX_INT for v in kwargs.values()):
                raise NotFound("Ressource inconnue.")  # no id is that large
            if spec.auth:
                _authenticate()
            if spec.upload is not None:
                multipart = _is_multipart()
                kwargs["upload"] = request.files.get(spec.upload) if multipart else None
                if spec.body is not None and multipart:
                    kwargs["body"] = _parse_form(spec.body)
            if spec.body is not None and "body" not in kwargs:
                kwargs["body"] = _parse_body(spec.body, spec.body_optional)
            if spec.query is not None:
                kwargs["query"] = _parse_query(spec.query)
            return _respond(spec, view(**kwargs))

        if body_limit is not None:
            large_body(body_limit)(wrapper)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapper, methods=[method])
        return wrapper

    return decorate


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Response:
    return error_response(error)


def openapi_path(rule: str) -> str:
    """Flask rule to OpenAPI path: /amendments/<int:amendment_id> -> /amendments/{amendment_id}."""
    return re.sub(r"<(?:[a-z]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>", r"{\1}", rule)
