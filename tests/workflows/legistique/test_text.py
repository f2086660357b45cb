"""Tests of the alinéa model: paragraphs, normalisation, words, sentences, French spacing."""

from __future__ import annotations

import pytest

from workflows.legistique import html_to_text, normalise, split_alineas
from workflows.legistique.text import (
    find_all,
    is_deletion_marker,
    keys,
    sentence_spans,
    splice,
    terminal_start,
    tokens,
)

NBSP = "\u00a0"


def test_every_non_empty_paragraph_is_an_alinea_quoted_ones_included():
    text = "Le code est ainsi modifié :\n\n« Art. L. 1. – Texte.\n\n   \n« Suite. »\n"
    assert split_alineas(text) == [
        "Le code est ainsi modifié :",
        "« Art. L. 1. – Texte.",
        "« Suite. »",
    ]


@pytest.mark.parametrize(
    ("typed", "published"),
    [
        pytest.param(
            f"l’article L.{NBSP}131‑4‑4", "l'article L. 131-4-4", id="nbsp_nb_hyphen_apostrophe"
        ),
        pytest.param(
            f"les mots{NBSP}: «{NBSP}six{NBSP}»", 'les mots : "six"', id="guillemets_vs_straight"
        ),
        pytest.param("I.\u00a0–\u00a0Le", "I. - Le", id="part_number_dash"),
        pytest.param("mise en œuvre", "mise en oeuvre", id="ligature"),
        pytest.param("L. O. 147", "L.O. 147", id="spaced_initials"),
        pytest.param("a  \t b", "a b", id="runs_of_space"),
    ],
)
def test_normalise_makes_typographic_variants_equal(typed, published):
    assert normalise(typed) == normalise(published)


def test_normalise_keeps_words_apart():
    assert normalise("Le délai") != normalise("le délai")
    assert normalise("six mois") != normalise("sept mois")


def test_tokens_are_words_and_signs_with_offsets():
    text = "l’article L.\u00a0131‑4"
    found = tokens(text)
    assert [t.key for t in found] == ["l", "'", "article", "L", ".", "131", "-", "4"]
    assert all(text[t.start : t.end] for t in found)


def test_find_all_counts_whole_words_not_parts_of_words():
    found = find_all(tokens("de la loi et des décrets de la loi"), list(keys("de la")))
    assert len(found) == 2


@pytest.mark.parametrize(
    ("text", "count"),
    [
        pytest.param("Une phrase. Une autre phrase.", 2, id="two"),
        pytest.param("Selon l’article L. 131-1, Art. R. 5 reste. Fin.", 2, id="abbreviations"),
        pytest.param("Les mots : « Foo. Bar » sont supprimés. Ensuite.", 2, id="quoted_period"),
        pytest.param("« Art. L. 1. – Texte. Suite. »", 2, id="code_quotation"),
        pytest.param("1° Un seul énoncé ;", 1, id="one"),
    ],
)
def test_sentences_split_at_periods_outside_quotes_and_abbreviations(text, count):
    assert len(sentence_spans(text)) == count


def test_terminal_punctuation_includes_the_closing_quote_of_the_alinea_only():
    code = "« Art. L. 1. – Texte. »"
    assert code[terminal_start(code) :] == ". »"
    inner = "les mots : « un an » ;"
    assert inner[terminal_start(inner) :] == " ;"


@pytest.mark.parametrize(
    ("left", "middle", "right", "joined"),
    [
        pytest.param(
            "l’objet", ", dans un délai,", " sont", "l’objet, dans un délai, sont", id="comma"
        ),
        pytest.param("hors", "région d’", " Île", "hors région d’Île", id="elision"),
        pytest.param("le mot ", "", " peut", "le mot peut", id="deletion_single_space"),
        pytest.param("emploi ", "", ".", "emploi.", id="deletion_before_period"),
        pytest.param("le mot ", "", f"{NBSP};", f"le mot{NBSP};", id="deletion_before_semicolon"),
        pytest.param("", "", " Le texte", "Le texte", id="deletion_at_start"),
        pytest.param(
            'les mots : "', "y compris", " la", 'les mots : "y compris la', id="open_quote"
        ),
        pytest.param(f"«{NBSP}", "2°", " L’article", f"«{NBSP}2° L’article", id="guillemet"),
    ],
)
def test_splice_follows_french_spacing(left, middle, right, joined):
    assert splice(left, middle, right) == joined


@pytest.mark.parametrize(
    ("alinea", "marker"),
    [
        ("12° (Supprimé)", True),
        ("II. - (Supprimés)", True),
        ("(Article supprimé non transmis par le Sénat)", True),
        ("Le 12° est supprimé.", False),
    ],
)
def test_deletion_markers_of_consolidated_texts(alinea, marker):
    assert is_deletion_marker(alinea) is marker


def test_html_dispositif_becomes_one_line_per_paragraph():
    html = (
        '<p style="text-align: justify;">Apr&#x00E8;s l&#x2019;alin&#x00E9;a&nbsp;8 :</p>'
        "<p>&#x00AB;&nbsp;Texte.&nbsp;&#x00BB;</p><p><br><br></p><p>&nbsp;</p>"
    )
    assert html_to_text(html) == f"Après l’alinéa{NBSP}8 :\n«{NBSP}Texte.{NBSP}»"
