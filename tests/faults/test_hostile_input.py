"""Fault suite: hostile input gets a clear 4xx, never a 500 (numbers, codes, JSON, sizes)."""

from __future__ import annotations

import io

import pytest

from tests.conftest import login

pytestmark = pytest.mark.faults
JSON = {"content_type": "application/json"}


@pytest.mark.parametrize(
    "path",
    [
        "/amendements/99999999999999",
        "/amendements/99999999999999/signer",
        "/textes/99999999999999",
        "/echeances/textes/99999999999999",
    ],
)
def test_numbers_beyond_the_database_are_404_in_pages(client, people, path):
    login(client, people["claire"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["text_id=²", "text_id=99999999999999", "text_id=-1", "text_id="])
def test_odd_numbers_in_query_strings_are_ignored_not_crashed_on(client, people, bill, query):
    login(client, people["claire"])
    assert client.get(f"/relecture?{query}").status_code == 200


@pytest.mark.parametrize("value", ["²", "99999999999999", "١٢", "-3"])
def test_odd_numbers_in_forms_are_not_a_500(client, people, opened, value):
    login(client, people["claire"])
    approve = client.post("/relecture/approuver", data={"ids": value})
    assert approve.status_code < 500
    login(client, people["regol"])
    invite = client.post(f"/amendements/{opened.id}/inviter", data={"deputy_ids": value})
    assert invite.status_code < 500


def test_a_5000_digit_number_in_json_is_a_400(api, people):
    body = b'{"text_id": ' + b"9" * 5000 + b"}"
    response = api(people["regol"]).call("POST", "/amendments", None, data=body, **JSON)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_100000_nested_arrays_in_json_are_a_400(api, people):
    body = b'{"text_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = api(people["regol"]).call("POST", "/amendments", None, data=body, **JSON)
    assert response.status_code in (400, 413)
    assert response.get_json()["error"]["code"] in ("malformed_json", "too_large")


@pytest.mark.parametrize(
    ("field", "value"),
    [("text_id", True), ("text_id", "1"), ("text_id", 1.0)],
)
def test_json_types_are_strict(api, people, bill, field, value):
    from tests.conftest import draft_payload

    body = draft_payload(bill.id) | {field: value}
    response = api(people["regol"]).post("/amendments", body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_a_date_is_not_a_number(api, people, bill):
    response = api(people["admin"]).put(
        f"/texts/{bill.id}/filing-deadline", {"filing_deadline": 0, "reason": "essai"}
    )
    assert response.status_code == 422


def test_a_chunked_body_over_the_limit_is_413(app, client, people):
    big = io.BytesIO(b'{"x": "' + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b'"}')
    response = client.post(
        "/api/v1/auth/token",
        input_stream=big,
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn and werkzeug set it
    )
    assert response.status_code == 413, response.get_data(as_text=True)


def test_a_wrong_method_says_which_are_allowed(client):
    response = client.delete("/api/v1/texts")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_crlf_in_next_is_not_a_500(client, people):
    from tests.conftest import PASSWORD

    response = client.post(
        "/login?next=/%0d%0aSet-Cookie:%20x=y",
        data={"email": people["regol"].email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "Set-Cookie: x" not in response.headers.get("Location", "")
