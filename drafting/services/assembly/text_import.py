"""Importing a bill's text from the Assembly's or the Sénat's HTML, or from pasted plain text.

One call reads the page (`bill_html.parse_bill`), then creates the text with its divisions,
articles (numbering, status, anchor) and alinéas in the caller's transaction: a page that cannot
be read raises before anything is written, so nothing is ever half-imported. A URL is fetched by
a job (`request_url_import`, then `run_url_import`) from an allow-listed host only.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from drafting.errors import Forbidden, Invalid, TooLarge
from drafting.extensions import db
from drafting.models import Job, LegislativeText, Stage, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_manage_texts
from drafting.services import journal, texts
from drafting.services.assembly import remote
from drafting.services.assembly.bill_html import KINDS, ParsedBill, parse_bill
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.sources import DEFAULT_LIMITS
from drafting.services.documents import jobs

MAX_TEXT_BYTES = DEFAULT_LIMITS.member_bytes
_BILL_KIND = re.compile(
    r"^(?:projet|proposition)\s+de\s+loi(?:\s+(?:organique|constitutionnelle))?\s+"
    r"(?:(?:relatif|relative|tendant|visant|portant)\s+(?:à\s+la\s+|à\s+l['’]\s*|aux?\s+|à\s+)?)?",
    re.IGNORECASE,
)

_TAIL = re.compile(
    r"(?:,?\s+et\s+portant\s+diverses\s+(?:autres\s+)?dispositions.*|\s*\(n°.*)$", re.IGNORECASE
)


@dataclass
class ImportFields:
    """What the person importing says of the text (the page does not say it reliably)."""

    number: str
    stage: str
    examination_starts_at: datetime | None = None
    title: str | None = None
    short_title: str | None = None
    committee_text_number: str | None = None
    previous_text_id: int | None = None
    format: str = "auto"  # bill_html.KINDS


def check_fields(actor: User | None, fields: ImportFields) -> None:
    """Refuse (403, then 422 naming each field) before any reading or fetching."""
    if actor is not None and not can_manage_texts(actor):
        raise Forbidden(
            "Seuls les secrétariats de groupe et les administrateurs importent des textes."
        )
    problems: dict[str, str] = {}
    if not (fields.number or "").strip():
        problems["number"] = "obligatoire"
    if fields.stage not in {s.value for s in Stage}:
        problems["stage"] = "commission ou seance"
    if fields.format not in KINDS:
        problems["format"] = "auto, an, an_legacy, senat ou plain"
    at = fields.examination_starts_at
    if at is not None and at.tzinfo is None:
        problems["examination_starts_at"] = "date et heure avec fuseau attendues"
    if problems:
        raise Invalid("Import de texte invalide.", fields=problems)


def import_text(
    actor: User | None,
    content: bytes | str,
    fields: ImportFields,
    now: datetime,
    *,
    source: str,
) -> LegislativeText:
    """Read `content` and create the text (its id once flushed); `actor` None is the console."""
    check_fields(actor, fields)
    if len(content) > MAX_TEXT_BYTES:
        raise TooLarge(f"Texte trop volumineux : plus de {MAX_TEXT_BYTES >> 20} Mio.")
    bill = _parse(content, fields.format)
    title = fields.title or bill.title
    if not title or not title.strip():
        raise Invalid(
            "Indiquez le titre du texte : la page n'en donne pas.", fields={"title": "obligatoire"}
        )
    data = _text_input(bill, fields, title.strip())
    text = texts.create_text(actor, data, now)
    journal.record(
        EventKind.TEXT_IMPORTED,
        now=now,
        actor=actor,
        text_id=text.id,
        data={
            "number": text.number,
            "stage": text.stage,
            "source": source[:300],
            "format": bill.kind,
            "articles": len(bill.articles),
            "alineas": sum(len(a.alineas) for a in bill.articles),
            "previous_text_id": text.previous_id,
        },
    )
    return text


def _parse(content: bytes | str, kind: str) -> ParsedBill:
    try:
        return parse_bill(content, kind=kind)  # type: ignore[arg-type]
    except SourceError as exc:
        raise Invalid(
            exc.message, code="unreadable_source", fields={"source": exc.message}
        ) from exc


def _text_input(bill: ParsedBill, fields: ImportFields, title: str) -> texts.TextInput:
    return texts.TextInput(
        title=title,
        number=fields.number.strip(),
        stage=fields.stage,
        examination_starts_at=fields.examination_starts_at,
        short_title=fields.short_title or short_title_of(title),
        committee_text_number=fields.committee_text_number,
        previous_id=fields.previous_text_id or _previous_stage(fields),
        articles=[
            texts.ArticleInput(
                number=a.number,
                heading=a.heading,
                alineas=list(a.alineas),
                status=a.status,
                anchor=a.anchor,
            )
            for a in bill.articles
        ],
        divisions=[
            texts.DivisionInput(d.kind, d.label, d.heading, d.article_index) for d in bill.divisions
        ],
        max_alineas=texts.MAX_IMPORTED_ALINEAS,
    )


def _previous_stage(fields: ImportFields) -> int | None:
    """A séance text follows the latest commission text of the same number, if there is one."""
    if fields.stage != Stage.SEANCE:
        return None
    query = (
        select(LegislativeText.id)
        .where(
            LegislativeText.stage == Stage.COMMISSION.value,
            LegislativeText.number == fields.number.strip(),
        )
        .order_by(LegislativeText.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def short_title_of(title: str) -> str | None:
    """The Assembly's short title from a full one: "PROJET DE LOI relatif aux jeux Olympiques
    et Paralympiques de 2024 et portant diverses autres dispositions" → "JEUX OLYMPIQUES ET
    PARALYMPIQUES DE 2024" (the object of the bill, without the kind of text or its tail)."""
    plain = " ".join(title.split())
    rest = _BILL_KIND.sub("", plain, count=1)
    if not rest or rest == plain:
        return None
    rest = _TAIL.sub("", rest).strip(" ,.")
    return rest[:300].upper() or None


# --- from a URL, by a job ----------------------------------------------------------------------


def request_url_import(actor: User, url: str, fields: ImportFields, now: datetime) -> Job:
    """Queue the import of the text at `url` (an allow-listed host), checked before queueing."""
    check_fields(actor, fields)
    remote.check(url)
    params = {"url": url.strip(), "fields": _fields_json(fields)}
    job = jobs.new_job(actor, "text_import", now, params)
    jobs.enqueue(job)
    return job


def run_url_import(job: Job, now: datetime) -> None:
    """The job: fetch the page, import it as the requester; the result names the new text."""
    actor = db.session.get(User, job.requested_by_id)
    fields = _fields_from_json(job.params["fields"])
    jobs.set_progress(job.id, 10)
    with tempfile.TemporaryFile() as scratch:
        remote.download(job.params["url"], scratch, max_bytes=MAX_TEXT_BYTES)
        scratch.seek(0)
        content = scratch.read()
    jobs.set_progress(job.id, 60)
    text = import_text(actor, content, fields, now, source=job.params["url"])
    job.params = job.params | {
        "result": {
            "text_id": text.id,
            "articles": len(text.articles),
            "alineas": sum(len(a.alineas) for a in text.articles),
        }
    }
    jobs.mark_finished(job, None, now)


def _fields_json(fields: ImportFields) -> dict[str, Any]:
    data = dict(fields.__dict__)
    at = fields.examination_starts_at
    data["examination_starts_at"] = at.isoformat() if at is not None else None
    return data


def _fields_from_json(data: dict[str, Any]) -> ImportFields:
    at = data.get("examination_starts_at")
    return ImportFields(
        **(data | {"examination_starts_at": datetime.fromisoformat(at) if at else None})
    )
