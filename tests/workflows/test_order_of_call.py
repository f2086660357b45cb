"""The order of call: the Assembly's triAmendement verbatim, computed keys by the same rules,
and room between neighbours so a later amendment is slotted in without renumbering."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workflows.order_of_call import (
    CallItem,
    call_keys,
    computed_keys,
    key_between,
    keys_between,
    order_of_call,
    spaced_keys,
)

INDEX = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "domain"
    / "open-data"
    / "an-opendata-BTC1187-liasse-index.jsonl"
)


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    """The order of call is pure: the suite-wide table cleaning is not needed."""
    yield


def _item(uid: str, **fields: Any) -> CallItem:
    return CallItem(uid=uid, number=fields.pop("number", uid), **fields)


def _numbers(items: list[CallItem]) -> list[str]:
    return [item.uid for item in order_of_call(items)]


def _shuffled(items: list[CallItem], seed: int = 7) -> list[CallItem]:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


RULES = [
    _item("10", article_number="1er", position_kind="before_article", dispositif="Le code …"),
    _item("7", article_number="1er", dispositif="À l'alinéa 2, après le mot : « a », insérer …"),
    _item("20", article_number="1er", dispositif="Supprimer cet article."),
    _item("3", article_number="1er", dispositif="Rédiger ainsi cet article : « … »"),
    _item("5", article_number="1er", dispositif="Compléter l’alinéa 2 par les mots : « b »."),
    _item("30", article_number="1er", dispositif="Supprimer l'alinéa 2."),
    _item("31", article_number="1er", dispositif="Rédiger ainsi l'alinéa 2 : « … »"),
    _item(
        "2", article_number="1er", dispositif="Après l'alinéa 2, insérer l'alinéa suivant : « … »"
    ),
    _item(
        "1", article_number="1er", dispositif="Avant l'alinéa 2, insérer l'alinéa suivant : « … »"
    ),
    _item("6", article_number="1er", alinea=1, dispositif="I. – À l’alinéa 1, substituer …"),
    _item("8", article_number="1er", dispositif="Compléter cet article par l’alinéa suivant : …"),
    _item("9", article_number="1er", position_kind="after_article", dispositif="Le code …"),
    _item("4", article_number="2", dispositif="Supprimer cet article."),
    _item("40", article_number="3 A", dispositif="Supprimer cet article."),
    _item("41", article_number="3", dispositif="Supprimer cet article."),
    _item("42", article_number="3 bis", dispositif="Supprimer cet article."),
    _item("11", on_title=True, dispositif="Compléter le titre par les mots : « x »."),
]


def test_the_rules_order_a_text() -> None:
    """Before the article, deletion, rewrite, alinéas in order (before, deleting, rewriting,
    words, completing, after), the rest, additional articles, next articles, the title last."""
    assert _numbers(_shuffled(RULES)) == [
        "10", "20", "3", "6", "1", "30", "31", "7", "5", "2", "8", "9", "4", "40", "41", "42", "11",
    ]  # fmt: skip


def test_the_texts_own_order_wins_over_the_article_numbers() -> None:
    items = [
        _item("1", article_number="2", article_position=0, dispositif="Supprimer cet article."),
        _item("2", article_number="1er", article_position=1, dispositif="Supprimer cet article."),
    ]
    assert _numbers(items) == ["1", "2"]


def test_identical_and_joint_amendments_are_called_together_at_the_first_ones_place() -> None:
    def joint(uid: str, alinea: int, where: str) -> CallItem:
        text = f"À l'alinéa {alinea}, …"
        return _item(uid, article_number="1er", alinea=alinea, dispositif=text, joint_group="j",
                     joint_position=where)  # fmt: skip

    def identical(uid: str, where: str) -> CallItem:
        return _item(uid, article_number="1er", dispositif="Supprimer cet article.",
                     identical_group="i", identical_position=where)  # fmt: skip

    items = [
        joint("50", 3, "last"),
        _item("12", article_number="1er", alinea=2, dispositif="À l'alinéa 2, …"),
        joint("60", 1, "first"),
        identical("33", "middle"),
        identical("44", "last"),
        identical("21", "middle"),
        identical("70", "first"),
    ]
    assert _numbers(_shuffled(items)) == ["70", "21", "33", "44", "60", "50", "12"]


def test_a_sub_amendment_comes_right_after_its_parent_even_inadmissible() -> None:
    items = [
        _item("1", article_number="1er", alinea=4, dispositif="À l'alinéa 4, …"),
        _item(
            "9", article_number="1er", alinea=4, dispositif="x", parent_uid="1", inadmissible=True
        ),
        _item("8", article_number="1er", alinea=4, dispositif="x", parent_uid="1"),
        _item("2", article_number="1er", alinea=4, dispositif="À l'alinéa 4, …"),
        _item("3", article_number="1er", alinea=1, dispositif="À l'alinéa 1, …", inadmissible=True),
    ]
    assert _numbers(_shuffled(items)) == ["1", "8", "9", "2", "3"]  # inadmissible: passage's end


def test_drafts_follow_numbered_amendments_in_their_own_order() -> None:
    items = [
        _item(
            "d2", number=None, sequence=2, article_number="1er", dispositif="Supprimer cet article."
        ),
        _item(
            "d1", number=None, sequence=1, article_number="1er", dispositif="Supprimer cet article."
        ),
        _item("27", number="27", article_number="1er", dispositif="Supprimer cet article."),
    ]
    assert _numbers(items) == ["27", "d1", "d2"]


def test_computed_keys_stand_apart_from_each_other() -> None:
    keys = computed_keys([*RULES, _item("d", number=None, sequence=4, article_number="2")])
    assert len(set(keys.values())) == len(RULES) + 1
    # One width for all but sub-amendments, which lengthen their parent's key: a sub-amendment
    # then sorts after its parent and before the parent's next neighbour, whatever they are.
    assert len({len(key) for key in keys.values()}) == 1
    assert all(key.endswith("n") for key in keys.values())  # room below every key


def test_key_between_always_finds_room() -> None:
    keys = [key_between(None, None)]
    rng = random.Random(1)
    for _ in range(2000):
        index = rng.randrange(len(keys) + 1)
        low = keys[index - 1] if index else None
        high = keys[index] if index < len(keys) else None
        key = key_between(low, high)
        assert (low is None or low < key) and (high is None or key < high)
        keys.insert(index, key)
    assert max(map(len, keys)) < 12
    assert key_between("baaaai", "baaab").startswith("baaa")
    with pytest.raises(ValueError, match="no key between"):
        key_between("b", "ba")  # nothing sorts between a key and itself followed by "a"
    with pytest.raises(ValueError, match="not in order"):
        key_between("c", "b")


def test_keys_between_and_spaced_keys_are_increasing() -> None:
    keys = keys_between("b", "c", 100)
    assert keys == sorted(keys) and len(set(keys)) == 100 and keys[0] > "b" and keys[-1] < "c"
    assert spaced_keys(5) == sorted(spaced_keys(5))


def test_the_assemblys_keys_are_kept_and_others_are_slotted_between_their_neighbours() -> None:
    items = [
        _item("7", article_number="1er", dispositif="Supprimer cet article.", tri="baaai"),
        _item("3", article_number="1er", alinea=3, dispositif="À l'alinéa 3, …", tri="baaaj"),
        _item("9", article_number="2", dispositif="Supprimer cet article.", tri="daaab"),
        _item("d1", number=None, article_number="1er", alinea=5, dispositif="À l'alinéa 5, …"),
        _item("d2", number=None, on_title=True, dispositif="Compléter le titre …"),
    ]
    keys = call_keys(items)
    assert (keys["7"], keys["3"], keys["9"]) == ("baaai", "baaaj", "daaab")  # verbatim
    assert keys["3"] < keys["d1"] < keys["9"] < keys["d2"]
    assert _numbers(_shuffled(items)) == ["7", "3", "d1", "9", "d2"]


# --- the 77 séance amendments of text 1187 -----------------------------------------------------


def _nil(value: Any) -> Any:
    return None if value in (None, "", {}) else value


def _index_item(row: dict[str, Any], *, with_tri: bool) -> CallItem:
    """A line of the liasse index read as the sync would (position, groups, state)."""
    from drafting.services.assembly.amendment_records import division_position, group_position
    from drafting.services.assembly.html_text import html_to_text

    division, alinea = row["division"], row["alinea"] or {}
    position = division_position(
        division["type"],
        division["titre"],
        division["avant_A_Apres"],
        division["urlDivisionTexteVise"],
        division["articleDesignationCourte"],
        (alinea.get("numero"), alinea.get("avant_A_Apres")),
    )
    state = ((row["cycleDeVie"].get("etatDesTraitements") or {}).get("etat") or {}).get("code")
    identical, joint = row["discussionIdentique"] or {}, row["discussionCommune"] or {}
    return CallItem(
        uid=row["uid"],
        article_number=position.article_number,
        position_kind=position.kind,
        on_title=position.division_type == "titre",
        alinea=position.alinea,
        alinea_relation=position.alinea_relation,
        dispositif=html_to_text(row["dispositif"]),
        number=row["numeroLong"],
        parent_uid=_nil(row["amendementParentRef"]),
        identical_group=identical.get("idDiscussion"),
        identical_position=group_position(identical.get("typePosition")),
        joint_group=joint.get("idDiscussion"),
        joint_position=group_position(joint.get("typePosition")),
        inadmissible=(state or "").startswith("IRR"),
        tri=row["triAmendement"] if with_tri else None,
    )


@pytest.fixture
def liasse_1187() -> list[dict[str, Any]]:
    if not INDEX.is_file():
        pytest.skip(f"real liasse index absent ({INDEX})")
    return [json.loads(line) for line in INDEX.read_text(encoding="utf-8").splitlines()]


def _agreement(expected: list[str], got: list[str]) -> float:
    place = {uid: index for index, uid in enumerate(got)}
    pairs = list(itertools.combinations(expected, 2))
    return sum(place[a] < place[b] for a, b in pairs) / len(pairs)


def test_1187_shuffled_comes_out_in_the_assemblys_order_with_tri(
    liasse_1187: list[dict[str, Any]],
) -> None:
    expected = [row["uid"] for row in liasse_1187]  # the index is in the order of call
    for seed in range(5):
        items = _shuffled([_index_item(row, with_tri=True) for row in liasse_1187], seed)
        assert [item.uid for item in order_of_call(items)] == expected


def test_1187_computed_without_tri_matches_the_assemblys_order_closely(
    liasse_1187: list[dict[str, Any]],
) -> None:
    """Without triAmendement the rules place 62 of the 77 at the Assembly's rank and agree on
    99.4 % of pairs; every difference is between amendments the rules see as tied on one
    passage (the Assembly then follows where in the alinéa each one acts, or its own choice)."""
    expected = [row["uid"] for row in liasse_1187]
    items = _shuffled([_index_item(row, with_tri=False) for row in liasse_1187])
    got = [item.uid for item in order_of_call(items)]
    exact = sum(a == b for a, b in zip(expected, got, strict=True))
    assert exact >= 62 and _agreement(expected, got) > 0.99
    passages = {row["uid"]: row["triAmendement"][0] for row in liasse_1187}  # the Assembly's block
    assert [passages[uid] for uid in got] == [passages[uid] for uid in expected]
    by_uid = {item.uid: item for item in items}
    for index, uid in enumerate(got):  # each sub-amendment right after its parent (or a sibling)
        parent = by_uid[uid].parent_uid
        if parent:
            before = got[index - 1]
            assert before == parent or by_uid[before].parent_uid == parent


def test_1187_half_published_keys_slot_the_rest_between_them(
    liasse_1187: list[dict[str, Any]],
) -> None:
    expected = [row["uid"] for row in liasse_1187]
    rng = random.Random(5)
    items = _shuffled([_index_item(row, with_tri=rng.random() < 0.5) for row in liasse_1187])
    keys = call_keys(items)
    for item in items:
        if item.tri:
            assert keys[item.uid] == item.tri
    got = sorted(keys, key=keys.__getitem__)
    assert _agreement(expected, got) > 0.99
