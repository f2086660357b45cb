"""Schema changes go through Alembic: one head, and the migrations match the models."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Config as _unused  # noqa: F401  (ensures Flask-Migrate is importable)
from sqlalchemy import func, insert, select, update

from drafting import ROOT
from drafting.extensions import db
from drafting.models import Amendment, Event
from drafting.models.search import include_name


def test_migrations_have_a_single_head():
    from alembic.config import Config

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        opts = {"compare_type": False, "include_name": include_name}  # not the search index
        context = MigrationContext.configure(connection, opts=opts)
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def _migration(name: str) -> ModuleType:
    path = next((ROOT / "migrations" / "versions").glob(f"*_{name}.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_journal_head_migration_gives_each_amendment_the_head_of_its_chain(
    app, people, bill, opened
):
    """Amendments journalled before the head lived on their row get it from their last event;
    those without events keep the empty chain's head."""
    from drafting.services import journal

    amendments_table = Amendment.__table__
    bare = _bare_amendment(opened)
    db.session.execute(  # the columns as the migration adds them: the server defaults
        update(amendments_table).values(journal_seq=0, journal_hash=journal.GENESIS)
    )
    assert journal.verify_all() != []
    db.session.execute(_migration("journal_head_on_amendments").BACKFILL)
    assert journal.verify_all() == []
    heads = dict(
        db.session.execute(select(amendments_table.c.id, amendments_table.c.journal_seq)).all()
    )
    last = db.session.scalar(select(func.max(Event.seq)).where(Event.amendment_id == opened.id))
    assert heads[opened.id] == last > 0
    assert heads[bare] == 0


def _bare_amendment(like: Amendment) -> int:
    """An amendment row without any event (inserted as an import or a fixture could)."""
    row = {c.name: getattr(like, c.name) for c in Amendment.__mapper__.columns if c.name != "id"}
    return db.session.execute(
        insert(Amendment.__table__).values(row).returning(Amendment.__table__.c.id)
    ).scalar_one()


def test_the_legistique_migration_lints_and_digests_existing_amendments(app, people, bill):
    """Amendments saved before the linter get their findings and digest from the migration."""
    from drafting.services import amendments as service
    from tests.conftest import NOW

    draft = service.Draft(
        bill.id, service.PositionInput("article", "7", 3), "Supprimer l’alinéa 99.", ""
    )
    amendment = service.create_amendment(people["regol"], draft, NOW)
    db.session.flush()
    saved = (amendment.lint, amendment.digest)
    table = Amendment.__table__
    db.session.execute(update(table).values(lint=None, digest=None))
    _migration("legistique").backfill(db.session.connection())
    row = db.session.execute(select(table.c.lint, table.c.digest)).one()
    assert (row.lint, row.digest) == saved
    assert {f["code"] for f in row.lint} == {"alinea_missing", "expose_empty", "position_mismatch"}
    db.session.rollback()
