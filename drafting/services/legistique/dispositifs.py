"""Edit the article → the dispositif, and the reverse: a dispositif applied to an article.

A sub-amendment works on its parent amendment: the parent's dispositif paragraphs are the
alinéas. One amendment amends one article (Règlement de l'Assemblée nationale, art. 98).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drafting.errors import Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Article, PositionKind, User
from drafting.permissions import can_draft_on_text
from drafting.services.amendments import get_visible_amendment
from drafting.services.content import clean_text
from drafting.services.legistique import checks
from workflows.legistique import (
    NoChange,
    NotUnderstood,
    apply_dispositif,
    generate_dispositif,
    normalise,
    split_alineas,
)

MAX_ALINEAS = 1_000
# An alinéa that is only an article's heading ("Article 8", "Art. 7 bis") starts another article.
_HEADING = re.compile(
    r"^\s*(?:article|art\.)\s+(?P<number>(?:\d+|premier|1er)(?:\s*[a-z]{1,2})?"
    r"(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies)(?:\s+[A-Z])?)?)"
    r"\s*[.:–—-]?\s*$",
    re.IGNORECASE,
)
ONE_ARTICLE = (
    "Un amendement ne porte que sur un seul article (Règlement de l'Assemblée nationale, "
    "art. 98) : rédigez un amendement par article."
)


@dataclass(frozen=True)
class Target:
    """What a dispositif amends: an article, or a parent amendment's dispositif."""

    article: Article
    alineas: list[str]
    parent: Amendment | None = None

    @property
    def kind(self) -> str:
        """The applier's target: "article", or "amendment" for a sub-amendment."""
        return "amendment" if self.parent is not None else "article"

    @property
    def position_kind(self) -> str:
        """Where an amendment written on this target is placed."""
        return self.parent.position_kind if self.parent is not None else "article"


@dataclass(frozen=True)
class Written:
    """A dispositif written from an edit, with the position it is placed on."""

    dispositif: str
    kind: str
    article: str
    alinea: int | None
    family: str


def load_target(actor: User, article_id: int, parent_id: int | None = None) -> Target:
    """The article (or the parent amendment) a drafter amends; 403 if they may not draft."""
    if not can_draft_on_text(actor):
        raise Forbidden("Votre rôle ne permet pas de rédiger des amendements.")
    article = db.session.get(Article, article_id)
    if article is None:
        raise NotFound("Article inconnu.")
    if parent_id is None:
        return Target(article, [a.content for a in article.alineas])
    parent = get_visible_amendment(actor, parent_id)
    if parent.article_id != article.id:
        raise Invalid(
            "L'amendement sous-amendé porte sur un autre article.",
            fields={"parent_id": f"amendement sur l'article {parent.article.number}"},
        )
    return Target(article, split_alineas(parent.dispositif), parent)


def _cleaned(alineas: list[str]) -> list[str]:
    """The edited alinéas, cleaned like any user text; empty ones dropped (deleted)."""
    if len(alineas) > MAX_ALINEAS:
        raise Invalid("Trop d'alinéas.", fields={"alineas": f"{MAX_ALINEAS} alinéas au plus"})
    cleaned = [clean_text(text, field=f"alineas.{i}") for i, text in enumerate(alineas)]
    lines = [line.strip() for text in cleaned for line in text.split("\n")]
    return [line for line in lines if line]


def _one_article(target: Target, edited: list[str]) -> None:
    """Refuse an edit that writes another article's heading into this one (art. 98)."""
    before = set(target.alineas)
    for index, text in enumerate(edited):
        match = _HEADING.match(text)
        if match and text not in before:
            raise Invalid(
                ONE_ARTICLE,
                code="several_articles",
                fields={f"alineas.{index}": f"« {text.strip()} » ouvre un autre article"},
            )


UNCHECKED = (
    "Liasse n'écrit pas cette modification sans ambiguïté (des guillemets non fermés ?) : "
    "rédigez le dispositif avec les formules."
)


def _assert_applies(dispositif: str, before: list[str], after: list[str]) -> None:
    """Never hand out a dispositif that the applier does not turn into the edited text."""
    try:
        applied = apply_dispositif(dispositif, before)
    except NotUnderstood:
        applied = None
    if applied is None or [normalise(t) for t in applied] != [normalise(t) for t in after]:
        raise Invalid(UNCHECKED, code="not_understood", fields={"alineas": UNCHECKED})


def write_dispositif(
    actor: User, article_id: int, alineas: list[str], parent_id: int | None = None
) -> Written:
    """The dispositif turning the article (or parent amendment) into the edited alinéas."""
    target = load_target(actor, article_id, parent_id)
    edited = _cleaned(alineas)
    _one_article(target, edited)
    try:
        generated = generate_dispositif(target.alineas, edited, target=target.kind)
    except NoChange:
        raise Invalid(
            "Le texte modifié est identique au texte : aucun amendement à rédiger.",
            code="no_change",
            fields={"alineas": "aucune modification"},
        ) from None
    except NotUnderstood as failure:
        raise Invalid(
            failure.reason, code="not_understood", fields={"alineas": failure.reason}
        ) from None
    _assert_applies(generated.dispositif, target.alineas, edited)
    return Written(
        generated.dispositif,
        target.position_kind,
        target.article.number,
        generated.alinea,
        generated.family,
    )


def apply_to_target(
    actor: User, article_id: int, dispositif: str, parent_id: int | None = None
) -> list[str]:
    """The article (or parent amendment) as the dispositif would make it; 422 not_understood."""
    target = load_target(actor, article_id, parent_id)
    text = clean_text(dispositif, field="dispositif")
    if not text:
        raise Invalid("Le dispositif est vide.", fields={"dispositif": "obligatoire"})
    try:
        return apply_dispositif(text, target.alineas)
    except NotUnderstood as failure:
        fields = {"dispositif": failure.reason}
        if failure.start is not None:
            fields["dispositif.span"] = f"{failure.start}-{failure.end}"
        raise Invalid(
            f"Dispositif non compris : {failure.reason}", code="not_understood", fields=fields
        ) from None


@dataclass(frozen=True)
class Checked:
    """A draft checked as the author types: the findings, and what the applier makes of it."""

    findings: list[dict[str, Any]]
    alineas: list[str] | None  # the article (or parent) after the dispositif, when understood
    reason: str | None  # why the applier does not apply it (None when it does, or need not)


@dataclass(frozen=True)
class DraftInput:
    """The editor's content being checked."""

    article_id: int
    dispositif: str
    expose: str | None = None
    kind: str = "article"
    alinea: int | None = None
    parent_id: int | None = None


def check_draft(actor: User, draft: DraftInput, now: datetime) -> Checked:
    """Lint a draft against what it amends, and apply it when it amends existing text."""
    target = load_target(actor, draft.article_id, draft.parent_id)
    if draft.kind not in {k.value for k in PositionKind}:
        raise Invalid("Position invalide.", fields={"kind": "kind inconnu"})
    text = clean_text(draft.dispositif, field="dispositif")
    expose = None if draft.expose is None else clean_text(draft.expose, field="expose")
    amends_text = target.parent is not None or draft.kind == PositionKind.ARTICLE
    alineas = target.alineas if amends_text else None
    findings = checks.lint_content(
        text,
        expose,
        alineas,
        (draft.kind, draft.alinea),
        checks.paris_day(now),
        sub=target.parent is not None,
    )
    applied, reason = None, None
    if alineas is not None and text:
        try:
            applied = apply_dispositif(text, alineas)
        except NotUnderstood as failure:
            reason = failure.reason
    return Checked(checks.as_json(findings), applied, reason)
