"""The alinéa model: an article's paragraphs, their words with occurrences, and their sentences."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from html.parser import HTMLParser
from typing import NamedTuple

NBSP = "\u00a0"

# One-to-one replacements: a text translated with them keeps every offset, so a match found in
# the translated view points at the same characters of the original.
_SAME_LENGTH = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\t": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "«": '"',
        "»": '"',
    }
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "…": "..."})

_SPACES_IN_GUILLEMETS = re.compile(r"«\s*|\s*»")
_RUNS_OF_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" (?=[:;!?,.)\]])")
_SPACE_AROUND_DASH = re.compile(r" ?- ?")
_SPACE_AFTER = re.compile(r"(?<=['(\[]) ")
_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")

# Words (letters and digits) and single other characters; whitespace is not a token.
_TOKEN = re.compile(r"\w+|[^\w\s]")
_LIGATURE = re.compile("[œŒæÆ…]")
# A line of the consolidated text that only marks a deleted division: "12° (Supprimé)".
_DELETION_MARKER = re.compile(r"^.{0,60}\((?:article )?supprimée?s?\b[^)]{0,60}\)\W*$", re.I)


def view(text: str) -> str:
    """Return the text with spaces, dashes, apostrophes and quotes unified, offsets unchanged."""
    return text.translate(_SAME_LENGTH)


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Normalise a text for matching and comparing: NBSP, U+2011, ’, quotes, dashes, spaces."""
    text = unicodedata.normalize("NFC", text)
    # Guillemets carry a space inside, straight quotes none: drop it before unifying them.
    text = _SPACES_IN_GUILLEMETS.sub(lambda m: m.group().strip(), text)
    text = text.translate(_SAME_LENGTH).translate(_LIGATURES)
    text = _RUNS_OF_SPACE.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCTUATION.sub("", text)
    text = _SPACE_AROUND_DASH.sub("-", text)
    text = _INITIALS.sub(r"\1.", text)
    return _SPACE_AFTER.sub("", text)


def split_alineas(text: str) -> list[str]:
    """Split a text into its alinéas: every non-empty paragraph, quoted inserted ones included."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class _TextExtractor(HTMLParser):
    """Collect the text of an HTML fragment, one line per paragraph or line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a new line at every block or line break."""
        if tag in ("p", "br", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """Close the line of a block."""
        if tag in ("p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Keep the text itself."""
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Turn a published HTML dispositif into plain text, one paragraph per line."""
    extractor = _TextExtractor()
    extractor.feed(html.unescape(fragment) if "<" not in fragment else fragment)
    extractor.close()
    return "\n".join(split_alineas("".join(extractor.parts)))


def is_deletion_marker(alinea: str) -> bool:
    """Tell whether an alinéa only marks a deleted division, as in « 12° (Supprimé) »."""
    return bool(_DELETION_MARKER.match(alinea.strip()))


class Token(NamedTuple):
    """A word or a punctuation sign of a text, with its comparison key and its offsets."""

    key: str
    start: int
    end: int


def token_key(raw: str) -> str:
    """Return the comparison key of one token: typographic variants made equal."""
    return unicodedata.normalize("NFC", raw).translate(_SAME_LENGTH).translate(_LIGATURES)


@lru_cache(maxsize=16384)
def tokens(text: str) -> tuple[Token, ...]:
    """Split a text into word and punctuation tokens (whitespace dropped) with their offsets."""
    if not unicodedata.is_normalized("NFC", text):
        return tuple(Token(token_key(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text))
    # The same-length translation keeps offsets: translate once, then only rare ligatures per token.
    translated = text.translate(_SAME_LENGTH)
    found = _TOKEN.finditer(translated)
    if _LIGATURE.search(translated):
        return tuple(Token(m.group().translate(_LIGATURES), m.start(), m.end()) for m in found)
    return tuple(Token(m.group(), m.start(), m.end()) for m in found)


@lru_cache(maxsize=16384)
def keys(text: str) -> tuple[str, ...]:
    """Return the comparison keys of a text's tokens."""
    return tuple(token.key for token in tokens(text))


def find_all(haystack: Sequence[Token], needle: Sequence[str]) -> list[tuple[int, int]]:
    """Return the (first, last + 1) token indices of every non-overlapping occurrence."""
    if not needle:
        return []
    found: list[tuple[int, int]] = []
    size, index, first = len(needle), 0, needle[0]
    last = len(haystack) - size
    while index <= last:
        if haystack[index].key == first and all(
            haystack[index + k].key == needle[k] for k in range(1, size)
        ):
            found.append((index, index + size))
            index += size
        else:
            index += 1
    return found


def is_word(key: str) -> bool:
    """Tell whether a token key is a word (letters or digits) rather than a sign."""
    return key[:1].isalnum() or key[:1] == "_"


_TERMINAL_SIGNS = frozenset(" \t\u00a0\u202f.;:!?,…")
_CLOSING_QUOTES = frozenset('»"”')


def terminal_start(text: str, start: int = 0, end: int | None = None) -> int:
    """Return where the closing punctuation of text[start:end] begins (".", " ;", ". »").

    A closing guillemet counts only when it closes the alinéa's own opening one: the last
    words of « les mots : « un an » ; » are « un an », inside the quotation.
    """
    end = len(text) if end is None else end
    depths = _quote_depths(text)
    index = end
    while index > start:
        char = text[index - 1]
        closes_alinea = char in _CLOSING_QUOTES and (index < 2 or depths[index - 2] == 0)
        if char not in _TERMINAL_SIGNS and not closes_alinea:
            break
        index -= 1
    return index


_LEADING = re.compile(r"[\s«\"“]*")


def leading_end(text: str, start: int = 0) -> int:
    """Return where the words of a text begin, after an opening quotation mark."""
    match = _LEADING.match(text, start)
    return match.end() if match else start


# Abbreviations whose period does not end a sentence ("Art. L. 123-4", "M. Dupont").
_ABBREVIATIONS = frozenset({"Art", "art", "MM", "Mme", "Mmes", "Mlle", "Dr", "cf", "al", "p", "No"})
_SENTENCE_END = re.compile(r"[.?!](?=\s+[«\"“(]?\s*[A-ZÀ-ÖØ-Þ])")


def _is_abbreviation(text: str, period: int) -> bool:
    """Tell whether the period at this offset closes an abbreviation such as "L." or "Art."."""
    match = re.search(r"(\w+)$", text[:period])
    if match is None:
        return False
    word = match.group(1)
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _quote_depths(text: str) -> list[int]:
    """Return the nesting depth of quotations at every offset, the opening quote ignored."""
    depths, depth = [], 0
    opening = leading_end(text)
    straight_open = False
    for index, char in enumerate(text):
        if index >= opening:
            if char in "«“":
                depth += 1
            elif char in "»”":
                depth = max(0, depth - 1)
            elif char == '"':
                straight_open = not straight_open
                depth += 1 if straight_open else -1
                depth = max(0, depth)
        depths.append(depth)
    return depths


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split an alinéa into sentences: (start, end) offsets, the end after the final period."""
    depths = _quote_depths(text)
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        period = match.start()
        if depths[period] or (text[period] == "." and _is_abbreviation(text, period)):
            continue
        spans.append((start, period + 1))
        start = leading_space_end(text, period + 1)
    # The last sentence ends with its period, before the guillemet closing the alinéa.
    end = terminal_start(text)
    while end < len(text) and text[end] in ".!?…":
        end += 1
    spans.append((start, end))
    return [span for span in spans if span[1] > span[0]]


def leading_space_end(text: str, start: int) -> int:
    """Return the offset of the first non-space character at or after start."""
    while start < len(text) and text[start].isspace():
        start += 1
    return start


_CLOSING = ",.)]…"
_SPACED_CLOSING = ":;!?»"
_GLUING = "'’([-/"


def _edge_spaces(text: str, trailing: bool) -> str:
    """Return the whitespace at the end (or the start) of a text."""
    stripped = text.rstrip() if trailing else text.lstrip()
    return text[len(stripped) :] if trailing else text[: len(text) - len(stripped)]


def _opens(text: str) -> bool:
    """Tell whether a text ends with an opening quotation mark (glued to what follows)."""
    if text.endswith(("«", "“")):
        return True
    return text.endswith('"') and (len(text) == 1 or text[-2].isspace() or text[-2] in "(:")


def _closes(text: str) -> bool:
    """Tell whether a text starts with a closing straight or curly quotation mark."""
    if text.startswith("”"):
        return True
    return text.startswith('"') and (len(text) == 1 or not text[1].isalnum())


def join(left: str, right: str) -> str:
    """Join two pieces of an alinéa with French spacing: none before "," or ".", else one space."""
    left_space, right_space = _edge_spaces(left, True), _edge_spaces(right, False)
    left_core, right_core = left[: len(left) - len(left_space)], right[len(right_space) :]
    if not left_core:
        return right_core
    if not right_core:
        return left_core
    first, last = right_core[0], left_core[-1]
    if (
        first in _CLOSING
        or last in _GLUING
        or _closes(right_core)
        or (_opens(left_core) and last != "«")
    ):
        separator = ""
    elif first in _SPACED_CLOSING or last == "«":
        separator = right_space or left_space or NBSP
    else:
        separator = left_space or right_space or " "
    return left_core + separator + right_core


def splice(left: str, middle: str, right: str) -> str:
    """Put middle between left and right (middle may be empty: a deletion)."""
    return join(join(left, middle), right) if middle else join(left, right)
