"""The version of the code, for what is kept between runs under a digest of its inputs.

A result kept under a digest of its inputs (a liasse's order of call, its amended text) is
only the same result for the same code: the digest names `code_version()`, a digest of every
source file of the application and of its document templates, so any deployment that changes
one computes such results once again rather than serving ones an older code made.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import inspect

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("drafting/**/*.py", "workflows/**/*.py", "workflows/**/*.json", "templates/**/*")


@functools.cache
def code_version() -> str:
    """A digest of the application's source files and templates (read once a process; the
    worker reads it before it forks)."""
    digest = hashlib.sha256()
    paths = sorted({path for pattern in SOURCES for path in ROOT.glob(pattern) if path.is_file()})
    for path in paths:
        digest.update(f"{path.relative_to(ROOT)}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def row_values(entity: Any) -> dict[str, Any]:
    """Every column of a mapped entity, by attribute name (what a digest of its row names)."""
    return {
        column.key: getattr(entity, column.key) for column in inspect(entity).mapper.column_attrs
    }


def input_digest(*inputs: object) -> str:
    """A digest of the code's version and of these inputs (rows as `row_values` or lists,
    written as JSON with their keys sorted; dates and the like as text): where a result
    worked out from them is kept."""
    named = json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{code_version()}\n{named}".encode()).hexdigest()
