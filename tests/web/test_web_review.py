"""Review pages: the secretariat's queue and bulk approval, workflow buttons, timeline, inbox."""

from __future__ import annotations

import re

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment
from drafting.services import amendments
from drafting.services.workflow import transitions
from tests.conftest import NOW, login
from workflows.textdiff import word_diff


def make(people, bill, state="draft", author="regol", article="7", dispositif=None):
    """A committed amendment in `state`."""
    data = amendments.Draft(
        bill.id,
        amendments.PositionInput("article", article),
        dispositif or "Supprimer cet article.",
        "Exposé sommaire.",
    )
    amendment = amendments.create_amendment(people[author], data, NOW)
    amendment.state = state
    commit()
    return amendment


def page(client, amendment_id: int) -> str:
    return client.get(f"/amendements/{amendment_id}").get_data(as_text=True)


def test_the_queue_lists_the_group_s_amendments_in_review_only(client, people, bill):
    waiting = make(people, bill, "in_review")
    make(people, bill, "draft")
    other_group = make(people, bill, "in_review", author="peu")
    login(client, people["claire"])
    html = client.get("/relecture").get_data(as_text=True)
    assert f'value="{waiting.id}"' in html
    assert f'value="{other_group.id}"' not in html
    assert "1 amendement en attente de relecture" in html


def test_the_queue_filters_by_text_article_and_words(client, people, bill):
    on_7 = make(people, bill, "in_review")
    on_8 = make(
        people,
        bill,
        "in_review",
        article="8",
        dispositif="À l'alinéa 2, substituer aux mots « 50 % » les mots « 100 % ».",
    )
    login(client, people["claire"])

    def listed(query: str) -> set[int]:
        html = client.get(f"/relecture?{query}").get_data(as_text=True)
        return {int(v) for v in re.findall(r'name="ids" value="(\d+)"', html)}

    assert listed(f"text_id={bill.id}") == {on_7.id, on_8.id}
    assert listed("article=8") == {on_8.id}
    assert listed("q=50 %") == {on_8.id}
    assert listed("q=supprimer") == {on_7.id}
    assert listed("text_id=999") == set()


def test_the_queue_is_for_secretariats(client, people, bill):
    login(client, people["regol"])
    assert client.get("/relecture").status_code == 403
    assert client.post("/relecture/approuver", data={"ids": ["1"]}).status_code == 403


def test_bulk_approval_shows_one_result_per_amendment(client, people, bill):
    first, second = make(people, bill, "in_review"), make(people, bill, "in_review")
    already = make(people, bill, "open")
    login(client, people["claire"])
    response = client.post(
        "/relecture/approuver", data={"ids": [str(first.id), str(second.id), str(already.id)]}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 approuvés sur 3" in html
    assert html.count("Approuvé : ouvert à la cosignature.") == 2
    assert "Refusé : Action impossible : l&#39;amendement est à l&#39;état « ouvert" in html
    db.session.expire_all()
    assert [db.session.get(Amendment, a.id).state for a in (first, second)] == ["open", "open"]


def test_bulk_approval_without_a_selection_asks_for_one(client, people, bill):
    login(client, people["claire"])
    response = client.post("/relecture/approuver", data={}, follow_redirects=True)
    assert "Sélectionnez au moins un amendement." in response.get_data(as_text=True)


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'name="action" value="([a-z_]+)"', html))


def test_the_amendment_page_shows_only_the_actions_the_user_may_take(client, people, bill):
    amendment = make(people, bill)
    login(client, people["regol"])
    assert _buttons(page(client, amendment.id)) == {"submit", "abandon"}
    amendment.state = "in_review"
    commit()
    assert _buttons(page(client, amendment.id)) == {"abandon"}
    client.post("/logout")
    login(client, people["claire"])
    html = page(client, amendment.id)
    assert _buttons(html) == {"request_changes", "approve", "abandon"}
    assert 'name="comment"' in html and "Demander des modifications" in html


def test_filing_and_outcome_forms_ask_for_the_number_and_the_outcome(client, people, bill):
    ready, filed = make(people, bill, "ready"), make(people, bill, "filed")
    login(client, people["claire"])
    assert 'name="number"' in page(client, ready.id)
    html = page(client, filed.id)
    assert _buttons(html) == {"rectify", "record_outcome"}
    assert '<option value="irrecevable">Irrecevable</option>' in html


def test_a_button_moves_the_amendment_and_says_so(client, people, bill):
    amendment = make(people, bill)
    login(client, people["lea"])
    response = client.post(
        f"/amendements/{amendment.id}/transitions", data={"action": "submit"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Amendement soumis à la relecture du secrétariat." in html
    assert "En relecture" in html


def test_a_refused_action_is_explained_and_changes_nothing(client, people, bill):
    amendment = make(people, bill, "in_review")
    login(client, people["claire"])
    response = client.post(
        f"/amendements/{amendment.id}/transitions",
        data={"action": "request_changes", "comment": ""},
        follow_redirects=True,
    )
    assert "Refusé : Le champ « comment » est obligatoire" in response.get_data(as_text=True)
    response = client.post(
        f"/amendements/{amendment.id}/transitions",
        data={"action": "file", "number": "27"},
        follow_redirects=True,
    )
    assert "l&#39;état « en relecture »" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Amendment, amendment.id).state == "in_review"


def test_acting_on_an_amendment_one_cannot_see_is_404(client, people, bill):
    amendment = make(people, bill)
    login(client, people["hugo"])
    response = client.post(f"/amendements/{amendment.id}/transitions", data={"action": "abandon"})
    assert response.status_code == 404


def test_the_timeline_shows_who_for_whom_when_and_an_escaped_word_diff(client, people, bill):
    amendment = make(people, bill)
    edit = amendments.Edit(1, dispositif="Supprimer <b>entièrement</b> cet article.")
    amendments.update_amendment(people["lea"], amendment.id, edit, NOW)
    transitions.transition(people["lea"], amendment.id, "submit", now=NOW)
    commit()
    login(client, people["regol"])
    html = page(client, amendment.id)
    assert "Léa Moreau</strong> pour Mme\u00a0Sandra Regol" in html
    assert "lundi 20 mars 2023 à 10 h 00" in html  # 9:00 UTC in Paris
    assert "Supprimer<ins> &lt;b&gt;entièrement&lt;/b&gt;</ins> cet article." in html
    assert "(Brouillon → En relecture)" in html


def test_the_timeline_shows_deletions_and_comments(client, people, bill):
    amendment = make(people, bill, dispositif="Supprimer les alinéas 3 et 4.")
    amendments.update_amendment(
        people["regol"], amendment.id, amendments.Edit(1, dispositif="Supprimer l'alinéa 3."), NOW
    )
    commit()
    login(client, people["claire"])
    client.post(f"/amendements/{amendment.id}/commentaires", data={"text": "Vu avec le groupe."})
    html = page(client, amendment.id)
    assert "<del>" in html and "<ins>" in html
    assert "Vu avec le groupe." in html and "a commenté" in html


def test_the_secretariat_presents_an_amendment_with_the_group_from_the_page(client, people, bill):
    amendment = make(people, bill, "open")
    login(client, people["claire"])
    client.post(f"/amendements/{amendment.id}/groupe", data={"presented_by_group": "1"})
    html = page(client, amendment.id)
    assert "présenté avec les membres du groupe Écologiste et Social" in html
    client.post("/logout")
    login(client, people["regol"])
    response = client.post(f"/amendements/{amendment.id}/groupe", data={}, follow_redirects=True)
    assert "Refusé" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Amendment, amendment.id).presented_by_group is True


def test_the_inbox_lists_notifications_and_the_nav_counts_the_unread(client, people, bill):
    amendment = make(people, bill)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    commit()
    login(client, people["claire"])
    html = client.get("/notifications").get_data(as_text=True)
    assert "Mme\u00a0Sandra Regol soumet l&#39;amendement #" in html
    assert re.search(r'class="badge"[^>]*>1<', html)
    note_id = re.search(r"/notifications/(\d+)/lue", html).group(1)
    client.post(f"/notifications/{note_id}/lue")
    html = client.get("/notifications").get_data(as_text=True)
    assert 'class="badge"' not in html and "Marquer comme lu" not in html


def test_an_edit_is_diffed_once_when_saved_not_on_every_view(client, people, bill, monkeypatch):
    amendment = make(people, bill)
    edit = amendments.Edit(1, dispositif="Supprimer entièrement cet article.")
    amendments.update_amendment(people["regol"], amendment.id, edit, NOW)
    commit()
    saved = amendments.revision_changes(amendment.id)
    expected = word_diff("Supprimer cet article.", "Supprimer entièrement cet article.")
    assert saved[2]["dispositif"] == [list(segment) for segment in expected]

    def no_diff(old, new):
        raise AssertionError("diffed on a page view")

    monkeypatch.setattr(amendments, "word_diff", no_diff)
    login(client, people["regol"])
    assert "<ins>" in page(client, amendment.id)
