"""The OpenAPI 3 document, generated from the endpoint registry and the pydantic schemas."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from drafting.api.routing import MAX_INT, REGISTRY, Endpoint, openapi_path

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                "findings": {
                    "type": "array",
                    "description": "The linter's findings that refused the action (409).",
                    "items": {"$ref": "#/components/schemas/FindingOut"},
                },
            },
        }
    },
}
ERROR_TEXT = {
    400: "Malformed request",
    401: "Missing or bad token",
    403: "Role not allowed",
    404: "Unknown or not visible",
    409: "Stale version or action not allowed now",
    413: "Too large",
    422: "Invalid fields",
    429: "Throttled",
}


def _models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for spec in REGISTRY:
        for model in (spec.body, spec.response, *spec.alternatives.values()):
            if model is not None:
                seen[model.__name__] = model
    return list(seen.values())


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _parameters(spec: Endpoint) -> list[dict[str, Any]]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_INT}
            if conv == "int"
            else {"type": "string"},
        }
        for conv, name in re.findall(r"<(?:([a-z]+):)?([a-zA-Z_][a-zA-Z0-9_]*)>", spec.rule)
    ]
    if spec.query is not None:
        schema = spec.query.model_json_schema()
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": False, "schema": prop})
    return params


def _responses(spec: Endpoint) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if spec.status == 204:
        responses["204"] = {"description": "Done"}
    elif spec.content_type != "application/json":
        responses[str(spec.status)] = {
            "description": "File",
            "content": {spec.content_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    else:
        content = {"application/json": {"schema": _ref(spec.response)}} if spec.response else {}
        for status in (spec.status, *spec.also_ok):
            responses[str(status)] = {"description": "OK", "content": content}
        for status, model in spec.alternatives.items():
            json_content = {"application/json": {"schema": _ref(model)}}
            responses[str(status)] = {"description": "Accepted", "content": json_content}
    codes = set(spec.errors) | ({401} if spec.auth else set())
    codes |= {404} if "<" in spec.rule else set()  # an unknown id in the path
    codes |= {400, 413, 422} if spec.body is not None else set()
    codes |= {422} if spec.query is not None else set()
    for code in sorted(codes):
        responses[str(code)] = {
            "description": ERROR_TEXT.get(code, "Error"),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return responses


_SCALARS = {"string", "integer", "number", "boolean"}


def _is_scalar(prop: dict[str, Any]) -> bool:
    options = prop.get("anyOf", [prop])
    return all(o.get("type") in _SCALARS | {"null"} for o in options) and any(
        o.get("type") in _SCALARS for o in options
    )


def _form_schema(body: type[BaseModel], upload: str) -> dict[str, Any]:
    """A multipart body: the model's scalar fields as form fields, and the file."""
    schema = body.model_json_schema(by_alias=True)
    props = {k: v for k, v in schema.get("properties", {}).items() if _is_scalar(v)}
    required = [k for k in schema.get("required", []) if k in props]
    props[upload] = {"type": "string", "format": "binary"}
    return {"type": "object", "properties": props, "required": required}


def _operation(spec: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "tags": list(spec.tags),
        "parameters": _parameters(spec),
        "responses": _responses(spec),
    }
    if spec.body is not None:
        content: dict[str, Any] = {"application/json": {"schema": _ref(spec.body)}}
        if spec.upload is not None:
            content["multipart/form-data"] = {"schema": _form_schema(spec.body, spec.upload)}
        operation["requestBody"] = {"required": not spec.body_optional, "content": content}
    operation["security"] = [{"bearer": []}] if spec.auth else []
    return operation


def build_openapi() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    _, defs = models_json_schema(
        [(m, "validation") for m in _models()], ref_template="#/components/schemas/{model}"
    )
    schemas = dict(defs.get("$defs", {}))
    schemas["Error"] = ERROR_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for spec in REGISTRY:
        paths.setdefault(openapi_path(spec.rule), {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Liasse API",
            "version": "1.0.0",
            "description": "Draft, review, co-sign and file amendments.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
