"""12-factor settings read from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from drafting.infra.pool import ping_mode

ROOT = Path(__file__).resolve().parent.parent  # the project: templates/, migrations/, translations/
DEFAULT_SECRET = "dev-insecure-secret-change-me"


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(data_dir: Path) -> str:
    """DATABASE_URL, with Heroku-style postgres:// accepted and a SQLite default."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{(data_dir / 'liasse.sqlite3').resolve()}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_config() -> dict[str, Any]:
    """Build the Flask config mapping from the environment."""
    data_dir = Path(os.environ.get("LIASSE_DATA_DIR", "./instance"))
    env = os.environ.get("LIASSE_ENV", "development").strip().lower()
    production = env == "production"
    return {
        "LIASSE_ENV": env,
        "LIASSE_DATA_DIR": str(data_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET),
        "SQLALCHEMY_DATABASE_URI": database_url(data_dir),
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip() or None,
        "SESSION_COOKIE_SECURE": _bool("LIASSE_SECURE_COOKIES", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("LIASSE_SECURE_COOKIES", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": int(os.environ.get("LIASSE_MAX_REQUEST_BYTES", 2 * 1024 * 1024)),
        "LIASSE_TOKEN_TTL_HOURS": int(os.environ.get("LIASSE_TOKEN_TTL_HOURS", 12)),
        "LIASSE_SESSION_IDLE_HOURS": float(os.environ.get("LIASSE_SESSION_IDLE_HOURS") or 12),
        "LIASSE_SESSION_MAX_HOURS": float(os.environ.get("LIASSE_SESSION_MAX_HOURS") or 7 * 24),
        "LIASSE_TRUSTED_PROXIES": os.environ.get("LIASSE_TRUSTED_PROXIES", ""),
        "LIASSE_LOGIN_MAX_FAILURES": int(os.environ.get("LIASSE_LOGIN_MAX_FAILURES", 5)),
        "LIASSE_LOGIN_WINDOW_MINUTES": int(os.environ.get("LIASSE_LOGIN_WINDOW_MINUTES", 15)),
        "LIASSE_REQUIRE_2FA": _bool("LIASSE_REQUIRE_2FA", True),
        "LIASSE_STORAGE": os.environ.get("LIASSE_STORAGE", "database"),
        "LIASSE_STORAGE_PATH": os.environ.get("LIASSE_STORAGE_PATH", str(data_dir / "files")),
        "LIASSE_EMBEDDED_CLOCK": _bool("LIASSE_EMBEDDED_CLOCK", False),
        "LIASSE_JOBS_THREAD_DELAY": float(os.environ.get("LIASSE_JOBS_THREAD_DELAY") or 0),
        "LIASSE_EXPORT_CHUNK": int(os.environ.get("LIASSE_EXPORT_CHUNK") or 2000),
        "LIASSE_SHEET_CACHE_DAYS": int(os.environ.get("LIASSE_SHEET_CACHE_DAYS") or 14),
        "LIASSE_JOB_STALE_MINUTES": float(os.environ.get("LIASSE_JOB_STALE_MINUTES") or 10),
        "LIASSE_VALIDATE_RESPONSES": _bool("LIASSE_VALIDATE_RESPONSES", False),
        "LIASSE_PASSWORD_HASH_COST": os.environ.get("LIASSE_PASSWORD_HASH_COST", "default"),
        "SMTP_URL": os.environ.get("SMTP_URL", "").strip() or None,
        "LIASSE_MAIL_FROM": os.environ.get("LIASSE_MAIL_FROM", "liasse@localhost"),
        # The site's address as e-mailed links give it (a welcome link is sent by a job).
        "LIASSE_PUBLIC_URL": os.environ.get("LIASSE_PUBLIC_URL", "http://127.0.0.1:5000"),
        "WTF_CSRF_TIME_LIMIT": None,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url(data_dir)),
        "LIASSE_DB_PRE_PING": ping_mode(os.environ.get("LIASSE_DB_PRE_PING")),
        "LIASSE_DB_PING_IDLE_SECONDS": float(os.environ.get("LIASSE_DB_PING_IDLE_SECONDS") or 10),
        # Imports of the Assembly's data: hosts a URL may name, a fetch's timeout, and the size
        # of an upload or a download (the bulk amendment dump is 310 MB).
        "LIASSE_IMPORT_HOSTS": os.environ.get("LIASSE_IMPORT_HOSTS", ""),
        "LIASSE_IMPORT_TIMEOUT": float(os.environ.get("LIASSE_IMPORT_TIMEOUT") or 30),
        "LIASSE_IMPORT_MAX_BYTES": int(os.environ.get("LIASSE_IMPORT_MAX_BYTES") or 384 << 20),
    }


def engine_options(url: str) -> dict[str, Any]:
    """Connection pool settings. Each web process keeps LIASSE_DB_POOL_SIZE connections open
    (set it to at least its number of threads: connections opened beyond the pool are closed
    after each request, and a new PostgreSQL backend per request costs more than the request).
    How connections are tested before use is LIASSE_DB_PRE_PING's (drafting.infra.pool)."""
    options: dict[str, Any] = {}
    if url.startswith("postgresql"):
        options["pool_size"] = int(os.environ.get("LIASSE_DB_POOL_SIZE", 10))
        options["max_overflow"] = int(os.environ.get("LIASSE_DB_MAX_OVERFLOW", 10))
    return options


def check_production(config: dict[str, Any]) -> None:
    """Refuse to start in production with a missing or default secret key."""
    if config.get("LIASSE_ENV") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET or len(key) < 16:
        raise ConfigError("SECRET_KEY must be set to a long random value in production")
