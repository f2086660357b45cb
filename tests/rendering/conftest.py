"""Fixtures of the pure renderers' tests: no database; the real files of
`../shared/domain/open-data/` when they are there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

OPEN_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "open-data"


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    """Renderers touch no database: the suite-wide table cleaning is not needed."""
    yield


@pytest.fixture(scope="session")
def open_data() -> Path:
    """The shared real files; the test is skipped where they are absent."""
    if not OPEN_DATA.is_dir():
        pytest.skip(f"real open-data files absent ({OPEN_DATA})")
    return OPEN_DATA
