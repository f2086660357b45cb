"""The Assembly's data, for the secretariat: import a bill's text, sync a text's amendments
(upload, paste or URL)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from drafting.db import commit, rollback
from drafting.errors import DomainError, Forbidden, Invalid
from drafting.infra.http import large_body
from drafting.models import User
from drafting.permissions import can_manage_texts
from drafting.services import texts
from drafting.services.assembly import listing, stages, sync_job, text_import
from drafting.services.assembly.bill_html import KINDS
from drafting.web.common import now
from drafting.web.deadlines import parse_paris

bp = Blueprint("assembly", __name__)
IMPORT_LIMIT = "LIASSE_IMPORT_MAX_BYTES"


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _secretariat_only(user: User) -> None:
    if not can_manage_texts(user):
        raise Forbidden(_("Seuls les secrétariats de groupe et les administrateurs importent."))


def _import_page(error: DomainError | None = None, status: int = 200) -> Any:
    return render_template(
        "assembly/import_text.html",
        error=error,
        form=request.form if error else {},
        formats=KINDS,
        previous_texts=texts.list_texts(),
    ), status


@bp.get("/textes/importer")
@login_required
def import_form() -> ResponseReturnValue:
    """The import page: a file, pasted text, or the page's address."""
    _secretariat_only(_user())
    return _import_page()


def _fields() -> text_import.ImportFields:
    form = request.form
    previous = form.get("previous_text_id", "").strip()
    return text_import.ImportFields(
        number=form.get("number", "").strip(),
        stage=form.get("stage", ""),
        examination_starts_at=parse_paris("examination_starts_at"),
        title=form.get("title", "").strip() or None,
        short_title=form.get("short_title", "").strip() or None,
        committee_text_number=form.get("committee_text_number", "").strip() or None,
        previous_text_id=int(previous) if previous.isdigit() else None,
        format=form.get("format", "auto"),
    )


def _source() -> tuple[str, FileStorage | str]:
    """The one source given: the uploaded file, the pasted text or the URL."""
    upload = request.files.get("file")
    given = {
        "file": upload if upload is not None and upload.filename else None,
        "content": request.form.get("content", "").strip() or None,
        "url": request.form.get("url", "").strip() or None,
    }
    present = {name: value for name, value in given.items() if value is not None}
    if len(present) != 1:
        raise Invalid(
            _("Donnez une seule source : un fichier, un texte collé ou une adresse."),
            fields={"source": _("une seule source")},
        )
    return next(iter(present.items()))


@bp.post("/textes/importer")
@login_required
@large_body(IMPORT_LIMIT)
def import_submit() -> ResponseReturnValue:
    """Import now (file, paste) and show the text; or queue the fetch of a URL (job page)."""
    user = _user()
    _secretariat_only(user)
    try:
        fields = _fields()
        kind, source = _source()
        if kind == "url":
            job = text_import.request_url_import(user, str(source), fields, now())
            commit()
            return redirect(url_for("documents.show_job", job_id=job.id))
        content, name = _content(source)
        text = text_import.import_text(user, content, fields, now(), source=name)
    except DomainError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return _import_page(exc, exc.status)
    commit()
    flash(_("Texte importé : %(count)s articles.", count=len(text.articles)))
    return redirect(url_for("texts.show", text_id=text.id))


def _content(source: FileStorage | str) -> tuple[bytes | str, str]:
    if isinstance(source, str):
        return source, "collé"
    try:
        return source.stream.read(text_import.MAX_TEXT_BYTES + 1), source.filename or "fichier"
    finally:
        source.close()


def _sync_page(text_id: int, error: DomainError | None = None, status: int = 200) -> Any:
    user = _user()
    _secretariat_only(user)
    return render_template(
        "assembly/sync.html",
        text=texts.get_text(text_id, with_articles=False),
        error=error,
        form=request.form if error else {},
        recent=sync_job.recent_syncs(user, text_id),
    ), status


@bp.get("/textes/<int:text_id>/synchroniser")
@login_required
def sync_form(text_id: int) -> ResponseReturnValue:
    """The sync page: a file or ZIP, pasted JSON or XML, or an address; the last syncs."""
    return _sync_page(text_id)


@bp.post("/textes/<int:text_id>/synchroniser")
@login_required
@large_body(IMPORT_LIMIT)
def sync_submit(text_id: int) -> ResponseReturnValue:
    """Queue the sync; follow it on the job page."""
    user = _user()
    _secretariat_only(user)
    try:
        kind, source = _source()
        if kind == "url":
            job = sync_job.request_sync(user, text_id, now(), url=str(source))
        else:
            job = _sync_upload(user, text_id, source)
    except DomainError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return _sync_page(text_id, exc, exc.status)
    commit()
    return redirect(url_for("documents.show_job", job_id=job.id))


def _sync_upload(user: User, text_id: int, source: FileStorage | str) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "source"
        if isinstance(source, str):
            path.write_text(source, encoding="utf-8")
            name = "colle.xml" if source.lstrip().startswith("<") else "colle.json"
        else:
            try:
                source.save(path)
            finally:
                source.close()
            name = source.filename or "source"
        return sync_job.request_sync(user, text_id, now(), upload=path, filename=name)


@bp.app_context_processor
def _stage_globals() -> dict[str, Any]:
    """The amendment page's "re-file in séance" button asks where it would go."""
    return {"refile_target": stages.refile_target, "external_of_text": listing.external_of_text}


@bp.post("/amendements/<int:amendment_id>/redeposer")
@login_required
def refile(amendment_id: int) -> ResponseReturnValue:
    """Re-file in séance an amendment that fell in commission: the new draft opens."""
    refiled = stages.refile_in_seance(_user(), amendment_id, now())
    commit()
    message = _("Amendement redéposé sur le texte de la séance : un nouveau brouillon.")
    if refiled.article_moved:
        message += " " + _("L'article a changé de numéro : vérifiez la position.")
    if refiled.invited:
        message += " " + _("Les cosignataires sont invités de nouveau.")
    flash(message)
    return redirect(url_for("amendments.show", amendment_id=refiled.amendment.id))
