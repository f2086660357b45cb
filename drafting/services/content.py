"""User text hygiene, French typography helpers and the canonical content hash."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from drafting.errors import Invalid

MAX_TEXT_CHARS = 100_000
MAX_LINE_CHARS = 2_000

# Bidirectional overrides can disguise text; they are removed with the C0/C1 controls.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + "]")

NBSP = "\u00a0"
NNBSP = "\u202f"


def clean_text(value: str, *, field: str, max_chars: int = MAX_TEXT_CHARS, multiline=True) -> str:
    """NFC-normalise, unify line ends, drop control characters, trim; refuse over-long text."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL_RE.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    value = value.strip()
    if len(value) > max_chars:
        raise Invalid(
            f"Le champ « {field} » dépasse {max_chars} caractères.",
            code="too_long",
            fields={field: f"{max_chars} caractères au plus"},
        )
    return value


def french_quotes(value: str) -> str:
    """Put no-break spaces inside « » and before : ; ? ! (idempotent)."""
    value = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, value)
    value = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", value)
    return re.sub(r"(?<=\S)[ \u00a0\u202f]?([:;?!])(?=\s|$)", NBSP + r"\1", value)


def content_hash(
    text_id: int, position_kind: str, article: str, alinea: int | None, dispositif: str, expose: str
) -> str:
    """SHA-256 of the canonical JSON of (text, position, dispositif, exposé)."""
    canonical = json.dumps(
        {
            "text_id": text_id,
            "position": {"kind": position_kind, "article": article, "alinea": alinea},
            "dispositif": dispositif,
            "expose": expose,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
