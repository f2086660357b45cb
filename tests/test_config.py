"""Configuration from the environment."""

from __future__ import annotations

import pytest

from drafting.config import ConfigError, check_production, database_url, load_config


def test_postgres_scheme_is_accepted(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/liasse")
    assert database_url(tmp_path) == "postgresql+psycopg://u:p@db:5432/liasse"


def test_default_database_is_sqlite_under_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(tmp_path).endswith(f"{tmp_path}/liasse.sqlite3")


def test_no_redis_url_means_inline_jobs(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert load_config()["REDIS_URL"] is None


def test_production_refuses_a_missing_or_default_secret_key(monkeypatch):
    monkeypatch.setenv("LIASSE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        check_production(load_config())
    monkeypatch.setenv("SECRET_KEY", "a" * 40)
    check_production(load_config())


def test_production_sets_secure_cookies(monkeypatch):
    monkeypatch.setenv("LIASSE_ENV", "production")
    config = load_config()
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]


def test_the_export_chunk_size_is_read_from_the_environment(monkeypatch):
    from drafting.config import load_config

    monkeypatch.setenv("LIASSE_EXPORT_CHUNK", "40")
    assert load_config()["LIASSE_EXPORT_CHUNK"] == 40
