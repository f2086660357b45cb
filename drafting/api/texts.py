"""API for texts (bills) and their articles."""

from __future__ import annotations

from drafting.api.deadlines import text_with_deadlines
from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas.texts import TextIn, TextList, TextOut
from drafting.db import commit
from drafting.services import texts


@endpoint(
    "/texts",
    "POST",
    summary="Load a text with its articles (secretariat, admin)",
    body=TextIn,
    response=TextOut,
    status=201,
    errors=(403,),
    tags=("texts",),
)
def create_text(body: TextIn) -> TextOut:
    """POST /texts."""
    data = texts.TextInput(
        title=body.title,
        number=body.number,
        stage=body.stage,
        organ=body.organ,
        examination_starts_at=body.examination_starts_at,
        filing_deadline=body.filing_deadline,
        articles=[texts.ArticleInput(a.number, a.heading, list(a.alineas)) for a in body.articles],
    )
    text = texts.create_text(current_user(), data, now())
    commit()
    return TextOut.of(text)


@endpoint("/texts", summary="List texts", response=TextList, tags=("texts",))
def list_texts() -> TextList:
    """GET /texts."""
    return TextList(items=[TextOut.of(t, articles=False) for t in texts.list_texts()])


@endpoint(
    "/texts/<int:text_id>",
    summary="A text with its articles and alinéas",
    response=TextOut,
    errors=(404,),
    tags=("texts",),
)
def get_text(text_id: int) -> TextOut:
    """GET /texts/{id} (with the reopenings and the caller's group deadlines)."""
    return text_with_deadlines(texts.get_text(text_id), current_user())
