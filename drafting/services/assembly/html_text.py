"""Plain text out of the Assembly's HTML and labels: paragraphs, spaces, entities."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # no-break spaces are kept: they are typography
_INVISIBLE = re.compile("[\u00ad\u200b\ufeff]")  # soft hyphen, zero-width space, BOM
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
# Elements that open a paragraph of their own; "br" ends a line, which is a paragraph too.
_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
_BREAK = "\u2029"  # PARAGRAPH SEPARATOR: never in the Assembly's text, marks our paragraph ends
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def clean_text(text: str) -> str:
    """One line: runs of ordinary white space made one space, invisible characters removed;
    no-break spaces and non-breaking hyphens are kept."""
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text))
    return text.strip(" \u00a0\u202f")


def unescape_label(label: str | None) -> str:
    """A label as printed: entities decoded, even doubly encoded ones (`M.&amp;#160;Brun`)."""
    text = label or ""
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return clean_text(text)


def html_paragraphs(fragment: str | None) -> list[str]:
    """The non-empty paragraphs of an HTML fragment, as plain text (no-break spaces kept)."""
    if not fragment or not fragment.strip():
        return []
    if "<" not in fragment:
        return [line for line in map(unescape_label, fragment.splitlines()) if line]
    try:
        root = lxml.html.fragment_fromstring(
            fragment.encode("utf-8", "replace"), create_parent="div", parser=_PARSER
        )
    except (etree.ParserError, ValueError):
        return [line for line in map(unescape_label, fragment.splitlines()) if line]
    for element in root.iter(etree.Element):
        if element.tag in ("script", "style"):
            element.text = ""
        elif element.tag == "br":
            element.tail = _BREAK + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.text = _BREAK + (element.text or "")
            element.tail = _BREAK + (element.tail or "")
    lines = (unescape_label(part) for part in "".join(root.itertext()).split(_BREAK))
    return [line for line in lines if line]


def html_to_text(fragment: str | None) -> str:
    """An HTML fragment as plain text, one paragraph per line."""
    return "\n".join(html_paragraphs(fragment))
