"""Fixtures of the import and sync tests: this project's own small files in the Assembly's
formats (always there), and the real files of `../shared/domain/open-data/` when present."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "assembly"
OPEN_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "domain" / "open-data"


@pytest.fixture(scope="session")
def open_data() -> Path:
    """The shared real files; the test is skipped where they are absent."""
    if not OPEN_DATA.is_dir():
        pytest.skip(f"real open-data files absent ({OPEN_DATA})")
    return OPEN_DATA


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """This project's own small files in the Assembly's formats."""
    return FIXTURES
