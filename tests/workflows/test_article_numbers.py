"""The Assembly's article numbering: written form, order in a text, division anchors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workflows.article_numbers import (
    anchor_for,
    article_rank,
    number_from_anchor,
    parse_article_number,
)


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    """Pure rules: the suite-wide table cleaning is not needed."""
    yield


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("ARTICLE PREMIER", "1er"),
        ("Article 1er", "1er"),
        ("1 er bis", "1er bis"),
        ("3 BIS A", "3 bis A"),
        ("40 QUATER", "40 quater"),
        ("Article\u00a0unique", "unique"),
        ("liminaire", "liminaire"),
        ("07", "7"),
    ],
)
def test_the_written_form(raw: str, number: str) -> None:
    assert parse_article_number(raw) == number


def test_letters_come_before_their_base_article_and_latin_after() -> None:
    numbers = ["3 bis", "10", "3 A", "3", "liminaire", "3 ter", "1er", "3 bis A", "3 B", "2"]
    assert sorted(numbers, key=article_rank) == [
        "liminaire", "1er", "2", "3 A", "3 B", "3", "3 bis A", "3 bis", "3 ter", "10",
    ]  # fmt: skip


def test_anchors_round_trip() -> None:
    assert anchor_for("1er") == "D_Article_1er"
    assert anchor_for("3 bis A") == "D_Article_3_bis_A"
    assert number_from_anchor("/17/textes/1187.asp#D_Article_3_bis") == "3 bis"
    assert number_from_anchor("D_Annexe") is None
