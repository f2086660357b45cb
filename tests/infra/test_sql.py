"""`among`: membership in a list of values, one array parameter on PostgreSQL, `IN` elsewhere;
the statement is compiled once and each execution takes its own values."""

from __future__ import annotations

from sqlalchemy import select

from drafting.extensions import db
from drafting.infra.direct import binary_rows
from drafting.infra.sql import among
from drafting.models import User


def _ids(people, *names: str) -> list[int]:
    return sorted(people[name].id for name in names)


def test_among_finds_the_rows_of_the_values_given_each_time(app, people):
    first, second = _ids(people, "regol", "lucas"), _ids(people, "claire")
    for wanted in (first, second, []):  # the same statement, compiled once, new values each time
        query = select(User.id).where(among(User.id, wanted)).order_by(User.id)
        assert list(db.session.scalars(query)) == wanted


def test_among_binds_the_values_as_one_array_on_postgresql(app):
    sql = str(select(User.id).where(among(User.id, [1, 2, 3])).compile(db.engine))
    if db.engine.dialect.name == "postgresql":
        assert "= ANY(" in sql and sql.count("%(") == 1
    else:
        assert " IN (" in sql


def test_among_matches_strings_and_runs_in_binary_rows(app, people):
    emails = [people["regol"].email, "nobody@an.example"]
    query = select(User.email).where(among(User.email, emails))
    assert binary_rows(db.session.connection(), query) == [(people["regol"].email,)]
