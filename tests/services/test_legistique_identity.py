"""Identical and competing amendments: found by the normalised digest and the stored touches,
only among the amendments the viewer may see, abandoned ones left out."""

from __future__ import annotations

from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import AmendmentTouch
from drafting.services import amendments
from drafting.services.legistique import identity
from tests.conftest import NOW, login
from tests.documents_helpers import make_amendment

NBSP = "\u00a0"
WORDS_3 = (
    f"À l’alinéa{NBSP}3, substituer au mot{NBSP}:\n«{NBSP}article{NBSP}»\n"
    f"le mot{NBSP}:\n«{NBSP}titre{NBSP}»."
)
# The same, typed carelessly: straight quotes, plain spaces, upper case, no final period.
WORDS_3_TYPED = 'À L\'ALINÉA 3, substituer au mot :\n"article"\nle mot :\n"titre"'


def test_an_identical_dispositif_is_found_whatever_its_spaces_quotes_and_case(people, bill):
    theirs = make_amendment(people["lucas"], bill, dispositif=WORDS_3, state="open")
    mine = make_amendment(people["regol"], bill, dispositif=WORDS_3_TYPED)
    found = identity.concordance(people["regol"], mine)
    assert [(r.id, r.group, r.state) for r in found.identical] == [(theirs.id, "ECOS", "open")]
    assert found.competing == []  # identical ones are not listed twice


def test_identical_means_the_same_article_and_position(people, bill):
    make_amendment(people["lucas"], bill, article="8", dispositif="Supprimer cet article.")
    make_amendment(people["lucas"], bill, kind="after_article", dispositif="Supprimer cet article.")
    mine = make_amendment(people["lucas"], bill, dispositif="Supprimer cet article.")
    assert identity.identical(people["lucas"], mine) == []


def test_only_visible_and_live_amendments_are_named(people, bill):
    make_amendment(people["peu"], bill, dispositif=WORDS_3)  # another group's draft
    make_amendment(people["lucas"], bill, dispositif=WORDS_3, state="abandoned")
    filed = make_amendment(people["peu"], bill, dispositif=WORDS_3, state="filed", number="12")
    mine = make_amendment(people["regol"], bill, dispositif=WORDS_3)
    found = identity.identical(people["regol"], mine)
    assert [(r.id, r.number, r.group) for r in found] == [(filed.id, "12", "GDR")]


def test_amendments_on_the_same_alinea_or_words_compete(people, bill):
    deletion = make_amendment(people["lucas"], bill, dispositif=f"Supprimer l’alinéa{NBSP}3.")
    elsewhere = make_amendment(people["lucas"], bill, dispositif=f"Supprimer l’alinéa{NBSP}4.")
    whole = make_amendment(people["lucas"], bill, dispositif="Supprimer cet article.")
    insertion = make_amendment(
        people["lucas"],
        bill,
        dispositif=f"Après l’alinéa{NBSP}3, insérer l’alinéa suivant{NBSP}:\n«{NBSP}Ajout.{NBSP}»",
    )
    mine = make_amendment(people["lucas"], bill, dispositif=WORDS_3)
    found = identity.concordance(people["lucas"], mine)
    assert {r.id for r in found.competing} == {deletion.id, whole.id}
    assert found.competing_total == 2
    assert elsewhere.id not in {r.id for r in found.competing}
    assert insertion.id not in {r.id for r in found.competing}


def test_words_elsewhere_in_the_same_alinea_do_not_compete(people, bill):
    other_words = make_amendment(
        people["lucas"],
        bill,
        dispositif=f"À l’alinéa{NBSP}3, supprimer le mot{NBSP}:\n«{NBSP}Alinéa{NBSP}».",
    )
    mine = make_amendment(people["lucas"], bill, dispositif=WORDS_3)
    found = identity.concordance(people["lucas"], mine)
    assert other_words.id not in {r.id for r in found.competing}


def test_an_edit_replaces_the_stored_touches(people, bill):
    mine = make_amendment(people["regol"], bill, dispositif=f"Supprimer l’alinéa{NBSP}3.")
    edit = amendments.Edit(version=1, dispositif=f"Supprimer l’alinéa{NBSP}5.")
    amendments.update_amendment(people["regol"], mine.id, edit, NOW)
    commit()
    stored = db.session.execute(
        select(AmendmentTouch.kind, AmendmentTouch.alinea).where(
            AmendmentTouch.amendment_id == mine.id
        )
    ).all()
    assert [tuple(row) for row in stored] == [("alinea", 5)]


def test_a_new_article_touches_nothing_and_competes_with_nothing(people, bill):
    mine = make_amendment(people["regol"], bill, kind="after_article", dispositif="Texte.")
    make_amendment(people["regol"], bill, dispositif="Supprimer cet article.")
    assert identity.concordance(people["regol"], mine).competing == []


def test_the_api_names_identical_and_competing_amendments_on_one_amendment_only(api, people, bill):
    theirs = make_amendment(people["lucas"], bill, dispositif=WORDS_3, state="open")
    rival = make_amendment(people["lucas"], bill, dispositif=f"Supprimer l’alinéa{NBSP}3.")
    client = api(people["regol"])
    body = {
        "text_id": bill.id,
        "position": {"kind": "article", "article": "7", "alinea": 3},
        "dispositif": WORDS_3_TYPED,
        "expose": "Exposé.",
    }
    created = client.post("/amendments", body).get_json()
    assert [(r["id"], r["group"], r["may_sign"]) for r in created["identical"]] == [
        (theirs.id, "ECOS", True)
    ]
    assert created["competing"] == []  # the rival is Lucas's draft: Regol may not see it
    read = api(people["claire"]).get(f"/amendments/{created['id']}").get_json()
    assert [r["id"] for r in read["competing"]] == [rival.id]
    assert read["identical"][0]["may_sign"] is False  # a secretariat does not sign
    listed = client.get(f"/amendments?text_id={bill.id}").get_json()["items"]
    assert all("identical" not in item and "competing" not in item for item in listed)


def test_the_page_says_identical_and_offers_to_cosign_the_other(client, people, bill):
    theirs = make_amendment(people["lucas"], bill, dispositif=WORDS_3, state="filed", number="31")
    theirs.state = "open"
    commit()
    login(client, people["regol"])
    saved = client.post(
        f"/amendements/nouveau/{bill.id}",
        data={"kind": "article", "article": "7", "dispositif": WORDS_3_TYPED, "expose": "E."},
        follow_redirects=True,
    )
    page = saved.get_data(as_text=True)
    assert "Identique à l&#39;amendement n° 31 (groupe ECOS)." in page  # the flash
    assert "Amendements identiques et concurrents" in page
    assert f'href="/amendements/{theirs.id}/signer"' in page
    assert "Cosigner celui-ci plutôt" in page
