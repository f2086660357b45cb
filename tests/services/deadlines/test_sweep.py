"""The deadline sweep closes overdue co-signature once and sends each due reminder once, even run
twice or by two machines at the same time (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Event, Invitation, Notification, SentReminder, Signature
from drafting.services import amendments
from drafting.services.deadlines import authority
from drafting.services.deadlines.sweep import run_sweep
from tests.conftest import make_user

FILING = datetime(2023, 3, 16, 16, 0, tzinfo=UTC)  # jeudi 16 mars 2023 à 17 h 00 (art. 99)
REVIEW_BY = datetime(2023, 3, 14, 11, 0, tzinfo=UTC)
COSIGN_BY = datetime(2023, 3, 15, 17, 0, tzinfo=UTC)
BEFORE = datetime(2023, 3, 10, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def amendment(people, bill, state="draft", author="regol") -> Amendment:
    """A committed amendment on article 7 in `state`."""
    data = amendments.Draft(
        bill.id, amendments.PositionInput("article", "7"), "Supprimer cet article.", ""
    )
    created = amendments.create_amendment(people[author], data, BEFORE)
    created.state = state
    commit()
    return created


@pytest.fixture
def ecos(people, bill):
    """The ECOS secretariat set its review and co-signature deadlines on the bill."""
    authority.set_group_deadlines(people["claire"], bill.id, "ECOS", REVIEW_BY, COSIGN_BY, BEFORE)
    commit()


def sign(amendment_obj: Amendment, deputy, content_hash: str | None = None) -> None:
    db.session.add(
        Signature(
            amendment_id=amendment_obj.id,
            deputy_id=deputy.id,
            version=amendment_obj.version,
            content_hash=content_hash or amendment_obj.content_hash,
            first_signed_at=BEFORE,
            signed_at=BEFORE,
        )
    )


def invite(amendment_obj: Amendment, deputy, by, declined: bool = False) -> None:
    db.session.add(
        Invitation(
            amendment_id=amendment_obj.id,
            deputy_id=deputy.id,
            invited_by_id=by.id,
            invited_at=BEFORE,
            declined_at=BEFORE if declined else None,
        )
    )


def sweep(now: datetime):
    report = run_sweep(now)
    commit()
    return report


def reminded(kind: str) -> dict[str, int]:
    """Reminder notifications of a kind, counted per recipient's e-mail local part."""
    from drafting.models import User

    query = (
        select(User.email, func.count(Notification.id))
        .join(User, User.id == Notification.user_id)
        .where(Notification.kind == kind)
        .group_by(User.email)
    )
    return {email.split("@")[0]: count for email, count in db.session.execute(query)}


# ----- closing -----


def test_an_open_amendment_is_closed_once_its_group_cosign_by_has_passed(people, bill, ecos):
    target = amendment(people, bill, "open")
    assert sweep(COSIGN_BY).closed == ()  # the deadline instant itself is still open
    report = sweep(COSIGN_BY + timedelta(minutes=1))
    assert report.closed == (target.id,)
    db.session.refresh(target)
    assert target.state == "ready"
    [event] = db.session.scalars(
        select(Event).where(Event.amendment_id == target.id, Event.action == "closed")
    ).all()
    assert (event.actor_id, event.from_state, event.to_state) == (None, "open", "ready")
    assert event.data["by"] == "system"
    assert sweep(COSIGN_BY + 2 * H).closed == ()


def test_the_sweep_leaves_other_states_and_other_groups_alone(people, bill, ecos):
    draft = amendment(people, bill, "draft")
    gdr_open = amendment(people, bill, "open", author="peu")
    report = sweep(COSIGN_BY + H)
    assert report.closed == ()
    assert (draft.state, gdr_open.state) == ("draft", "open")


# ----- reminders -----


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(REVIEW_BY - 25 * H, {}, id="too_early"),
        pytest.param(REVIEW_BY - 24 * H, {"sandra.regol": 1, "léa.moreau": 1}, id="24h_before"),
        pytest.param(REVIEW_BY - H, {"sandra.regol": 1, "léa.moreau": 1}, id="late_sweep_sends_2h"),
        pytest.param(REVIEW_BY + H, {}, id="after_the_deadline"),
    ],
)
def test_authors_and_their_assistants_are_reminded_of_unsubmitted_drafts(
    people, bill, ecos, now, expected
):
    amendment(people, bill, "draft")
    amendment(people, bill, "in_review", author="lucas")  # submitted: no reminder
    sweep(now)
    sweep(now)
    assert reminded("deadline_review") == expected


def test_the_24h_and_the_2h_review_reminders_are_each_sent_once(people, bill, ecos):
    amendment(people, bill, "draft")
    for now in (REVIEW_BY - 24 * H, REVIEW_BY - 23 * H, REVIEW_BY - 2 * H, REVIEW_BY - H):
        sweep(now)
    assert reminded("deadline_review") == {"sandra.regol": 2, "léa.moreau": 2}
    message = db.session.scalars(select(Notification.message)).first()
    assert message is not None and "mardi 14 mars 2023 à 12 h 00" in message


def test_cosign_reminders_reach_invitees_without_answer_and_stale_signatories(people, bill, ecos):
    target = amendment(people, bill, "open")
    invite(target, people["peu"], people["regol"])  # no answer yet: reminded
    declined = make_user("Elsa Faucillon", "deputy", "GDR", civility="Mme")
    invite(target, declined, people["regol"], declined=True)  # answered no
    sign(target, people["lucas"])  # signed the current text
    sign(target, people["bayou"], content_hash="0" * 64)  # stale: must re-confirm
    commit()
    sweep(COSIGN_BY - 2 * H)
    sweep(COSIGN_BY - 2 * H)
    assert reminded("deadline_cosign") == {"stéphane.peu": 1, "julien.bayou": 1}


def test_the_secretariat_is_reminded_of_unfiled_amendments_24h_before_filing(people, bill):
    amendment(people, bill, "ready")
    amendment(people, bill, "open")
    sweep(FILING - 25 * H)
    assert reminded("deadline_filing") == {}
    sweep(FILING - 23 * H)
    sweep(FILING - 22 * H)
    assert reminded("deadline_filing") == {"claire.dupont": 1}  # GDR has nothing unfiled
    message = db.session.scalar(
        select(Notification.message).where(Notification.kind == "deadline_filing")
    )
    assert message is not None and "2 amendements du groupe non encore déposés" in message


def test_a_moved_deadline_is_reminded_again(people, bill, ecos):
    amendment(people, bill, "draft")
    sweep(REVIEW_BY - 2 * H)
    later = REVIEW_BY + 12 * H
    authority.set_group_deadlines(people["claire"], bill.id, "ECOS", later, COSIGN_BY, BEFORE)
    commit()
    sweep(later - 2 * H)
    assert reminded("deadline_review") == {"sandra.regol": 2, "léa.moreau": 2}


def test_running_the_sweep_twice_does_nothing_more(people, bill, ecos):
    amendment(people, bill, "open")
    amendment(people, bill, "draft")
    first = sweep(COSIGN_BY + timedelta(minutes=5))
    assert len(first.closed) == 1
    again = sweep(COSIGN_BY + timedelta(minutes=5))
    assert again.closed == () and again.reminders == ()
    assert str(again) == "Balayage des échéances : 0 amendement(s) clos, 0 rappel(s) envoyé(s)."


# ----- two machines at once (PostgreSQL) -----


def _sweep_in_thread(app, now, barrier, reports, errors):
    with app.app_context():
        try:
            barrier.wait()
            reports.append(run_sweep(now))
            commit()
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            db.session.remove()


@pytest.mark.postgres
def test_two_concurrent_sweeps_close_each_amendment_once_and_remind_once(app, people, bill, ecos):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED and concurrent transactions need PostgreSQL")
    opened = [amendment(people, bill, "open").id for _ in range(12)]
    for _ in range(3):
        target = amendment(people, bill, "open", author="lucas")
        invite(target, people["peu"], people["lucas"])
    commit()
    # Both sweep 1 h before cosign_by (a reminder to send), then 1 h after: 15 to close and the
    # secretariat's reminder, the filing deadline being 23 h away.
    reports: list = []
    errors: list = []
    for now in (COSIGN_BY - H, COSIGN_BY + H):
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=_sweep_in_thread, args=(app, now, barrier, reports, errors))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    closed = [i for report in reports for i in report.closed]
    assert len(closed) == len(set(closed)) == 15 and set(opened) <= set(closed)
    db.session.expire_all()
    closings = db.session.execute(
        select(Event.amendment_id, func.count(Event.id))
        .where(Event.action == "closed")
        .group_by(Event.amendment_id)
    ).all()
    assert len(closings) == 15 and {count for _, count in closings} == {1}
    sent = [k for report in reports for k in report.reminders]
    assert len(sent) == len(set(sent)) == 2
    assert reminded("deadline_cosign") == {"stéphane.peu": 1}
    assert reminded("deadline_filing") == {"claire.dupont": 1}
    assert db.session.scalar(select(func.count(SentReminder.id))) == 2


def test_the_sweep_command_prints_its_report(app, people, bill):
    bill.filing_deadline = datetime(2023, 3, 16, 16, 0, tzinfo=UTC)
    authority.set_group_deadlines(people["claire"], bill.id, "ECOS", None, COSIGN_BY, BEFORE)
    amendment(people, bill, "open")
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "1 amendement(s) clos" in result.output
