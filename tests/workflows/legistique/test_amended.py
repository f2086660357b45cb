"""Tests of the amended text: several amendments on one article, changes marked, conflicts."""

from __future__ import annotations

from workflows.legistique import Segment, amend_article

ARTICLE = [
    "Le code pénal est ainsi modifié :",
    "a) Le délai de six mois est porté à un an ;",
    "b) Le deuxième alinéa est supprimé ;",
    "c) Le troisième alinéa est abrogé.",
]
SIX_TO_ONE = "À l’alinéa 2, substituer aux mots :\n« six mois »\nles mots :\n« un mois »."


def test_unchanged_inserted_deleted_and_modified_alineas_are_marked():
    result = amend_article(
        ARTICLE,
        [
            (1, SIX_TO_ONE),
            (2, "Supprimer l’alinéa 3."),
            (3, "Après l’alinéa 3, insérer l’alinéa suivant :\n« b bis) Un alinéa nouveau ; »"),
        ],
    )
    assert [(a.status, a.number, a.amendments) for a in result.alineas] == [
        ("unchanged", 1, ()),
        ("modified", 2, (1,)),
        ("deleted", 3, (2,)),
        ("inserted", None, (3,)),
        ("unchanged", 4, ()),
    ]
    assert result.text == [
        ARTICLE[0],
        "a) Le délai de un mois est porté à un an ;",
        "b bis) Un alinéa nouveau ;",
        ARTICLE[3],
    ]
    assert result.applied == (1, 2, 3)


def test_word_level_changes_are_attributed_to_their_amendment():
    result = amend_article(
        ARTICLE,
        [
            (1, SIX_TO_ONE),
            (2, "À l’alinéa 2, substituer aux mots :\n« un an »\nles mots :\n« deux ans »."),
        ],
    )
    modified = result.alineas[1]
    assert modified.amendments == (1, 2)
    assert Segment("delete", "six", 1) in modified.segments
    assert Segment("insert", "un", 1) in modified.segments
    assert Segment("delete", "un an", 2) in modified.segments
    assert Segment("insert", "deux ans", 2) in modified.segments
    old = "".join(s.text for s in modified.segments if s.kind != "insert")
    new = "".join(s.text for s in modified.segments if s.kind != "delete")
    assert (old, new) == (ARTICLE[1], "a) Le délai de un mois est porté à deux ans ;")


def test_a_second_amendment_on_the_same_words_is_a_conflict_not_applied():
    result = amend_article(
        ARTICLE, [(1, SIX_TO_ONE), (2, "À l’alinéa 2, supprimer le mot :\n« six ».")]
    )
    assert result.applied == (1,)
    assert [(c.amendment, c.with_amendment) for c in result.conflicts] == [(2, 1)]
    assert result.text[1] == "a) Le délai de un mois est porté à un an ;"


def test_deleting_the_article_conflicts_with_any_later_amendment():
    result = amend_article(ARTICLE, [(1, "Supprimer cet article."), (2, "Supprimer l’alinéa 4.")])
    assert result.text == []
    assert [c.amendment for c in result.conflicts] == [2]
    assert all(a.status == "deleted" and a.amendments == (1,) for a in result.alineas)


def test_two_insertions_at_the_same_place_are_both_applied_in_order():
    result = amend_article(
        ARTICLE,
        [
            (1, "Après l’alinéa 4, insérer l’alinéa suivant :\n« d) Premier. »"),
            (2, "Après l’alinéa 4, insérer l’alinéa suivant :\n« e) Second. »"),
        ],
    )
    assert result.text[-2:] == ["d) Premier.", "e) Second."]
    assert not result.conflicts


def test_amendments_not_understood_or_not_applicable_are_reported_and_skipped():
    result = amend_article(
        ARTICLE, [(1, "Bonjour."), (2, "Supprimer l’alinéa 9."), (3, "Supprimer l’alinéa 4.")]
    )
    assert [(n.amendment, n.code) for n in result.not_understood] == [
        (1, "not_understood"),
        (2, "alinea_missing"),
    ]
    assert result.applied == (3,)


def test_a_failing_amendment_leaves_no_partial_change():
    result = amend_article(
        ARTICLE, [(1, "I. – Supprimer l’alinéa 2.\nII. – Supprimer l’alinéa 9.")]
    )
    assert result.text == ARTICLE
