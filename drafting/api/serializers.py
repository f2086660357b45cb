"""ORM objects to the JSON shapes of the API (fast dicts; the schemas document them)."""

from __future__ import annotations

from typing import Any

from drafting.models import Amendment, Article, Group, LegislativeText, Person
from drafting.services.amendments import position_json


def user_json(user: Person) -> dict[str, Any]:
    """{id, email, name, civility, role, group, deputy_id}."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "civility": user.civility,
        "role": user.role,
        "group": user.group_code,
        "deputy_id": user.deputy_id,
    }


def group_json(group: Group) -> dict[str, Any]:
    """{id, code, name}."""
    return {"id": group.id, "code": group.code, "name": group.name}


def article_json(article: Article) -> dict[str, Any]:
    """An article with its alinéas in order."""
    return {
        "id": article.id,
        "number": article.number,
        "heading": article.heading,
        "alineas": [a.content for a in article.alineas],
    }


def text_json(text: LegislativeText, *, articles: bool = True) -> dict[str, Any]:
    """A text, with its articles unless `articles` is false."""
    data: dict[str, Any] = {
        "id": text.id,
        "title": text.title,
        "number": text.number,
        "stage": text.stage,
        "organ": text.organ,
        "examination_starts_at": _iso(text.examination_starts_at),
        "filing_deadline": _iso(text.filing_deadline),
        "filing_deadline_rule": text.filing_deadline_rule,
        "reopenings": [],
        "group_deadlines": None,
    }
    if articles:
        data["articles"] = [article_json(a) for a in text.articles]
    return data


def amendment_json(amendment: Amendment) -> dict[str, Any]:
    """The amendment as the contract describes it."""
    return {
        "id": amendment.id,
        "text_id": amendment.text_id,
        "position": position_json(amendment),
        "dispositif": amendment.dispositif,
        "expose": amendment.expose,
        "author": user_json(amendment.author),
        "created_by": user_json(amendment.created_by),
        "group": amendment.group.code if amendment.group else None,
        "state": amendment.state,
        "version": amendment.version,
        "content_hash": amendment.content_hash,
        "number": amendment.number,
        "outcome": amendment.outcome,
        "presented_by_group": amendment.presented_by_group,
        "created_at": _iso(amendment.created_at),
        "updated_at": _iso(amendment.updated_at),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
