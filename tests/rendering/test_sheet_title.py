"""The sheet's title line as the Assembly prints it: the short title in capitals, « - (N° 939) »
with the committee text's number on a séance amendment; an amendment to the title is "TITRE"."""

from __future__ import annotations

from dataclasses import replace

from drafting.rendering.sheet import division_heading, position_tag, text_heading
from tests.rendering.test_sheet import make_sheet


def test_the_title_line_is_the_short_title_in_capitals_and_the_number_amended():
    sheet = replace(
        make_sheet(),
        text_number="809",
        short_title="Jeux Olympiques et Paralympiques de 2024",
        amended_number="939",
    )
    assert text_heading(sheet) == "JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024 - (N°\u00a0939)"


def test_without_a_short_title_the_full_title_and_the_number_amended():
    sheet = replace(make_sheet(), text_title="PROJET DE LOI relatif aux jeux", text_number="809")
    assert text_heading(sheet) == "PROJET DE LOI relatif aux jeux (n°\u00a0809)"
    assert text_heading(replace(sheet, amended_number="939")).endswith("(n°\u00a0939)")


def test_an_amendment_to_the_title_is_printed_titre():
    sheet = replace(make_sheet(), article_number="titre", number="17")
    assert position_tag(sheet) == "TITRE N°\u00a017"
    assert division_heading(sheet) == ["TITRE"]
