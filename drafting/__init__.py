"""Liasse: draft, review, co-sign and file parliamentary amendments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from drafting.config import check_production, load_config
from drafting.dbpool import ping_mode, ping_when_idle

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: config, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "drafting" / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config())
    if test_config:
        app.config.update(test_config)
    check_production(app.config)
    _init_extensions(app)
    _register_blueprints(app)
    from drafting import cli, http, limits

    http.init_app(app)
    limits.init_app(app)  # after the blueprints: it wraps the sensitive endpoints
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from drafting.extensions import csrf, db, login_manager, migrate

    Path(app.config["LIASSE_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    ping = ping_mode(app.config.get("LIASSE_DB_PRE_PING"))
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options | {"pool_pre_ping": ping == "always"}
    db.init_app(app)
    _configure_models()
    with app.app_context():
        _tune_sqlite(db.engine)
        if ping == "idle":
            ping_when_idle(db.engine, float(app.config.get("LIASSE_DB_PING_IDLE_SECONDS", 10)))
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    from drafting import i18n

    i18n.init_app(app)


def _configure_models() -> None:
    """Configure every mapper now, not in the first request each worker serves."""
    from sqlalchemy.orm import configure_mappers

    import drafting.models  # noqa: F401  (registers the mappers)

    configure_mappers()


def _tune_sqlite(engine: Any) -> None:
    """The embedded SQLite serves several threads (requests, jobs, clock): write-ahead logging
    lets readers go on while one writes, and a writer waits for the lock instead of failing."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from drafting import api, web
    from drafting.extensions import csrf

    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api.bp)
    for blueprint in web.blueprints():
        app.register_blueprint(blueprint)
