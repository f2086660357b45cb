"""User text hygiene: invisible and control characters, one-line fields."""

from __future__ import annotations

import pytest

from drafting.errors import Invalid
from drafting.services.content import clean_text


@pytest.mark.parametrize(
    "mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202e"]
)
def test_zero_width_and_bidi_marks_are_removed(mark):
    assert clean_text(f"Supprimer{mark} cet article.", field="dispositif") == (
        "Supprimer cet article."
    )


def test_french_no_break_spaces_are_kept():
    text = "les mots\u00a0: «\u202fdouze mois\u202f»"
    assert clean_text(text, field="dispositif") == text


@pytest.mark.parametrize("value", ["3\nBcc: x@evil.example", "3\r", "7\x00", "7\u2028bis", "7\x1b"])
def test_a_one_line_field_refuses_line_breaks_and_controls(value):
    with pytest.raises(Invalid) as refused:
        clean_text(value, field="number", multiline=False)
    assert refused.value.fields == {"number": "retour à la ligne ou caractère de contrôle"}


def test_a_one_line_field_keeps_tabs_as_spaces():
    assert clean_text("7\tbis", field="number", multiline=False) == "7 bis"


def test_an_article_number_with_a_line_break_is_refused_by_the_api(api, people):
    body = {
        "title": "Projet de loi",
        "number": "809",
        "stage": "seance",
        "articles": [{"number": "3\nBcc: x@evil.example", "alineas": ["Texte."]}],
    }
    response = api(people["claire"]).post("/texts", body)
    assert response.status_code == 422
    assert "articles.0.number" in response.get_json()["error"]["fields"]
