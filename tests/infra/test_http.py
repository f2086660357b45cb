"""Security headers on every answer, HSTS only behind TLS, and the request size limit."""

from __future__ import annotations

import io

import pytest

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/api/v1/texts", "/nowhere"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in EXPECTED.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp


def test_hsts_is_sent_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://liasse.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_request_over_the_size_limit_is_413_in_the_api_error_shape(app, client, people):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_session_cookies_are_http_only_and_same_site(client, people):
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"email": people["regol"].email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/jobs/a%00b", 404),
        ("/taches/a%00b", 404),
        ("/api/v1/amendments?group=%00", 422),
        ("/login?next=%00", 422),
    ],
)
def test_nul_characters_are_refused_before_reaching_the_database(api, people, path, status):
    response = api(people["regol"]).client.get(
        path, headers={"Authorization": f"Bearer {api(people['regol']).token}"}
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
        "multipart/form-data",
    ],
)
def test_nul_characters_in_a_posted_form_are_refused(client, people, content_type):
    if content_type.startswith("multipart"):
        form = {"email": "a\x00b", "password": "x"}
        response = client.post("/login", data=form, content_type=content_type)
        assert response.request.content_type.startswith("multipart/form-data")
    else:
        body = "email=a%00b&password=x"
        response = client.post("/login", data=body, headers={"Content-Type": content_type})
    assert response.status_code == 422
    assert "NUL" in response.get_data(as_text=True)


def test_nul_characters_in_a_chunked_form_are_refused(client):
    """No Content-Length (chunked, as gunicorn passes it on): the form is still checked."""
    body = io.BytesIO(b"email=a%00b&password=x")
    response = client.post(
        "/login",
        input_stream=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 422


def test_an_empty_post_with_a_form_content_type_signs(api, people, bill):
    """curl's empty POST says form-urlencoded: nothing to parse, and it signs."""
    from tests.conftest import open_amendment

    amendment = open_amendment(people, bill)
    lucas = api(people["lucas"])
    response = lucas.client.post(
        f"/api/v1/amendments/{amendment.id}/signatures",
        headers={
            "Authorization": f"Bearer {lucas.token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 201


def test_ids_beyond_32_bits_are_404_and_integers_beyond_them_are_422(api, people):
    client = api(people["regol"])
    assert client.get(f"/amendments/{2**31}").status_code == 404
    response = client.get(f"/amendments?text_id={2**40}")
    assert response.status_code == 422
    assert "text_id" in response.get_json()["error"]["fields"]
    body = {
        "text_id": 2**40,
        "position": {"kind": "article", "article": "7"},
        "dispositif": "Supprimer cet article.",
    }
    assert client.post("/amendments", body).status_code == 422


def test_a_multipart_part_without_a_name_is_no_server_error(client):
    """Werkzeug gives such a part the key None: the NUL check must not fail on it."""
    body = (
        b"--b\r\nContent-Disposition: form-data\r\n\r\nvaleur\r\n"
        b'--b\r\nContent-Disposition: form-data; name="number"\r\n\r\n1\r\n--b--\r\n'
    )
    response = client.post(
        "/api/v1/texts/import", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 401  # reached the view's guard, not a crash
