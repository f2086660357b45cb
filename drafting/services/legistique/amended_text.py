"""The amended text (« texte amendé »): an article or the whole text with a chosen set of
amendments applied in the order of discussion, changes marked, conflicts and failures shown.

The set is the caller's group's amendments under way (open, closed or filed), one amendment, or
a selection; only amendments the caller may see are ever applied. A sub-amendment in the set
amends its parent's dispositif before the parent is applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from drafting.errors import Invalid, NotFound
from drafting.extensions import db
from drafting.infra.sql import among
from drafting.infra.versions import input_digest, row_values
from drafting.models import Amendment, Article, LegislativeText, Role, User
from drafting.permissions import visible_amendments_clause
from drafting.rendering.amended_text import (
    AmendedTextDocument,
    KeptSections,
    Piece,
    PrintedAlinea,
    PrintedArticle,
    render_amended_text,
)
from drafting.services import texts
from workflows.discussion_order import discussion_key, number_tiebreak, subs_after_parents
from workflows.legistique import (
    AmendedAlinea,
    AmendedArticle,
    NotUnderstood,
    amend_article,
    apply_dispositif,
    split_alineas,
)
from workflows.review import State


class Applied(Protocol):
    """What the amended text reads of an amendment (APPLIED_COLUMNS and its article): an
    `Amendment`, or one of a liasse's plain rows (`AppliedRow`)."""

    @property
    def id(self) -> int: ...
    @property
    def article_id(self) -> int: ...
    @property
    def position_kind(self) -> str: ...
    @property
    def alinea(self) -> int | None: ...
    @property
    def dispositif(self) -> str: ...
    @property
    def number(self) -> str | None: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def article(self) -> Article: ...


A = TypeVar("A", bound=Applied)

GROUP_STATES = (State.OPEN.value, State.READY.value, State.FILED.value)
MAX_SELECTED = 1_000


class SetKind(StrEnum):
    """Which amendments are applied."""

    GROUP = "groupe"  # the caller's group's amendments under way
    ONE = "un"  # one amendment
    SELECTION = "selection"  # amendments picked by the caller


@dataclass(frozen=True)
class Selection:
    """The chosen set, and optionally one article to show."""

    kind: SetKind = SetKind.GROUP
    ids: tuple[int, ...] = ()
    article: str | None = None


@dataclass(frozen=True)
class Note:
    """Why an amendment of the set is not applied (a conflict, or not understood)."""

    amendment: int
    reason: str
    rival: int | None = None


@dataclass
class ArticleResult:
    """One article as amended: its alinéas with their changes, its notes, its new articles."""

    article: Article
    amended: AmendedArticle
    notes: list[Note] = field(default_factory=list)
    before: list[Applied] = field(default_factory=list)  # additional articles before it
    after: list[Applied] = field(default_factory=list)  # additional articles after it


@dataclass
class AmendedText:
    """The whole amended text (or one article of it)."""

    text: LegislativeText
    selection: Selection
    amendments: list[Applied]  # the set, in the order of discussion
    articles: list[ArticleResult]
    labels: dict[int, str]  # amendment id → « n° 27 » or « #12 » (not yet numbered)
    dispositifs: dict[int, str] = field(default_factory=dict)  # as the set's subs amend them


def label(amendment: Applied) -> str:
    """How the amended text names an amendment: its number once filed, else its id."""
    return f"n° {amendment.number}" if amendment.number else f"#{amendment.id}"


def discussion_ordered(amendments: Sequence[A]) -> list[A]:
    """Amendments in the order of discussion, each sub-amendment right after its parent."""
    keyed = sorted(
        amendments,
        key=lambda a: discussion_key(
            a.article.position,
            a.position_kind,
            a.alinea,
            a.dispositif[:600],
            tiebreak=number_tiebreak(a.number, a.id),
        ),
    )
    by_id = {a.id: a for a in keyed}
    order = subs_after_parents([a.id for a in keyed], {a.id: a.parent_id for a in keyed})
    return [by_id[i] for i in order]


def _group_of(actor: User) -> int | None:
    if actor.role == Role.ASSISTANT and actor.deputy is not None:
        return actor.deputy.group_id
    return actor.group_id


def _chosen(actor: User, text_id: int, selection: Selection) -> list[Amendment]:
    """The amendments of the set that the caller may see (404 for a named one it may not)."""
    query = (
        select(Amendment)
        .where(Amendment.text_id == text_id, visible_amendments_clause(actor))
        .options(joinedload(Amendment.article))
    )
    if selection.kind == SetKind.GROUP:
        group = _group_of(actor)
        if group is None:
            return []
        query = query.where(Amendment.group_id == group, Amendment.state.in_(GROUP_STATES))
    else:
        if not selection.ids:
            raise Invalid("Choisissez au moins un amendement.", fields={"ids": "obligatoire"})
        if len(selection.ids) > MAX_SELECTED:
            raise Invalid("Trop d'amendements.", fields={"ids": f"{MAX_SELECTED} au plus"})
        query = query.where(Amendment.id.in_(selection.ids))
    found = list(db.session.scalars(query).unique())
    if selection.kind != SetKind.GROUP and len(found) != len(set(selection.ids)):
        raise NotFound("Amendement inconnu.")
    return found


def _parents_amended(ordered: list[Applied], notes: dict[int, Note]) -> dict[int, str]:
    """The parents' dispositifs as the set's sub-amendments amend them (id → dispositif)."""
    dispositifs = {a.id: a.dispositif for a in ordered}
    for sub in ordered:
        parent = sub.parent_id
        if parent is None:
            continue
        if parent not in dispositifs:
            notes[sub.id] = Note(sub.id, "L'amendement sous-amendé n'est pas dans l'ensemble.")
            continue
        try:
            paragraphs = apply_dispositif(sub.dispositif, split_alineas(dispositifs[parent]))
        except NotUnderstood as failure:
            notes[sub.id] = Note(sub.id, failure.reason)
            continue
        dispositifs[parent] = "\n".join(paragraphs)
    return dispositifs


def _article_result(
    article: Article, ordered: list[Applied], dispositifs: dict[int, str], notes: dict[int, Note]
) -> ArticleResult:
    """The article amended by `ordered` (the amendments on this article, in order)."""
    mine = [a for a in ordered if a.parent_id is None]
    on_text = [(a.id, dispositifs[a.id]) for a in mine if a.position_kind == "article"]
    amended = amend_article([alinea.content for alinea in article.alineas], on_text)
    result = ArticleResult(article, amended)
    result.before = [a for a in mine if a.position_kind == "before_article"]
    result.after = [a for a in mine if a.position_kind == "after_article"]
    result.notes = [Note(c.amendment, c.reason, c.with_amendment) for c in amended.conflicts]
    result.notes += [Note(f.amendment, f.reason) for f in amended.not_understood]
    result.notes += [notes[a.id] for a in ordered if a.id in notes]
    return result


def build(
    text: LegislativeText, amendments: Sequence[Applied], selection: Selection
) -> AmendedText:
    """Apply `amendments` (already chosen and visible) to the text, or to the selected article."""
    articles = list(text.articles)
    if selection.article:
        found = texts.find_article(text, selection.article)
        if found is None:
            raise Invalid("Article inconnu.", fields={"article": "article absent du texte"})
        articles = [found]
    ordered = discussion_ordered(amendments)
    notes: dict[int, Note] = {}
    dispositifs = _parents_amended(ordered, notes)
    by_article: dict[int, list[Applied]] = {}
    for amendment in ordered:  # one pass: a big text has thousands on 40 articles
        by_article.setdefault(amendment.article_id, []).append(amendment)
    results = [_article_result(a, by_article.get(a.id, []), dispositifs, notes) for a in articles]
    shown = {a.id for a in articles}
    in_view = [a for a in ordered if a.article_id in shown]
    labels = {a.id: label(a) for a in ordered}
    return AmendedText(text, selection, in_view, results, labels, dispositifs)


def amended_text(actor: User, text_id: int, selection: Selection) -> AmendedText:
    """The text (or one article) with the chosen amendments applied, as `actor` may see it."""
    text = texts.get_text(text_id)
    return build(text, _chosen(actor, text_id, selection), selection)


def candidates(actor: User, text_id: int, limit: int = 500) -> list[Amendment]:
    """The amendments one may pick for the amended text: visible, not abandoned, in order."""
    query = (
        select(Amendment)
        .where(
            Amendment.text_id == text_id,
            visible_amendments_clause(actor),
            Amendment.state != State.ABANDONED.value,
        )
        .options(joinedload(Amendment.article))
        .order_by(Amendment.id)
        .limit(limit)
    )
    return discussion_ordered(list(db.session.scalars(query).unique()))


# What the amended text reads of an amendment (`Applied`; tested): its article is read from
# the text, whose every row goes into the document's key.
APPLIED_COLUMNS = (
    "id",
    "article_id",
    "position_kind",
    "alinea",
    "dispositif",
    "number",
    "parent_id",
)


@dataclass(frozen=True)
class AppliedRow:
    """A liasse's amendment as the amended text reads it: the row its key is made of, with
    its article from the text (the document is made of what its key names, nothing read
    again)."""

    id: int
    article_id: int
    position_kind: str
    alinea: int | None
    dispositif: str
    number: str | None
    parent_id: int | None
    article: Article


def _applied(text: LegislativeText, ids: Sequence[int]) -> list[AppliedRow]:
    """The liasse's amendments that are applied (by id), as rows of APPLIED_COLUMNS."""
    columns = [getattr(Amendment, name) for name in APPLIED_COLUMNS]
    articles = {article.id: article for article in text.articles}
    rows: list[AppliedRow] = []
    for start in range(0, len(ids), MAX_SELECTED):
        query = select(*columns).where(
            among(Amendment.id, list(ids[start : start + MAX_SELECTED])),
            Amendment.state != State.ABANDONED.value,
        )
        rows += [
            AppliedRow(**row._mapping, article=articles[row.article_id])
            for row in db.session.execute(query)
        ]
    return sorted(rows, key=lambda row: row.id)


# A whole document's key starts so; a section's (rendering/amended_text.section_key) is hex.
DOCUMENT_KEY_PREFIX = "document-"


def document_key(
    text: LegislativeText, applied: Sequence[AppliedRow], subtitle: str, day: date
) -> str:
    """A digest of everything a liasse's amended text is made of: the code and templates that
    make it (`infra.versions.code_version`), the text (its every row, its articles' and their
    alinéas'), the applied amendments' APPLIED_COLUMNS, the subtitle and the day."""
    data = {
        "text": row_values(text),
        "articles": [
            [row_values(article), [row_values(alinea) for alinea in article.alineas]]
            for article in text.articles
        ],
        "applied": [[getattr(row, name) for name in APPLIED_COLUMNS] for row in applied],
    }
    return f"{DOCUMENT_KEY_PREFIX}{input_digest(subtitle, day, data)}"


def liasse_document(
    text_id: int,
    ids: Sequence[int],
    subtitle: str,
    day: date,
    kept: KeptSections | None = None,
) -> bytes | None:
    """The amended text of a liasse's amendments (already chosen by the export, in any number)
    as PDF; None when the liasse lists none that amends anything. The whole document made
    from the same data by an earlier export (`document_key`: a re-export whose amendments
    changed only in their exposés or co-signatories), else the sections compiled from the
    same data, are taken from `kept`."""
    text = texts.get_text(text_id)
    applied = _applied(text, ids)
    if not applied:
        return None
    key = document_key(text, applied, subtitle, day)
    found = kept.get(key) if kept is not None else None
    if found is not None:
        return found
    result = build(text, applied, Selection(SetKind.SELECTION, ()))
    document = render_amended_text(printed(result, subtitle, day), kept)
    if kept is not None:
        kept.put(key, document)
    return document


# --- the printed document (drafting/rendering/amended_text.py) -----------------------------------

_WHERE = {"before_article": "AVANT", "after_article": "APRÈS"}


def _pieces(alinea: AmendedAlinea, labels: dict[int, str]) -> tuple[Piece, ...]:
    """The alinéa's segments; an amendment's label follows the last piece of each change."""
    segments = alinea.segments
    pieces = []
    for index, segment in enumerate(segments):
        following = segments[index + 1] if index + 1 < len(segments) else None
        last = (
            following is None
            or following.kind == "equal"
            or (following.amendment != segment.amendment)
        )
        by = labels.get(segment.amendment, "") if segment.amendment and last else ""
        pieces.append(Piece(segment.kind, segment.text, by))
    return tuple(pieces)


def note_text(note: Note, labels: dict[int, str]) -> str:
    """A note in French: which amendment is not applied, and why."""
    who = labels.get(note.amendment, f"#{note.amendment}")
    if note.rival is not None:
        rival = labels.get(note.rival, f"#{note.rival}")
        return f"{who} n'est pas appliqué : {rival} modifie déjà le même texte."
    return f"{who} n'est pas appliqué : {note.reason}"


def _additional(
    amendments: list[Applied], result: AmendedText, where: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The additional articles placed before or after an article: heading and paragraphs."""
    return tuple(
        (
            f"ARTICLE ADDITIONNEL {_WHERE[where]} L'ARTICLE {a.article.number.upper()} "
            f"[{result.labels[a.id]}]",
            tuple(split_alineas(result.dispositifs.get(a.id, a.dispositif))),
        )
        for a in amendments
    )


def _printed_article(article: ArticleResult, result: AmendedText) -> PrintedArticle:
    alineas = tuple(
        PrintedAlinea(
            str(alinea.number) if alinea.number else "",
            alinea.status,
            _pieces(alinea, result.labels),
        )
        for alinea in article.amended.alineas
    )
    return PrintedArticle(
        heading=f"ARTICLE {article.article.number.upper()}",
        alineas=alineas,
        notes=tuple(note_text(note, result.labels) for note in article.notes),
        before=_additional(article.before, result, "before_article"),
        after=_additional(article.after, result, "after_article"),
    )


def printed(result: AmendedText, subtitle: str, day: date) -> AmendedTextDocument:
    """The amended text as the PDF prints it."""
    title = f"{result.text.title} (n° {result.text.number})"
    articles = tuple(_printed_article(article, result) for article in result.articles)
    return AmendedTextDocument(title, subtitle, day, articles)
