"""Texts: loading a bill with its articles and alinéas, and reading it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.errors import Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Alinea, Article, LegislativeText, Stage, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_manage_texts
from drafting.services import journal
from drafting.services.content import MAX_LINE_CHARS, clean_text
from workflows import deadlines

MAX_ARTICLES = 2_000
MAX_ALINEAS = 500


@dataclass
class ArticleInput:
    """One article as given by a client."""

    number: str
    heading: str | None = None
    alineas: list[str] = field(default_factory=list)


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


def _clean_articles(items: list[ArticleInput], fields: dict[str, str]) -> list[Article]:
    seen: set[str] = set()
    articles = []
    if len(items) > MAX_ARTICLES:
        fields["articles"] = f"{MAX_ARTICLES} articles au plus"
        return []
    for index, item in enumerate(items):
        number = clean_text(item.number, field=f"articles.{index}.number", max_chars=40)
        if not number or number in seen:
            fields[f"articles.{index}.number"] = "numéro manquant ou en double"
            continue
        seen.add(number)
        if len(item.alineas) > MAX_ALINEAS:
            fields[f"articles.{index}.alineas"] = f"{MAX_ALINEAS} alinéas au plus"
            continue
        article = Article(position=index + 1, number=number, heading=_heading(item, index))
        article.alineas = [
            Alinea(number=n, content=clean_text(a, field=f"articles.{index}.alineas"))
            for n, a in enumerate(item.alineas, start=1)
        ]
        articles.append(article)
    return articles


def _heading(item: ArticleInput, index: int) -> str | None:
    if not item.heading:
        return None
    return clean_text(item.heading, field=f"articles.{index}.heading", max_chars=MAX_LINE_CHARS)


def create_text(actor: User, data: TextInput, now: datetime) -> LegislativeText:
    """Load a text; the filing deadline is computed from the Règlement when not given."""
    if not can_manage_texts(actor):
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
    articles = _clean_articles(data.articles, fields)
    if not data.articles:
        fields["articles"] = "au moins un article"
    if fields:
        raise Invalid("Texte invalide.", fields=fields)
    text = LegislativeText(
        title=title,
        number=number,
        stage=data.stage,
        organ=clean_text(data.organ, field="organ", max_chars=200) if data.organ else None,
        examination_starts_at=data.examination_starts_at,
        created_at=now,
        created_by_id=actor.id,
        articles=articles,
    )
    _set_initial_deadline(text, data.filing_deadline)
    db.session.add(text)
    db.session.flush()
    journal.record(
        EventKind.TEXT_CREATED, now=now, actor=actor, text_id=text.id, data={"number": number}
    )
    return text


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
        query = query.options(selectinload(LegislativeText.articles).selectinload(Article.alineas))
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
