"""Légistique: the alinéa model, the formula grammar, the applier, the generator and the linter.

Pure Python (standard library only). Alinéas are an article's non-empty paragraphs, quoted ones
included; a sub-amendment works the same way on its parent amendment's dispositif paragraphs.
"""

from workflows.legistique.amended import (
    AmendedAlinea,
    AmendedArticle,
    Conflict,
    NotApplied,
    Segment,
    amend_article,
)
from workflows.legistique.apply import apply_dispositif
from workflows.legistique.errors import NoChange, NotUnderstood
from workflows.legistique.findings import Finding
from workflows.legistique.french import typography
from workflows.legistique.generate import Generated, generate_dispositif
from workflows.legistique.grammar import Operation, formula_family, parse_dispositif
from workflows.legistique.identity import Touch, are_competing, digest, touched_spans
from workflows.legistique.lint import lint
from workflows.legistique.text import html_to_text, normalise, split_alineas

__all__ = [
    "AmendedAlinea",
    "AmendedArticle",
    "Conflict",
    "Finding",
    "Generated",
    "NoChange",
    "NotApplied",
    "NotUnderstood",
    "Operation",
    "Segment",
    "Touch",
    "amend_article",
    "apply_dispositif",
    "are_competing",
    "digest",
    "formula_family",
    "generate_dispositif",
    "html_to_text",
    "lint",
    "normalise",
    "parse_dispositif",
    "split_alineas",
    "touched_spans",
    "typography",
]
