"""Helpers shared by the document tests: amendments in a given state, signatures, file readers."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import timedelta
from typing import Any

from docx import Document
from pypdf import PdfReader

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Signature, User
from drafting.services import amendments
from tests.conftest import NOW


def make_amendment(
    author: User,
    bill: Any,
    *,
    article: str = "7",
    kind: str = "article",
    alinea: int | None = None,
    dispositif: str = "Supprimer cet article.",
    expose: str = "Les écologistes demandent la suppression de l'article 7.",
    state: str = "draft",
    number: str | None = None,
    group_amendment: bool = False,
) -> Amendment:
    """An amendment by `author`, put directly in `state` (filed ones get a number and a date)."""
    draft = amendments.Draft(
        bill.id, amendments.PositionInput(kind, article, alinea), dispositif, expose
    )
    amendment = amendments.create_amendment(author, draft, NOW)
    amendment.state = state
    amendment.presented_by_group = group_amendment
    if state == "filed":
        amendment.number = number or str(amendment.id)
        amendment.filed_at = NOW
    commit()
    return amendment


def sign(
    amendment: Amendment,
    deputy: User,
    minutes: int,
    *,
    stale: bool = False,
    withdrawn: bool = False,
    voided: bool = False,
) -> Signature:
    """A co-signature `minutes` after NOW: current, stale, withdrawn or voided."""
    at = NOW + timedelta(minutes=minutes)
    signature = Signature(
        amendment_id=amendment.id,
        deputy_id=deputy.id,
        version=amendment.version,
        content_hash="0" * 64 if stale else amendment.content_hash,
        first_signed_at=at,
        signed_at=at,
        withdrawn_at=at + timedelta(minutes=1) if withdrawn else None,
        voided_at=at + timedelta(minutes=1) if voided else None,
        void_reason="ajoutée par erreur" if voided else None,
    )
    db.session.add(signature)
    commit()
    return signature


def flat(text: str) -> str:
    """NFC text with every run of spaces (no-break ones too) made one plain space."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def docx_text(data: bytes) -> str:
    """Every paragraph of a DOCX (body, tables, headers and footers), flattened."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    properties = document.core_properties
    parts += [properties.subject or "", properties.keywords or "", properties.comments or ""]
    return flat("\n".join(parts))


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, flattened."""
    reader = PdfReader(io.BytesIO(data))
    return flat("\n".join(page.extract_text() or "" for page in reader.pages))


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF."""
    return len(PdfReader(io.BytesIO(data)).pages)


def in_order(text: str, *needles: str) -> bool:
    """Whether every needle appears in `text`, each after the previous one."""
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True


def liasse_files(liasse_id: int) -> set[int]:
    """The stored files a finished liasse holds: its own row and, spliced from its chunks'
    parts, the files its pieces are taken from."""
    from sqlalchemy import select

    from drafting.models import StoredFile

    pieces = db.session.scalar(select(StoredFile.pieces).where(StoredFile.id == liasse_id))
    return {liasse_id, *(piece[0] for piece in pieces or [])}
