"""A realistic demo: groups and deputies through the people importer, staff, and the Olympics
bill through the text importer (both from files kept in the project, in the Assembly's formats)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from drafting.extensions import db
from drafting.models import Amendment, Group, Role, User
from drafting.services import amendments
from drafting.services.accounts import registration
from drafting.services.accounts.passwords import hash_password
from drafting.services.assembly import text_import
from drafting.services.assembly.people import parse_people_source
from drafting.services.assembly.people_import import import_people
from drafting.services.deadlines import authority
from drafting.services.workflow import filing, transitions
from workflows.deadlines import PARIS
from workflows.legistique import typography

DEMO_PASSWORD = "Liasse-demo-2026"
DATA = Path(__file__).parent / "demo_data" / "real-amendments.jsonl"

DEMO_DATA = Path(__file__).parent / "demo_data"
BILL_PAGE = DEMO_DATA / "pjl-809-seance.html"  # the séance text, as the Assembly publishes it
PEOPLE = DEMO_DATA / "amo" / "json"  # deputies and groups, in the Assembly's AMO layout


def _email(name: str) -> str:
    ascii_name = name.lower().replace(" ", ".").replace("'", "")
    for src, dst in (("é", "e"), ("è", "e"), ("ë", "e"), ("ï", "i"), ("ô", "o"), ("ç", "c")):
        ascii_name = ascii_name.replace(src, dst)
    return f"{ascii_name}@assemblee.example"


def _deputies(now: datetime) -> dict[str, User]:
    """The deputies and groups through the people importer; demo accounts share one password."""
    parsed = parse_people_source(PEOPLE)
    import_people(None, parsed, now, source="demo_data/amo", invite=False)
    refs = [deputy.assembly_id for deputy in parsed.deputies]
    people: dict[str, User] = {}
    for user in db.session.scalars(select(User).where(User.assembly_id.in_(refs))):
        user.password_hash = hash_password(DEMO_PASSWORD)
        people[user.name] = user
    return people


def _users(now: datetime) -> dict[str, User]:
    people = _deputies(now)
    staff: list[tuple[str, str, str, str | None, str | None]] = [
        ("Mme", "Claire Dupont", Role.SECRETARIAT, "ECOS", None),
        ("M.", "Hugo Martin", Role.SECRETARIAT, "GDR", None),
        ("M.", "Karim Benali", Role.SECRETARIAT, "RN", None),
        ("Mme", "Léa Moreau", Role.ASSISTANT, None, "Sandra Regol"),
        ("M.", "Admin Liasse", Role.ADMIN, None, None),
    ]
    for civility, name, role, staff_group, deputy in staff:
        people[name] = registration.create_user(
            email=_email(name),
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            civility=civility,
            group_code=staff_group,
            deputy_id=people[deputy].id if deputy else None,
        )
    return people


def _bill(admin: User, now: datetime) -> int:
    """The séance text through the text importer, from the page kept in the project."""
    fields = text_import.ImportFields(
        number="809",
        stage="seance",
        examination_starts_at=now + timedelta(days=10),
        committee_text_number="939",
    )
    text = text_import.import_text(
        admin, BILL_PAGE.read_bytes(), fields, now, source=f"demo_data/{BILL_PAGE.name}"
    )
    text.organ = "Assemblée nationale (séance publique)"
    return text.id


def _amendments(text_id: int, people: dict[str, User], now: datetime) -> int:
    count, created = 0, {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["bill_number"] not in ("939-A0", "939") or "Article 7" not in row["division"]:
            continue
        author = _author(row.get("first_signatory"), people)
        draft = amendments.Draft(
            text_id,
            amendments.PositionInput("article", "7"),
            typography(row["dispositif"]),  # as the editor types it: « » and NBSP
            row["expose"] or "",
        )
        created[row.get("number") or str(count)] = amendments.create_amendment(author, draft, now)
        count += 1
    _advance(created, people, now)
    return count


def _advance(created: dict[str, Amendment], people: dict[str, User], now: datetime) -> None:
    """Walk a few ECOS amendments through the review so the demo shows each state."""
    regol, claire = people["Sandra Regol"], people["Claire Dupont"]
    steps: dict[str, list[tuple[User, str, dict[str, Any]]]] = {
        "325": [(regol, "submit", {})],  # waits in the secretariat's review queue
        "322": [(regol, "submit", {}), (claire, "approve", {})],  # open to co-signature
        "27": [
            (regol, "submit", {}),
            (claire, "approve", {}),
            (regol, "close", {}),
            (claire, "file", {"number": "27"}),  # no outcome: the sitting is still to come
        ],
    }
    # Sandra Regol lets her group's secretariat file in her name (a standing delegation).
    filing.set_delegation(regol, [], True, now)
    for number, path in steps.items():
        if number in created:
            for actor, action, fields in path:
                transitions.transition(actor, created[number].id, action, now=now, **fields)


def _author(first_signatory: str | None, people: dict[str, User]) -> User:
    for name, user in people.items():
        if first_signatory and user.role == Role.DEPUTY and user.last_name in first_signatory:
            return people[name]
    return people["Sandra Regol"]


def _paris_day_at(now: datetime, days: int, hour: int) -> datetime:
    """`hour`:00 in Paris, `days` days after today in Paris (deadlines fall on round hours)."""
    day = now.astimezone(PARIS).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def _group_deadlines(text_id: int, people: dict[str, User], now: datetime) -> None:
    for secretariat, code in (("Claire Dupont", "ECOS"), ("Hugo Martin", "GDR")):
        authority.set_group_deadlines(
            people[secretariat],
            text_id,
            code,
            _paris_day_at(now, 2, 18),
            _paris_day_at(now, 5, 12),
            now,
        )


def _groups() -> int:
    return db.session.scalar(select(func.count(Group.id))) or 0


def load_demo(now: datetime, *, if_empty: bool = False) -> str:
    """Create the demo data; with if_empty, skip when the database already has users."""
    if if_empty and db.session.scalar(select(func.count(User.id))):
        return "Données déjà présentes : démo non rechargée."
    people = _users(now)
    text_id = _bill(people["Admin Liasse"], now)
    _group_deadlines(text_id, people, now)
    count = _amendments(text_id, people, now)
    db.session.flush()
    return (
        f"Démo chargée : {_groups()} groupes, {len(people)} comptes, 1 texte, {count} "
        f"amendements. Mot de passe de tous les comptes : {DEMO_PASSWORD} "
        f"(ex. {_email('Sandra Regol')}, {_email('Claire Dupont')})."
    )
