"""The editor's légistique endpoints (JSON, same session and CSRF token as the page): the
dispositif written from the edited article, and the draft checked as the author types."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from drafting.errors import BadRequest, DomainError, Invalid
from drafting.infra.http import error_response
from drafting.infra.rate_limits import LEGISTIQUE, POST, limited
from drafting.models import User
from drafting.services.legistique import dispositifs
from drafting.web.common import now

bp = Blueprint("legistique", __name__, url_prefix="/amendements/legistique")
MAX_ID = 2**31 - 1


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _body() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise BadRequest("Le corps doit être un objet JSON.", code="malformed_json")
    return payload


def _id(body: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise Invalid("Champs invalides.", fields={name: "entier attendu"})
    return value


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Invalid("Champs invalides.", fields={name: "texte attendu"})
    return value.replace("\x00", "")


def _alineas(body: dict[str, Any]) -> list[str]:
    value = body.get("alineas")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Invalid("Champs invalides.", fields={"alineas": "liste de textes attendue"})
    return [item.replace("\x00", "") for item in value]


def _answer(build: Any) -> Response:
    """Run `build`; a refusal is the API's JSON error (the editor shows its message)."""
    try:
        return jsonify(build())
    except DomainError as error:
        return error_response(error)


@bp.post("/dispositif")
@login_required
@limited(LEGISTIQUE, scope="legistique", methods=POST)
def write() -> ResponseReturnValue:
    """The dispositif of the edited article (or parent amendment), with its position."""

    def build() -> dict[str, Any]:
        body = _body()
        article_id = _id(body, "article_id")
        assert article_id is not None
        written = dispositifs.write_dispositif(
            _user(), article_id, _alineas(body), _id(body, "parent_id", required=False)
        )
        position = {"kind": written.kind, "article": written.article, "alinea": written.alinea}
        return {"dispositif": written.dispositif, "position": position, "family": written.family}

    return _answer(build)


@bp.post("/verification")
@login_required
@limited(LEGISTIQUE, scope="legistique", methods=POST)
def check() -> ResponseReturnValue:
    """The linter's findings on the draft, and the text it makes (or why it makes none)."""

    def build() -> dict[str, Any]:
        body = _body()
        article_id = _id(body, "article_id")
        assert article_id is not None
        draft = dispositifs.DraftInput(
            article_id,
            _text(body, "dispositif") or "",
            _text(body, "expose", required=False),
            _text(body, "kind", required=False) or "article",
            _id(body, "alinea", required=False),
            _id(body, "parent_id", required=False),
        )
        checked = dispositifs.check_draft(_user(), draft, now())
        return {"lint": checked.findings, "alineas": checked.alineas, "reason": checked.reason}

    return _answer(build)
