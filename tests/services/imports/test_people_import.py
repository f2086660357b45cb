"""Importing deputies and groups: names kept apart, the Assembly's ids, memberships with dates,
non-attached deputies, matching by id then e-mail, no password set (a welcome link instead)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from drafting.db import commit
from drafting.errors import Conflict, Forbidden, Invalid
from drafting.extensions import db
from drafting.models import AccountInvitation, Group, GroupMembership, Signature, User
from drafting.rendering.sheet import AmendmentSheet, Signatory, signatory_line
from drafting.services.accounts import passwords, welcome
from drafting.services.assembly.people import parse_people_files, parse_people_source
from drafting.services.assembly.people_import import import_people, set_printed_mention
from tests.amo_records import acteur, files, mandate, organe
from tests.conftest import NOW

SOC = organe("PO845419", "SOC", "SOC", "Socialistes et apparentés")
ECOS = organe("PO845439", "ECOS", "EcoS", "Écologiste et Social")
NI = organe("PO840056", "NI", "NI", "Non inscrit")
PIRES_BEAUNE = acteur(
    "PA720430",
    "Mme",
    "Christine",
    "Pirès Beaune",
    "christine.pires-beaune@assemblee-nationale.fr",
    [mandate("PO845419", "2024-07-19")],
)
REGOL = acteur(
    "PA793218",
    "Mme",
    "Sandra",
    "Regol",
    "sandra.regol@an.example",
    [mandate("PO845439", "2024-07-19")],
)


LATER = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # the memberships below start in July 2024


def _import(*records, now: datetime = LATER, actor=None):
    return import_people(actor, parse_people_files(files(*records)), now, source="test")


def _sheet(author: User) -> AmendmentSheet:
    return AmendmentSheet(
        text_title="T",
        text_number="1",
        stage="seance",
        position_kind="article",
        article_number="1er",
        alinea=None,
        number=None,
        state="draft",
        outcome=None,
        date=date(2025, 3, 28),
        author=Signatory(author.civility, author.first_name, author.last_name),
        cosignatories=(),
        group_name=None,
        dispositif="Supprimer cet article.",
        expose="",
        version=1,
        content_hash="0" * 64,
    )


def test_a_new_deputy_keeps_her_names_apart_and_is_printed_as_the_assembly_does(app):
    summary = _import(SOC, PIRES_BEAUNE)
    commit()
    user = db.session.scalar(select(User).where(User.assembly_id == "PA720430"))
    assert user is not None
    assert (user.civility, user.first_name, user.last_name) == ("Mme", "Christine", "Pirès Beaune")
    assert user.role == "deputy" and user.group is not None and user.group.code == "SOC"
    assert signatory_line(_sheet(user)) == "Mme\u00a0Pirès Beaune"
    assert summary.deputies_created == 1 and summary.groups_created == 1


def test_an_import_sets_no_password_and_sends_a_welcome_link_used_once(app):
    _import(SOC, PIRES_BEAUNE)
    commit()  # the welcome e-mail goes out after the commit (inline without Redis)
    user = db.session.scalar(select(User).where(User.assembly_id == "PA720430"))
    assert user is not None and not passwords.verify_password(user, "")
    invitation = db.session.scalar(select(AccountInvitation))
    assert invitation is not None and invitation.user_id == user.id
    link = welcome.issue_link(invitation, NOW)  # the job made one; a new one replaces it
    token = link.rsplit("/", 1)[1]
    welcome.accept(token, "Un-mot-de-passe-1", NOW)
    commit()
    assert passwords.verify_password(user, "Un-mot-de-passe-1")
    with pytest.raises(Exception, match="déjà utilisé"):
        welcome.accept(token, "Un-autre-mot-de-passe-2", NOW)


def test_existing_accounts_are_matched_by_assembly_id_then_email(people):
    regol = people["regol"]
    _import(ECOS, REGOL)
    commit()
    assert db.session.scalar(select(func.count(User.id)).where(User.role == "deputy")) == 4
    assert regol.assembly_id == "PA793218"
    # matched by id now, whatever the address
    renamed = acteur("PA793218", "Mme", "Sandra", "Regol", "autre@an.example", [])
    summary = _import(ECOS, renamed)
    assert summary.deputies_created == 0 and summary.deputies_unchanged == 1
    # the group created by hand is the Assembly's
    ecos = db.session.scalar(select(Group).where(Group.code == "ECOS"))
    assert ecos is not None and ecos.assembly_id == "PO845439"
    assert db.session.scalar(select(func.count(Group.id))) == 2


def test_an_address_held_by_another_deputy_is_refused(people):
    _import(ECOS, REGOL)
    thief = acteur("PA000001", "M.", "Jean", "Autre", "sandra.regol@an.example", [])
    with pytest.raises(Conflict):
        _import(ECOS, thief)


def test_a_non_attached_deputy_has_no_group_and_no_mention(app, open_data: Path):
    parsed = parse_people_source(open_data / "an-opendata-AMO10" / "json")
    import_people(None, parsed, datetime(2025, 11, 20, tzinfo=UTC), source="AMO10")
    commit()
    pradie = db.session.scalar(select(User).where(User.assembly_id == "PA720100"))
    assert pradie is not None and pradie.group_id is None
    membership = db.session.scalar(
        select(GroupMembership).where(GroupMembership.user_id == pradie.id)
    )
    assert membership is not None and membership.group_id is None
    assert membership.starts_on == date(2024, 7, 19)
    lepinau = db.session.scalar(select(User).where(User.assembly_id == "PA642988"))
    assert lepinau is not None and signatory_line(_sheet(lepinau)) == "M.\u00a0de Lépinau"
    udr = db.session.scalar(select(Group).where(Group.assembly_id == "PO872880"))
    assert udr is not None and udr.code == "UDDPLR" and udr.mention == udr.name
    set_printed_mention(None, "UDDPLR", "UDR")
    assert udr.mention == "UDR"


def test_a_deputy_who_changes_group_keeps_what_they_signed(people, opened):
    lucas = people["lucas"]
    db.session.add(
        Signature(
            amendment_id=opened.id,
            deputy_id=lucas.id,
            version=opened.version,
            content_hash=opened.content_hash,
            first_signed_at=NOW,
            signed_at=NOW,
        )
    )
    commit()
    gdr = organe("PO845514", "GDR", "GDR", "Gauche Démocrate et Républicaine")
    moved = acteur(
        "PA793777",
        "M.",
        "Benjamin",
        "Lucas-Lundy",
        lucas.email,
        [mandate("PO845439", "2024-07-19", "2025-01-31"), mandate("PO845514", "2025-02-01")],
    )
    _import(ECOS, gdr, moved, now=datetime(2025, 3, 1, tzinfo=UTC))
    commit()
    assert lucas.group_code == "GDR"
    rows = db.session.scalars(
        select(GroupMembership)
        .where(GroupMembership.user_id == lucas.id)
        .order_by(GroupMembership.starts_on)
    ).all()
    assert [(r.group_id, r.ends_on) for r in rows] == [
        (people["regol"].group_id, date(2025, 1, 31)),
        (lucas.group_id, None),
    ]
    signature = db.session.scalar(select(Signature).where(Signature.deputy_id == lucas.id))
    assert signature is not None and signature.is_current(opened.content_hash)
    assert opened.group_id == people["regol"].group_id  # the amendment stays its group's


def test_a_current_group_neither_read_nor_known_refuses_the_whole_import(app):
    with pytest.raises(Invalid) as refused:
        _import(PIRES_BEAUNE, REGOL)  # no organe files
    assert refused.value.code == "unknown_group"
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_only_admins_import_people(people):
    for name in ("claire", "regol"):
        with pytest.raises(Forbidden):
            _import(SOC, PIRES_BEAUNE, actor=people[name])
    assert _import(SOC, PIRES_BEAUNE, actor=people["admin"]).deputies_created == 1


def test_the_non_attached_organe_is_not_a_group(app):
    ni_deputy = acteur(
        "PA000002",
        "M.",
        "Jean",
        "Seul",
        None,
        [mandate("PO840056", "2024-07-19", quality="Député non-inscrit")],
    )
    summary = _import(NI, ni_deputy)
    assert db.session.scalar(select(func.count(Group.id))) == 0
    user = db.session.scalar(select(User).where(User.assembly_id == "PA000002"))
    assert user is not None and user.group_id is None
    assert user.email == "pa000002@deputes.invalid" and summary.invitations == 0
    assert summary.without_email == ["PA000002 : M. Jean Seul"]
