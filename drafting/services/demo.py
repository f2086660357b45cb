"""A realistic demo: groups of the 17th legislature, deputies and staff, the Olympics bill."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from drafting.extensions import db
from drafting.models import Amendment, Role, User
from drafting.services import amendments, texts
from drafting.services.accounts import registration
from drafting.services.deadlines import authority
from drafting.services.workflow import transitions
from workflows.deadlines import PARIS
from workflows.legistique import typography

DEMO_PASSWORD = "Liasse-demo-2026"
DATA = Path(__file__).parent / "demo_data" / "real-amendments.jsonl"

GROUPS = [
    ("RN", "Rassemblement National"),
    ("EPR", "Ensemble pour la République"),
    ("LFI-NFP", "La France insoumise - Nouveau Front Populaire"),
    ("SOC", "Socialistes et apparentés"),
    ("DR", "Droite Républicaine"),
    ("ECOS", "Écologiste et Social"),
    ("DEM", "Les Démocrates"),
    ("HOR", "Horizons & Indépendants"),
    ("LIOT", "Libertés, Indépendants, Outre-mer et Territoires"),
    ("GDR", "Gauche Démocrate et Républicaine"),
    ("UDR", "Union des droites pour la République"),
]

# (civility, name, group) — deputies who signed the real amendments in demo_data.
DEPUTIES = [
    ("Mme", "Sandra Regol", "ECOS"),
    ("M.", "Benjamin Lucas-Lundy", "ECOS"),
    ("M.", "Julien Bayou", "ECOS"),
    ("Mme", "Sabrina Sebaihi", "ECOS"),
    ("M.", "Jérémie Iordanoff", "ECOS"),
    ("Mme", "Christine Arrighi", "ECOS"),
    ("Mme", "Eva Sas", "ECOS"),
    ("M.", "Stéphane Peu", "GDR"),
    ("Mme", "Elsa Faucillon", "GDR"),
    ("M.", "Pierre Meurin", "RN"),
    ("M.", "Matthias Renault", "RN"),
    ("M.", "Charles de Courson", "LIOT"),
    ("M.", "Vincent Descoeur", "DR"),
    ("M.", "Philippe Vigier", "DEM"),
    ("M.", "Jean-Pierre Vigier", "DR"),
    ("Mme", "Sarah Legrain", "LFI-NFP"),
    ("M.", "Emmanuel Mandon", "DEM"),
    ("M.", "Philippe Fait", "EPR"),
]

ARTICLE_7 = [
    "I. – À titre expérimental et jusqu'au 31 mars 2025, à la seule fin d'assurer la sécurité "
    "de manifestations sportives, récréatives ou culturelles qui, par l'ampleur de leur "
    "fréquentation ou par leurs circonstances, sont particulièrement exposées à des risques "
    "d'actes de terrorisme ou d'atteintes graves à la sécurité des personnes, les images "
    "collectées au moyen de systèmes de vidéoprotection autorisés sur le fondement de "
    "l'article L. 252‑1 du code de la sécurité intérieure peuvent faire l'objet de traitements "
    "comprenant un système d'intelligence artificielle.",
    "Ces traitements ont pour unique objet de détecter, en temps réel, des événements "
    "prédéterminés susceptibles de présenter ou de révéler ces risques et de les signaler.",
    "II. – Les traitements mentionnés au I n'utilisent aucun système d'identification "
    "biométrique, ne traitent aucune donnée biométrique et ne mettent en œuvre aucune "
    "technique de reconnaissance faciale.",
]


# The alinéa that the demo's amendment n° 322 amends (its second sentence holds « est »).
ALINEA_22 = (
    "VI. – Le recours au traitement est autorisé par décret en Conseil d'État pris après avis "
    "de la Commission nationale de l'informatique et des libertés. Son emploi est proportionné "
    "à la finalité poursuivie."
)


def _article_7() -> list[str]:
    more = [f"(Alinéa {n} de l'article 7 dans le texte de la commission.)" for n in range(4, 26)]
    more[22 - 4] = ALINEA_22
    return ARTICLE_7 + more


def _email(name: str) -> str:
    ascii_name = name.lower().replace(" ", ".").replace("'", "")
    for src, dst in (("é", "e"), ("è", "e"), ("ë", "e"), ("ï", "i"), ("ô", "o"), ("ç", "c")):
        ascii_name = ascii_name.replace(src, dst)
    return f"{ascii_name}@assemblee.example"


def _users() -> dict[str, User]:
    people: dict[str, User] = {}
    for code, name in GROUPS:
        registration.create_group(code, name)
    for civility, name, group in DEPUTIES:
        people[name] = registration.create_user(
            email=_email(name),
            name=name,
            role=Role.DEPUTY,
            password=DEMO_PASSWORD,
            civility=civility,
            group_code=group,
        )
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
    data = texts.TextInput(
        title="PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024 et portant "
        "diverses autres dispositions",
        number="809",
        stage="seance",
        organ="Assemblée nationale (séance publique)",
        examination_starts_at=now + timedelta(days=10),
        articles=[
            texts.ArticleInput(
                "1er",
                "Dispositions relatives au dopage",
                [
                    "Le code du sport est ainsi modifié :",
                    "1° L'article L. 232‑5 est ainsi modifié :",
                ],
            ),
            texts.ArticleInput("7", "Traitements algorithmiques des images", _article_7()),
            texts.ArticleInput(
                "8",
                "Caméras embarquées",
                [
                    "Le code de la sécurité intérieure est ainsi modifié :",
                    "1° Après l'article L. 242‑8, il est inséré un article L. 242‑8‑1 "
                    "ainsi rédigé :",
                ],
            ),
            texts.ArticleInput(
                "10",
                "Scanners corporels",
                [
                    "À titre expérimental, les agents peuvent recourir à des scanners corporels.",
                ],
            ),
        ],
    )
    return texts.create_text(admin, data, now).id


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
    steps: dict[str, list[tuple[User, str, dict[str, str]]]] = {
        "325": [(regol, "submit", {})],  # waits in the secretariat's review queue
        "322": [(regol, "submit", {}), (claire, "approve", {})],  # open to co-signature
        "27": [
            (regol, "submit", {}),
            (claire, "approve", {}),
            (regol, "close", {}),
            (claire, "file", {"number": "27"}),  # no outcome: the sitting is still to come
        ],
    }
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


def load_demo(now: datetime, *, if_empty: bool = False) -> str:
    """Create the demo data; with if_empty, skip when the database already has users."""
    if if_empty and db.session.scalar(select(func.count(User.id))):
        return "Données déjà présentes : démo non rechargée."
    people = _users()
    text_id = _bill(people["Admin Liasse"], now)
    _group_deadlines(text_id, people, now)
    count = _amendments(text_id, people, now)
    db.session.flush()
    return (
        f"Démo chargée : {len(GROUPS)} groupes, {len(people)} comptes, 1 texte, {count} "
        f"amendements. Mot de passe de tous les comptes : {DEMO_PASSWORD} "
        f"(ex. {_email('Sandra Regol')}, {_email('Claire Dupont')})."
    )
