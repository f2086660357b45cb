"""API fuzzing: schemathesis drives every operation of the generated OpenAPI document through the
WSGI app and checks there is no 500, no undocumented status and no response outside its schema.

Bounded: a few examples per operation (LIASSE_FUZZ_EXAMPLES, default 15 valid and 7 invalid
requests), derandomized, no example database: about a minute for the whole API.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from flask import Flask, g
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from drafting.db import commit
from drafting.models import User
from drafting.services import amendments
from drafting.services.accounts import api_tokens
from tests.conftest import NOW
from tests.security_helpers import quick_commits  # noqa: F401  (fixture)

EXAMPLES = int(os.environ.get("LIASSE_FUZZ_EXAMPLES", "15"))  # per operation, valid requests
EXAMPLES_INVALID = max(1, EXAMPLES // 2)  # per operation, invalid requests
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def seeded(people: dict[str, User], bill: Any) -> dict[str, User]:
    """Two drafts so that small generated ids often hit real amendments."""
    for author, article in (("regol", "7"), ("peu", "8")):
        position = amendments.PositionInput("article", article, None)
        draft = amendments.Draft(bill.id, position, "Supprimer cet article.", "Exposé.", None)
        amendments.create_amendment(people[author], draft, NOW)
    commit()
    return people


@pytest.fixture
def api_schema(app: Flask, seeded: dict[str, User]) -> Any:
    """The app's own OpenAPI document, loaded through the WSGI app."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def bearer(seeded: dict[str, User]) -> Any:
    """Fresh-token headers per call (a fuzzed logout must not starve the next calls) for the
    person who reaches deepest into an operation: admins manage people, deputies sign,
    the secretariat does the rest."""

    def headers(operation: Any) -> dict[str, str]:
        tags = set(operation.tags or ())
        user = seeded[
            "admin" if "people" in tags else "lucas" if "signatures" in tags else "claire"
        ]
        token, _ = api_tokens.issue_token(user, datetime.now(UTC))
        commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


def _fuzz(operation: Any, bearer: Any, mode: GenerationMode) -> None:
    """Run the bounded Hypothesis search for one operation."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES if mode == GenerationMode.POSITIVE else EXAMPLES_INVALID,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        g.__dict__.clear()  # test requests share the fixture's app context, hence `g`
        case.call_and_validate(headers=bearer(operation), checks=CHECKS)

    run()


# schemathesis' own pytest plugin does not run under pytest 9, so operations are walked here.
@pytest.mark.usefixtures("quick_commits")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_fails_and_answers_as_documented(
    api_schema: Any, bearer: Any, mode: GenerationMode
) -> None:
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, bearer, mode)
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
