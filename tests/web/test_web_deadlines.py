"""Deadline pages: the secretariat's board, the deadline forms (Paris time), deadlines on text and
amendment pages, and the personal iCalendar feed (RFC 5545)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, GroupDeadline
from drafting.rendering.ical import CalendarEvent, calendar, escape_text, fold
from drafting.services import amendments
from drafting.services.deadlines import authority
from drafting.web.deadlines import format_remaining
from tests.conftest import login

COSIGN_BY = datetime(2023, 3, 15, 17, 0, tzinfo=UTC)


def future_text(people, bill, hours: float) -> None:
    """Move the bill's filing deadline `hours` from the real now (pages read the real clock)."""
    when = datetime.now(UTC) + timedelta(hours=hours)
    authority.set_filing_deadline_override(people["admin"], bill.id, when, "Décision", when)
    commit()


def make_amendment(people, bill, state: str, author: str = "regol") -> Amendment:
    data = amendments.Draft(bill.id, amendments.PositionInput("article", "7"), "Supprimer.", "")
    created = amendments.create_amendment(people[author], data, COSIGN_BY)
    created.state = state
    commit()
    return created


# ----- the board -----


def test_the_board_shows_each_text_with_deadlines_countdown_and_counts_per_state(
    client, people, bill
):
    future_text(people, bill, hours=5)
    for state in ("draft", "draft", "open"):
        make_amendment(people, bill, state)
    make_amendment(people, bill, "ready", author="peu")  # GDR: not counted for ECOS
    login(client, people["claire"])
    page = client.get("/echeances").get_data(as_text=True)
    assert "Tableau des échéances du groupe ECOS" in page
    assert "n° 809" in page and "(dérogation)" in page
    assert "Brouillon : 2" in page and "Ouvert à la cosignature : 1" in page
    assert "Clos, prêt au dépôt" not in page
    assert "deadline-soon" in page and "moins de 24 h" in page  # in words, not colour alone
    assert re.search(r"dans [45] h \d\d min", page)


def test_a_deputy_sees_her_upcoming_deadlines_but_not_the_board(client, people, bill):
    future_text(people, bill, hours=72)
    login(client, people["regol"])
    page = client.get("/echeances").get_data(as_text=True)
    assert "Tableau des échéances" not in page
    assert "Délai de dépôt — texte n° 809 (dérogation)" in page and "dans 2 j 23 h" in page
    assert client.get(f"/echeances/textes/{bill.id}").status_code == 403


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (-1, "échue"),
        (59, "dans 0 min"),
        (7 * 60, "dans 7 min"),
        (3 * 3600 + 420, "dans 3 h 07 min"),
        (2 * 86400 + 5 * 3600 + 59, "dans 2 j 5 h"),
    ],
)
def test_the_time_left_reads_in_french(seconds, expected):
    assert format_remaining(timedelta(seconds=seconds)) == expected


# ----- the forms (Paris wall-clock time in, UTC stored) -----


def test_the_secretariat_sets_its_group_deadlines_in_paris_time(client, people, bill):
    login(client, people["claire"])
    response = client.post(
        f"/echeances/textes/{bill.id}/groupe",
        data={"review_by": "2023-03-14T12:00", "cosign_by": "2023-03-15T18:00"},
    )
    assert response.status_code == 302
    row = db.session.query(GroupDeadline).one()
    assert (row.review_by, row.cosign_by) == (datetime(2023, 3, 14, 11, tzinfo=UTC), COSIGN_BY)
    page = client.get(f"/echeances/textes/{bill.id}").get_data(as_text=True)
    assert 'value="2023-03-15T18:00"' in page and "Cosignatures ECOS" in page


def test_a_group_deadline_after_the_filing_deadline_is_422_with_the_input_kept(
    client, people, bill
):
    login(client, people["claire"])
    response = client.post(
        f"/echeances/textes/{bill.id}/groupe",
        data={"review_by": "", "cosign_by": "2023-03-16T18:00"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "doit précéder le délai de dépôt (jeudi 16 mars 2023 à 17 h 00)" in page
    assert 'value="2023-03-16T18:00"' in page and 'aria-invalid="true"' in page


def test_the_override_and_reopening_forms_record_decisions(client, people, bill):
    login(client, people["admin"])
    client.post(
        f"/echeances/textes/{bill.id}/delai",
        data={"filing_deadline": "2023-03-26T02:30", "reason": "Décision du président"},
    )
    db.session.expire_all()
    # 02:30 does not exist on 26 March 2023 in Paris: read with the pre-change offset (UTC+1).
    assert bill.filing_deadline == datetime(2023, 3, 26, 1, 30, tzinfo=UTC)
    response = client.post(
        f"/echeances/textes/{bill.id}/reouvertures",
        data={"article": "8", "until": "2023-03-27T12:00", "reason": "Gvt"},
    )
    assert response.status_code == 302
    page = client.get(f"/echeances/textes/{bill.id}").get_data(as_text=True)
    assert "Article 8 jusqu'au lundi 27 mars 2023 à 12 h 00" in page


def test_a_missing_date_is_422_naming_the_field(client, people, bill):
    login(client, people["admin"])
    response = client.post(f"/echeances/textes/{bill.id}/delai", data={"reason": "x"})
    assert response.status_code == 422 and "obligatoire" in response.get_data(as_text=True)


# ----- text and amendment pages -----


def test_the_text_page_shows_the_deadlines_with_a_live_countdown(client, people, bill):
    authority.set_group_deadlines(people["claire"], bill.id, "ECOS", None, COSIGN_BY, COSIGN_BY)
    commit()
    login(client, people["regol"])
    page = client.get(f"/textes/{bill.id}").get_data(as_text=True)
    assert "Échéances" in page and "art. 99 du Règlement" in page
    assert 'data-deadline="2023-03-15T17:00:00+00:00"' in page and "échue" in page


def test_the_amendment_include_shows_its_article_s_deadline(app, people, bill):
    amendment = make_amendment(people, bill, "open")
    authority.add_reopening(
        people["admin"], bill.id, "7", datetime(2023, 3, 18, tzinfo=UTC), "Gouvernement", COSIGN_BY
    )
    commit()
    with app.test_request_context("/"):
        html = render_template_string(
            '{% include "deadlines/_amendment.html" %}', amendment=amendment
        )
    assert "Dépôt (article 7)" in html and "délai rouvert sur cet article" in html
    assert "samedi 18 mars 2023 à 1 h 00" in html


# ----- the calendar feed -----


def _feed_token(client, user) -> str:
    login(client, user)
    client.post("/echeances/calendrier")
    db.session.expire_all()
    assert user.calendar_token
    return str(user.calendar_token)


def test_the_calendar_feed_is_valid_icalendar_with_my_deadlines(app, people, bill):
    authority.set_group_deadlines(people["claire"], bill.id, "ECOS", None, COSIGN_BY, COSIGN_BY)
    future_text(people, bill, hours=48)
    bill.title = "PROJET DE LOI relatif aux jeux Olympiques, Paralympiques; et autres dispositions"
    commit()
    token = _feed_token(app.test_client(), people["regol"])
    response = app.test_client().get(f"/calendrier/{token}.ics")  # no login
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and raw.endswith(
        b"END:VCALENDAR\r\n"
    )
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    unfolded = raw.decode("utf-8").replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 1  # cosign_by is long past (more than 30 days)
    assert re.search(r"^DTSTART:\d{8}T\d{6}Z\r$", unfolded, re.M)
    assert "SUMMARY:Délai de dépôt — texte n° 809 (dérogation)" in unfolded
    assert "jeux Olympiques\\, Paralympiques\\; et autres dispositions\\nHeure de Paris" in unfolded


def test_an_unknown_or_regenerated_token_is_404(app, client, people):
    token = _feed_token(client, people["regol"])
    assert app.test_client().get("/calendrier/inconnu-inconnu-inconnu-0000.ics").status_code == 404
    client.post("/echeances/calendrier")
    assert app.test_client().get(f"/calendrier/{token}.ics").status_code == 404
    page = client.get("/echeances").get_data(as_text=True)
    db.session.expire_all()
    assert f"/calendrier/{people['regol'].calendar_token}.ics" in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("ligne 1\nligne 2\r\nligne 3", "ligne 1\\nligne 2\\nligne 3"),
    ],
)
def test_text_values_are_escaped(value, expected):
    assert escape_text(value) == expected


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_a_calendar_has_one_vevent_per_deadline_with_utc_times():
    start = datetime(2023, 2, 2, 17, 0, tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    body = calendar("Liasse", [CalendarEvent("a@x", start, "Délai")], start)
    assert "DTSTART:20230202T160000Z\r\n" in body and "DTSTAMP:20230202T160000Z\r\n" in body
    assert body.count("BEGIN:VEVENT") == body.count("END:VEVENT") == 1


def test_a_secretariat_sees_who_decided_the_filing_deadline_but_no_form(client, people, bill):
    when = datetime(2023, 3, 17, 16, 0, tzinfo=UTC)
    authority.set_filing_deadline_override(people["admin"], bill.id, when, "Décision CdP", when)
    commit()
    login(client, people["claire"])
    page = client.get(f"/echeances/textes/{bill.id}").get_data(as_text=True)
    assert "Décision CdP" in page and "Admin Liasse" in page
    assert f'action="/echeances/textes/{bill.id}/delai"' not in page
    assert (
        client.post(
            f"/echeances/textes/{bill.id}/delai",
            data={"filing_deadline": "2023-03-26T02:30", "reason": "x"},
        ).status_code
        == 403
    )
    board = client.get("/echeances").get_data(as_text=True)
    assert "Décision CdP" in board


def test_back_to_the_rule_restores_the_computed_deadline(client, people, bill):
    computed = bill.filing_deadline
    when = datetime(2023, 3, 17, 16, 0, tzinfo=UTC)
    authority.set_filing_deadline_override(people["admin"], bill.id, when, "Décision", when)
    commit()
    login(client, people["admin"])
    client.post(f"/echeances/textes/{bill.id}/delai/regle", data={"reason": "Annulée"})
    db.session.expire_all()
    assert (bill.filing_deadline, bill.filing_deadline_rule) == (computed, "art99")
