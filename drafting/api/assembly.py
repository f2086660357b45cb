"""API of the Assembly's data: import a bill's text, sync a text's amendments (upload, paste
or URL), amendments out as Akoma Ntoso."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import Response
from werkzeug.datastructures import FileStorage

from drafting.api.deadlines import text_with_deadlines
from drafting.api.documents import job_out
from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas.assembly import PeopleImportIn, PeopleImportOut, SyncIn
from drafting.api.schemas.documents import JobEnvelope
from drafting.api.schemas.stages import RefileIn, RefileOut
from drafting.api.schemas.texts import TextImportIn, TextOut
from drafting.db import commit
from drafting.errors import Invalid
from drafting.rendering.akn import MEDIA_TYPE as AKN_MEDIA_TYPE
from drafting.services import amendments, confidentiality
from drafting.services.assembly import exchange, people_import, stages, sync_job, text_import
from drafting.services.assembly.sources import read_bytes

IMPORT_LIMIT = "LIASSE_IMPORT_MAX_BYTES"


def _fields(body: TextImportIn) -> text_import.ImportFields:
    return text_import.ImportFields(
        number=body.number,
        stage=body.stage,
        examination_starts_at=body.examination_starts_at,
        title=body.title,
        short_title=body.short_title,
        committee_text_number=body.committee_text_number,
        previous_text_id=body.previous_text_id,
        format=body.format,
    )


def _one_source(given: dict[str, object]) -> str:
    """The name of the one source given; a 422 when none or several are."""
    names = [name for name, value in given.items() if value not in (None, "")]
    if len(names) != 1:
        raise Invalid(
            "Donnez une seule source : un fichier (file), une adresse (url) ou un contenu collé "
            f"({', '.join(n for n in given if n not in ('file', 'url'))}).",
            code="one_source",
            fields={"source": f"une seule source attendue, reçu : {', '.join(names) or 'aucune'}"},
        )
    return names[0]


@endpoint(
    "/texts/import",
    "POST",
    summary="Import a bill's text from the Assembly's or the Sénat's HTML, plain text or a URL "
    "(secretariat, admin)",
    body=TextImportIn,
    response=TextOut,
    status=201,
    alternatives={202: JobEnvelope},
    upload="file",
    body_limit=IMPORT_LIMIT,
    errors=(403, 413, 422),
    tags=("texts",),
)
def import_text(
    body: TextImportIn, upload: FileStorage | None
) -> TextOut | tuple[JobEnvelope, int]:
    """POST /texts/import: 201 with the text; 202 with a job when the source is a URL."""
    fields = _fields(body)
    file = upload if upload is not None and upload.filename else None
    source = _one_source({"file": file, "html": body.html, "plain": body.plain, "url": body.url})
    if source == "url":
        assert body.url is not None
        job = text_import.request_url_import(current_user(), body.url, fields, now())
        commit()
        return JobEnvelope(job=job_out(job)), 202
    if file is not None:
        try:
            content: bytes | str = file.stream.read(text_import.MAX_TEXT_BYTES + 1)
        finally:
            file.close()  # an upload spooled to a temporary file is closed once read
        name = file.filename or "upload"
    else:
        content = body.html if source == "html" else body.plain  # type: ignore[assignment]
        name = source
        if source == "plain":
            fields.format = "plain"
    text = text_import.import_text(current_user(), content, fields, now(), source=name)
    commit()
    return text_with_deadlines(text, current_user())


def _pasted(body: SyncIn) -> tuple[bytes, str]:
    if body.xml:
        return body.xml.encode("utf-8"), "colle.xml"
    return json.dumps(body.json_, ensure_ascii=False).encode("utf-8"), "colle.json"


@endpoint(
    "/texts/<int:text_id>/sync",
    "POST",
    summary="Sync a text's amendments from the Assembly's open data, liasse or Eliasse XML "
    "(secretariat, admin): a job whose result is the summary",
    body=SyncIn,
    response=JobEnvelope,
    status=202,
    upload="file",
    body_limit=IMPORT_LIMIT,
    errors=(403, 404, 413, 422),
    tags=("texts",),
)
def sync_amendments(text_id: int, body: SyncIn, upload: FileStorage | None) -> JobEnvelope:
    """POST /texts/{id}/sync: 202 with the job (GET /jobs/{id} follows it)."""
    file = upload if upload is not None and upload.filename else None
    given = {"file": file, "url": body.url, "json": body.json_, "xml": body.xml}
    source = _one_source(given)
    if source == "url":
        assert body.url is not None
        job = sync_job.request_sync(current_user(), text_id, now(), url=body.url)
    else:
        with tempfile.TemporaryDirectory() as folder:
            name = (file.filename or "source") if file is not None else _pasted(body)[1]
            path = Path(folder) / "source"
            if file is not None:
                try:
                    file.save(path)
                finally:
                    file.close()
            else:
                path.write_bytes(_pasted(body)[0])
            job = sync_job.request_sync(current_user(), text_id, now(), upload=path, filename=name)
    commit()
    return JobEnvelope(job=job_out(job))


def _akn(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype=AKN_MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@endpoint(
    "/amendments/<int:amendment_id>/akn",
    summary="One amendment as an Akoma Ntoso 3.0 document",
    errors=(404,),
    tags=("amendments",),
    content_type=AKN_MEDIA_TYPE,
)
def amendment_akn(amendment_id: int) -> Response:
    """GET /amendments/{id}/akn (application/akn+xml); a read of an unfiled one is recorded."""
    amendment = amendments.get_visible_amendment(current_user(), amendment_id)
    if confidentiality.record_read(current_user(), amendment, now(), "api"):
        commit()
    return _akn(*exchange.amendment_document(current_user(), amendment_id, now()))


@endpoint(
    "/texts/<int:text_id>/akn",
    summary="A text's amendments (those you may see, and the external ones) as one Akoma Ntoso "
    "3.0 document, in the order of call",
    errors=(404,),
    tags=("texts",),
    content_type=AKN_MEDIA_TYPE,
)
def text_akn(text_id: int) -> Response:
    """GET /texts/{id}/akn (application/akn+xml)."""
    return _akn(*exchange.text_document(current_user(), text_id, now()))


@endpoint(
    "/amendments/<int:amendment_id>/refile",
    "POST",
    summary="Re-file in séance an amendment that fell in commission (a new draft on the séance "
    "text; its co-signatories invited again)",
    body=RefileIn,
    body_optional=True,
    response=RefileOut,
    status=201,
    errors=(403, 404, 409),
    tags=("amendments",),
)
def refile_amendment(amendment_id: int, body: RefileIn) -> RefileOut:
    """POST /amendments/{id}/refile {text_id?}."""
    refiled = stages.refile_in_seance(current_user(), amendment_id, now(), text_id=body.text_id)
    commit()
    return RefileOut.of(refiled)


@endpoint(
    "/people/import",
    "POST",
    summary="Import deputies and groups from the Assembly's AMO open data (admin): accounts get a "
    "link to choose their password",
    body=PeopleImportIn,
    body_optional=True,
    response=PeopleImportOut,
    upload="file",
    body_limit=IMPORT_LIMIT,
    errors=(403, 409, 413, 422),
    tags=("people",),
)
def import_people(body: PeopleImportIn, upload: FileStorage | None) -> PeopleImportOut:
    """POST /people/import: multipart `file` (JSON or ZIP), or JSON `{"records": [...]}`."""
    people_import.check_actor(current_user())
    file = upload if upload is not None and upload.filename else None
    source = _one_source({"file": file, "records": body.records})
    if file is not None:
        try:
            content = file.stream.read()
        finally:
            file.close()
        items = read_bytes(file.filename or "source.json", content, suffixes=(".json",))
    else:
        records = body.records or []
        items = iter([(f"record-{n}.json", json.dumps(r).encode()) for n, r in enumerate(records)])
    summary = people_import.import_files(current_user(), items, now(), source=source)
    commit()
    return PeopleImportOut(**summary.__dict__)
