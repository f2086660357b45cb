"""User text hygiene, French typography helpers and the canonical content hash."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from drafting.errors import Invalid

MAX_TEXT_CHARS = 100_000
MAX_LINE_CHARS = 2_000

# Bidirectional overrides and marks, and zero-width characters, can disguise text (a signed text
# that reads otherwise than it is): removed with the C0/C1 controls. The no-break spaces of French
# typography (U+00A0, U+202F) are kept.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + _ZERO_WIDTH + "]")
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

NBSP = "\u00a0"
NNBSP = "\u202f"


def clean_text(value: str, *, field: str, max_chars: int = MAX_TEXT_CHARS, multiline=True) -> str:
    """NFC-normalise, unify line ends, drop control and invisible characters, trim; refuse
    over-long text, and line breaks or control characters in a one-line field (a number, a name:
    they end up in e-mail headers and file names)."""
    value = unicodedata.normalize("NFC", value)
    if not multiline and _LINE_BREAKING.search(value.replace("\t", " ")):
        raise Invalid(
            f"Le champ « {field} » tient sur une ligne : retours à la ligne et caractères de "
            "contrôle interdits.",
            code="control_characters",
            fields={field: "retour à la ligne ou caractère de contrôle"},
        )
    value = value.replace("\r\n", "\n").replace("\r", "\n")
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
