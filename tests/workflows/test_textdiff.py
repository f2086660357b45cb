"""Tests of the word-level diff shown to a co-signatory when an amendment changed."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from workflows.textdiff import word_diff

NBSP = "\u00a0"
NNBSP = "\u202f"


def old_side(segments: list[tuple[str, str]]) -> str:
    """The old text rebuilt from the "equal" and "delete" segments."""
    return "".join(text for op, text in segments if op in ("equal", "delete"))


def new_side(segments: list[tuple[str, str]]) -> str:
    """The new text rebuilt from the "equal" and "insert" segments."""
    return "".join(text for op, text in segments if op in ("equal", "insert"))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("", "", [], id="both_empty"),
        pytest.param(
            "", "Supprimer cet article.", [("insert", "Supprimer cet article.")], id="new"
        ),
        pytest.param(
            "Supprimer cet article.", "", [("delete", "Supprimer cet article.")], id="gone"
        ),
        pytest.param(
            "Supprimer cet article.",
            "Supprimer cet article.",
            [("equal", "Supprimer cet article.")],
            id="unchanged",
        ),
        pytest.param(
            "Supprimer l'alinéa 4.",
            "Supprimer l'alinéa 5.",
            [("equal", "Supprimer l'alinéa "), ("delete", "4"), ("insert", "5"), ("equal", ".")],
            id="one_word_replaced",
        ),
        pytest.param(
            "À l'alinéa 3, supprimer les mots : « dix ».",
            "À l'alinéa 3, supprimer les mots : « dix jours ».",
            [
                ("equal", "À l'alinéa 3, supprimer les mots : « dix "),
                ("insert", "jours "),
                ("equal", "»."),
            ],
            id="words_inserted",
        ),
        pytest.param(
            "au titre des années 2024 et 2025",
            "au titre de 2026",
            [("equal", "au titre "), ("delete", "des années 2024 et 2025"), ("insert", "de 2026")],
            id="lone_spaces_between_changes_fold_into_one_change",
        ),
    ],
)
def test_word_diff_marks_changed_words_and_keeps_the_rest_equal(
    old: str, new: str, expected: list[tuple[str, str]]
) -> None:
    assert word_diff(old, new) == expected


def test_word_diff_keeps_french_quotes_and_no_break_spaces_intact() -> None:
    start = f"À l’alinéa 3, substituer aux mots{NBSP}: «{NBSP}dix{NBSP}» les mots{NBSP}: «{NBSP}"
    old = f"{start}vingt{NBSP}»."
    new = f"{start}trente{NNBSP}»."
    segments = word_diff(old, new)
    assert old_side(segments) == old
    assert new_side(segments) == new
    assert ("delete", f"vingt{NBSP}") in segments
    assert ("insert", f"trente{NNBSP}") in segments


def test_word_diff_never_produces_empty_or_adjacent_same_op_segments() -> None:
    segments = word_diff("a b c d e f", "a x c y e z")
    assert all(text for _, text in segments)
    assert all(left[0] != right[0] for left, right in pairwise(segments))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Supprimer cet article.", "Rédiger ainsi cet article :\n« Le I est abrogé. »"),
        ("I. – Au 1°, après le mot : « et »", "I. – Au 2°, après le mot : « ou »"),
        ("  espaces  multiples\t\n", " espaces multiples "),
        ("L. 131‑4‑4", "L. 131‑4‑5"),
    ],
)
def test_word_diff_sides_rebuild_old_and_new_exactly(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert old_side(segments) == old
    assert new_side(segments) == new


def test_word_diff_sides_rebuild_random_texts_exactly() -> None:
    rng = random.Random(20230206)
    alphabet = ["mot", "alinéa", "« ", " »", ",", ".", " ", NBSP, "\n", "’", "l", "é", "3", "-"]
    for _ in range(300):
        old = "".join(rng.choices(alphabet, k=rng.randint(0, 25)))
        new = "".join(rng.choices(alphabet, k=rng.randint(0, 25)))
        segments = word_diff(old, new)
        assert old_side(segments) == old
        assert new_side(segments) == new
        assert {op for op, _ in segments} <= {"equal", "delete", "insert"}


def _texts(seed: int, words: int, paragraph: int) -> tuple[str, str]:
    import random

    rng = random.Random(seed)

    def text() -> str:
        tokens = ["".join(rng.choice("ab") for _ in range(2)) for _ in range(words)]
        return "\n".join(" ".join(tokens[i : i + paragraph]) for i in range(0, words, paragraph))

    return text(), text()


@pytest.mark.parametrize(("words", "paragraph"), [(33_000, 50), (33_000, 150), (33_000, 33_000)])
def test_a_diff_of_large_rewritten_texts_stays_within_its_budget(monkeypatch, words, paragraph):
    """100 000 characters rewritten everywhere (the worst case for a word diff): the item
    comparisons add up to no more than the budget, and the segments still give both texts."""
    import difflib

    from workflows import textdiff

    spent = []

    class Counting(difflib.SequenceMatcher):  # type: ignore[type-arg]
        def __init__(self, junk, a, b, autojunk):
            spent.append(len(a) * len(b))
            super().__init__(junk, a, b, autojunk)

    monkeypatch.setattr(textdiff, "SequenceMatcher", Counting)
    old, new = _texts(words, words, paragraph)
    segments = word_diff(old, new)
    assert sum(spent) <= textdiff.BUDGET
    assert "".join(t for op, t in segments if op != "insert") == old
    assert "".join(t for op, t in segments if op != "delete") == new


def test_a_local_edit_of_a_long_text_is_found_exactly():
    old = " ".join(f"mot{i}" for i in range(20_000))
    new = old.replace("mot12345 ", "terme12345 ")
    assert [s for s in word_diff(old, new) if s[0] != "equal"] == [
        ("delete", "mot12345"),
        ("insert", "terme12345"),
    ]
