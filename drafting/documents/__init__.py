"""Official amendment documents (DOCX, PDF, liasse ZIP): pure renderers, data in and bytes out.

The renderers are imported on first use (python-docx and typst are heavy): importing
`drafting.documents.sheet` to build a sheet loads neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from drafting.documents.sheet import (
    AmendmentSheet,
    Signatory,
    division_heading,
    download_name,
    french_date,
    number_label,
    outcome_label,
    position_tag,
    signatory_line,
)

if TYPE_CHECKING:
    from drafting.documents.docx import TEMPLATE_VERSION, DocxRenderer, check_template, render_docx
    from drafting.documents.liasse import write_liasse
    from drafting.documents.pdf import render_pdf, render_pdf_batch

_LAZY = {
    "TEMPLATE_VERSION": "drafting.documents.docx",
    "DocxRenderer": "drafting.documents.docx",
    "check_template": "drafting.documents.docx",
    "render_docx": "drafting.documents.docx",
    "render_pdf": "drafting.documents.pdf",
    "render_pdf_batch": "drafting.documents.pdf",
    "write_liasse": "drafting.documents.liasse",
}

__all__ = [
    "TEMPLATE_VERSION",
    "AmendmentSheet",
    "DocxRenderer",
    "Signatory",
    "check_template",
    "division_heading",
    "download_name",
    "french_date",
    "number_label",
    "outcome_label",
    "position_tag",
    "render_docx",
    "render_pdf",
    "render_pdf_batch",
    "signatory_line",
    "write_liasse",
]


def __getattr__(name: str) -> Any:
    """Import a renderer's module when one of its names is first asked for."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
