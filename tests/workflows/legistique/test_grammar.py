"""Tests of the formula grammar: each family of §3.2 parsed into operations."""

from __future__ import annotations

import pytest

from workflows.legistique import NotUnderstood, formula_family, parse_dispositif

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("dispositif", "family"),
    [
        ("Supprimer cet article.", "delete_article"),
        ("Rédiger ainsi cet article :\n« Nouveau texte. »", "rewrite_article"),
        ("Rétablir cet article dans la rédaction suivante :\n« Texte. »", "restore_article"),
        ("Compléter cet article par l’alinéa suivant :\n« Texte. »", "append_alineas"),
        ("Supprimer l’alinéa 4.", "delete_alineas"),
        ("Supprimer les alinéas 7 à 9.", "delete_alineas"),
        ("Rédiger ainsi l’alinéa 3 :\n« Texte. »", "rewrite_alinea"),
        ("Rétablir l’alinéa 5 dans la rédaction suivante :\n« 1° Texte ; »", "restore_alinea"),
        ("Substituer aux alinéas 2 à 9 l’alinéa suivant :\n« Texte. »", "replace_alineas"),
        ("Après l’alinéa 8, insérer l’alinéa suivant :\n« Texte. »", "insert_alineas"),
        ("Compléter l’alinéa 10 par les mots :\n« après exécution du tiers ».", "append_words"),
        ("Compléter l’alinéa 6 par la phrase suivante :\n« Elle est motivée. »", "append_sentence"),
        ("Supprimer la dernière phrase de l’alinéa 2.", "delete_sentence"),
        (
            "À l’alinéa 8, substituer au mot :\n« dont »\nles mots :\n« y compris ».",
            "substitute_words",
        ),
        (
            "À l’alinéa 2, après le mot :\n« pour »,\ninsérer les mots :\n« la Guyane, ».",
            "insert_words",
        ),
        ("À l’alinéa 3, supprimer les mots :\n« académique ou professionnelle ».", "delete_words"),
        ("À la fin du titre, substituer aux mots :\n« X »\nles mots :\n« Y ».", "substitute_words"),
        ("I. – Supprimer l’alinéa 4.\nII. – En conséquence, supprimer l’alinéa 6.", "multi_part"),
        ("Bonjour.", "not_understood"),
    ],
)
def test_each_formula_family_is_recognised(dispositif, family):
    assert formula_family(dispositif) == family


def test_word_substitution_reads_alinea_words_and_new_words():
    [op] = parse_dispositif(
        f"À l’alinéa{NBSP}8, substituer au mot{NBSP}:\n«{NBSP}dont{NBSP}»\nles mots{NBSP}:\n"
        f"«{NBSP}y compris{NBSP}»."
    )
    assert (op.kind, op.alineas, op.words, op.text) == (
        "substitute_words",
        (8,),
        "dont",
        "y compris",
    )


def test_quoted_words_carry_their_span_in_the_dispositif():
    dispositif = "À l’alinéa 3, supprimer les mots : « six mois »."
    [op] = parse_dispositif(dispositif)
    assert op.words_span is not None
    assert dispositif[op.words_span[0] : op.words_span[1]] == "six mois"


@pytest.mark.parametrize(
    ("location", "sentence", "edge", "occurrence"),
    [
        ("À la première phrase de l’alinéa 1, substituer aux mots", 1, None, None),
        ("À la fin de la seconde phrase de l’alinéa 1, substituer aux mots", 2, "end", None),
        ("Au début de l’alinéa 1, substituer aux mots", None, "start", None),
        ("À la dernière phrase de l’alinéa 1, substituer aux mots", -1, None, None),
        ("À l’alinéa 1, substituer à la troisième occurrence du mot", None, None, 3),
    ],
)
def test_qualifiers_sentence_edge_occurrence(location, sentence, edge, occurrence):
    [op] = parse_dispositif(f"{location} :\n« a »\nle mot :\n« b ».")
    assert (op.sentence, op.edge, op.occurrence) == (sentence, edge, occurrence)


def test_alinea_ranges_and_lists():
    assert parse_dispositif("Supprimer les alinéas 7 à 9.")[0].alineas == (7, 8, 9)
    assert parse_dispositif("Supprimer les alinéas 3 et 7.")[0].alineas == (3, 7)


def test_counted_blocks_take_that_many_quoted_paragraphs():
    [op] = parse_dispositif(
        "Après l’alinéa 9, insérer les deux alinéas suivants :\n« – est ajouté un alinéa ainsi"
        " rédigé :\n« La juridiction ne peut prononcer cette peine. »"
    )
    assert op.new_alineas == (
        "– est ajouté un alinéa ainsi rédigé :",
        "La juridiction ne peut prononcer cette peine.",
    )
    assert not op.count_mismatch


def test_a_nested_quotation_keeps_its_own_guillemets():
    [op] = parse_dispositif(
        "Rédiger ainsi l’alinéa 3 :\n"
        "« a) Les mots : « un mois » sont remplacés par les mots : « trois mois » ; »"
    )
    assert op.new_alineas == (
        "a) Les mots : « un mois » sont remplacés par les mots : « trois mois » ;",
    )


def test_an_unclosed_block_keeps_the_guillemet_closing_its_inner_quotation():
    [op] = parse_dispositif(
        "Rédiger ainsi l’alinéa 3 :\n« a) Le mot : « six » est remplacé par le mot : « sept » ;"
    )
    assert op.new_alineas == ("a) Le mot : « six » est remplacé par le mot : « sept » ;",)


def test_a_block_with_more_paragraphs_than_announced_is_flagged_not_cut():
    [op] = parse_dispositif("Rédiger ainsi l’alinéa 6 :\n« 3° Premier :\n« Second. »")
    assert op.new_alineas == ("3° Premier :", "Second.")
    assert op.count_mismatch


def test_inline_block_on_the_formula_line():
    [op] = parse_dispositif("Compléter cet article par l’alinéa suivant : « II. – Texte. ».")
    assert op.new_alineas == ("II. – Texte.",)


def test_multi_part_amendments_keep_the_numbering_of_the_text_before():
    ops = parse_dispositif(
        "I. – Supprimer l’alinéa 4.\n\nII. – En conséquence, rédiger ainsi l’alinéa 6 :\n"
        "« Texte. »\nIII. – En conséquence, supprimer les alinéas 7 à 9."
    )
    assert [(op.part, op.kind, op.alineas) for op in ops] == [
        (1, "delete_alineas", (4,)),
        (2, "replace_alineas", (6,)),
        (3, "delete_alineas", (7, 8, 9)),
    ]


def test_le_meme_alinea_names_the_previous_part_s_alinea():
    ops = parse_dispositif(
        "I. – À l’alinéa 6, substituer au mot :\n« peut »\nle mot :\n« doit ».\n"
        "II. – En conséquence, compléter le même alinéa par les mots : « , si besoin »."
    )
    assert ops[1].alineas == (6,)


def test_proceder_a_la_meme_substitution_repeats_the_previous_part():
    ops = parse_dispositif(
        "I. – À l’alinéa 9, substituer à la seconde occurrence du mot :\n« le »\nle mot :\n"
        "« un ».\nII. – En conséquence, procéder à la même substitution aux alinéas 16, 19 et 20."
    )
    assert [op.alineas for op in ops] == [(9,), (16,), (19,), (20,)]
    assert all(op.occurrence == 2 for op in ops)


def test_a_doubled_colon_is_a_slip_the_grammar_reads_through():
    [op] = parse_dispositif("À l’alinéa 4, supprimer le mot : :\n« essentielle ».")
    assert op.words == "essentielle"


def test_location_less_formulas_of_sub_amendments():
    [op] = parse_dispositif(
        "Substituer aux mots :\n« douze mois »\nles mots :\n« vingt-quatre mois »."
    )
    assert op.scope == "anywhere"


@pytest.mark.parametrize(
    ("dispositif", "kind", "fields"),
    [
        pytest.param(
            "Alinéa 9\n\nRemplacer le mot :\n\ndeuxième\n\npar le mot :\n\npremier",
            "substitute_words",
            {"alineas": (9,), "words": "deuxième", "text": "premier"},
            id="remplacer",
        ),
        pytest.param(
            "Alinéa 2, dernière phrase\n\nSupprimer cette phrase.",
            "delete_sentence",
            {"alineas": (2,), "sentence": -1},
            id="phrase",
        ),
        pytest.param(
            "Après l’alinéa 4\n\nInsérer un alinéa ainsi rédigé :\n\n« Texte. »",
            "insert_alineas",
            {"alineas": (4,), "relation": "after", "new_alineas": ("Texte.",)},
            id="inserer",
        ),
        pytest.param(
            "Alinéa 2\n\nAprès les mots :\n\nétablissements publics\n\ninsérer les mots :\n\n"
            "et des collectivités",
            "insert_words",
            {"words": "établissements publics", "text": "et des collectivités"},
            id="apres_les_mots",
        ),
    ],
)
def test_the_senat_layout_is_read_into_the_same_operations(dispositif, kind, fields):
    [op] = parse_dispositif(dispositif)
    assert op.kind == kind
    assert {name: getattr(op, name) for name in fields} == fields


def test_rediger_ainsi_le_debut_needs_the_kept_words_after_an_ellipsis():
    [op] = parse_dispositif(
        "Rédiger ainsi le début de l’alinéa 8 :\n« II. – À compter de 2026, la référence … "
        "(le reste sans changement) »."
    )
    assert (op.kind, op.text) == ("rewrite_start", "II. – À compter de 2026, la référence")


@pytest.mark.parametrize(
    "dispositif",
    [
        pytest.param("", id="empty"),
        pytest.param(
            "À l’alinéa 2, substituer aux mots :\n« six mois\nles mots : « un an ».", id="unclosed"
        ),
        pytest.param("Alinéa 9\n\nRemplacer le mot :\n\ndeuxième", id="senat_cut_short"),
        pytest.param("Supprimer le IV de cet article.", id="division"),
        pytest.param("Supprimer cet article.\nII. – Supprimer l’alinéa 2.", id="article_and_part"),
        pytest.param("Rédiger ainsi l’alinéa 3 :", id="content_missing"),
    ],
)
def test_what_the_grammar_does_not_understand_is_refused(dispositif):
    with pytest.raises(NotUnderstood):
        parse_dispositif(dispositif)
