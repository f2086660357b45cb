"""Liasse: draft, review, co-sign and file parliamentary amendments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import configure_mappers

from drafting import (
    api,
    models,  # noqa: F401  (importing the models registers their mappers)
    web,
)
from drafting.config import ROOT, check_production, load_config
from drafting.extensions import csrf, db, login_manager, migrate
from drafting.infra import http, i18n, rate_limits, sqlite
from drafting.infra.pool import ping_mode, ping_when_idle
from drafting.models.search import include_name

__all__ = ["ROOT", "create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: config, extensions, infra, blueprints (the CLI stands above it)."""
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
    http.init_app(app)
    rate_limits.init_app(app)  # after the blueprints: it wraps the sensitive endpoints
    return app


def _init_extensions(app: Flask) -> None:
    Path(app.config["LIASSE_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    ping = ping_mode(app.config.get("LIASSE_DB_PRE_PING"))
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options | {"pool_pre_ping": ping == "always"}
    db.init_app(app)
    _configure_models()
    with app.app_context():
        sqlite.tune(db.engine)
        if ping == "idle":
            ping_when_idle(db.engine, float(app.config.get("LIASSE_DB_PING_IDLE_SECONDS", 10)))
    # The search index (models/search.py) is the database's own: autogenerate leaves it alone.
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), include_name=include_name)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)


def _configure_models() -> None:
    """Configure every mapper now, not in the first request each worker serves."""
    configure_mappers()


def _register_blueprints(app: Flask) -> None:
    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api.bp)
    for blueprint in web.blueprints():
        app.register_blueprint(blueprint)
