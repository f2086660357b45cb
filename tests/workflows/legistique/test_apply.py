"""Tests of the applier: each family applied to an article, and refusals rather than guesses."""

from __future__ import annotations

import pytest

from workflows.legistique import NotUnderstood, apply_dispositif, normalise

ARTICLE = [
    "Le code de l’éducation est ainsi modifié :",
    "1° L’article L. 131‑1 est ainsi modifié :",
    "a) Au premier alinéa, les mots : « six ans » sont remplacés par les mots : « trois ans » ;",
    "b) Le second alinéa est supprimé ;",
    "2° Après l’article L. 131‑2, il est inséré un article L. 131‑2‑1 ainsi rédigé :",
    "« Art. L. 131‑2‑1. – L’instruction est obligatoire dès trois ans. Elle peut être donnée "
    "dans les familles par les parents. »",
]


def changed(dispositif: str, article: list[str] = ARTICLE) -> dict[int, str]:
    """Apply a dispositif and return {alinéa number: new text} of the alinéas that changed."""
    after = apply_dispositif(dispositif, article)
    assert len(after) == len(article), "this helper is for edits that keep the alinéa count"
    return {
        i: new for i, (old, new) in enumerate(zip(article, after, strict=True), 1) if old != new
    }


def refusal(dispositif: str, article: list[str] = ARTICLE) -> str:
    """Return the code of the NotUnderstood raised by applying a dispositif."""
    with pytest.raises(NotUnderstood) as raised:
        apply_dispositif(dispositif, article)
    return raised.value.code


def test_supprimer_cet_article_leaves_no_alinea():
    assert apply_dispositif("Supprimer cet article.", ARTICLE) == []


def test_rediger_ainsi_cet_article_replaces_every_alinea():
    assert apply_dispositif("Rédiger ainsi cet article :\n« Premier.\n« Second. »", ARTICLE) == [
        "Premier.",
        "Second.",
    ]


def test_retablir_cet_article_only_applies_to_a_deleted_article():
    assert apply_dispositif(
        "Rétablir cet article dans la rédaction suivante :\n« Texte. »", []
    ) == ["Texte."]
    assert apply_dispositif(
        "Rétablir cet article dans la rédaction suivante :\n« Texte. »", ["(Supprimé)"]
    ) == ["Texte."]
    assert (
        refusal("Rétablir cet article dans la rédaction suivante :\n« Texte. »") == "not_applicable"
    )


def test_supprimer_les_alineas_n_a_m():
    assert apply_dispositif("Supprimer les alinéas 3 à 5.", ARTICLE) == [
        ARTICLE[0],
        ARTICLE[1],
        ARTICLE[5],
    ]


def test_inserting_after_before_and_at_the_end():
    after = apply_dispositif(
        "Après l’alinéa 4, insérer l’alinéa suivant :\n« c) Nouveau ; »", ARTICLE
    )
    assert after[4] == "c) Nouveau ;"
    before = apply_dispositif(
        "Avant l’alinéa 1, insérer l’alinéa suivant :\n« I. – Chapeau. »", ARTICLE
    )
    assert before[0] == "I. – Chapeau."
    end = apply_dispositif(
        "Compléter cet article par les deux alinéas suivants :\n« II. – A.\n« III. – B. »", ARTICLE
    )
    assert end[-2:] == ["II. – A.", "III. – B."]


def test_a_new_alinea_that_is_itself_quoted_keeps_its_inner_guillemet():
    after = apply_dispositif(
        "Après l’alinéa 6, insérer l’alinéa suivant :\n« « Il est informé. » »", ARTICLE
    )
    assert after[6] == "« Il est informé. »"


def test_substituer_aux_alineas_replaces_a_range_by_new_alineas():
    after = apply_dispositif(
        "Substituer aux alinéas 3 et 4 l’alinéa suivant :\n« a) Nouveau ; »", ARTICLE
    )
    assert after == [ARTICLE[0], ARTICLE[1], "a) Nouveau ;", ARTICLE[4], ARTICLE[5]]


def test_word_substitution_in_one_alinea():
    new = changed("À l’alinéa 4, substituer au mot :\n« second »\nle mot :\n« dernier ».")
    assert new == {4: "b) Le dernier alinéa est supprimé ;"}


def test_words_are_matched_whatever_the_typography():
    new = changed(
        "À l’alinéa 2, substituer à la référence :\n« L. 131-1 »\nla référence :\n« L. 131‑3 »."
    )
    assert new == {2: "1° L’article L. 131‑3 est ainsi modifié :"}


def test_insertion_after_words_with_french_spacing():
    new = changed(
        "À l’alinéa 4, après le mot :\n« alinéa »,\n"
        "insérer les mots :\n« , dans sa rédaction actuelle, »."
    )
    assert new == {4: "b) Le second alinéa, dans sa rédaction actuelle, est supprimé ;"}


def test_insertion_before_words():
    new = changed("À l’alinéa 4, avant le mot :\n« supprimé »,\ninsérer le mot :\n« aussi ».")
    assert new == {4: "b) Le second alinéa est aussi supprimé ;"}


def test_deletion_of_words():
    new = changed("À l’alinéa 4, supprimer le mot :\n« second ».")
    assert new == {4: "b) Le alinéa est supprimé ;"}


def test_completer_l_alinea_par_les_mots_goes_before_the_closing_punctuation():
    assert changed("Compléter l’alinéa 4 par les mots :\n« sans délai ».") == {
        4: "b) Le second alinéa est supprimé sans délai ;"
    }
    code = changed("Compléter l’alinéa 6 par les mots :\n« et par des tiers ».")[6]
    assert code.endswith("par les parents et par des tiers. »")


def test_completer_l_alinea_par_la_phrase_suivante_goes_after_the_last_period():
    text = changed(
        "Compléter l’alinéa 6 par la phrase suivante :\n« Un décret précise ces conditions. »"
    )[6]
    assert text.endswith("par les parents. Un décret précise ces conditions. »")


def test_au_debut_de_l_alinea_insert_after_the_opening_guillemet():
    text = changed("Au début de l’alinéa 6, insérer les mots :\n« Sauf exception, ».")[6]
    assert text.startswith("« Sauf exception, Art. L. 131‑2‑1.")


def test_sentence_operations():
    second = changed("Supprimer la seconde phrase de l’alinéa 6.")[6]
    assert second == "« Art. L. 131‑2‑1. – L’instruction est obligatoire dès trois ans. »"
    inserted = changed(
        "Après la première phrase de l’alinéa 6, insérer la phrase suivante :\n"
        "« Elle est gratuite. »"
    )[6]
    assert "dès trois ans. Elle est gratuite. Elle peut" in inserted
    rewritten = changed("Rédiger ainsi la seconde phrase de l’alinéa 6 :\n« Elle est publique. »")[
        6
    ]
    assert rewritten.endswith("trois ans. Elle est publique. »")


def test_a_sentence_qualifier_picks_the_sentence():
    article = ["Le juge peut statuer. Le juge peut aussi renvoyer."]
    after = apply_dispositif(
        "À la seconde phrase de l’alinéa 1, substituer au mot :\n« peut »\nle mot :\n« doit ».",
        article,
    )
    assert after == ["Le juge peut statuer. Le juge doit aussi renvoyer."]


def test_an_occurrence_qualifier_picks_the_occurrence():
    after = changed(
        "À l’alinéa 3, substituer à la seconde occurrence des mots :\n« les mots »\n"
        "les mots :\n« le mot »."
    )
    assert after[3].endswith("sont remplacés par le mot : « trois ans » ;")


def test_occurrences_count_a_capitalised_word_at_a_sentence_start():
    article = ["Les membres et les rapporteurs et les experts."]
    after = apply_dispositif(
        "À l’alinéa 1, après la troisième occurrence du mot :\n« les »,\n"
        "insérer le mot :\n« autres ».",
        article,
    )
    assert after == ["Les membres et les rapporteurs et les autres experts."]


def test_words_replaced_at_a_sentence_start_keep_the_capital():
    article = ["La personne condamnée est tenue au paiement."]
    after = apply_dispositif(
        "À l’alinéa 1, substituer aux mots :\n« la personne »\nles mots :\n« le donneur d’ordre ».",
        article,
    )
    assert after == ["Le donneur d’ordre condamnée est tenue au paiement."]


def test_a_la_fin_de_l_alinea_requires_the_words_at_the_end():
    assert changed(
        "À la fin de l’alinéa 4, substituer au mot :\n« supprimé »\nle mot :\n« abrogé »."
    ) == {4: "b) Le second alinéa est abrogé ;"}
    assert refusal("À la fin de l’alinéa 4, supprimer le mot :\n« second ».") == "words_not_found"


def test_rediger_ainsi_le_debut_keeps_the_rest_of_the_alinea():
    text = changed(
        "Rédiger ainsi le début de l’alinéa 5 :\n"
        "« 3° Avant l’article L. 131‑2, il est inséré … (le reste sans changement) »."
    )[5]
    assert text == "3° Avant l’article L. 131‑2, il est inséré un article L. 131‑2‑1 ainsi rédigé :"


def test_location_less_words_apply_where_they_are_found_once():
    assert changed("Substituer aux mots :\n« dans les familles »\nles mots :\n« à domicile ».")[
        6
    ].endswith("donnée à domicile par les parents. »")
    assert (
        refusal("Substituer aux mots :\n« est ainsi modifié »\nles mots :\n« change ».")
        == "words_ambiguous"
    )


def test_every_part_addresses_the_alineas_as_numbered_before():
    after = apply_dispositif(
        "I. – Supprimer l’alinéa 3.\n"
        "II. – À l’alinéa 4, substituer au mot :\n« second »\nle mot :\n« dernier ».",
        ARTICLE,
    )
    assert after[2] == "b) Le dernier alinéa est supprimé ;"


def test_procéder_à_la_même_substitution():
    article = ["Le délai court.", "Le délai expire.", "Le terme vient."]
    after = apply_dispositif(
        "I. – À l’alinéa 1, substituer au mot :\n« délai »\nle mot :\n« terme ».\n"
        "II. – En conséquence, procéder à la même substitution à l’alinéa 2.",
        article,
    )
    assert after == ["Le terme court.", "Le terme expire.", "Le terme vient."]


@pytest.mark.parametrize(
    ("dispositif", "code"),
    [
        pytest.param("Supprimer l’alinéa 9.", "alinea_missing", id="alinea_missing"),
        pytest.param(
            "À l’alinéa 4, supprimer le mot :\n« troisième ».", "words_not_found", id="absent"
        ),
        pytest.param(
            "À l’alinéa 3, supprimer les mots :\n« les mots ».", "words_ambiguous", id="ambiguous"
        ),
        pytest.param(
            "À l’alinéa 3, supprimer la cinquième occurrence du mot :\n« ans ».",
            "words_not_found",
            id="occurrence",
        ),
        pytest.param(
            "À la troisième phrase de l’alinéa 6, supprimer le mot :\n« trois ».",
            "sentence_missing",
            id="sentence",
        ),
        pytest.param(
            "I. – Supprimer l’alinéa 4.\nII. – Rédiger ainsi l’alinéa 4 :\n« X. »",
            "conflict",
            id="twice",
        ),
        pytest.param(
            "Supprimer la première phrase de l’alinéa 4.", "not_applicable", id="only_sentence"
        ),
    ],
)
def test_refusals_are_explained_never_guessed(dispositif, code):
    assert refusal(dispositif) == code


def test_a_deletion_leaving_a_doubled_word_is_refused():
    article = ["prononcée par le juge, par la commission, par la démission"]
    assert (
        refusal("À l’alinéa 1, supprimer les mots :\n« la commission, ».", article)
        == "doubled_word"
    )


def test_a_title_amendment_applies_to_the_title_alone():
    title = ["Proposition de loi visant à faire exécuter les peines d’emprisonnement ferme"]
    after = apply_dispositif(
        "À la fin du titre, substituer aux mots :\n"
        "« faire exécuter les peines d’emprisonnement ferme »\n"
        "les mots :\n« réformer les peines ».",
        title,
    )
    assert after == ["Proposition de loi visant à réformer les peines"]


def test_a_sub_amendment_applies_to_its_parent_s_paragraphs():
    parent = [
        "Dans un délai de douze mois à compter de la promulgation de la présente loi, "
        "le Gouvernement remet au Parlement un rapport."
    ]
    after = apply_dispositif(
        "Substituer aux mots :\n« douze mois »\nles mots :\n« vingt-quatre mois ».", parent
    )
    assert normalise(after[0]).startswith("Dans un délai de vingt-quatre mois")
    appended = apply_dispositif(
        "Compléter cet amendement par l’alinéa suivant :\n« Il est rendu public. »", parent
    )
    assert appended[-1] == "Il est rendu public."
