"""Tests of the order of discussion: before an article, on it, then after it."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from workflows.discussion_order import classify_dispositif, discussion_key


class Amendment(NamedTuple):
    """The fields the order of discussion looks at, plus a label to read the expected order."""

    label: str
    article_index: int
    position_kind: str
    alinea: int | None
    dispositif: str
    filing_number: int


# Listed in filing order, deliberately not in discussion order.
MIXED = [
    Amendment(
        "art1-complete", 0, "article", None, "Compléter cet article par l'alinéa suivant :", 1
    ),
    Amendment(
        "art1-al10-given", 0, "article", 10, "Substituer aux mots : « a » les mots : « b ».", 2
    ),
    Amendment("after-art2", 1, "after_article", None, "Après l'article 2, insérer l'article :", 3),
    Amendment(
        "art1-al2-parsed", 0, "article", None, "À l’alinéa 2, supprimer les mots : « x ».", 4
    ),
    Amendment("art2-delete", 1, "article", None, "Supprimer cet article.", 5),
    Amendment("art1-al5-given", 0, "article", 5, "Compléter cet alinéa par les mots : « y ».", 6),
    Amendment("before-art1", 0, "before_article", None, "Avant l'article 1er, insérer :", 7),
    Amendment("art1-rewrite", 0, "article", None, "Rédiger ainsi cet article :", 8),
    Amendment("art2-al10-parsed", 1, "article", None, "Supprimer les alinéas 10 à 12.", 9),
    Amendment("art1-delete", 0, "article", None, "Supprimer cet article.", 10),
    Amendment("art1-after-al2", 0, "article", None, "Après l'alinéa 2, insérer l'alinéa :", 11),
    Amendment("art2-al2-given", 1, "article", 2, "À l'alinéa 2, après le mot : « z », insérer", 12),
    Amendment("art1-al5-parsed", 0, "article", None, "Rédiger ainsi l'alinéa 5 :", 13),
    Amendment("after-art1", 0, "after_article", None, "Après l'article 1er, insérer :", 14),
    Amendment("art2-restore", 1, "article", None, "Rétablir cet article dans la rédaction :", 15),
    Amendment("before-art2", 1, "before_article", None, "Avant l'article 2, insérer :", 16),
    Amendment("art1-al2-delete", 0, "article", None, "Supprimer l'alinéa 2.", 17),
    Amendment("art1-al10-parsed", 0, "article", None, "Supprimer l'alinéa 10.", 18),
    Amendment("art1-al5-given2", 0, "article", 5, "À l’alinéa 5, supprimer le mot : « w ».", 19),
    Amendment("after-art1-bis", 0, "after_article", None, "Après l'article 1er, insérer :", 20),
    Amendment("art2-complete", 1, "article", None, "Compléter cet article par l’alinéa :", 21),
]

EXPECTED_ORDER = [
    "before-art1",
    "art1-delete",
    "art1-rewrite",
    "art1-al2-parsed",
    "art1-al2-delete",
    "art1-after-al2",
    "art1-al5-given",
    "art1-al5-parsed",
    "art1-al5-given2",
    "art1-al10-given",
    "art1-al10-parsed",
    "art1-complete",
    "after-art1",
    "after-art1-bis",
    "before-art2",
    "art2-delete",
    "art2-restore",
    "art2-al2-given",
    "art2-al10-parsed",
    "art2-complete",
    "after-art2",
]


def key_of(amendment: Amendment) -> tuple[object, ...]:
    """The discussion key of a test amendment, ties broken by filing number."""
    return discussion_key(
        amendment.article_index,
        amendment.position_kind,
        amendment.alinea,
        amendment.dispositif,
        (amendment.filing_number,),
    )


def test_liasse_follows_the_text_then_deletion_rewrite_alineas_and_the_rest() -> None:
    ordered = sorted(MIXED, key=key_of)
    assert [amendment.label for amendment in ordered] == EXPECTED_ORDER


def test_order_does_not_depend_on_the_input_order() -> None:
    assert sorted(reversed(MIXED), key=key_of) == sorted(MIXED, key=key_of)


def test_alinea_10_comes_after_alinea_2_numerically() -> None:
    on_2 = discussion_key(0, "article", None, "Supprimer l'alinéa 2.")
    on_10 = discussion_key(0, "article", None, "Supprimer l'alinéa 10.")
    assert on_2 < on_10


def test_given_alinea_wins_over_the_one_parsed_from_the_dispositif() -> None:
    given = discussion_key(0, "article", 7, "À l'alinéa 3, supprimer le mot : « a ».")
    parsed_7 = discussion_key(0, "article", None, "À l'alinéa 7, supprimer le mot : « a ».")
    assert given == parsed_7


def test_tiebreak_orders_amendments_on_the_same_alinea() -> None:
    first = discussion_key(0, "article", 3, "Supprimer l'alinéa 3.", (12, 40))
    second = discussion_key(0, "article", 3, "Supprimer l'alinéa 3.", (12, 41))
    third = discussion_key(0, "article", 3, "Supprimer l'alinéa 3.", (13, 1))
    assert first < second < third


def test_quoted_wording_does_not_count_as_the_alinea_touched() -> None:
    dispositif = "Compléter cet article par l'alinéa suivant : « À l'alinéa 3 de l'article L. 1 »."
    assert classify_dispositif(dispositif) == "other"


def test_dispositif_of_an_additional_article_is_not_parsed_for_alineas() -> None:
    plain = discussion_key(0, "after_article", None, "Après l'article 1er, insérer :", (1,))
    with_alinea = discussion_key(0, "after_article", None, "Supprimer l'alinéa 9.", (2,))
    assert plain < with_alinea


@pytest.mark.parametrize("position_kind", ["", "article_additionnel", "ARTICLE"])
def test_discussion_key_refuses_an_unknown_position(position_kind: str) -> None:
    with pytest.raises(ValueError):
        discussion_key(0, position_kind, None, "Supprimer cet article.")


def test_discussion_key_refuses_a_negative_article_index() -> None:
    with pytest.raises(ValueError):
        discussion_key(-1, "article", None, "Supprimer cet article.")


@pytest.mark.parametrize(
    ("dispositif", "expected"),
    [
        ("Supprimer cet article.", "delete_article"),
        ("  supprimer  cet article. ", "delete_article"),
        ("Rédiger ainsi cet article :\n« Le code est ainsi modifié. »", "rewrite_article"),
        ("Rétablir cet article dans la rédaction suivante :", "rewrite_article"),
        ("I. – Rédiger ainsi cet article :", "rewrite_article"),
        ("À l'alinéa 3, substituer aux mots : « a » les mots : « b ».", "alinea"),
        ("À l’alinéa 3, supprimer les mots : « a ».", "alinea"),
        ("A l'alinea 3, supprimer les mots : « a ».", "alinea"),
        ("Après l'alinéa 2, insérer l'alinéa suivant :", "alinea"),
        ("Supprimer les alinéas 4 à 6.", "alinea"),
        ("Supprimer l’alinéa 4.", "alinea"),
        ("Rédiger ainsi l'alinéa 5 :", "alinea"),
        ("Compléter l'alinéa 8 par les mots :", "alinea"),
        ("Compléter cet article par l'alinéa suivant :", "other"),
        ("Supprimer le dernier alinéa.", "other"),
        ("", "other"),
    ],
)
def test_classify_dispositif_recognises_the_usual_drafting_formulas(
    dispositif: str, expected: str
) -> None:
    assert classify_dispositif(dispositif) == expected


@pytest.mark.parametrize(
    "dispositif",
    [
        "Après l'alinéa 2, insérer l'alinéa suivant :",
        "Après l’alinéa 2, insérer l’alinéa suivant :",
    ],
)
def test_insertion_after_an_alinea_comes_between_it_and_the_next(dispositif: str) -> None:
    on_2 = discussion_key(0, "article", None, "Supprimer l'alinéa 2.", (99,))
    after_2 = discussion_key(0, "article", None, dispositif, (1,))
    on_3 = discussion_key(0, "article", None, "Supprimer l'alinéa 3.", (0,))
    assert on_2 < after_2 < on_3


def test_insertion_before_an_alinea_comes_before_amendments_on_it() -> None:
    before_3 = discussion_key(0, "article", None, "Avant l'alinéa 3, insérer l'alinéa :", (9,))
    on_3 = discussion_key(0, "article", None, "Supprimer l'alinéa 3.", (1,))
    assert before_3 < on_3


def test_each_sub_amendment_comes_right_after_its_parent_in_its_own_order():
    from workflows.discussion_order import subs_after_parents

    ordered = [1, 5, 2, 6, 3, 7, 8]
    parents = {5: 3, 6: 1, 7: 3, 8: 9}  # 8's parent is not in the list: it keeps its place
    assert subs_after_parents(ordered, parents) == [1, 6, 2, 3, 5, 7, 8]


def test_a_circle_of_parents_loses_no_amendment():
    from workflows.discussion_order import subs_after_parents

    assert sorted(subs_after_parents([1, 2, 3], {1: 2, 2: 1})) == [1, 2, 3]


def test_numbers_tie_in_natural_order_then_unnumbered_by_sequence():
    from workflows.discussion_order import number_tiebreak

    numbers = ["CL10", "CL2", None, "27", "3 rect."]
    keys = [number_tiebreak(n, i) for i, n in enumerate(numbers)]
    assert sorted(range(5), key=lambda i: keys[i]) == [4, 3, 1, 0, 2]
