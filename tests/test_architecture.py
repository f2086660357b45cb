"""ARCHITECTURE.md carries the workflow diagram generated from the transition table."""

from __future__ import annotations

from drafting import ROOT
from workflows.review import mermaid_diagram


def test_architecture_diagram_is_generated_from_the_current_table():
    assert mermaid_diagram() in (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
