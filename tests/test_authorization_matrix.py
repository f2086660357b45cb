"""Authorization everywhere: every route of the app × every role × an object of the own group and
of another group answers the status written in TABLE. A route missing from TABLE fails the test.

Roles, in the order of each status string (the actors are named after the "own" amendment, which
Mme Regol (ECOS) authored; the "other" amendment is M. Peu's (GDR)):
    anon   admin   sec (claire, ECOS)   sec_other (hugo, GDR)   author (regol, ECOS)
    deputy (lucas, ECOS)   deputy_other (peu, GDR)   assistant (lea, Regol's assistant)
Path parameters take the "own" object (ECOS: regol's amendment, token, session, notification,
calendar, claire's job, lucas's signature, user regol, group ECOS) or the "other" one (GDR: peu's
amendment, token…, hugo's job, roussel's signature, user peu, group GDR). Texts belong to no group.
Unsafe requests that succeed rebuild the data before the next request.

Adding a route: one line `"METHOD /rule": E("own statuses", "other statuses", body=…, query=…,
state=…)`; strings in body and query may name the side's objects ("{amendment_id}").
`LIASSE_AUTHZ_PRINT=1 pytest tests/test_authorization_matrix.py -s` prints what the app answers
for every route, as ready-made lines to CHECK (never paste without reading them).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select, update

from drafting.db import commit
from drafting.extensions import db
from drafting.models import AccountInvitation, Amendment, Job, Notification, Signature, User
from drafting.services import amendments, backup, texts
from drafting.services.accounts import api_tokens, registration, sessions, welcome
from drafting.services.documents import storage
from tests.amo_records import organe
from tests.conftest import NOW, PASSWORD, _empty_tables, make_user
from tests.opendata_records import amendment
from tests.security_helpers import quick_commits  # noqa: F401  (fixture)
from workflows.deadlines import PARIS

ROLES = ("anon", "admin", "sec", "sec_other", "author", "deputy", "deputy_other", "assistant")
PEOPLE = {
    "admin": "admin",
    "sec": "claire",
    "sec_other": "hugo",
    "author": "regol",
    "deputy": "lucas",
    "deputy_other": "peu",
    "assistant": "lea",
}
SKIPPED = {"static", "api.openapi"}
SAFE = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class E:
    """Expected statuses for the own-group object and (default: the same) another group's."""

    own: str
    other: str | None = None
    body: dict[str, Any] | None = None
    query: dict[str, Any] | None = None
    state: str = "draft"

    def expected(self, side: str) -> list[int]:
        """The 8 statuses for one side, in ROLES order."""
        line = self.own if side == "own" or self.other is None else self.other
        statuses = [int(s) for s in line.split()]
        assert len(statuses) == len(ROLES), f"{line!r} must have {len(ROLES)} statuses"
        return statuses


SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)  # ahead of the real clock
EXAM = SOON + timedelta(days=10)  # the bill's examination starts after every deadline below
ISO = {n: (SOON + timedelta(days=n)).isoformat() for n in (1, 2, 3, 9)}
LOCAL = {
    n: (SOON + timedelta(days=n)).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M") for n in (1, 2, 3, 9)
}
NEW_PASSWORD = "Nouveau-motdepasse-77"
TEXT = {
    "title": "Proposition de loi",
    "number": "1",
    "stage": "seance",
    "articles": [{"number": "1", "alineas": ["Alinéa."]}],
}
DRAFT = {
    "text_id": "{text_id}",
    "position": {"kind": "article", "article": "7"},
    "dispositif": "Supprimer cet article.",
}
IMPORT = {"number": "2", "stage": "seance", "title": "PPL", "plain": "Article 1er\nTexte."}
WEB_IMPORT = {"number": "2", "stage": "seance", "title": "PPL", "content": "Article 1er\nTexte."}
SYNC_RECORD = amendment(20, author="PA1", group="PO1", text_uid="PIONANR5L17BTC0809")
# A form field naming no object: its braces escaped from the placeholders' str.format.
WEB_SYNC = {"content": json.dumps(SYNC_RECORD).replace("{", "{{").replace("}", "}}")}
PEOPLE_IMPORT = {"records": [organe("PO845419", "SOC", "SOC", "Socialistes et apparentés")]}
WEB_DRAFT = {"kind": "article", "article": "7", "dispositif": "Supprimer cet article."}
USER = {
    "email": "nouveau@an.example",
    "name": "Nouveau Député",
    "role": "deputy",
    "group": "ECOS",
    "password": PASSWORD,
}

TABLE: dict[str, E] = {
    # Own object: Regol's (ECOS) amendment…; other: Peu's (GDR). Statuses in ROLES order:
    #   anon admin sec sec_other author deputy deputy_other assistant
    "GET /": E("302 302 302 302 302 302 302 302"),
    "GET /a-signer": E("302 200 200 200 200 200 200 200"),
    "GET /amendements/<int:amendment_id>": E(
        "302 200 200 404 200 404 404 200", "302 200 404 200 404 404 200 404"
    ),
    "POST /amendements/<int:amendment_id>/commentaires": E(
        "302 303 303 404 303 404 404 303", "302 303 404 303 404 404 303 404", body={"text": "Relu."}
    ),
    "POST /amendements/<int:amendment_id>/documents": E(
        "302 302 302 404 302 404 404 302", "302 302 404 302 404 404 302 404", body={"format": "pdf"}
    ),
    "POST /amendements/<int:amendment_id>/groupe": E(
        "302 303 303 404 303 404 404 303",
        "302 303 404 303 404 404 303 404",
        body={"presented_by_group": "1"},
    ),
    "POST /amendements/<int:amendment_id>/invitation/decliner": E(
        "302 303 303 303 404 404 404 303", state="open"
    ),
    "GET /amendements/<int:amendment_id>/inviter": E(
        "302 403 200 404 200 404 404 200", "302 403 404 200 404 404 200 404"
    ),
    "POST /amendements/<int:amendment_id>/inviter": E(
        "302 403 303 404 303 404 404 303",
        "302 403 404 303 404 404 303 404",
        body={"deputy_ids": "{invitee_id}"},
    ),
    "GET /amendements/<int:amendment_id>/modifier": E(
        "302 302 200 404 200 404 404 200", "302 302 404 200 404 404 200 404"
    ),
    "POST /amendements/<int:amendment_id>/modifier": E(
        "302 403 302 404 302 404 404 302",
        "302 403 404 302 404 404 302 404",
        body={**WEB_DRAFT, "version": "1"},
    ),
    "POST /amendements/<int:amendment_id>/redeposer": E(
        "302 403 409 403 409 403 403 409", "302 403 403 409 403 403 409 403", state="filed"
    ),
    "POST /amendements/<int:amendment_id>/signature/retirer": E(
        "302 303 303 303 404 303 404 303", "302 303 303 303 404 404 404 303", state="open"
    ),
    "GET /amendements/<int:amendment_id>/signatures/<int:deputy_id>/annuler": E(
        "302 403 200 404 403 403 404 403", "302 403 404 200 404 404 403 404", state="open"
    ),
    "POST /amendements/<int:amendment_id>/signatures/<int:deputy_id>/annuler": E(
        "302 403 303 404 403 403 404 403",
        "302 403 404 303 404 404 403 404",
        body={"reason": "Erreur de saisie"},
        state="open",
    ),
    "GET /amendements/<int:amendment_id>/signatures/annuler": E(
        "302 302 302 302 302 302 302 302", query={"deputy_id": "{deputy_id}"}
    ),
    "GET /amendements/<int:amendment_id>/signer": E(
        "302 200 200 404 200 200 404 200", "302 200 404 200 404 404 200 404", state="open"
    ),
    "POST /amendements/<int:amendment_id>/signer": E(
        "302 303 303 303 303 303 404 303", "302 303 303 303 404 404 303 303", state="open"
    ),
    "POST /amendements/<int:amendment_id>/transitions": E(
        "302 303 303 404 303 404 404 303",
        "302 303 404 303 404 404 303 404",
        body={"action": "submit"},
    ),
    "GET /amendements/nouveau/<int:text_id>": E("302 200 200 200 200 200 200 200"),
    "POST /amendements/nouveau/<int:text_id>": E("302 403 422 422 302 302 302 302", body=WEB_DRAFT),
    "GET /api/v1/amendments": E("401 200 200 200 200 200 200 200"),
    "POST /api/v1/amendments": E("401 403 422 422 201 201 201 201", body=DRAFT),
    "GET /api/v1/amendments/<int:amendment_id>": E(
        "401 200 200 404 200 404 404 200", "401 200 404 200 404 404 200 404"
    ),
    "PATCH /api/v1/amendments/<int:amendment_id>": E(
        "401 403 200 404 200 404 404 200",
        "401 403 404 200 404 404 200 404",
        body={"version": 1, "dispositif": "Supprimer cet article."},
    ),
    "POST /api/v1/amendments/<int:amendment_id>/comments": E(
        "401 201 201 404 201 404 404 201", "401 201 404 201 404 404 201 404", body={"text": "Relu."}
    ),
    "POST /api/v1/amendments/<int:amendment_id>/documents": E(
        "401 202 202 404 202 404 404 202", "401 202 404 202 404 404 202 404", body={"format": "pdf"}
    ),
    "PUT /api/v1/amendments/<int:amendment_id>/group-amendment": E(
        "401 403 200 404 403 404 404 403",
        "401 403 404 200 404 404 403 404",
        body={"presented_by_group": True},
    ),
    "GET /api/v1/amendments/<int:amendment_id>/akn": E(
        "401 200 200 404 200 404 404 200", "401 200 404 200 404 404 200 404"
    ),
    "POST /api/v1/amendments/<int:amendment_id>/refile": E(
        "401 403 409 403 409 403 403 409", "401 403 403 409 403 403 409 403", state="filed"
    ),
    "GET /api/v1/amendments/<int:amendment_id>/history": E(
        "401 200 200 404 200 404 404 200", "401 200 404 200 404 404 200 404"
    ),
    "GET /api/v1/amendments/<int:amendment_id>/invitations": E(
        "401 200 200 404 200 404 404 200", "401 200 404 200 404 404 200 404"
    ),
    "POST /api/v1/amendments/<int:amendment_id>/invitations": E(
        "401 403 201 404 201 404 404 201",
        "401 403 404 201 404 404 201 404",
        body={"deputy_ids": ["{invitee_id}"]},
    ),
    "DELETE /api/v1/amendments/<int:amendment_id>/invitations/me": E(
        "401 403 403 403 404 404 404 403", state="open"
    ),
    "GET /api/v1/amendments/<int:amendment_id>/reads": E(
        "401 403 200 404 200 404 404 200", "401 403 404 200 404 404 200 404"
    ),
    "GET /api/v1/amendments/<int:amendment_id>/revisions": E(
        "401 200 200 404 200 404 404 200", "401 200 404 200 404 404 200 404"
    ),
    "GET /api/v1/amendments/<int:amendment_id>/signatures": E(
        "401 200 200 404 200 200 404 200", "401 200 404 200 404 404 200 404", state="open"
    ),
    "POST /api/v1/amendments/<int:amendment_id>/signatures": E(
        "401 403 403 403 409 200 404 403", "401 403 403 403 404 404 409 403", body={}, state="open"
    ),
    "POST /api/v1/amendments/<int:amendment_id>/signatures/<int:deputy_id>/void": E(
        "401 403 200 404 403 403 404 403",
        "401 403 404 200 404 404 403 404",
        body={"reason": "Erreur de saisie"},
        state="open",
    ),
    "DELETE /api/v1/amendments/<int:amendment_id>/signatures/me": E(
        "401 403 403 403 404 204 404 403", "401 403 403 403 404 404 404 403", state="open"
    ),
    "POST /api/v1/amendments/<int:amendment_id>/transitions": E(
        "401 403 403 404 200 404 404 200",
        "401 403 404 403 404 404 200 404",
        body={"action": "submit"},
    ),
    "POST /api/v1/auth/logout-everywhere": E("401 204 204 204 204 204 204 204"),
    "POST /api/v1/auth/password": E(
        "401 204 204 204 204 204 204 204",
        body={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    ),
    "GET /api/v1/auth/second-factor": E("401 200 200 200 200 200 200 200"),
    "POST /api/v1/auth/second-factor/verify": E(
        "401 403 403 403 403 403 403 403", body={"otp": "000000"}
    ),
    "GET /api/v1/auth/sessions": E("401 200 200 200 200 200 200 200"),
    "DELETE /api/v1/auth/sessions/<int:session_id>": E(
        "401 404 404 404 204 404 404 404", "401 404 404 404 404 404 204 404"
    ),
    "DELETE /api/v1/auth/token": E("401 204 204 204 204 204 204 204"),
    "POST /api/v1/auth/token": E(
        "200 200 200 200 200 200 200 200",
        body={"email": "sandra.regol@an.example", "password": PASSWORD},
    ),
    "GET /api/v1/auth/tokens": E("401 200 200 200 200 200 200 200"),
    "DELETE /api/v1/auth/tokens/<int:token_id>": E(
        "401 404 404 404 204 404 404 404", "401 404 404 404 404 404 204 404"
    ),
    "GET /api/v1/deadlines": E("401 200 200 200 200 200 200 200"),
    "GET /api/v1/groups": E("401 200 200 200 200 200 200 200"),
    "POST /api/v1/groups": E(
        "401 201 403 403 403 403 403 403", body={"code": "LIOT", "name": "Libertés, Indépendants"}
    ),
    "GET /api/v1/jobs/<job_id>": E(
        "401 200 200 404 200 404 404 200", "401 200 404 200 404 404 200 404"
    ),
    "GET /api/v1/jobs/<job_id>/file": E(
        "401 200 200 404 200 404 404 200", "401 200 404 200 404 404 200 404"
    ),
    "GET /api/v1/notifications": E("401 200 200 200 200 200 200 200"),
    "POST /api/v1/notifications/<int:notification_id>/read": E("401 204 204 204 204 204 204 204"),
    "POST /api/v1/people/import": E("401 200 403 403 403 403 403 403", body=PEOPLE_IMPORT),
    "GET /api/v1/signatures/pending": E("401 200 200 200 200 200 200 200"),
    "GET /api/v1/texts": E("401 200 200 200 200 200 200 200"),
    "POST /api/v1/texts": E("401 201 201 201 403 403 403 403", body=TEXT),
    "GET /api/v1/texts/<int:text_id>": E("401 200 200 200 200 200 200 200"),
    "GET /api/v1/texts/<int:text_id>/akn": E("401 200 200 200 200 200 200 200"),
    "POST /api/v1/texts/import": E("401 201 201 201 403 403 403 403", body=IMPORT),
    "POST /api/v1/texts/<int:text_id>/sync": E(
        "401 202 202 202 403 403 403 403", body={"json": [SYNC_RECORD]}
    ),
    "PUT /api/v1/texts/<int:text_id>/deadlines/<group_code>": E(
        "401 403 200 403 403 403 403 403",
        "401 403 403 200 403 403 403 403",
        body={"review_by": ISO[1], "cosign_by": ISO[2]},
    ),
    "POST /api/v1/texts/<int:text_id>/exports": E(
        "401 202 202 202 403 403 403 403", body={"format": "zip"}
    ),
    "PUT /api/v1/texts/<int:text_id>/filing-deadline": E(
        "401 200 200 200 403 403 403 403",
        body={"filing_deadline": ISO[3], "reason": "Conférence des présidents"},
    ),
    "POST /api/v1/texts/<int:text_id>/reopenings": E(
        "401 201 201 201 403 403 403 403",
        body={"article": "7", "until": ISO[9], "reason": "Amendement du Gouvernement"},
    ),
    "GET /api/v1/users": E("401 200 200 200 200 200 200 200"),
    "POST /api/v1/users": E("401 201 403 403 403 403 403 403", body=USER),
    "DELETE /api/v1/users/<int:user_id>/second-factor": E("401 204 403 403 403 403 403 403"),
    "GET /calendrier/<token>.ics": E("200 200 200 200 200 200 200 200"),
    "GET /compte/bienvenue/<welcome_token>": E("200 200 200 200 200 200 200 200"),
    "POST /compte/bienvenue/<welcome_token>": E(
        "302 302 302 302 302 302 302 302",
        body={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    ),
    "GET /compte/securite/": E("302 200 200 200 200 200 200 200"),
    "POST /compte/securite/codes-de-secours": E(
        "302 403 403 403 403 403 403 403", body={"otp": "000000"}
    ),
    "GET /compte/securite/confirmer": E("302 200 200 200 200 200 200 200"),
    "POST /compte/securite/confirmer": E("302 403 403 403 403 403 403 403", body={"otp": "000000"}),
    "POST /compte/securite/deconnexion-partout": E("302 302 302 302 302 302 302 302"),
    "GET /compte/securite/double-authentification": E("302 302 302 302 302 302 302 302"),
    "POST /compte/securite/double-authentification": E("302 200 200 200 200 200 200 200"),
    "POST /compte/securite/double-authentification/confirmer": E(
        "302 302 302 302 302 302 302 302", body={"otp": "000000"}
    ),
    "POST /compte/securite/jetons/<int:token_id>/revoquer": E(
        "302 404 404 404 302 404 404 404", "302 404 404 404 404 404 302 404"
    ),
    "POST /compte/securite/mot-de-passe": E(
        "302 302 302 302 302 302 302 302",
        body={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    ),
    "POST /compte/securite/sessions/<int:session_id>/fermer": E(
        "302 404 404 404 302 404 404 404", "302 404 404 404 404 404 302 404"
    ),
    "GET /echeances": E("302 200 200 200 200 200 200 200"),
    "POST /echeances/calendrier": E("302 302 302 302 302 302 302 302"),
    "GET /echeances/textes/<int:text_id>": E("302 200 200 200 403 403 403 403"),
    "POST /echeances/textes/<int:text_id>/delai": E(
        "302 302 302 302 403 403 403 403",
        body={"filing_deadline": LOCAL[3], "reason": "Conférence des présidents"},
    ),
    "POST /echeances/textes/<int:text_id>/groupe": E(
        "302 404 302 302 403 403 403 403", body={"review_by": LOCAL[1], "cosign_by": LOCAL[2]}
    ),
    "POST /echeances/textes/<int:text_id>/reouvertures": E(
        "302 302 302 302 403 403 403 403",
        body={"article": "7", "until": LOCAL[9], "reason": "Amendement du Gouvernement"},
    ),
    "GET /login": E("200 302 302 302 302 302 302 302"),
    "POST /login": E(
        "302 302 302 302 302 302 302 302",
        body={"email": "sandra.regol@an.example", "password": PASSWORD},
    ),
    "POST /logout": E("302 302 302 302 302 302 302 302"),
    "GET /notifications": E("302 200 200 200 200 200 200 200"),
    "POST /notifications/<int:notification_id>/lue": E("302 303 303 303 303 303 303 303"),
    "GET /relecture": E("302 403 200 200 403 403 403 403"),
    "POST /relecture/approuver": E(
        "302 403 200 200 403 403 403 403", body={"ids": "{amendment_id}"}, state="in_review"
    ),
    "GET /tableau-de-bord": E("302 200 200 200 200 200 200 200"),
    "GET /taches/<job_id>": E("302 200 200 404 200 404 404 200", "302 200 404 200 404 404 200 404"),
    "GET /taches/<job_id>.json": E(
        "302 200 200 404 200 404 404 200", "302 200 404 200 404 404 200 404"
    ),
    "GET /taches/<job_id>/fichier": E(
        "302 200 200 404 200 404 404 200", "302 200 404 200 404 404 200 404"
    ),
    "GET /textes/": E("302 200 200 200 200 200 200 200"),
    "GET /textes/<int:text_id>": E("302 200 200 200 200 200 200 200"),
    "GET /textes/importer": E("302 200 200 200 403 403 403 403"),
    "GET /textes/<int:text_id>/synchroniser": E("302 200 200 200 403 403 403 403"),
    "POST /textes/<int:text_id>/synchroniser": E("302 302 302 302 403 403 403 403", body=WEB_SYNC),
    "POST /textes/importer": E("302 302 302 302 403 403 403 403", body=WEB_IMPORT),
    "POST /textes/<int:text_id>/export": E(
        "302 302 302 302 403 403 403 403", body={"format": "zip"}
    ),
}


@dataclass
class World:
    """The data every request runs against, rebuilt after a successful unsafe request."""

    users: dict[str, User] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sids: dict[str, str] = field(default_factory=dict)
    state: str = "draft"


def _draft(author: User, article: str, bill_id: int) -> Amendment:
    position = amendments.PositionInput("article", article, None)
    draft = amendments.Draft(bill_id, position, "Supprimer cet article.", "Exposé.", None)
    return amendments.create_amendment(author, draft, NOW)


def _people() -> dict[str, User]:
    registration.create_group("ECOS", "Écologiste et Social")
    registration.create_group("GDR", "Gauche Démocrate et Républicaine")
    commit()
    regol = make_user("Sandra Regol", "deputy", "ECOS", civility="Mme")
    return {
        "regol": regol,
        "lucas": make_user("Benjamin Lucas-Lundy", "deputy", "ECOS"),
        "peu": make_user("Stéphane Peu", "deputy", "GDR"),
        "roussel": make_user("Fabien Roussel", "deputy", "GDR"),
        "lea": make_user("Léa Moreau", "assistant", None, civility="Mme", deputy_id=regol.id),
        "claire": make_user("Claire Dupont", "secretariat", "ECOS", civility="Mme"),
        "hugo": make_user("Hugo Martin", "secretariat", "GDR"),
        "admin": make_user("Admin Liasse", "admin"),
    }


def _bill(claire: User) -> Any:
    data = texts.TextInput(
        title="PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024",
        number="809",
        stage="seance",
        examination_starts_at=EXAM,
        articles=[
            texts.ArticleInput("7", None, ["Premier alinéa.", "Second alinéa."]),
            texts.ArticleInput("8", None, ["Alinéa unique."]),
        ],
    )
    return texts.create_text(claire, data, NOW)


def _side(users: dict[str, User], deputy: str, cosigner: str, staff: str, bill: Any) -> dict:
    """The objects of one group: amendment, signature, job, notification, spare credentials."""
    amendment = _draft(users[deputy], "7" if deputy == "regol" else "8", bill.id)
    db.session.add(
        Signature(
            amendment_id=amendment.id,
            deputy_id=users[cosigner].id,
            version=1,
            content_hash=amendment.content_hash,
            first_signed_at=NOW,
            signed_at=NOW,
        )
    )
    pdf = storage.backend("database").put(
        f"matrix/{deputy}.pdf", b"%PDF-1.7", "application/pdf", f"amendement-{deputy}.pdf"
    )
    job = Job(
        id=f"job-{deputy}",
        kind="document",
        status="finished",
        params={"format": "pdf"},
        requested_by_id=users[staff].id,
        amendment_id=amendment.id,
        created_at=NOW,
        file_id=pdf.id,
        progress=100,
    )
    note = Notification(
        user_id=users[deputy].id, key=f"k-{deputy}", kind="info", message="Bonjour", created_at=NOW
    )
    db.session.add_all([job, note])
    _, token = api_tokens.issue_token(users[deputy], NOW + timedelta(days=3650), label="spare")
    invitation = AccountInvitation(user_id=users[deputy].id, created_at=NOW)
    db.session.add(invitation)
    db.session.flush()
    link = welcome.issue_link(invitation, datetime.now(UTC))
    web = sessions.open_session(users[deputy], NOW, user_agent="spare", address="127.0.0.1")
    db.session.flush()
    return {
        "amendment_id": amendment.id,
        "text_id": bill.id,
        "job_id": job.id,
        "notification_id": note.id,
        "token_id": token.id,
        "session_id": web.id,
        "user_id": users[deputy].id,
        "deputy_id": users[cosigner].id,
        "invitee_id": users["roussel" if deputy == "regol" else "lucas"].id,
        "group_code": users[deputy].group_code,
        "token": users[deputy].calendar_token,
        "welcome_token": link.rsplit("/", 1)[1],
    }


def build_world() -> World:
    """Empty the database and create the people, the bill and one object set per group."""
    _empty_tables()
    users = _people()
    bill = _bill(users["claire"])
    world = World(users=users)
    world.objects = {
        "own": _side(users, "regol", "lucas", "claire", bill),
        "other": _side(users, "peu", "roussel", "hugo", bill),
    }
    far = NOW + timedelta(days=3650)  # tokens outlive the wall clock of the test run
    for role, name in PEOPLE.items():
        world.tokens[role], _ = api_tokens.issue_token(users[name], far)
        world.sids[role] = sessions.open_session(
            users[name], NOW, user_agent="matrix", address="127.0.0.1"
        ).key
    commit()
    return world


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, to put the world back quickly after a mutation."""
    return {
        table.name: [dict(row) for row in db.session.execute(select(table)).mappings()]
        for table in db.metadata.sorted_tables
    }


def restore(world: World, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Empty the tables and reload the snapshot (same ids, tokens and session keys)."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())  # cheaper than TRUNCATE on a handful of rows
    for table in db.metadata.sorted_tables:
        if rows[table.name]:
            db.session.execute(table.insert(), rows[table.name])
    backup.reset_sequences()
    commit()
    world.state = "draft"


def _set_state(world: World, state: str) -> None:
    if state != world.state:
        ids = [world.objects[side]["amendment_id"] for side in ("own", "other")]
        number = "42" if state == "filed" else None
        db.session.execute(
            update(Amendment).where(Amendment.id.in_(ids)).values(state=state, number=number)
        )
        commit()
        world.state = state


def _path(rule: str, objects: dict[str, Any]) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(objects[m.group(1)]), rule)


def _body(body: Any, objects: dict[str, Any]) -> Any:
    """The case's body with "{amendment_id}"-style placeholders filled for the side."""
    if isinstance(body, str):
        value = body.format(**objects)
        return int(value) if body.startswith("{") and value.isdigit() else value
    if isinstance(body, dict):
        return {k: _body(v, objects) for k, v in body.items()}
    if isinstance(body, list):
        return [_body(v, objects) for v in body]
    return body


def _call(
    app: Flask, world: World, role: str, method: str, path: str, body: Any, query: Any = None
) -> int:
    g.__dict__.clear()  # test requests share the fixture's app context, hence `g`
    client: FlaskClient = app.test_client()
    api = path.startswith("/api/")
    headers = {}
    if role != "anon" and api:
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    elif role != "anon":
        with client.session_transaction() as cookie:
            cookie.update(
                sid=world.sids[role], _user_id=str(world.users[PEOPLE[role]].id), _fresh=True
            )
    payload = {"json": body} if api else {"data": body or {}}
    if method in SAFE:
        payload = {}
    response = client.open(path, method=method, headers=headers, query_string=query, **payload)
    db.session.rollback()
    return response.status_code


def _routes(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    return sorted(found, key=lambda mr: (mr[1], mr[0]))


def _sides(rule: str) -> tuple[str, ...]:
    """Routes about a group's object are tried on both groups' objects; the others once."""
    params = set(re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)) - {"text_id"}
    return ("own", "other") if params else ("own",)


def _observe(
    app: Flask, world: World, saved: dict[str, Any], method: str, rule: str, case: E
) -> dict[str, list[int]]:
    observed: dict[str, list[int]] = {}
    for side in _sides(rule):
        observed[side] = []
        for role in ROLES:
            _set_state(world, case.state)
            body = _body(case.body, world.objects[side])
            query = _body(case.query, world.objects[side])
            path = _path(rule, world.objects[side])
            status = _call(app, world, role, method, path, body, query)
            observed[side].append(status)
            if method not in SAFE and status < 400:
                restore(world, saved)
    observed.setdefault("other", observed["own"])
    return observed


def _line(statuses: list[int]) -> str:
    return " ".join(str(s) for s in statuses)


@pytest.mark.usefixtures("quick_commits")
def test_every_route_answers_every_role_as_the_table_says(app: Flask) -> None:
    world = build_world()
    saved = snapshot()
    missing, wrong, printed = [], [], []
    for method, rule in _routes(app):
        key = f"{method} {rule}"
        case = TABLE.get(key)
        if case is None:
            missing.append(key)
            if not os.environ.get("LIASSE_AUTHZ_PRINT"):
                continue
            case = E(" ".join(["0"] * len(ROLES)))
        observed = _observe(app, world, saved, method, rule, case)
        own, other = _line(observed["own"]), _line(observed["other"])
        printed.append(f'    "{key}": E("{own}"' + (f', "{other}"),' if other != own else "),"))
        for side in _sides(rule):
            if key in TABLE and observed[side] != case.expected(side):
                wrong.append(
                    f"{key} [{side}] expected {_line(case.expected(side))}, got "
                    f"{_line(observed[side])}"
                )
    if os.environ.get("LIASSE_AUTHZ_PRINT"):
        print("\n".join(printed))
    assert not missing, "\n".join(f"route {k} is not in the authorization table" for k in missing)
    assert not wrong, "\n".join(wrong)


def test_the_table_has_no_entry_for_a_route_that_no_longer_exists(app: Flask) -> None:
    present = {f"{method} {rule}" for method, rule in _routes(app)}
    assert sorted(set(TABLE) - present) == []
