"""The `liasse` command: a Flask CLI group standing above create_app(); the only importer of the
job entry points (drafting.jobs)."""

from __future__ import annotations

import io
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command
from rq import Worker
from sqlalchemy import func, select
from werkzeug.serving import run_simple

from drafting import create_app
from drafting.db import commit
from drafting.errors import DomainError
from drafting.extensions import db
from drafting.infra import queue
from drafting.jobs import clock as clock_job
from drafting.jobs import runner
from drafting.models import AccountInvitation, Event, User
from drafting.services import audit as audit_service
from drafting.services import backup
from drafting.services import demo as demo_data
from drafting.services.accounts import registration, second_factor, welcome
from drafting.services.assembly import people_import, remote, sync, text_import
from drafting.services.assembly.amendments_opendata import SUFFIXES as AMENDMENT_FILES
from drafting.services.assembly.bill_html import KINDS as TEXT_FORMATS
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.people import parse_people_source
from drafting.services.assembly.sources import read_path
from drafting.services.deadlines import sweep as sweep_service
from drafting.services.documents import jobs as document_jobs
from workflows.deadlines import PARIS


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def main() -> None:
    """Liasse: draft, review, co-sign and file amendments."""


main.add_command(shell_command)
main.add_command(routes_command)


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return str(click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True))


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())


@main.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["admin", "secretariat", "deputy", "assistant"])
)
@click.option("--civility", default="M.", type=click.Choice(["M.", "Mme"]))
@click.option("--group", "group_code", default=None)
@click.option("--deputy", "deputy_email", default=None, help="E-mail of the deputy (assistants)")
def users_create(
    email: str,
    name: str,
    role: str,
    civility: str,
    group_code: str | None,
    deputy_email: str | None,
) -> None:
    """Create a user; the password is read from stdin (first line) or prompted twice."""
    deputy_id = None
    if deputy_email:
        deputy_id = db.session.scalar(select(User.id).where(User.email == deputy_email.lower()))
        if deputy_id is None:
            raise click.ClickException(f"Député inconnu : {deputy_email}")
    password = _read_password()
    try:
        user = registration.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            civility=civility,
            group_code=group_code,
            deputy_id=deputy_id,
        )
    except DomainError as exc:
        _fail(exc)
    commit()
    click.echo(f"Utilisateur {user.email} créé (id {user.id}, rôle {user.role}).")


@users.command("reset-2fa")
@click.argument("email")
def users_reset_2fa(email: str) -> None:
    """Reset a user's lost second factor (journalled); the user enrols again."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Utilisateur inconnu : {email}")
    second_factor.reset_second_factor(None, user, datetime.now(UTC))
    commit()
    click.echo(f"Double authentification de {user.email} réinitialisée.")


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
def backup_command(file: str) -> None:
    """Write every table, the journal and stored files to a versioned archive (ZIP)."""
    counts = backup.backup(file, datetime.now(UTC))
    click.echo(f"Sauvegarde écrite : {file} ({sum(counts.values())} lignes, {len(counts)} tables).")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--drop-secrets",
    is_flag=True,
    help="Restore without TOTP secrets and calendar tokens (other SECRET_KEY).",
)
def restore_command(file: str, drop_secrets: bool) -> None:
    """Load an archive into an EMPTY, migrated database (ids kept, sequences reset)."""
    try:
        counts = backup.restore(file, drop_secrets=drop_secrets)
    except DomainError as exc:
        _fail(exc)
    commit()
    click.echo(f"Restauration terminée : {sum(counts.values())} lignes, {len(counts)} tables.")


@main.group()
def groups() -> None:
    """Manage political groups."""


@groups.command("create")
@click.argument("code")
@click.option("--name", required=True)
def groups_create(code: str, name: str) -> None:
    """Create a political group."""
    try:
        group = registration.create_group(code, name)
    except DomainError as exc:
        _fail(exc)
    commit()
    click.echo(f"Groupe {group.code} créé (id {group.id}).")


@main.group()
def texts() -> None:
    """Texts (bills) and their import from the Assembly's pages."""


def _moment(value: str | None) -> datetime | None:
    """An ISO 8601 date and time; Paris time when it carries no offset."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"date ISO 8601 attendue : {value}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def _read_text_source(source: str) -> tuple[bytes, str]:
    """The bytes of a file, or of a URL on an allow-listed host, and a name for the journal."""
    limit = text_import.MAX_TEXT_BYTES
    if remote.is_url(source):
        buffer = io.BytesIO()
        remote.download(source, buffer, max_bytes=limit)
        return buffer.getvalue(), source
    path = Path(source)
    if not path.is_file():
        raise click.ClickException(f"Fichier introuvable : {source}")
    with path.open("rb") as handle:
        return handle.read(limit + 1), path.name


@texts.command("import")
@click.argument("source")
@click.option("--number", required=True, help="The text's number (« n° 809 »).")
@click.option("--stage", required=True, type=click.Choice(["commission", "seance"]))
@click.option("--examination-starts-at", "examination", default=None, help="ISO 8601.")
@click.option("--title", default=None, help="The title (else the page's).")
@click.option("--short-title", default=None, help="The short title printed on amendments.")
@click.option("--committee-text", default=None, help="Séance: the committee text's number.")
@click.option("--previous", "previous_id", type=int, default=None, help="Previous stage's id.")
@click.option("--format", "kind", default="auto", type=click.Choice(TEXT_FORMATS))
def texts_import(
    source: str,
    number: str,
    stage: str,
    examination: str | None,
    title: str | None,
    short_title: str | None,
    committee_text: str | None,
    previous_id: int | None,
    kind: str,
) -> None:
    """Import a bill's text from a file or an allow-listed URL; prints the new text's id."""
    fields = text_import.ImportFields(
        number=number,
        stage=stage,
        examination_starts_at=_moment(examination),
        title=title,
        short_title=short_title,
        committee_text_number=committee_text,
        previous_text_id=previous_id,
        format=kind,
    )
    try:
        content, name = _read_text_source(source)
        text = text_import.import_text(None, content, fields, datetime.now(UTC), source=name)
    except DomainError as exc:
        _fail(exc)
    commit()
    articles = len(text.articles)
    click.echo(f"Texte n° {text.number} importé : {articles} articles.", err=True)
    click.echo(str(text.id))


@main.group()
def people() -> None:
    """Deputies and groups from the Assembly's open data."""


@contextmanager
def _local_source(source: str) -> Iterator[Path]:
    """A local path for SOURCE: itself, or a temporary copy of an allow-listed URL."""
    if not remote.is_url(source):
        yield Path(source)
        return
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "source"
        with target.open("wb") as out:
            remote.download(source, out)
        yield target


@people.command("import")
@click.argument("source")
def people_import_command(source: str) -> None:
    """Import deputies and groups (AMO acteur/organe JSON: a file, the folder, its ZIP or an
    allow-listed URL). No password is set: new accounts get a link to choose one."""
    try:
        with _local_source(source) as path:
            parsed = parse_people_source(path)
        summary = people_import.import_people(None, parsed, datetime.now(UTC), source=source)
    except SourceError as exc:
        raise click.ClickException(exc.message) from exc
    except DomainError as exc:
        _fail(exc)
    commit()
    for line in summary.lines():
        click.echo(line)


@main.group("amendments")
def amendments_group() -> None:
    """Amendments and their sync with the Assembly."""


@amendments_group.command("sync")
@click.argument("text_id", type=int)
@click.argument("source")
def amendments_sync(text_id: int, source: str) -> None:
    """Sync a text's amendments from the Assembly (open-data JSON, liasse or Eliasse XML: a
    file, a folder, a ZIP or an allow-listed URL); prints matched, updated, external added,
    unmatched."""
    try:
        with _local_source(source) as path:
            items = read_path(path, suffixes=AMENDMENT_FILES)
            summary = sync.sync_text(None, text_id, items, datetime.now(UTC), source=source)
    except SourceError as exc:
        raise click.ClickException(exc.message) from exc
    except DomainError as exc:
        _fail(exc)
    commit()
    for line in summary.lines():
        click.echo(line)


@groups.command("mention")
@click.argument("code")
@click.argument("mention", required=False, default=None)
def groups_mention(code: str, mention: str | None) -> None:
    """Set what the sheet prints after « et les membres du groupe » (none: the group's name)."""
    try:
        group = people_import.set_printed_mention(None, code, mention)
    except DomainError as exc:
        _fail(exc)
    commit()
    click.echo(f"Groupe {group.code} : « et les membres du groupe {group.mention} ».")


@users.command("invite")
@click.argument("email")
def users_invite(email: str) -> None:
    """Print a new link for the account to choose its password (an older link stops working)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Utilisateur inconnu : {email}")
    invitation = AccountInvitation(user_id=user.id, created_at=datetime.now(UTC))
    db.session.add(invitation)
    db.session.flush()
    link = welcome.issue_link(invitation, datetime.now(UTC))
    commit()
    click.echo(link)


@main.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when users already exist.")
def demo(if_empty: bool) -> None:
    """Load a realistic demo: groups, deputies, staff, the Olympics bill and amendments."""
    summary = demo_data.load_demo(datetime.now(UTC), if_empty=if_empty)
    commit()
    click.echo(summary)


@main.command("run")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--debug/--no-debug", default=False)
def run(host: str, port: int, debug: bool) -> None:
    """The development server (embedded default: jobs in a background thread, in-process clock)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.config.setdefault("LIASSE_JOBS_IN_THREAD", True)
    clock_job.start_in_process(app)
    # app.run() refuses to serve under a Flask CLI command; run_simple is what it would call.
    run_simple(host, port, app, use_debugger=debug, use_reloader=False, threaded=True)


@main.command("sweep")
def sweep() -> None:
    """Close co-signature past the group deadlines and send due reminders, once, now."""
    report = sweep_service.run_sweep(datetime.now(UTC))
    commit()
    click.echo(str(report))


@main.command("clock")
@click.option("--interval", default=60.0, type=float, help="Seconds between two sweeps.")
@click.option("--ticks", default=None, type=int, hidden=True, help="Stop after N sweeps.")
def clock(interval: float, ticks: int | None) -> None:
    """The clock process (Procfile `clock:`): run the deadline sweep every minute until stopped."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        count = clock_job.run_forever(app, interval=interval, stop=stop, ticks=ticks)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(f"Horloge arrêtée après {count} balayage(s).")


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--queue", "queues", multiple=True, default=["default"])
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """Run an RQ worker (needs REDIS_URL); renderers are loaded before it forks."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL n'est pas défini : les tâches s'exécutent en ligne.")
    runner.use_app(app)
    runner.preload()
    Worker(list(queues), connection=queue.redis_connection()).work(burst=burst)


@main.group()
def audit() -> None:
    """Check the integrity of the journal."""


@audit.command("verify")
def audit_verify() -> None:
    """Recompute every hash chain of the journal, check the signatures and the amendments'
    contents against it; exit 1 when a row was altered."""
    breaches, findings = audit_service.verify_everything()
    for b in breaches:
        chain = f"amendment {b.amendment_id}" if b.amendment_id else f"text {b.text_id}"
        click.echo(f"BREACH: event {b.event_id} ({chain}, seq {b.seq}): {b.reason}")
    for finding in findings:
        click.echo(f"BREACH: {finding.where}: {finding.reason}")
    if breaches or findings:
        raise click.ClickException(f"{len(breaches) + len(findings)} breach(es) in the journal")
    count = db.session.scalar(select(func.count(Event.id))) or 0
    click.echo(f"OK: {count} events verified")


@main.group("jobs")
def jobs_group() -> None:
    """Background jobs (official documents and liasse exports)."""


@jobs_group.command("retry")
@click.argument("job_id")
def jobs_retry(job_id: str) -> None:
    """Queue an unfinished job again (e.g. after a worker was killed); finished chunks are kept."""
    try:
        job = document_jobs.retry_job(job_id)
    except DomainError as exc:
        _fail(exc)
    commit()
    click.echo(f"Tâche {job.id} ({job.kind}) remise en file.")


def init_app(app: Flask) -> None:
    """Expose the `liasse` commands on app.cli too (for `flask` and app.test_cli_runner())."""
    for name, command in main.commands.items():
        if name not in app.cli.commands:
            app.cli.add_command(command, name)
