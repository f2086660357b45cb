"""Tests of French typography as the author types, and of the wording helpers."""

from __future__ import annotations

import random

import pytest

from workflows.legistique import typography
from workflows.legistique.french import (
    alineas_noun,
    alineas_ref,
    count_value,
    feminine_ordinal,
    ordinal_value,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "typeset"),
    [
        pytest.param(
            "les mots : « six »", f"les mots{NBSP}: «{NBSP}six{NBSP}»", id="guillemets_and_colon"
        ),
        pytest.param("les mots :«six»", f"les mots{NBSP}:«{NBSP}six{NBSP}»", id="glued"),
        pytest.param('le mot "six"', f"le mot «{NBSP}six{NBSP}»", id="straight_quotes"),
        pytest.param("l'article", "l’article", id="apostrophe"),
        pytest.param(
            "Pourquoi ? Parce que ! Ainsi ; enfin",
            f"Pourquoi{NBSP}? Parce que{NBSP}! Ainsi{NBSP}; enfin",
            id="question",
        ),
        pytest.param("l’alinéa 3 :", f"l’alinéa 3{NBSP}:", id="after_a_number"),
        pytest.param("à 17:00 sur https://x.fr", "à 17:00 sur https://x.fr", id="times_and_urls"),
    ],
)
def test_typography_as_one_types(typed, typeset):
    assert typography(typed) == typeset


@pytest.mark.parametrize("seed", range(30))
def test_typography_is_idempotent(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice("ab :;?!«»\"' \u00a0l") for _ in range(rng.randint(0, 40)))
    once = typography(text)
    assert typography(once) == once


def test_ordinals_and_counts():
    assert [ordinal_value(w) for w in ("première", "seconde", "troisième", "dernière")] == [
        1,
        2,
        3,
        -1,
    ]
    assert count_value("trois") == 3 and count_value("12") == 12
    assert feminine_ordinal(2, 2) == "seconde" and feminine_ordinal(2, 3) == "deuxième"
    assert feminine_ordinal(3, 3) == "dernière"


def test_counted_nouns_and_references():
    assert alineas_noun(1) == "l’alinéa suivant"
    assert alineas_noun(3) == "les trois alinéas suivants"
    assert alineas_ref([7, 8, 9]) == f"les alinéas{NBSP}7 à 9"
    assert alineas_ref([3, 4]) == f"les alinéas{NBSP}3 et 4"
