"""Légistique: the alinéa model, the formula grammar, the applier, the generator and the linter."""

from workflows.legistique.apply import apply_dispositif
from workflows.legistique.errors import NoChange, NotUnderstood
from workflows.legistique.french import typography
from workflows.legistique.generate import Generated, generate_dispositif
from workflows.legistique.grammar import Operation, formula_family, parse_dispositif
from workflows.legistique.text import html_to_text, normalise, split_alineas

__all__ = [
    "NoChange",
    "NotUnderstood",
    "Operation",
    "apply_dispositif",
    "formula_family",
    "html_to_text",
    "normalise",
    "parse_dispositif",
    "split_alineas",
    "typography",
]
