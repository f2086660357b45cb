"""Tests of identical and competing amendments: the digest and what an amendment touches."""

from __future__ import annotations

from workflows.legistique import Touch, are_competing, digest, touched_spans

NBSP = "\u00a0"
ARTICLE = [
    "Le code pénal est ainsi modifié :",
    "a) Les mots : « un mois » sont remplacés par les mots : « six mois » ;",
    "b) Le deuxième alinéa est supprimé ;",
]


def test_the_digest_ignores_case_spaces_quotes_accents_and_typography():
    typed = (
        f"À l’alinéa{NBSP}2, substituer aux mots{NBSP}:\n«{NBSP}six mois{NBSP}»\n"
        "les mots :\n« un an »."
    )
    sloppy = 'A l\'alinea 2,  substituer aux mots : "six mois" les mots : "un an"'
    assert digest(typed) == digest(sloppy)
    assert digest("SUPPRIMER L’ALINÉA 2.") == digest("Supprimer l’alinéa 2.")
    assert len(digest(typed)) == 64 and int(digest(typed), 16) >= 0


def test_the_digest_tells_different_dispositifs_apart():
    assert digest("Supprimer l’alinéa 2.") != digest("Supprimer l’alinéa 3.")
    assert digest("À l’alinéa 2, supprimer le mot : « six ».") != digest(
        "À l’alinéa 2, supprimer le mot : « sept »."
    )


def test_touched_spans_name_the_alinea_and_the_words():
    [touch] = touched_spans(
        "À l’alinéa 2, substituer aux mots :\n« six mois »\nles mots :\n« un an ».", ARTICLE
    )
    assert (touch.kind, touch.alinea, touch.words) == ("words", 2, "six mois")
    assert ARTICLE[1][touch.start : touch.end] == "six mois"  # type: ignore[misc]


def test_touched_spans_of_alinea_and_article_formulas():
    assert touched_spans("Supprimer les alinéas 2 et 3.", ARTICLE) == [
        Touch("alinea", 2),
        Touch("alinea", 3),
    ]
    assert touched_spans("Supprimer cet article.", ARTICLE) == [Touch("article")]
    assert touched_spans("Après l’alinéa 1, insérer l’alinéa suivant :\n« X. »", ARTICLE) == [
        Touch("insertion", 1)
    ]
    assert touched_spans("Bonjour.", ARTICLE) == []


def test_amendments_on_the_same_words_compete_not_on_other_words():
    six = touched_spans(
        "À l’alinéa 2, substituer aux mots :\n« six mois »\nles mots :\n« un an ».", ARTICLE
    )
    six_too = touched_spans("À l’alinéa 2, supprimer le mot :\n« six ».", ARTICLE)
    one = touched_spans(
        "À l’alinéa 2, substituer aux mots :\n« un mois »\nles mots :\n« deux mois ».", ARTICLE
    )
    assert are_competing(six, six_too)
    assert not are_competing(six, one)


def test_a_whole_alinea_or_article_competes_with_anything_inside():
    six = touched_spans("À l’alinéa 2, supprimer le mot :\n« six ».", ARTICLE)
    assert are_competing(six, touched_spans("Supprimer l’alinéa 2.", ARTICLE))
    assert are_competing(six, touched_spans("Supprimer cet article.", ARTICLE))
    assert not are_competing(six, touched_spans("Supprimer l’alinéa 3.", ARTICLE))


def test_insertions_compete_only_at_the_same_place():
    after_one = touched_spans("Après l’alinéa 1, insérer l’alinéa suivant :\n« X. »", ARTICLE)
    before_two = touched_spans("Avant l’alinéa 2, insérer l’alinéa suivant :\n« Y. »", ARTICLE)
    after_two = touched_spans("Après l’alinéa 2, insérer l’alinéa suivant :\n« Z. »", ARTICLE)
    assert are_competing(after_one, before_two)
    assert not are_competing(after_one, after_two)
