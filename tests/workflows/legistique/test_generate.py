"""Tests of the generator: the edit of an article written as the Assembly's formulas (§3.4)."""

from __future__ import annotations

import random

import pytest

from workflows.legistique import (
    NoChange,
    NotUnderstood,
    apply_dispositif,
    generate_dispositif,
    normalise,
)
from workflows.legistique import generate as generate_module

NBSP = "\u00a0"
ARTICLE = [
    "Le code pénal est ainsi modifié :",
    "1° L’article 132‑19 est ainsi modifié :",
    "a) À la fin de la seconde phrase du premier alinéa, les mots : « un mois » sont remplacés "
    "par les mots : « six mois » ;",
    "b) Le deuxième alinéa est supprimé ;",
    "2° L’article 132‑25 est ainsi modifié :",
    "a) Au premier alinéa, le mot : « doit » est remplacé par le mot : « peut » ;",
    "b) Le dernier alinéa est supprimé.",
]


def generated(after: list[str], before: list[str] = ARTICLE, **options: str) -> str:
    """Generate a dispositif and check that applying it gives the article after."""
    dispositif = generate_dispositif(before, after, **options).dispositif
    assert [normalise(t) for t in apply_dispositif(dispositif, before)] == [
        normalise(t) for t in after
    ]
    return dispositif.replace(NBSP, " ")


def edited(number: int, text: str) -> list[str]:
    """Return the article with alinéa N replaced."""
    return [text if i == number else old for i, old in enumerate(ARTICLE, 1)]


def test_nothing_changed_is_no_change_even_with_other_typography():
    with pytest.raises(NoChange):
        generate_dispositif(ARTICLE, list(ARTICLE))
    with pytest.raises(NoChange):
        generate_dispositif(ARTICLE, [t.replace("’", "'").replace("‑", "-") for t in ARTICLE])


def test_an_empty_article_after_is_supprimer_cet_article():
    result = generate_dispositif(ARTICLE, [])
    assert (result.dispositif, result.alinea, result.family) == (
        "Supprimer cet article.",
        None,
        "delete_article",
    )


def test_a_deleted_article_written_again_is_retablir():
    assert generated(["Le texte rétabli."], before=["(Supprimé)"]).startswith(
        "Rétablir cet article dans la rédaction suivante :"
    )


def test_an_article_rewritten_everywhere_is_rediger_ainsi_cet_article():
    assert generated(["Un tout autre article.", "Avec un second alinéa."]).startswith(
        "Rédiger ainsi cet article :"
    )


def test_a_one_alinea_article_rewritten_is_rediger_ainsi_cet_article():
    assert generated(["Tout autre chose."], before=["Le texte initial de l’article."]).startswith(
        "Rédiger ainsi cet article"
    )


@pytest.mark.parametrize(
    ("deleted", "formula"),
    [
        ({4}, "Supprimer l’alinéa 4."),
        ({3, 4}, "Supprimer les alinéas 3 et 4."),
        ({5, 6, 7}, "Supprimer les alinéas 5 à 7."),
    ],
)
def test_deleted_alineas(deleted, formula):
    after = [text for i, text in enumerate(ARTICLE, 1) if i not in deleted]
    assert generated(after) == formula


def test_inserted_alineas_after_before_and_at_the_end():
    middle = [
        *ARTICLE[:4],
        "c) Le troisième alinéa est supprimé ;",
        "d) Le quatrième aussi ;",
        *ARTICLE[4:],
    ]
    assert generated(middle) == (
        "Après l’alinéa 4, insérer les deux alinéas suivants :\n« c) Le troisième alinéa est "
        "supprimé ;\n« d) Le quatrième aussi ; »"
    )
    assert generated(["I. – Chapeau.", *ARTICLE]).startswith(
        "Avant l’alinéa 1, insérer l’alinéa suivant :"
    )
    assert generated([*ARTICLE, "3° Il est ajouté un article."]).startswith(
        "Compléter cet article par l’alinéa suivant :"
    )


def test_a_rewritten_alinea_and_an_alinea_replaced_by_two():
    assert generated(edited(4, "b) Tout autre rédaction de ce point-ci, sans rapport.")).startswith(
        "Rédiger ainsi l’alinéa 4 :"
    )
    two = [
        *ARTICLE[:3],
        "b) Un premier point entièrement nouveau ;",
        "c) Un second point entièrement nouveau ;",
        *ARTICLE[4:],
    ]
    assert generated(two).startswith("Substituer à l’alinéa 4 les deux alinéas suivants :")


def test_word_substitution_au_mot_les_mots():
    assert generated(edited(4, "b) Le troisième alinéa est supprimé ;")) == (
        "À l’alinéa 4, substituer au mot :\n« deuxième »\nle mot :\n« troisième »."
    )


@pytest.mark.parametrize(
    ("old", "new", "nouns"),
    [
        ("du 31 décembre 2024", "du 8 septembre 2024", ("à la date", "la date")),
        ("au titre de 2024 seulement", "au titre de 2026 seulement", ("à l’année", "l’année")),
        (
            "prévu à l’article L. 131‑4 du code",
            "prévu à l’article L. 131‑5 du code",
            ("à la référence", "la référence"),
        ),
    ],
)
def test_the_noun_names_what_is_replaced(old, new, nouns):
    before = [f"Le délai {old} est maintenu pour les contrats en cours."]
    after = [f"Le délai {new} est maintenu pour les contrats en cours."]
    dispositif = generated(after, before=before)
    assert f"substituer {nouns[0]}" in dispositif and f"\n{nouns[1]} :" in dispositif


def test_insertion_after_the_shortest_unique_anchor():
    assert generated(edited(4, "b) Le deuxième alinéa est intégralement supprimé ;")) == (
        "À l’alinéa 4, après le mot :\n« est »,\ninsérer le mot :\n« intégralement »."
    )


def test_a_repeated_anchor_word_grows_into_a_unique_anchor():
    before = ["Le juge de la peine et le juge de la détention statuent."]
    after = ["Le juge de la peine et le juge de la détention provisoire statuent."]
    assert "après le mot :\n« détention »" in generated(after, before=before)
    after = ["Le juge de la peine et le juge unique de la détention statuent."]
    # « Le juge » and « le juge » differ: the case makes the two-word anchor unique.
    assert "après les mots :\n« le juge »" in generated(after, before=before)


def test_an_anchor_does_not_cut_a_reference():
    before = ["Les conditions fixées à l’article L. 914‑3 peuvent ouvrir un établissement."]
    after = [
        "Les conditions fixées à l’article L. 914‑3 et au fichier peuvent ouvrir un établissement."
    ]
    assert "après la référence :\n« L. 914‑3 »" in generated(after, before=before)


def test_the_same_edit_on_several_alineas_is_written_once_then_procéder_à_la_même():
    tail = " à compter de la notification de la décision prise par l’autorité administrative."
    before = [f"Le délai {verb}{tail}" for verb in ("court", "est suspendu", "expire", "cesse")]
    after = [f"Le terme {verb}{tail}" for verb in ("court", "est suspendu", "expire", "cesse")]
    after[1] = before[1]
    assert generated(after, before=before) == (
        "I. – À l’alinéa 1, substituer au mot :\n« délai »\nle mot :\n« terme ».\n"
        "II. – En conséquence, procéder à la même substitution aux alinéas 3 et 4."
    )


def test_words_at_the_end_compléter_l_alinéa_par_les_mots():
    assert generated(edited(7, "b) Le dernier alinéa est supprimé à compter de 2026.")) == (
        "Compléter l’alinéa 7 par les mots :\n« à compter de 2026 »."
    )


def test_a_new_sentence_at_the_end_compléter_par_la_phrase_suivante():
    assert generated(
        edited(7, "b) Le dernier alinéa est supprimé. Un décret précise les conditions.")
    ) == ("Compléter l’alinéa 7 par la phrase suivante :\n« Un décret précise les conditions. »")


def test_words_at_the_start_au_debut_de_l_alinea():
    assert generated(edited(7, "Enfin, b) Le dernier alinéa est supprimé.")).startswith(
        "Au début de l’alinéa 7, insérer"
    )


def test_deleted_words():
    assert (
        generated(edited(4, "b) Le alinéa est supprimé ;"))
        == "À l’alinéa 4, supprimer le mot :\n« deuxième »."
    )


def test_repeated_words_are_qualified_by_sentence():
    before = ["Le juge peut statuer seul. Le juge peut renvoyer l’affaire."]
    after = ["Le juge peut statuer seul. Le juge doit renvoyer l’affaire."]
    assert generated(after, before=before).startswith(
        "À la seconde phrase de l’alinéa 1, substituer au mot"
    )


def test_repeated_words_in_one_sentence_are_qualified_by_occurrence():
    before = ["Le juge ou le juge délégué ou le juge suppléant statue."]
    after = ["Le juge ou le magistrat délégué ou le juge suppléant statue."]
    assert "substituer à la deuxième occurrence du mot :\n« juge »" in generated(
        after, before=before
    )


def test_repeated_words_ending_the_alinea_use_a_la_fin_de():
    before = ["Le délai court pendant un mois et le recours dure un mois."]
    after = ["Le délai court pendant un mois et le recours dure trois semaines."]
    assert generated(after, before=before).startswith("À la fin de l’alinéa 1, substituer")


def test_several_edits_are_numbered_parts():
    after = [
        text
        for i, text in enumerate(edited(4, "b) Le troisième alinéa est supprimé ;"), 1)
        if i != 7
    ]
    dispositif = generated(after)
    assert dispositif.startswith("I. – À l’alinéa 4, substituer au mot")
    assert "\nII. – Supprimer l’alinéa 7." in dispositif


def test_french_typography_of_the_generated_formula():
    raw = generate_dispositif(
        ARTICLE, edited(4, "b) Le troisième alinéa est supprimé ;")
    ).dispositif
    assert f"«{NBSP}deuxième{NBSP}»" in raw and f"au mot{NBSP}:" in raw and "l’alinéa" in raw
    multi = generate_dispositif(
        ARTICLE, [t for i, t in enumerate(edited(4, "b) X ;"), 1) if i != 7]
    )
    assert multi.dispositif.startswith(f"I.{NBSP}–{NBSP}")


def test_the_position_is_the_first_alinea_touched():
    assert (
        generate_dispositif(ARTICLE, edited(4, "b) Le troisième alinéa est supprimé ;")).alinea == 4
    )
    assert generate_dispositif(ARTICLE, ["Un tout autre article."]).alinea is None


def test_a_formula_the_applier_does_not_confirm_falls_back_to_rewriting_the_alinea(monkeypatch):
    monkeypatch.setattr(
        generate_module,
        "word_formulas",
        lambda *a, **k: ["À l’alinéa 4, supprimer le mot :\n« rien »."],
    )
    assert generated(edited(4, "b) Le troisième alinéa est supprimé ;")).startswith(
        "Rédiger ainsi l’alinéa 4 :"
    )


def test_sub_amendments_complete_cet_amendement():
    parent = ["I. – L’article L. 1 est abrogé.", "II. – La perte de recettes est compensée."]
    assert generated(
        [*parent, "III. – Un rapport est remis."], before=parent, target="amendment"
    ).startswith("Compléter cet amendement par l’alinéa suivant :")
    with pytest.raises(NotUnderstood):
        generate_dispositif(parent, [], target="amendment")


def _random_edit(article: list[str], rng: random.Random) -> list[str]:
    """Edit an article as an author might: a word changed, added or removed, an alinéa moved."""
    after = list(article)
    index = rng.randrange(len(after))
    words = after[index].split(" ")
    action = rng.choice(["replace", "insert", "delete", "drop", "add"])
    position = rng.randrange(len(words))
    if action == "replace":
        words[position] = rng.choice(["nouveau", "autre", "quatre"])
    elif action == "insert":
        words.insert(position, rng.choice(["notamment", "de plein droit", "le cas échéant,"]))
    elif action == "delete" and len(words) > 2:
        del words[position]
    elif action == "drop" and len(after) > 1:
        del after[index]
        return after
    elif action == "add":
        after.insert(index, "c) Un point ajouté ;")
        return after
    after[index] = " ".join(words)
    return after


@pytest.mark.parametrize("seed", range(60))
def test_whatever_the_edit_the_generated_dispositif_gives_the_article_after(seed):
    rng = random.Random(seed)
    after = ARTICLE
    for _ in range(rng.randint(1, 3)):
        after = _random_edit(after, rng)
    if [normalise(t) for t in after] == [normalise(t) for t in ARTICLE]:
        return
    generated(after)
