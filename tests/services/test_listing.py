"""The amendments list: order of discussion, filters, full-text search, pages (services/listing)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, text, update

from drafting.db import commit
from drafting.errors import Invalid
from drafting.extensions import db
from drafting.models import Amendment, Event, Revision, Signature
from drafting.models.legistique import AmendmentTouch
from drafting.services import amendments, listing, ordering
from drafting.services.cosigning import invitations, signatures
from drafting.services.listing import ListFilter
from drafting.services.workflow import transitions
from tests.conftest import NOW


def _draft(people, bill, author: str, article: str, dispositif: str, **kw: Any) -> Amendment:
    position = amendments.PositionInput(kw.pop("kind", "article"), article, kw.pop("alinea", None))
    data = amendments.Draft(bill.id, position, dispositif, kw.pop("expose", "Exposé."))
    return amendments.create_amendment(people[author], data, NOW)


def _open(people, amendment: Amendment) -> Amendment:
    author = people["regol"] if amendment.author_id == people["regol"].id else amendment.author
    transitions.transition(author, amendment.id, "submit", now=NOW)
    staff = people["claire"] if amendment.group.code == "ECOS" else people["hugo"]
    transitions.transition(staff, amendment.id, "approve", now=NOW)
    return amendment


def _ids(user, **filters: Any) -> list[int]:
    items, _ = listing.list_amendments(user, ListFilter(**filters))
    return [a.id for a in items]


def test_the_order_of_discussion_follows_the_text_not_the_drafting(people, bill):
    """Article 1er before 7 before 8; on an article, its deletion first, then the alinéas in
    order; an additional article after the article's own amendments."""
    after_8 = _draft(
        people, bill, "regol", "8", "Après l'article 8, insérer un article.", kind="after_article"
    )
    on_8 = _draft(people, bill, "regol", "8", "À l'alinéa 1, supprimer le mot : « Premier ».")
    alinea_9 = _draft(
        people, bill, "regol", "7", "À l'alinéa 9, supprimer les mots : « de l'article »."
    )
    alinea_2 = _draft(people, bill, "regol", "7", "À l'alinéa 2, supprimer le mot : « Alinéa ».")
    delete_7 = _draft(people, bill, "regol", "7", "Supprimer cet article.")
    first = _draft(people, bill, "regol", "1er", "Supprimer cet article.")
    commit()
    expected = [first.id, delete_7.id, alinea_2.id, alinea_9.id, on_8.id, after_8.id]
    assert _ids(people["regol"], text_id=bill.id, order="discussion") == expected
    assert _ids(people["regol"], text_id=bill.id) == sorted(expected)  # the API's default: by id


def test_the_order_key_is_kept_current_by_edits_and_filing(people, bill):
    late = _draft(people, bill, "regol", "7", "À l'alinéa 20, supprimer le mot : « Alinéa ».")
    early = _draft(people, bill, "regol", "7", "À l'alinéa 3, supprimer le mot : « Alinéa ».")
    commit()
    assert _ids(people["regol"], text_id=bill.id, order="discussion") == [early.id, late.id]
    edit = amendments.Edit(late.version, dispositif="À l'alinéa 1, supprimer le mot : « Alinéa ».")
    amendments.update_amendment(people["regol"], late.id, edit, NOW)
    commit()
    assert _ids(people["regol"], text_id=bill.id, order="discussion") == [late.id, early.id]
    before = late.order_key
    db.session.execute(update(Amendment).values(order_key=None))
    ordering.refresh(bill.id)
    db.session.expire_all()
    assert db.session.get(Amendment, late.id).order_key == before


def test_filing_orders_numbered_amendments_by_number_then_drafts(people, bill):
    one, two, three = (
        _draft(people, bill, "regol", "10", "Supprimer cet article.") for _ in range(3)
    )
    for amendment, number in ((three, "12"), (one, "100")):
        db.session.execute(
            update(Amendment).where(Amendment.id == amendment.id).values(state="ready")
        )
        db.session.expire(amendment)
        transitions.transition(
            people["claire"],
            amendment.id,
            "file",
            now=NOW,
            number=number,
            deadline_exception_reason="Test",
        )
    commit()
    assert _ids(people["claire"], text_id=bill.id, order="discussion") == [three.id, one.id, two.id]
    assert _ids(people["claire"], text_id=bill.id, order="number") == [three.id, one.id, two.id]


def test_the_article_and_created_orders(people, bill):
    on_8 = _draft(people, bill, "regol", "8", "Supprimer cet article.")
    before_7 = _draft(people, bill, "regol", "7", "Insérer un article.", kind="before_article")
    on_7 = _draft(people, bill, "regol", "7", "Supprimer cet article.")
    commit()
    assert _ids(people["regol"], text_id=bill.id, order="article") == [
        before_7.id,
        on_7.id,
        on_8.id,
    ]
    assert _ids(people["regol"], text_id=bill.id, order="created") == [
        on_8.id,
        before_7.id,
        on_7.id,
    ]
    with pytest.raises(Invalid):
        _ids(people["regol"], order="alphabetical")


def test_search_finds_words_of_the_dispositif_or_the_expose(people, bill):
    video = _draft(
        people,
        bill,
        "regol",
        "7",
        "Supprimer cet article.",
        expose="La vidéoprotection est dangereuse.",
    )
    scanners = _draft(
        people, bill, "regol", "10", "Supprimer cet article.", expose="Les scanners corporels."
    )
    commit()
    user = people["regol"]
    assert _ids(user, q="vidéoprotection") == [video.id]
    assert _ids(user, q="scanners corporels") == [scanners.id]
    assert _ids(user, q="supprimer article") == [video.id, scanners.id]
    assert _ids(user, q="scanners vidéoprotection") == []  # every word must be found
    assert _ids(user, q='" * ( - :') == [video.id, scanners.id]  # no words: no search
    assert _ids(user, q="scanners OR NEAR(article") == []  # operators are words, not syntax


def test_the_search_index_follows_edits_and_deletions(people, bill):
    amendment = _draft(people, bill, "regol", "7", "Supprimer cet article.", expose="Coûteux.")
    commit()
    assert _ids(people["regol"], q="coûteux") == [amendment.id]
    edit = amendments.Edit(amendment.version, expose="Liberticide.")
    amendments.update_amendment(people["regol"], amendment.id, edit, NOW)
    commit()
    assert _ids(people["regol"], q="coûteux") == []
    assert _ids(people["regol"], q="liberticide") == [amendment.id]
    for model in (Event, Revision, AmendmentTouch):
        db.session.execute(delete(model))
    db.session.execute(delete(Amendment))
    commit()
    if db.engine.dialect.name == "sqlite":  # the FTS5 table follows deletions (its triggers)
        integrity = "INSERT INTO amendments_fts(amendments_fts, rank) VALUES ('integrity-check', 1)"
        db.session.execute(text(integrity))
        assert db.session.execute(text("SELECT count(*) FROM amendments_fts")).scalar() == 0


def test_the_stored_search_vector_keeps_lexemes_in_the_row(people, bill):
    """PostgreSQL: the list searches every word (no phrase, no ranking), so the stored vector
    keeps no positions and stays in the row, where testing it costs no TOAST read."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the stored tsvector is PostgreSQL's; SQLite searches its FTS5 table")
    long_expose = " ".join(f"Argument{n} sur la vidéoprotection." for n in range(300))
    amendment = _draft(people, bill, "regol", "7", "Supprimer cet article.", expose=long_expose)
    commit()
    vector = db.session.execute(
        text("SELECT search_vector::text FROM amendments WHERE id = :id"), {"id": amendment.id}
    ).scalar_one()
    assert "'vidéoprotect'" in vector and ":" not in vector  # lexemes, no positions
    storage = db.session.execute(
        text(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'amendments'::regclass "
            "AND attname = 'search_vector'"
        )
    ).scalar_one()
    assert storage == "m"  # MAIN: compressed in the row before being moved out of it
    assert _ids(people["regol"], q="supprimer vidéoprotection") == [amendment.id]


def test_search_respects_visibility(people, bill):
    _draft(people, bill, "peu", "7", "Supprimer cet article.", expose="Secret du groupe GDR.")
    commit()
    assert _ids(people["regol"], q="secret") == []
    assert len(_ids(people["hugo"], q="secret")) == 1


def test_filters_by_states_group_author_and_article(people, bill):
    draft = _draft(people, bill, "regol", "7", "Supprimer cet article.")
    opened = _open(people, _draft(people, bill, "regol", "8", "Supprimer cet article."))
    gdr = _open(people, _draft(people, bill, "peu", "7", "Supprimer cet article."))
    commit()
    admin = people["admin"]
    assert _ids(admin, state="open") == [opened.id, gdr.id]
    assert _ids(admin, state="draft,open") == [draft.id, opened.id, gdr.id]
    assert _ids(admin, group="gdr") == [gdr.id]
    assert _ids(admin, author_id=people["regol"].id, article="7") == [draft.id]
    with pytest.raises(Invalid) as refused:
        _ids(admin, state="open,pending")
    assert "state" in refused.value.fields


def test_to_sign_is_the_deputys_a_signer_list(people, bill):
    mine = _open(people, _draft(people, bill, "regol", "7", "Supprimer cet article."))
    signed = _open(people, _draft(people, bill, "regol", "8", "Supprimer cet article."))
    other_group = _open(people, _draft(people, bill, "peu", "7", "Supprimer cet article."))
    invited = _open(people, _draft(people, bill, "peu", "8", "Supprimer cet article."))
    invitations.invite(people["hugo"], invited.id, [people["lucas"].id], NOW)
    signatures.sign(people["lucas"], signed.id, NOW)
    commit()
    assert _ids(people["lucas"], to_sign="me") == [mine.id, invited.id]
    assert _ids(people["regol"], to_sign="me") == []  # her own are signed by right
    assert _ids(people["claire"], to_sign="me") == []
    assert other_group.id not in _ids(people["lucas"], to_sign="me")


def test_not_signed_by_counts_only_current_signatures(people, bill):
    first = _open(people, _draft(people, bill, "regol", "7", "Supprimer cet article."))
    second = _open(people, _draft(people, bill, "regol", "8", "Supprimer cet article."))
    withdrawn = _open(people, _draft(people, bill, "regol", "10", "Supprimer cet article."))
    lucas = people["lucas"]
    signatures.sign(lucas, second.id, NOW)
    signatures.sign(lucas, withdrawn.id, NOW)
    signatures.withdraw(lucas, withdrawn.id, NOW)
    commit()
    claire = people["claire"]
    assert _ids(claire, not_signed_by=lucas.id) == [first.id, withdrawn.id]
    assert _ids(claire, not_signed_by=people["regol"].id) == []  # the author signs by right
    db.session.execute(update(Signature).values(content_hash="0" * 64))  # stale: not counted
    commit()
    assert second.id in _ids(claire, not_signed_by=lucas.id)
    with pytest.raises(Invalid):
        _ids(claire, not_signed_by=claire.id)


def test_identical_keeps_amendments_with_a_visible_twin_at_the_same_place(people, bill):
    one = _draft(people, bill, "regol", "7", "Supprimer cet article.")
    twin = _draft(people, bill, "lucas", "7", "  supprimer  CET article ")
    elsewhere = _draft(people, bill, "regol", "8", "Supprimer cet article.")
    hidden = _draft(people, bill, "peu", "8", "Supprimer cet article.")  # a GDR draft
    commit()
    assert _ids(people["claire"], identical=True) == [one.id, twin.id]
    assert _ids(people["claire"], identical=False) == [elsewhere.id]  # its twin is not visible
    assert set(_ids(people["admin"], identical=True)) == {one.id, twin.id, elsewhere.id, hidden.id}


def test_the_lint_filter_is_refused_until_a_lint_is_stored(people, bill):
    with pytest.raises(Invalid) as refused:
        _ids(people["claire"], lint="errors")
    assert refused.value.fields == {"lint": "indisponible : aucun contrôle enregistré"}


def test_pages_are_bounded_and_the_total_counts_every_match(people, bill):
    drafted = [
        _draft(people, bill, "regol", "7", f"À l'alinéa {n}, supprimer le mot : « de ».")
        for n in range(1, 8)
    ]
    commit()
    items, total = listing.list_amendments(
        people["regol"], ListFilter(text_id=bill.id, order="discussion", per_page=3, page=3)
    )
    assert total == 7 and [a.id for a in items] == [drafted[6].id]
    _, capped = listing.list_amendments(people["regol"], ListFilter(per_page=1000))
    assert len(_) == 7 and capped == 7
    every = listing.matching_ids(people["regol"], ListFilter(text_id=bill.id, order="discussion"))
    assert every == [a.id for a in drafted]
    pages = [
        listing.list_amendments(
            people["regol"], ListFilter(text_id=bill.id, order="discussion", per_page=3, page=n)
        )
        for n in (1, 2, 4)
    ]
    assert [[a.id for a in items] for items, _ in pages] == [every[:3], every[3:6], []]
    assert [total for _, total in pages] == [7, 7, 7]  # past the end: still every match
