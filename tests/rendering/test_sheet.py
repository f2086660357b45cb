"""The sheet's French formatting rules (position, division, signatories, numbers, outcomes, names),
and the sample sheets the other document tests build on: real amendments from the domain folder."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from drafting.rendering.sheet import (
    NBSP,
    RESERVATION,
    AmendmentSheet,
    Signatory,
    box_text,
    division_heading,
    download_name,
    french_date,
    number_label,
    outcome_label,
    position_tag,
    printable,
    signatory_line,
)

REAL_AMENDMENTS = Path(__file__).resolve().parents[3] / "shared/domain/real-amendments.jsonl"
OLYMPICS = "PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024"
HASH_585 = "5f1c0ffee0d9a0b4c2e6f8a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7"

# Amendment n° 585 to article 7 of the Olympics bill (real text and signatories), as filed.
SEED = AmendmentSheet(
    text_title=OLYMPICS,
    text_number="809",
    stage="seance",
    position_kind="article",
    article_number="7",
    alinea=None,
    number="585",
    state="filed",
    outcome=None,
    date=datetime.date(2023, 3, 16),
    author=Signatory("M.", "Benjamin", "Lucas-Lundy"),
    cosignatories=(Signatory("M.", "Julien", "Bayou"), Signatory("Mme", "Sabrina", "Sebaihi")),
    group_name=None,
    dispositif="Supprimer cet article.",
    expose=(
        "Cet amendement vise à supprimer l’article 7.\n"
        "D’une part, cet outil n’apporte pas de gain déterminant en matière de maintien de "
        "l’ordre : la surveillance algorithmique n’a jamais fait ses preuves."
    ),
    version=2,
    content_hash=HASH_585,
)


def make_sheet(**changes: Any) -> AmendmentSheet:
    """The seed amendment with some fields changed."""
    return dataclasses.replace(SEED, **changes)


def draft_sheet(**changes: Any) -> AmendmentSheet:
    """The seed before filing: no number, exported by a secretariat member."""
    watermark = f"Exporté par Mme{NBSP}Claire Dupont le 29/11/2026"
    return make_sheet(number=None, state="open", watermark=watermark, **changes)


def person(printed: str) -> Signatory:
    """ "M. Charles de Courson" → Signatory("M.", "Charles", "de Courson")."""
    civility, _, names = printed.partition(" ")
    first, _, last = names.partition(" ")
    return Signatory(civility, first, last) if last else Signatory(civility, "", first)


@cache
def _real_records() -> dict[str, dict[str, Any]]:
    if not REAL_AMENDMENTS.exists():
        pytest.skip(f"{REAL_AMENDMENTS} is not there")
    lines = REAL_AMENDMENTS.read_text(encoding="utf-8").splitlines()
    return {record["number"]: record for record in map(json.loads, lines)}


def real_sheet(number: str, **changes: Any) -> AmendmentSheet:
    """A filed sheet from one of the 29 real amendments (its number, names, texts, group)."""
    record = _real_records()[number]
    kind = {"Après": "after_article", "Avant": "before_article"}.get(record["division"][:5])
    article = re.search(r"\d+\S*", record["division"])
    fields: dict[str, Any] = {
        "text_title": record["bill_title"],
        "text_number": record["bill_number"],
        "position_kind": kind or "article",
        "article_number": article.group(0) if article else "1er",
        "number": record["number"],
        "author": person(record["first_signatory"] or "M. Inconnu"),
        "cosignatories": tuple(map(person, record["cosignatories"] or ())),
        "group_name": record["group"],
        "dispositif": record["dispositif"] or "",
        "expose": record["expose"] or "",
    }
    return make_sheet(**{**fields, **changes})


def flat(text: str) -> str:
    """NFC text, zero-width spaces removed, every run of spaces (no-break too) one space."""
    text = unicodedata.normalize("NFC", text).replace("\u200b", "")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def in_order(text: str, *needles: str) -> bool:
    """Whether every needle appears in `text`, each after the previous one."""
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True


SEED_LAYOUT = (
    "ART. 7 N° 585",
    "ASSEMBLÉE NATIONALE",
    "16 mars 2023",
    f"{OLYMPICS} (n° 809)",
    RESERVATION,
    "AMENDEMENT N° 585",
    "présenté par",
    "M. Lucas-Lundy, M. Bayou et Mme Sebaihi",
    "ARTICLE 7",
    "Supprimer cet article.",
    "EXPOSÉ SOMMAIRE",
    "Cet amendement vise à supprimer l’article 7.",
    "la surveillance algorithmique n’a jamais fait ses preuves.",
)


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Rendering is pure: no app and no database (replaces the suite's per-test table cleaning)."""


# ----- position and division -----


@pytest.mark.parametrize(
    ("kind", "article", "number", "tag"),
    [
        ("article", "7", "123", f"ART. 7 N°{NBSP}123"),
        ("article", "10 bis", None, "ART. 10 BIS"),
        ("after_article", "10", None, "APRÈS ART. 10"),
        ("after_article", "33", "I-41", f"APRÈS ART. 33 N°{NBSP}I-41"),
        ("before_article", "1er", None, "AVANT ART. 1ER"),
    ],
)
def test_the_position_tag_names_the_place_and_the_number_once_filed(kind, article, number, tag):
    sheet = make_sheet(position_kind=kind, article_number=article, number=number)
    assert position_tag(sheet) == tag


def test_an_amendment_to_an_article_is_headed_by_that_article():
    assert division_heading(SEED) == ["ARTICLE 7"]


def test_an_additional_article_is_headed_article_additionnel_then_where_it_goes():
    sheet = make_sheet(position_kind="after_article", article_number="10")
    assert division_heading(sheet) == [
        "ARTICLE ADDITIONNEL",
        f"APRÈS L'ARTICLE 10, insérer l'article suivant{NBSP}:",
    ]


def test_the_first_article_is_called_premier_in_a_heading():
    sheet = make_sheet(position_kind="before_article", article_number="1er")
    assert division_heading(sheet)[1].startswith("AVANT L'ARTICLE PREMIER, insérer")
    assert division_heading(make_sheet(article_number="1er")) == ["ARTICLE PREMIER"]


# ----- signatories -----


def test_the_author_comes_first_then_cosignatories_the_last_joined_by_et():
    assert signatory_line(SEED) == f"M.{NBSP}Lucas-Lundy, M.{NBSP}Bayou et Mme{NBSP}Sebaihi"


def test_an_author_alone_is_listed_alone():
    assert signatory_line(make_sheet(cosignatories=())) == f"M.{NBSP}Lucas-Lundy"


def test_first_names_are_printed_only_to_tell_homonyms_apart():
    cosignatories = (
        Signatory("M.", "Philippe", "Vigier"),
        Signatory("Mme", "Sabrina", "Sebaihi"),
        Signatory("M.", "Jean-Pierre", "Vigier"),
    )
    line = signatory_line(make_sheet(cosignatories=cosignatories))
    assert line == (
        f"M.{NBSP}Lucas-Lundy, M.{NBSP}Philippe Vigier, Mme{NBSP}Sebaihi "
        f"et M.{NBSP}Jean-Pierre Vigier"
    )


def test_a_group_amendment_ends_with_the_members_of_the_group():
    alone = make_sheet(author=person("M. Éric Ciotti"), cosignatories=(), group_name="UDR")
    assert signatory_line(alone) == f"M.{NBSP}Ciotti et les membres du groupe UDR"
    with_two = make_sheet(group_name="Écologiste et Social")
    assert signatory_line(with_two) == (
        f"M.{NBSP}Lucas-Lundy, M.{NBSP}Bayou, Mme{NBSP}Sebaihi "
        "et les membres du groupe Écologiste et Social"
    )


def test_two_hundred_names_make_one_line_with_a_single_et():
    cosignatories = tuple(Signatory("Mme", f"Prénom{i}", f"Nom{i}") for i in range(199))
    line = signatory_line(make_sheet(cosignatories=cosignatories))
    assert line.count(", ") == 198 and line.count(" et ") == 1
    assert line.endswith(f"et Mme{NBSP}Nom198") and f"Mme{NBSP}Nom0," in line


def test_a_real_amendment_with_124_cosignatories_lists_125_deputies():
    sheet = real_sheet("I-305")
    assert len(sheet.cosignatories) == 124
    line = signatory_line(sheet)
    assert line.startswith(f"M.{NBSP}Meurin, Mme{NBSP}Auzanot, M.{NBSP}Allisio")
    assert line.count(NBSP) == 125


# ----- numbers, outcomes, box, dates, names -----


@pytest.mark.parametrize("number", ["27", "CL358", "I-305", "II-CF6", "3 rect. quater"])
def test_the_number_is_printed_as_the_assembly_writes_it(number):
    assert number_label(make_sheet(number=number)) == f"AMENDEMENT N°{NBSP}{number}"


def test_an_amendment_without_a_number_is_marked_not_filed():
    assert number_label(draft_sheet()) == "AMENDEMENT — non déposé"


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        ("adopte", "Adopté"),
        ("rejete", "Rejeté"),
        ("retire", "Retiré"),
        ("tombe", "Tombé"),
        ("non_soutenu", "Non soutenu"),
        ("irrecevable", "Irrecevable"),
        (None, ""),
    ],
)
def test_outcomes_are_printed_in_french(outcome, label):
    assert outcome_label(outcome) == label


def test_the_box_is_empty_before_filing_reserved_once_filed_then_holds_the_outcome():
    assert box_text(draft_sheet()) == ""
    assert box_text(SEED) == RESERVATION
    assert box_text(make_sheet(outcome="non_soutenu")) == "Non soutenu"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2014, 11, 21), "21 novembre 2014"),
        (datetime.date(2023, 3, 1), "1er mars 2023"),
    ],
)
def test_dates_are_written_in_french(day, text):
    assert french_date(day) == text


def test_download_names_are_ascii_and_say_number_or_draft_version():
    assert download_name(make_sheet(number="123"), "pdf") == "AMDT_809_art7_n123.pdf"
    after = draft_sheet(position_kind="after_article", article_number="10", version=3)
    assert download_name(after, "docx") == "AMDT_809_apres_art10_projet_v3.docx"
    odd = make_sheet(number="I-305 rect. bis", article_number="10 bis", text_number="n°939-é")
    assert download_name(odd, "pdf") == "AMDT_n939-e_art10bis_nI-305_rect_bis.pdf"
    assert download_name(odd, "pdf").isascii()


def test_control_characters_are_removed_but_newlines_and_tabs_kept():
    assert printable("a\x00b\x1fc\x7f\r\nd\te\rf\ud800") == "abc\nd\te\nf"


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        (
            {"parent_label": "n° 27", "number": "154"},
            f"SOUS-AMENDEMENT N°{NBSP}154 à l'amendement n°{NBSP}27",
        ),
        (
            {"parent_label": "n° 27", "number": None, "state": "draft"},
            f"SOUS-AMENDEMENT — non déposé, à l'amendement n°{NBSP}27",
        ),
        ({"parent_label": None}, f"AMENDEMENT N°{NBSP}585"),
    ],
)
def test_a_sub_amendment_is_printed_as_such_with_its_parent(changes, label):
    assert number_label(make_sheet(**changes)) == label


def test_a_sub_amendment_s_files_are_named_ssamdt():
    sheet = make_sheet(parent_label="n° 27", number="154")
    assert download_name(sheet, "docx") == "SSAMDT_809_art7_n154.docx"


def test_a_signatory_reads_as_its_dataclass_would_and_works_it_out_once():
    """A sheet's digest is its repr: a Signatory's repr (kept once worked out, as a sheet
    repeats it for up to 189 co-signatories) is the one its fields give, so a name changed
    makes another digest."""
    person = Signatory(civility="Mme", first_name="Anne", last_name="D'Or")
    assert repr(person) == "Signatory(civility='Mme', first_name='Anne', last_name=\"D'Or\")"
    assert repr(person) is repr(person)
    assert repr(Signatory("Mme", "Anne", "Dor")) != repr(person)
    assert person == Signatory("Mme", "Anne", "D'Or")  # equality still by the fields
