"""The linter on amendments: findings against the article (or, for a sub-amendment, the parent's
dispositif), kept at each save, and what they hold back in the workflow.

Errors block submission to the group and approval. Warnings do not block: an approval records
them as let pass by the group's secretariat, with its reason when it gives one (the journal keeps
both), so that approving a thousand amendments is not a thousand reasons to type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.errors import Conflict
from drafting.extensions import db
from drafting.models import Amendment, Article
from workflows.deadlines import PARIS
from workflows.legistique import Finding, digest, lint, split_alineas
from workflows.legistique.findings import ERROR, WARNING

MAX_LISTED = 5  # findings named in a refusal's message (all of them are in `findings`)


class Unset:
    """The alinéas not given: they are read (None means: an additional article, none)."""


UNSET = Unset()


def paris_day(moment: datetime) -> date:
    """The day in Paris: the gage library's formulas are dated."""
    return moment.astimezone(PARIS).date()


def parent_of(amendment: Amendment) -> Amendment | None:
    """The amendment a sub-amendment amends (None for an amendment)."""
    if amendment.parent_id is None:
        return None
    return db.session.get(Amendment, amendment.parent_id)


def target_alineas(amendment: Amendment) -> list[str] | None:
    """The alinéas the dispositif amends: the article's, or the parent's paragraphs; None for
    an additional article (its dispositif is the new article, applied to nothing)."""
    parent = parent_of(amendment)
    if parent is not None:
        return split_alineas(parent.dispositif)
    if amendment.position_kind != "article":
        return None
    return [alinea.content for alinea in amendment.article.alineas]


def lint_content(
    dispositif: str,
    expose: str | None,
    alineas: list[str] | None,
    position: tuple[str, int | None],
    day: date,
    *,
    sub: bool = False,
) -> list[Finding]:
    """The linter on a content, as of `day`: `alineas` are what it amends, `position` its
    (kind, alinéa); a sub-amendment is checked as a formula on its parent's paragraphs."""
    kind, alinea = position
    return lint(
        dispositif,
        alineas=alineas,
        expose=expose,
        position_alinea=None if sub else alinea,
        position_kind="amendment" if sub else kind,
        today=day,
    )


def lint_amendment(
    amendment: Amendment, day: date, alineas: list[str] | Unset | None = UNSET
) -> list[Finding]:
    """Every finding of the linter on an amendment's dispositif and exposé, as of `day`
    (`alineas`: what it amends, when the caller has them already)."""
    return lint_content(
        amendment.dispositif,
        amendment.expose,
        target_alineas(amendment) if isinstance(alineas, Unset) else alineas,
        (amendment.position_kind, amendment.alinea),
        day,
        sub=amendment.parent_id is not None,
    )


def as_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """Findings as plain data (stored on the amendment, returned by the API)."""
    return [asdict(finding) for finding in findings]


def refresh(amendment: Amendment, now: datetime, alineas: list[str] | Unset | None = UNSET) -> None:
    """Keep the findings and the normalised digest of the content just saved."""
    amendment.lint = as_json(lint_amendment(amendment, paris_day(now), alineas))
    amendment.digest = digest(amendment.dispositif)


def errors_of(amendment: Amendment, now: datetime) -> list[Finding]:
    """The linter's errors on the amendment as it stands (the filing gate)."""
    return [f for f in lint_amendment(amendment, paris_day(now)) if f.severity == ERROR]


def current(amendment: Amendment, now: datetime) -> list[dict[str, Any]]:
    """The findings as of `now` (one amendment's page and response: the text may have moved)."""
    return as_json(lint_amendment(amendment, paris_day(now)))


def stored(amendment: Amendment) -> list[dict[str, Any]]:
    """The findings kept at the last save (lists); linted as of that save if none were kept."""
    if amendment.lint is not None:
        return list(amendment.lint)
    return as_json(lint_amendment(amendment, paris_day(amendment.updated_at)))


def prime(amendments: Sequence[Amendment]) -> None:
    """Load in one query the alinéas needed to lint the listed amendments that keep no findings
    (rows written by a bulk path), so that a list lints them without a query each."""
    missing = {a.article_id for a in amendments if a.lint is None}
    if missing:
        query = select(Article).where(Article.id.in_(missing))
        db.session.scalars(query.options(selectinload(Article.alineas))).all()


def _refusal(findings: list[Finding], code: str, message: str) -> Conflict:
    """A 409 naming the first findings and carrying all of them."""
    named = "; ".join(f.message for f in findings[:MAX_LISTED])
    more = f" (et {len(findings) - MAX_LISTED} autres)" if len(findings) > MAX_LISTED else ""
    return Conflict(
        f"{message} : {named}{more}",
        code=code,
        fields={"dispositif": findings[0].message},
        extra={"findings": as_json(findings)},
    )


def assert_no_errors(amendment: Amendment, now: datetime) -> list[Finding]:
    """Raise 409 `lint_errors` when the linter finds errors; return the warnings."""
    findings = lint_amendment(amendment, paris_day(now))
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise _refusal(errors, "lint_errors", "La rédaction comporte des erreurs à corriger")
    return [f for f in findings if f.severity == WARNING]


def warnings_to_pass(amendment: Amendment, now: datetime) -> list[Finding]:
    """The warnings an approval lets pass (journalled with it); 409 `lint_errors` when there
    are errors, which no one lets pass."""
    return assert_no_errors(amendment, now)
