"""Test fixtures: a real database (SQLite by default, PostgreSQL with DATABASE_URL), real Redis
with REDIS_URL, realistic named people and the Olympics bill."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from drafting import cli, create_app
from drafting.db import commit
from drafting.extensions import db
from drafting.models import User
from drafting.services import amendments, texts
from drafting.services.accounts import api_tokens, registration
from drafting.services.workflow import filing, transitions

NOW = datetime(2023, 3, 20, 9, 0, tzinfo=UTC)
PASSWORD = "Motdepasse-solide-42"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_schema(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a freshly migrated database (real Alembic migrations)."""
    data_dir = tmp_path_factory.mktemp("data")
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "LIASSE_DATA_DIR": str(data_dir),
        "LIASSE_STORAGE_PATH": str(data_dir / "files"),
        "LIASSE_PASSWORD_HASH_COST": "fast",
        "LIASSE_REQUIRE_2FA": False,
        "LIASSE_VALIDATE_RESPONSES": True,
        "WTF_CSRF_ENABLED": False,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "RATELIMIT_ENABLED": False,
    }
    application = create_app(config)
    cli.init_app(application)  # the `liasse` commands on app.cli, for app.test_cli_runner()
    _reset_schema(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the interpreter does


RESTART_SEQUENCES = (
    "SELECT setval(sequence.oid, 1, false) FROM pg_class AS sequence "
    "WHERE sequence.relkind = 'S' AND sequence.relnamespace = 'public'::regnamespace"
)


def _empty_tables() -> None:
    """Empty every table, children first. DELETE, not TRUNCATE, on PostgreSQL too: a test leaves
    a few rows, and TRUNCATE's new files and their sync cost 0.2–1.5 s per test on this machine,
    most of the PostgreSQL run. Sequences restart so that ids start at 1 as on a new database."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(RESTART_SEQUENCES))
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean(app: Flask) -> Iterator[None]:
    """Each test starts on empty tables inside an app context."""
    with app.app_context():
        _empty_tables()
        if app.config.get("REDIS_URL"):
            from drafting.infra.queue import redis_connection

            redis_connection().flushdb()
        yield
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like test client."""
    return app.test_client()


def make_user(name: str, role: str, group: str | None = None, **extra: Any) -> User:
    """Create a user with the shared test password."""
    civility = extra.pop("civility", "M.")
    email = extra.pop("email", name.lower().replace(" ", ".") + "@an.example")
    user = registration.create_user(
        email=email,
        name=name,
        role=role,
        password=PASSWORD,
        civility=civility,
        group_code=group,
        **extra,
    )
    commit()
    return user


@pytest.fixture
def groups() -> dict[str, Any]:
    """Two political groups."""
    ecos = registration.create_group("ECOS", "Écologiste et Social")
    gdr = registration.create_group("GDR", "Gauche Démocrate et Républicaine")
    commit()
    return {"ECOS": ecos, "GDR": gdr}


@pytest.fixture
def people(groups: dict[str, Any]) -> dict[str, User]:
    """Deputies, an assistant, two secretariats and an admin, named after real people."""
    regol = make_user("Sandra Regol", "deputy", "ECOS", civility="Mme")
    found = {
        "regol": regol,
        "lucas": make_user("Benjamin Lucas-Lundy", "deputy", "ECOS"),
        "bayou": make_user("Julien Bayou", "deputy", "ECOS"),
        "peu": make_user("Stéphane Peu", "deputy", "GDR"),
        "lea": make_user("Léa Moreau", "assistant", None, civility="Mme", deputy_id=regol.id),
        "claire": make_user("Claire Dupont", "secretariat", "ECOS", civility="Mme"),
        "hugo": make_user("Hugo Martin", "secretariat", "GDR"),
        "admin": make_user("Admin Liasse", "admin"),
    }
    # As many deputies do, they let their group's secretariat file in their name (the tests of
    # the author's consent take it back): filing in other tests needs no « bon à déposer ».
    for name in ("regol", "lucas", "bayou", "peu"):
        filing.set_delegation(found[name], [], True, NOW)
    commit()
    return found


@pytest.fixture
def bill(people: dict[str, User]) -> Any:
    """The 2023 Olympics bill (n° 809) with articles 1er, 7, 8 and 10."""
    data = texts.TextInput(
        title="PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024",
        number="809",
        stage="seance",
        examination_starts_at=datetime(2023, 3, 20, 15, 0, tzinfo=UTC),
        articles=[
            texts.ArticleInput("1er", None, ["Le code du sport est ainsi modifié :"]),
            texts.ArticleInput(
                "7",
                "Vidéoprotection algorithmique",
                [f"Alinéa {n} de l'article 7." for n in range(1, 26)],
            ),
            texts.ArticleInput("8", None, ["Premier alinéa.", "Second alinéa."]),
            texts.ArticleInput("10", None, ["Scanners corporels."]),
        ],
    )
    text_obj = texts.create_text(people["claire"], data, NOW)
    commit()
    return text_obj


class Api:
    """A JSON API client authenticated as one user."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def call(self, method: str, path: str, json: Any = None, **kw: Any) -> Any:
        """Call /api/v1 + path."""
        return self.client.open(
            "/api/v1" + path, method=method, json=json, headers=self._headers(), **kw
        )

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.call("PATCH", path, json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.call("PUT", path, json, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.call("DELETE", path, **kw)


@pytest.fixture
def api(client: FlaskClient) -> Any:
    """api(user) -> a JSON client with a fresh bearer token for that user."""

    def for_user(user: User | None) -> Api:
        if user is None:
            return Api(client, None)
        token, _ = api_tokens.issue_token(user, datetime.now(UTC))
        commit()
        return Api(client, token)

    return for_user


def login(client: FlaskClient, user: User) -> None:
    """Log a browser client in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.data


def draft_payload(text_id: int, **overrides: Any) -> dict[str, Any]:
    """A valid POST /amendments body (deletion of article 7)."""
    payload: dict[str, Any] = {
        "text_id": text_id,
        "position": {"kind": "article", "article": "7"},
        "dispositif": "Supprimer cet article.",
        "expose": "Les écologistes demandent la suppression de l'article 7.",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def run_jobs(app: Flask) -> Any:
    """Run queued RQ jobs with a real worker when Redis is configured (inline otherwise)."""

    def run() -> None:
        if not app.config.get("REDIS_URL"):
            return
        from rq import SimpleWorker

        from drafting.infra.queue import redis_connection, rq_queue

        SimpleWorker([rq_queue()], connection=redis_connection()).work(burst=True)

    return run


def open_amendment(people: dict[str, User], bill: Any, author: str = "regol") -> Any:
    """An amendment by `author` on article 7, taken through the real workflow to the open state
    (submitted by its author, approved by the group's secretariat)."""
    data = amendments.Draft(
        bill.id,
        amendments.PositionInput("article", "7"),
        "Supprimer cet article.",
        "Les écologistes demandent la suppression de l'article 7.",
    )
    amendment = amendments.create_amendment(people[author], data, NOW)
    secretariat = "claire" if people[author].group_code == "ECOS" else "hugo"
    transitions.transition(people[author], amendment.id, "submit", now=NOW)
    transitions.transition(people[secretariat], amendment.id, "approve", now=NOW)
    commit()
    return amendment


@pytest.fixture
def opened(people: dict[str, User], bill: Any) -> Any:
    """Sandra Regol's amendment on article 7, open to co-signature."""
    return open_amendment(people, bill)


@pytest.fixture
def limited(app: Flask) -> Iterator[Flask]:
    """A fresh app on the same database with rate limiting on (memory storage)."""
    config = {
        key: app.config[key]
        for key in (
            "SQLALCHEMY_DATABASE_URI",
            "LIASSE_DATA_DIR",
            "LIASSE_STORAGE_PATH",
            "LIASSE_PASSWORD_HASH_COST",
            "REDIS_URL",
        )
    }
    config |= {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "LIASSE_REQUIRE_2FA": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    fresh = create_app(config)
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()
