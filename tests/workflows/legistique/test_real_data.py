"""Scored tests on the Assembly's real data (../shared): skipped when the data is absent."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.legistique_corpus import (
    KNOWN_DIVERGENCES,
    load_pairs,
    score_applier,
    score_generator,
)
from workflows.legistique import apply_dispositif, html_to_text, lint, split_alineas

OPEN_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "domain" / "open-data"
pytestmark = pytest.mark.skipif(not OPEN_DATA.exists(), reason="../shared is absent")


def _outcomes(chamber: str) -> Counter[str]:
    """Score the applier on a chamber's pairs."""
    return Counter(score_applier(pair).outcome for pair in load_pairs(chamber))


def test_the_applier_is_right_on_90_percent_of_the_supported_assembly_pairs_and_never_wrong():
    outcomes = _outcomes("AN")
    supported = sum(outcomes.values()) - outcomes["unsupported"]
    assert supported >= 40
    assert (outcomes["exact"] + outcomes["consistent"]) / supported >= 0.90
    assert outcomes["wrong"] == 0


def test_the_applier_is_never_wrong_on_the_senat_pairs_it_parses():
    assert _outcomes("Sénat")["wrong"] == 0


def test_known_divergences_are_still_divergences():
    ids = {pair.id for chamber in ("AN", "Sénat") for pair in load_pairs(chamber)}
    assert set(KNOWN_DIVERGENCES) <= ids
    for chamber in ("AN", "Sénat"):
        for pair in load_pairs(chamber):
            if pair.id in KNOWN_DIVERGENCES:
                assert score_applier(pair).outcome == "divergent", pair.id


def test_the_generator_round_trips_and_chooses_the_real_family():
    scored = [score_generator(pair) for pair in load_pairs("AN")]
    supported = [s for s in scored if s.real_family != "not_understood"]
    assert sum(s.round_trip for s in supported) / len(supported) >= 0.95
    # The article after carries the reading's other amendments too: the family is compared on
    # the edit the amendment itself made (its own effect), where the applier could apply it.
    own = [s for s in supported if s.own_family != "none"]
    assert sum(s.own_family == s.real_family for s in own) / len(own) >= 0.80


def _btc1187() -> list[dict]:
    """Read the BTC1187 liasse index: the amendments that have a dispositif."""
    lines = (OPEN_DATA / "an-opendata-BTC1187-liasse-index.jsonl").read_text(encoding="utf-8")
    return [r for r in map(json.loads, lines.splitlines()) if r["dispositif"]]


def _position(record: dict) -> dict[str, object]:
    """Return the position keywords of a BTC1187 amendment."""
    short = record["division"]["articleDesignationCourte"]
    kind = "amendment" if record["amendementParentRef"] else "article"
    if kind == "article" and short == "TITRE":
        kind = "title"
    elif kind == "article" and short.startswith("APRÈS"):
        kind = "after_article"
    number = (record.get("alinea") or {}).get("numero")
    return {"position_kind": kind, "position_alinea": int(number) if number else None}


def test_the_linter_finds_the_two_known_typos_of_btc1187_and_no_other_error():
    records = _btc1187()
    errors = {
        (record["numeroLong"], finding.code)
        for record in records
        for finding in lint(
            html_to_text(record["dispositif"]), today=datetime.date(2025, 4, 1), **_position(record)
        )  # type: ignore[arg-type]
        if finding.severity == "error"
    }
    assert len(records) == 65
    assert errors == {("72", "doubled_colon"), ("74", "guillemet_spacing")}


def test_the_real_sub_amendments_apply_to_their_parent_s_paragraphs():
    records = {r["uid"]: r for r in _btc1187()}
    children = [r for r in records.values() if r["amendementParentRef"] in records]
    assert {r["numeroLong"] for r in children} == {"74", "76"}
    for child in children:
        parent = split_alineas(html_to_text(records[child["amendementParentRef"]]["dispositif"]))
        after = apply_dispositif(html_to_text(child["dispositif"]), parent)
        assert after != parent
    twelve = next(r for r in children if r["numeroLong"] == "74")
    parent = split_alineas(html_to_text(records[twelve["amendementParentRef"]]["dispositif"]))
    assert "vingt-quatre" in apply_dispositif(html_to_text(twelve["dispositif"]), parent)[0]
