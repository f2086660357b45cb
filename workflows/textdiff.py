"""Word-level diff of two texts, to show a co-signatory what changed since they signed."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

# Words, runs of whitespace (no-break spaces included) and single other characters: together they
# cover every character, so joining the tokens gives back the text exactly.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _tokenise(text: str) -> list[str]:
    """Split a text into word, whitespace and punctuation tokens."""
    return _TOKEN.findall(text)


def _append(segments: list[tuple[str, str]], op: str, text: str) -> None:
    """Append a segment, merging it into the previous one when the op is the same."""
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def _raw_segments(old_tokens: list[str], new_tokens: list[str]) -> list[tuple[str, str]]:
    """Diff two token lists into merged segments, straight from difflib's opcodes."""
    # autojunk would take frequent tokens (spaces, commas) for junk in long texts: garbled diffs.
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    segments: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", "".join(old_tokens[i1:i2]))
        else:
            _append(segments, "delete", "".join(old_tokens[i1:i2]))
            _append(segments, "insert", "".join(new_tokens[j1:j2]))
    return segments


def _is_blank_island(segments: list[tuple[str, str]], index: int) -> bool:
    """Tell whether a segment is unchanged whitespace with a change on both sides."""
    op, text = segments[index]
    return op == "equal" and text.isspace() and 0 < index < len(segments) - 1


def _absorb_blank_islands(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Fold lone unchanged spaces into the surrounding change: "a b" → "x y" reads as one change."""
    result: list[tuple[str, str]] = []
    deleted, inserted = "", ""
    for index, (op, text) in enumerate(segments):
        if op == "equal" and not _is_blank_island(segments, index):
            _append(result, "delete", deleted)
            _append(result, "insert", inserted)
            deleted, inserted = "", ""
            _append(result, "equal", text)
            continue
        deleted += text if op != "insert" else ""
        inserted += text if op != "delete" else ""
    _append(result, "delete", deleted)
    _append(result, "insert", inserted)
    return result


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Diff two texts word by word into ("equal" | "delete" | "insert", text) segments."""
    return _absorb_blank_islands(_raw_segments(_tokenise(old), _tokenise(new)))
