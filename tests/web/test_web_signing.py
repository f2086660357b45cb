"""Co-signature pages: "À signer", consent screen, re-confirm with the diff, withdraw, decline,
invite, void, and the signature panel with 200 names."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from sqlalchemy import event, insert

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Signature
from drafting.services import amendments
from drafting.services.accounts import registration
from drafting.services.cosigning import invitations, signatures
from tests.conftest import NOW, login

LATER = NOW + timedelta(hours=1)


def html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def follow(client, path: str, data: dict | None = None) -> str:
    return client.post(path, data=data or {}, follow_redirects=True).get_data(as_text=True)


def test_the_to_sign_list_and_the_nav_badge_show_what_waits_for_a_deputy(client, people, opened):
    login(client, people["lucas"])
    page = html(client, "/a-signer")
    assert f"/amendements/{opened.id}/signer" in page
    assert "Amendement de votre groupe" in page and "Supprimer cet article." in page
    assert 'À signer <span class="badge"' in page


def test_the_consent_screen_shows_the_exact_text_version_and_hash(client, people, opened):
    login(client, people["lucas"])
    page = html(client, f"/amendements/{opened.id}/signer")
    assert "ARTICLE 7" in page and "EXPOSÉ SOMMAIRE" in page
    assert "Supprimer cet article." in page
    assert "Version 1" in page and opened.content_hash[:12] in page
    assert "Je cosigne ce texte" in page
    assert f'name="content_hash" value="{opened.content_hash}"' in page


def test_signing_from_the_consent_screen_puts_the_deputy_in_the_panel(client, people, opened):
    login(client, people["lucas"])
    page = follow(client, f"/amendements/{opened.id}/signer", {"content_hash": opened.content_hash})
    assert "Signature enregistrée : vous cosignez la version 1." in page
    assert "Benjamin Lucas-Lundy" in page and "premier signataire" in page
    assert "Vous cosignez cette version" in page and "Retirer ma signature" in page


def test_a_consent_given_on_a_text_that_changed_since_is_refused(client, people, opened):
    shown = opened.content_hash
    amendments.update_amendment(
        people["regol"], opened.id, amendments.Edit(1, dispositif="Autre rédaction."), LATER
    )
    commit()
    login(client, people["lucas"])
    page = follow(client, f"/amendements/{opened.id}/signer", {"content_hash": shown})
    assert "Refusé : Le texte a changé depuis que vous l&#39;avez lu" in page
    assert signatures.signatures_of(opened) == []


def test_assistants_cannot_sign_from_the_pages(client, people, opened):
    login(client, people["lea"])
    page = follow(client, f"/amendements/{opened.id}/signer", {})
    assert "Refusé : Seuls les députés cosignent" in page


def test_a_stale_signature_shows_the_diff_and_is_reconfirmed_in_one_action(client, people, opened):
    signatures.sign(people["lucas"], opened.id, LATER)
    amendments.update_amendment(
        people["regol"],
        opened.id,
        amendments.Edit(1, dispositif="Supprimer les alinéas 1 à 3."),
        LATER,
    )
    commit()
    login(client, people["lucas"])
    show = html(client, f"/amendements/{opened.id}")
    assert "à reconfirmer" in show and "<strong>0</strong> cosignataire" in show
    page = html(client, f"/amendements/{opened.id}/signer")
    assert "<del>cet article</del>" in page and "<ins>les alinéas 1 à 3</ins>" in page
    assert "Je reconfirme" in page
    done = follow(client, f"/amendements/{opened.id}/signer", {"content_hash": opened.content_hash})
    assert "vous cosignez la version 2" in done and "<strong>1</strong> cosignataire" in done


def test_withdrawing_from_the_page_is_dated_in_the_panel(client, people, opened):
    signatures.sign(people["lucas"], opened.id, LATER)
    commit()
    login(client, people["lucas"])
    page = follow(client, f"/amendements/{opened.id}/signature/retirer")
    assert "Signature retirée" in page and "retirée le" in page
    assert "Lire et cosigner" in page  # may sign again (at the end of the order)


def test_the_timeline_names_every_signature_act_in_french(client, people, opened):
    invitations.invite(people["regol"], opened.id, [people["peu"].id], LATER)
    invitations.decline(people["peu"], opened.id, LATER)
    signatures.sign(people["lucas"], opened.id, LATER)
    amendments.update_amendment(
        people["regol"], opened.id, amendments.Edit(1, dispositif="Supprimer l'alinéa 1."), LATER
    )
    signatures.sign(people["lucas"], opened.id, LATER)
    signatures.withdraw(people["lucas"], opened.id, LATER)
    signatures.sign(people["bayou"], opened.id, LATER)
    signatures.void(people["claire"], opened.id, people["bayou"].id, "Signé par erreur.", LATER)
    commit()
    login(client, people["regol"])
    page = unescape(html(client, f"/amendements/{opened.id}"))
    timeline = page.split('id="timeline-title"')[1]
    for label in (
        "a invité à cosigner",
        "a décliné l'invitation à cosigner",
        "a cosigné",
        "a reconfirmé sa signature",
        "a retiré sa signature",
        "a annulé une signature",
    ):
        assert label in timeline, label
    assert "Signé par erreur." in timeline and "Invités : Stéphane Peu" in timeline
    for raw in ("declined", "reconfirmed", "withdrawn", "voided"):
        assert f"</strong>{raw}" not in "".join(timeline.split()), raw


def test_an_invited_deputy_declines_from_the_consent_screen(client, people, opened):
    invitations.invite(people["regol"], opened.id, [people["peu"].id], LATER)
    commit()
    login(client, people["peu"])
    page = html(client, f"/amendements/{opened.id}/signer")
    assert "Décliner l'invitation" in page
    listed = follow(client, f"/amendements/{opened.id}/invitation/decliner")
    assert "Invitation déclinée." in listed and "Rien à signer" in listed


def test_the_invitation_form_offers_deputies_of_other_groups(client, people, opened):
    login(client, people["regol"])
    page = html(client, f"/amendements/{opened.id}/inviter")
    assert "Stéphane Peu" in page and "Julien Bayou" not in page
    done = follow(
        client, f"/amendements/{opened.id}/inviter", {"deputy_ids": [str(people["peu"].id)]}
    )
    assert "Invitation envoyée (1 député)." in done
    assert "Invités à cosigner" in done and "Stéphane Peu" in done


def test_only_the_author_side_and_the_secretariat_see_the_invitation_form(client, people, opened):
    login(client, people["lucas"])
    assert client.get(f"/amendements/{opened.id}/inviter").status_code == 403


def test_the_secretariat_voids_a_signature_with_a_reason(client, people, opened):
    signatures.sign(people["bayou"], opened.id, LATER)
    commit()
    path = f"/amendements/{opened.id}/signatures/{people['bayou'].id}/annuler"
    login(client, people["claire"])
    assert f'<option value="{people["bayou"].id}">' in html(client, f"/amendements/{opened.id}")
    chosen = client.get(
        f"/amendements/{opened.id}/signatures/annuler?deputy_id={people['bayou'].id}"
    )
    assert chosen.headers["Location"].endswith(path)
    assert client.post(path, data={"reason": ""}).status_code == 422
    page = follow(client, path, {"reason": "Signée à la place d'un collègue"})
    assert "annulée&nbsp;: Signée à la place d&#39;un collègue" in page


def test_a_deputy_cannot_open_the_void_form(client, people, opened):
    signatures.sign(people["bayou"], opened.id, LATER)
    commit()
    login(client, people["lucas"])
    path = f"/amendements/{opened.id}/signatures/{people['bayou'].id}/annuler"
    assert client.get(path).status_code == 403


def _cosign(amendment, count: int, prefix: str) -> None:
    ids = [
        registration.create_user(
            email=f"{prefix}{n}@an.example",
            name=f"Député {prefix} {n}",
            role="deputy",
            password="Motdepasse-solide-42",
            group_code="ECOS",
        ).id
        for n in range(count)
    ]
    start = NOW + timedelta(hours=len(prefix))
    db.session.execute(
        insert(Signature),
        [
            {
                "amendment_id": amendment.id,
                "deputy_id": deputy_id,
                "version": 1,
                "content_hash": amendment.content_hash,
                "first_signed_at": start + timedelta(seconds=n),
                "signed_at": start + timedelta(seconds=n),
            }
            for n, deputy_id in enumerate(ids)
        ],
    )
    commit()


def _page_queries(client, path: str) -> tuple[int, str]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    db.session.expunge_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = html(client, path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen), page


def test_the_panel_lists_200_cosignatories_in_a_constant_number_of_queries(client, people, opened):
    _cosign(opened, 3, "a")
    login(client, people["claire"])
    html(client, f"/amendements/{opened.id}")
    few, _ = _page_queries(client, f"/amendements/{opened.id}")
    _cosign(opened, 197, "bb")
    many, page = _page_queries(client, f"/amendements/{opened.id}")
    assert many == few
    assert "<strong>200</strong> cosignataires" in page
    assert page.index("Député a 0") < page.index("Député bb 196")
