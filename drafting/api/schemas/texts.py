"""Texts (bills) and their articles, with the reopenings and the caller's group deadlines."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AwareDatetime, Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.deadlines import GroupDeadlinesOut, ReopeningOut
from drafting.models import Article, LegislativeText


class ArticleIn(Schema):
    number: str = Field(min_length=1, max_length=40)
    heading: str | None = Field(default=None, max_length=2000)
    alineas: list[str] = Field(default_factory=list, max_length=500)


class TextIn(Schema):
    title: str = Field(min_length=1, max_length=2000)
    number: str = Field(min_length=1, max_length=40)
    stage: Literal["commission", "seance"]
    organ: str | None = Field(default=None, max_length=200)
    examination_starts_at: AwareDatetime | None = None
    filing_deadline: AwareDatetime | None = None
    articles: list[ArticleIn] = Field(min_length=1, max_length=2000)


class ArticleOut(Schema):
    id: int
    number: str
    heading: str | None
    alineas: list[str]

    @classmethod
    def of(cls, article: Article) -> Self:
        """An article with its alinéas in order."""
        alineas = [a.content for a in article.alineas]
        return cls(id=article.id, number=article.number, heading=article.heading, alineas=alineas)


class TextOut(Schema):
    id: int
    title: str
    number: str
    stage: str
    organ: str | None
    examination_starts_at: Timestamp | None
    filing_deadline: Timestamp | None
    filing_deadline_rule: str | None
    reopenings: list[ReopeningOut] = Field(default_factory=list)
    group_deadlines: GroupDeadlinesOut | None = None
    articles: list[ArticleOut] | None = None  # absent from lists of texts

    @classmethod
    def of(
        cls,
        text: LegislativeText,
        *,
        articles: bool = True,
        reopenings: list[ReopeningOut] | None = None,
        group_deadlines: GroupDeadlinesOut | None = None,
    ) -> Self:
        """A text, with its articles unless `articles` is false (then the key is absent)."""
        out = cls(
            id=text.id,
            title=text.title,
            number=text.number,
            stage=text.stage,
            organ=text.organ,
            examination_starts_at=text.examination_starts_at,
            filing_deadline=text.filing_deadline,
            filing_deadline_rule=text.filing_deadline_rule,
            reopenings=reopenings or [],
            group_deadlines=group_deadlines,
        )
        if articles:
            out.articles = [ArticleOut.of(a) for a in text.articles]
        return out


class TextList(Schema):
    items: list[TextOut]
