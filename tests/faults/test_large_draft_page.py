"""Fault suite: a draft of 100 000 characters (dispositif and exposé), rewritten once, has its
page viewed again and again: the word diff is computed once, at the edit, never on a view (the
page's time is measured by `benchmarks/bench_faults.py`, not asserted here)."""

from __future__ import annotations

import pytest

from drafting.db import commit
from drafting.services import amendments
from tests.conftest import NOW, login
from workflows import textdiff

pytestmark = pytest.mark.faults
SIZE = 100_000


def _long(word: str) -> str:
    return " ".join(f"{word}{i}" for i in range(SIZE // (len(word) + 6)))[:SIZE]


def test_a_100000_character_edited_draft_s_page_computes_no_diff(client, people, bill, monkeypatch):
    draft = amendments.Draft(
        bill.id, amendments.PositionInput("article", "7"), _long("alpha"), _long("beta")
    )
    amendment = amendments.create_amendment(people["regol"], draft, NOW)
    edit = amendments.Edit(amendment.version, _long("gamma"), _long("delta"))
    amendments.update_amendment(people["regol"], amendment.id, edit, NOW)
    commit()
    calls = []
    real = textdiff.word_diff

    def counted(old: str, new: str):
        calls.append(len(old) + len(new))
        return real(old, new)

    monkeypatch.setattr(amendments, "word_diff", counted)
    login(client, people["regol"])
    for _ in range(3):
        page = client.get(f"/amendements/{amendment.id}")
        assert page.status_code == 200
    assert "gamma0" in page.get_data(as_text=True)
    assert calls == []
