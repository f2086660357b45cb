"""Texts: loading a bill with its divisions, articles and alinéas, and reading it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.errors import Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import (
    Alinea,
    Article,
    ArticleStatus,
    LegislativeText,
    Stage,
    TextDivision,
    User,
)
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_manage_texts
from drafting.services import journal
from drafting.services.content import MAX_LINE_CHARS, clean_text
from workflows import deadlines

MAX_ARTICLES = 2_000
MAX_ALINEAS = 500
MAX_IMPORTED_ALINEAS = 5_000  # a finance bill's article can run to hundreds of alinéas
MAX_DIVISIONS = 2_000
STATUSES = frozenset(s.value for s in ArticleStatus)


@dataclass
class ArticleInput:
    """One article as given by a client (or read from the Assembly's page)."""

    number: str
    heading: str | None = None
    alineas: list[str] = field(default_factory=list)
    status: str | None = None  # ArticleStatus value
    anchor: str | None = None  # "D_Article_1er"


@dataclass
class DivisionInput:
    """A titre, chapitre or section, placed before the article at `article_index` (0-based)."""

    kind: str
    label: str
    heading: str | None
    article_index: int


@dataclass
class TextInput:
    """A text as given by a client."""

    title: str
    number: str
    stage: str
    organ: str | None = None
    examination_starts_at: datetime | None = None
    filing_deadline: datetime | None = None
    articles: list[ArticleInput] = field(default_factory=list)
    short_title: str | None = None
    committee_text_number: str | None = None
    previous_id: int | None = None
    divisions: list[DivisionInput] = field(default_factory=list)
    max_alineas: int = MAX_ALINEAS


def _clean_articles(
    items: list[ArticleInput], fields: dict[str, str], max_alineas: int = MAX_ALINEAS
) -> list[Article]:
    seen: set[str] = set()
    articles = []
    if len(items) > MAX_ARTICLES:
        fields["articles"] = f"{MAX_ARTICLES} articles au plus"
        return []
    for index, item in enumerate(items):
        number = clean_text(
            item.number, field=f"articles.{index}.number", max_chars=40, multiline=False
        )
        if not number or number in seen:
            fields[f"articles.{index}.number"] = "numéro manquant ou en double"
            continue
        seen.add(number)
        if len(item.alineas) > max_alineas:
            fields[f"articles.{index}.alineas"] = f"{max_alineas} alinéas au plus"
            continue
        if item.status is not None and item.status not in STATUSES:
            fields[f"articles.{index}.status"] = "supprime, non_modifie ou nouveau"
            continue
        article = Article(
            position=index + 1,
            number=number,
            heading=_heading(item, index),
            status=item.status,
            anchor=_anchor(item, index),
        )
        article.alineas = [
            Alinea(number=n, content=clean_text(a, field=f"articles.{index}.alineas"))
            for n, a in enumerate(item.alineas, start=1)
        ]
        articles.append(article)
    return articles


def _anchor(item: ArticleInput, index: int) -> str | None:
    if not item.anchor:
        return None
    return clean_text(item.anchor, field=f"articles.{index}.anchor", max_chars=120, multiline=False)


def _clean_divisions(
    items: list[DivisionInput], article_count: int, fields: dict[str, str]
) -> list[TextDivision]:
    if len(items) > MAX_DIVISIONS:
        fields["divisions"] = f"{MAX_DIVISIONS} divisions au plus"
        return []
    divisions = []
    for index, item in enumerate(items):
        label = clean_text(item.label, field=f"divisions.{index}.label", max_chars=200)
        if not label or not 0 <= item.article_index <= article_count:
            fields[f"divisions.{index}"] = "intitulé manquant ou article inconnu"
            continue
        heading = item.heading and clean_text(
            item.heading, field=f"divisions.{index}.heading", max_chars=MAX_LINE_CHARS
        )
        divisions.append(
            TextDivision(
                position=index + 1,
                kind=clean_text(item.kind, field=f"divisions.{index}.kind", max_chars=16),
                label=label,
                heading=heading or None,
                article_position=item.article_index + 1,
            )
        )
    return divisions


def _optional_line(value: str | None, field: str, max_chars: int) -> str | None:
    if not value:
        return None
    return clean_text(value, field=field, max_chars=max_chars, multiline=False) or None


def _heading(item: ArticleInput, index: int) -> str | None:
    if not item.heading:
        return None
    return clean_text(item.heading, field=f"articles.{index}.heading", max_chars=MAX_LINE_CHARS)


def create_text(actor: User | None, data: TextInput, now: datetime) -> LegislativeText:
    """Load a text; the filing deadline is computed from the Règlement when not given. `actor`
    None: the operator at the console (`liasse texts import`)."""
    if actor is not None and not can_manage_texts(actor):
        raise Forbidden("Seuls les secrétariats de groupe chargent des textes.")
    fields: dict[str, str] = {}
    title = clean_text(data.title, field="title", max_chars=MAX_LINE_CHARS)
    number = clean_text(data.number, field="number", max_chars=40, multiline=False)
    if not title:
        fields["title"] = "obligatoire"
    if not number:
        fields["number"] = "obligatoire"
    if data.stage not in {s.value for s in Stage}:
        fields["stage"] = "commission ou seance"
    articles = _clean_articles(data.articles, fields, data.max_alineas)
    divisions = _clean_divisions(data.divisions, len(articles), fields)
    if not data.articles:
        fields["articles"] = "au moins un article"
    previous = _previous(data.previous_id, fields)
    if fields:
        raise Invalid("Texte invalide.", fields=fields)
    text = LegislativeText(
        title=title,
        number=number,
        stage=data.stage,
        organ=clean_text(data.organ, field="organ", max_chars=200) if data.organ else None,
        examination_starts_at=data.examination_starts_at,
        created_at=now,
        created_by_id=actor.id if actor is not None else None,
        articles=articles,
        divisions=divisions,
        short_title=_optional_line(data.short_title, "short_title", 300),
        committee_text_number=_optional_line(
            data.committee_text_number, "committee_text_number", 40
        ),
        previous=previous,
    )
    _set_initial_deadline(text, data.filing_deadline)
    db.session.add(text)
    db.session.flush()
    journal.record(
        EventKind.TEXT_CREATED, now=now, actor=actor, text_id=text.id, data={"number": number}
    )
    return text


def _previous(previous_id: int | None, fields: dict[str, str]) -> LegislativeText | None:
    """The same bill's text at its previous stage, when named."""
    if previous_id is None:
        return None
    previous = db.session.get(LegislativeText, previous_id)
    if previous is None:
        fields["previous_text_id"] = "texte inconnu"
    return previous


def _set_initial_deadline(text: LegislativeText, given: datetime | None) -> None:
    if given is not None:
        text.filing_deadline, text.filing_deadline_rule = given, "override"
    elif text.examination_starts_at is not None:
        text.filing_deadline = deadlines.filing_deadline(text.stage, text.examination_starts_at)
        text.filing_deadline_rule = deadlines.filing_deadline_rule(text.stage)


def get_text(text_id: int, *, with_articles: bool = True) -> LegislativeText:
    """A text (texts are visible to every signed-in user), or 404."""
    query = select(LegislativeText).where(LegislativeText.id == text_id)
    if with_articles:
        query = query.options(
            selectinload(LegislativeText.articles).selectinload(Article.alineas),
            selectinload(LegislativeText.divisions),
        )
    text = db.session.scalar(query)
    if text is None:
        raise NotFound("Texte inconnu.")
    return text


def list_texts() -> list[LegislativeText]:
    """Every text, most recent examination first."""
    query = select(LegislativeText).order_by(LegislativeText.id.desc())
    return list(db.session.scalars(query))


def article_of(text_id: int, number: str) -> Article | None:
    """The article of a text with this number (404 for an unknown text), its alinéas loaded on
    first use: a save reads one article, not the whole text."""
    exact = select(Article).where(Article.text_id == text_id, Article.number == number.strip())
    found = db.session.scalar(exact)
    if found is not None:
        return found
    get_text(text_id, with_articles=False)
    wanted = number.strip().lower()  # "1ER" names "1er": compared as the text's page does
    query = select(Article).where(Article.text_id == text_id)
    return next((a for a in db.session.scalars(query) if a.number.lower() == wanted), None)


def find_article(text: LegislativeText, number: str) -> Article | None:
    """The article of `text` with this number, if any."""
    wanted = number.strip().lower()
    return next((a for a in text.articles if a.number.lower() == wanted), None)
