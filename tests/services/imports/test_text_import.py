"""Importing a bill's text: divisions, numbering, statuses, anchors and alinéas, in one
transaction; a page that is not a bill writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from drafting.db import commit
from drafting.errors import Forbidden, Invalid, TooLarge
from drafting.extensions import db
from drafting.models import Article, Event, LegislativeText
from drafting.services.assembly import text_import
from drafting.services.assembly.text_import import ImportFields, import_text, short_title_of
from tests.conftest import NOW

EXAM = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _fields(**extra) -> ImportFields:
    return ImportFields(number="1234", stage="commission", examination_starts_at=EXAM, **extra)


def test_a_modern_assembly_page_gives_divisions_statuses_anchors_and_alineas(
    people, fixtures: Path
):
    text = import_text(
        people["claire"], (fixtures / "bill-an.html").read_bytes(), _fields(), NOW, source="f"
    )
    commit()
    assert text.title == "Proposition de loi visant à protéger les haies"
    assert text.short_title == "PROTÉGER LES HAIES"
    assert [(a.number, a.status, a.anchor, len(a.alineas)) for a in text.articles] == [
        ("1er", None, "D_Article_1er", 4),
        ("2", "supprime", "D_Article_2", 0),
        ("2 bis", "nouveau", "D_Article_2_bis", 2),
        ("3", None, "D_Article_3", 1),
    ]
    # every non-empty paragraph is one alinéa, the quoted inserted one included
    assert text.articles[0].alineas[2].content == "« Art. L. 126‑1‑1. – Les haies sont protégées. »"
    assert [(d.kind, d.label, d.heading, d.article_position) for d in text.divisions] == [
        ("titre", "TITRE Ier", "DISPOSITIONS GÉNÉRALES", 1),
        ("chapitre", "CHAPITRE II", "DISPOSITIONS FINALES", 3),
    ]
    assert text.filing_deadline is not None  # computed from the examination date
    kinds = db.session.scalars(select(Event.action).where(Event.text_id == text.id)).all()
    assert kinds == ["text_created", "text_imported"]


def test_pasted_plain_text_gives_one_alinea_per_paragraph(people, fixtures: Path):
    content = (fixtures / "bill-plain.txt").read_text(encoding="utf-8")
    text = import_text(
        people["admin"], content, _fields(title="Proposition de loi sur les haies"), NOW, source="p"
    )
    assert [(a.number, a.status, len(a.alineas)) for a in text.articles] == [
        ("1er", None, 3),
        ("2", "nouveau", 1),
    ]


def test_a_page_that_is_not_a_bill_is_refused_and_nothing_is_written(people, fixtures: Path):
    with pytest.raises(Invalid) as refused:
        import_text(
            people["claire"],
            (fixtures / "not-a-bill.html").read_bytes(),
            _fields(),
            NOW,
            source="x",
        )
    assert "Aucun article" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(LegislativeText.id))) == 0
    assert db.session.scalar(select(func.count(Article.id))) == 0


def test_only_secretariats_and_admins_import_texts(people, fixtures: Path):
    content = (fixtures / "bill-an.html").read_bytes()
    for name in ("regol", "lea"):
        with pytest.raises(Forbidden):
            import_text(people[name], content, _fields(), NOW, source="f")


def test_fields_are_checked_before_the_page_is_read(people):
    with pytest.raises(Invalid) as refused:
        import_text(people["claire"], b"", ImportFields(number="", stage="plenary"), NOW, source="")
    assert set(refused.value.fields) == {"number", "stage"}


def test_a_page_too_large_is_refused(people, monkeypatch):
    monkeypatch.setattr(text_import, "MAX_TEXT_BYTES", 10)
    with pytest.raises(TooLarge):
        import_text(people["claire"], b"x" * 11, _fields(), NOW, source="big")


def test_a_text_without_a_title_anywhere_asks_for_one(people, fixtures: Path):
    content = (fixtures / "bill-plain.txt").read_text(encoding="utf-8")
    with pytest.raises(Invalid) as refused:
        import_text(people["claire"], content, _fields(), NOW, source="p")
    assert refused.value.fields == {"title": "obligatoire"}


def test_a_seance_text_follows_the_commission_text_of_the_same_number(people, fixtures: Path):
    page = (fixtures / "bill-an.html").read_bytes()
    commission = import_text(people["claire"], page, _fields(), NOW, source="f")
    seance = import_text(
        people["claire"],
        page,
        ImportFields(number="1234", stage="seance", committee_text_number="1301"),
        NOW,
        source="f",
    )
    assert seance.previous_id == commission.id
    assert seance.amended_number == "1301" and commission.amended_number == "1234"


def test_short_titles_as_the_assembly_prints_them():
    assert (
        short_title_of(
            "PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024 et portant "
            "diverses autres dispositions"
        )
        == "JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024"
    )
    assert short_title_of("Proposition de loi visant à protéger les haies") == "PROTÉGER LES HAIES"
    assert short_title_of("Loi de finances") is None


def test_the_real_legacy_commission_page_imports_whole(people, open_data: Path):
    page = (open_data / "an-texte-commission-r0575-a0.html").read_bytes()
    text = import_text(
        people["claire"], page, _fields(title="Société de confiance"), NOW, source="r"
    )
    numbers = [a.number for a in text.articles]
    assert "3 bis" in numbers
    article = next(a for a in text.articles if a.number == "3 bis")
    assert article.status == "nouveau" and article.anchor == "D_Article_3_bis"
