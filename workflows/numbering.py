"""Official amendment numbers and their rectification mark: "66", "66 rect.", "66 rect. bis"."""

from __future__ import annotations

import re

RECT_WORDS = ("", "", "bis", "ter", "quater", "quinquies", "sexies", "septies", "octies")
_RECT_MARK = re.compile(r"\s*(?:\(\s*rect[^)]*\)|rect\.?(?:\s+\w+)?)\s*$", re.IGNORECASE)


def number_label(number: str, rectification: int) -> str:
    """ "66" with one rectification → "66 rect.", two → "66 rect. bis"."""
    if rectification <= 0:
        return number
    word = RECT_WORDS[rectification] if rectification < len(RECT_WORDS) else str(rectification)
    return f"{number} rect. {word}".rstrip()


def split_number(raw: str | None, rect: str | None = None) -> tuple[str, int]:
    """(number, rectification) from "66 (Rect)" / "66 rect. bis" and an explicit count."""
    text = (raw or "").strip()
    match = _RECT_MARK.search(text)
    number = text[: match.start()].strip() if match else text
    count = int(rect) if rect and rect.strip().isdigit() else 0
    if not count and match:
        words = match.group(0).lower().split()
        count = RECT_WORDS.index(words[-1]) if words[-1] in RECT_WORDS[2:] else 1
    return number, count


def rectified(number: str) -> str:
    """The number a rectification of `number` is filed under: "27" → "27 rect.",
    "27 rect." → "27 rect. bis"."""
    base, count = split_number(number)
    return number_label(base, count + 1)
