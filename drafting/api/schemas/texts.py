"""Texts (bills) and their articles, with the reopenings and the caller's group deadlines."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AwareDatetime, Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.deadlines import GroupDeadlinesOut, ReopeningOut
from drafting.models import Article, LegislativeText, TextDivision


class ArticleIn(Schema):
    number: str = Field(min_length=1, max_length=40)
    heading: str | None = Field(default=None, max_length=2000)
    alineas: list[str] = Field(default_factory=list, max_length=500)


class TextImportIn(Schema):
    """A text to import: its source (one of `html`, `plain`, `url`, or an uploaded `file`)
    and what the page does not say reliably."""

    number: str = Field(min_length=1, max_length=40)
    stage: Literal["commission", "seance"]
    examination_starts_at: AwareDatetime | None = None
    title: str | None = Field(default=None, max_length=2000)
    short_title: str | None = Field(default=None, max_length=300)
    committee_text_number: str | None = Field(default=None, max_length=40)
    previous_text_id: int | None = None
    format: Literal["auto", "an", "an_legacy", "senat", "plain"] = "auto"
    html: str | None = None
    plain: str | None = None
    url: str | None = Field(default=None, max_length=2000)


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
    status: Literal["supprime", "non_modifie", "nouveau"] | None = None
    anchor: str | None = None  # the Assembly's division anchor, "D_Article_1er"

    @classmethod
    def of(cls, article: Article) -> Self:
        """An article with its alinéas in order, its status and anchor."""
        return cls(
            id=article.id,
            number=article.number,
            heading=article.heading,
            alineas=[a.content for a in article.alineas],
            status=article.status,  # type: ignore[arg-type]
            anchor=article.anchor,
        )


class DivisionOut(Schema):
    kind: str
    label: str
    heading: str | None
    article_position: int  # the position of the first article after it (from 1)

    @classmethod
    def of(cls, division: TextDivision) -> Self:
        """A titre, chapitre or section of the text."""
        return cls(
            kind=division.kind,
            label=division.label,
            heading=division.heading,
            article_position=division.article_position,
        )


class TextOut(Schema):
    id: int
    title: str
    number: str
    stage: str
    organ: str | None
    examination_starts_at: Timestamp | None
    filing_deadline: Timestamp | None
    filing_deadline_rule: str | None
    short_title: str | None = None
    committee_text_number: str | None = None
    previous_text_id: int | None = None
    reopenings: list[ReopeningOut] = Field(default_factory=list)
    group_deadlines: GroupDeadlinesOut | None = None
    articles: list[ArticleOut] | None = None  # absent from lists of texts
    divisions: list[DivisionOut] | None = None  # absent from lists of texts

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
            short_title=text.short_title,
            committee_text_number=text.committee_text_number,
            previous_text_id=text.previous_id,
            reopenings=reopenings or [],
            group_deadlines=group_deadlines,
        )
        if articles:
            out.articles = [ArticleOut.of(a) for a in text.articles]
            out.divisions = [DivisionOut.of(d) for d in text.divisions]
        return out


class TextList(Schema):
    items: list[TextOut]
