"""The amended text: a chosen set of amendments applied in the order of discussion, changes
attributed, conflicts on the same words shown, only what the caller may see."""

from __future__ import annotations

import dataclasses

import pytest

from drafting.errors import Invalid, NotFound
from drafting.services.legistique import amended_text as service
from drafting.services.legistique.amended_text import Selection, SetKind
from tests.conftest import NOW
from tests.documents_helpers import make_amendment

NBSP = "\u00a0"
SUBSTITUTE = (
    f"À l’alinéa{NBSP}3, substituer au mot{NBSP}:\n«{NBSP}article{NBSP}»\n"
    f"le mot{NBSP}:\n«{NBSP}{{}}{NBSP}»."
)


def _article(result: service.AmendedText, number: str) -> service.ArticleResult:
    return next(r for r in result.articles if r.article.number == number)


def _inserted(result: service.AmendedText, number: str) -> list[tuple[str, int | None]]:
    article = _article(result, number)
    return [
        (segment.text, segment.amendment)
        for alinea in article.amended.alineas
        for segment in alinea.segments
        if segment.kind == "insert"
    ]


def test_the_group_set_applies_the_group_s_amendments_under_way(people, bill):
    filed = make_amendment(
        people["regol"], bill, dispositif=SUBSTITUTE.format("titre"), state="filed", number="27"
    )
    draft = make_amendment(people["lucas"], bill, dispositif="Supprimer l’alinéa 5.")
    other = make_amendment(
        people["peu"], bill, article="8", dispositif="Supprimer l’alinéa 1.", state="open"
    )
    result = service.amended_text(people["claire"], bill.id, Selection())
    assert [a.id for a in result.amendments] == [filed.id]
    assert _inserted(result, "7") == [("titre", filed.id)]
    alinea_3 = _article(result, "7").amended.alineas[2]
    assert alinea_3.text == "Alinéa 3 de l'titre 7."
    assert draft.id not in result.labels and other.id not in result.labels
    assert result.labels[filed.id] == "n° 27"


def test_an_assistant_sees_the_group_of_their_deputy(people, bill):
    filed = make_amendment(people["regol"], bill, state="open")
    result = service.amended_text(people["lea"], bill.id, Selection())
    assert [a.id for a in result.amendments] == [filed.id]


def test_a_second_amendment_on_the_same_words_is_shown_as_a_conflict(people, bill):
    first = make_amendment(
        people["regol"], bill, dispositif=SUBSTITUTE.format("titre"), state="filed", number="3"
    )
    second = make_amendment(
        people["lucas"], bill, dispositif=SUBSTITUTE.format("chapitre"), state="filed", number="4"
    )
    result = service.amended_text(
        people["claire"], bill.id, Selection(SetKind.SELECTION, (second.id, first.id))
    )
    (note,) = _article(result, "7").notes
    assert (note.amendment, note.rival) == (second.id, first.id)
    assert service.note_text(note, result.labels) == (
        "n° 4 n'est pas appliqué : n° 3 modifie déjà le même texte."
    )


def test_one_amendment_and_one_article(people, bill):
    amendment = make_amendment(people["regol"], bill, dispositif="Supprimer l’alinéa 2.")
    result = service.amended_text(
        people["regol"], bill.id, Selection(SetKind.ONE, (amendment.id,), "7")
    )
    assert [r.article.number for r in result.articles] == ["7"]
    statuses = [a.status for a in result.articles[0].amended.alineas]
    assert statuses[1] == "deleted" and statuses.count("unchanged") == 24


def test_additional_articles_are_placed_around_their_article(people, bill):
    after = make_amendment(
        people["regol"], bill, article="8", kind="after_article", dispositif="Texte nouveau."
    )
    result = service.amended_text(people["regol"], bill.id, Selection(SetKind.ONE, (after.id,)))
    assert _article(result, "8").after == [after]
    document = service.printed(result, "Sous-titre", NOW.date())
    printed_8 = next(a for a in document.articles if a.heading == "ARTICLE 8")
    assert printed_8.after == (
        (f"ARTICLE ADDITIONNEL APRÈS L'ARTICLE 8 [#{after.id}]", ("Texte nouveau.",)),
    )


def test_an_amendment_not_understood_is_reported_not_guessed(people, bill):
    amendment = make_amendment(people["regol"], bill, dispositif="Modifier un peu l’article.")
    result = service.amended_text(people["regol"], bill.id, Selection(SetKind.ONE, (amendment.id,)))
    article = _article(result, "7")
    assert article.amended.applied == ()
    assert [n.amendment for n in article.notes] == [amendment.id]
    assert all(a.status == "unchanged" for a in article.amended.alineas)


def test_the_printed_labels_follow_the_last_piece_of_each_change(people, bill):
    amendment = make_amendment(
        people["regol"], bill, dispositif=SUBSTITUTE.format("titre"), state="filed", number="9"
    )
    result = service.amended_text(people["regol"], bill.id, Selection(SetKind.ONE, (amendment.id,)))
    document = service.printed(result, "x", NOW.date())
    pieces = next(a for a in document.articles if a.heading == "ARTICLE 7").alineas[2].pieces
    assert [(p.kind, p.text, p.by) for p in pieces if p.kind != "equal"] == [
        ("delete", "article", ""),
        ("insert", "titre", "n° 9"),
    ]


def test_an_amendment_one_may_not_see_is_404_and_an_empty_selection_422(people, bill):
    secret = make_amendment(people["peu"], bill)
    with pytest.raises(NotFound):
        service.amended_text(people["regol"], bill.id, Selection(SetKind.ONE, (secret.id,)))
    with pytest.raises(Invalid):
        service.amended_text(people["regol"], bill.id, Selection(SetKind.SELECTION, ()))
    with pytest.raises(Invalid):
        service.amended_text(people["regol"], bill.id, Selection(SetKind.GROUP, (), "99"))


def test_the_order_of_discussion_applies_the_deletion_of_the_article_first(people, bill):
    words = make_amendment(
        people["regol"], bill, dispositif=SUBSTITUTE.format("titre"), state="open"
    )
    deletion = make_amendment(people["lucas"], bill, state="open")
    result = service.amended_text(people["claire"], bill.id, Selection())
    assert [a.id for a in result.amendments] == [deletion.id, words.id]
    article = _article(result, "7")
    assert article.amended.applied == (deletion.id,)
    assert [(n.amendment, n.rival) for n in article.notes] == [(words.id, deletion.id)]


class _Reads:
    """An amendment that notes each attribute read of it."""

    def __init__(self, amendment: object, read: set[str]) -> None:
        self._amendment, self._read = amendment, read

    def __getattr__(self, name: str) -> object:
        self._read.add(name)
        return getattr(self._amendment, name)


def test_the_liasse_s_amended_text_is_keyed_by_all_it_reads_of_the_amendments(people, bill):
    """A liasse's amended text is kept whole under `document_key`, made of the text's rows and
    the applied amendments' APPLIED_COLUMNS: applying and printing them reads nothing else of
    an amendment (its article is the text's, in the key), so an amendment changed elsewhere
    (its exposé, its co-signatories) gives the same document."""
    made = [
        make_amendment(people["regol"], bill, dispositif=SUBSTITUTE.format("titre"), state="filed"),
        make_amendment(people["lucas"], bill, dispositif="Supprimer l’alinéa 5."),
        make_amendment(people["lucas"], bill, kind="after_article", state="open"),
    ]
    sub = make_amendment(people["regol"], bill, dispositif="Supprimer l’alinéa 1.")
    sub.parent_id = made[0].id
    read: set[str] = set()
    watched = [_Reads(a, read) for a in [*made, sub]]
    result = service.build(bill, watched, Selection(SetKind.SELECTION, ()))
    service.printed(result, "Texte amendé", NOW.date())
    assert read - {"article"} <= set(service.APPLIED_COLUMNS)
    assert {"dispositif", "number", "position_kind", "parent_id"} <= read
    # the liasse builds it from the very rows its key is made of
    fields = [f.name for f in dataclasses.fields(service.AppliedRow)]
    assert fields == [*service.APPLIED_COLUMNS, "article"]

    def key() -> str:
        applied = service._applied(bill, [a.id for a in made])
        return service.document_key(bill, applied, "Texte amendé", NOW.date())

    before = key()
    made[1].expose = "Un autre exposé."
    made[1].content_hash = "0" * 64
    assert key() == before
    made[1].number = "12"
    assert key() != before
    made[1].number = None
    assert key() == before
    bill.articles[1].alineas[0].content = "Un autre alinéa."
    assert key() != before
