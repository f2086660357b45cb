"""Plain text out of the Assembly's HTML and labels: paragraphs, spaces, entities."""

from __future__ import annotations

import html
import re

from lxml import etree

# Runs of white space other than one plain space (matching every single space would cost four
# times more); no-break spaces are not white space here: they are typography, kept.
_SPACES = re.compile(r"[ \t\r\n\f\v]{2,}|[\t\r\n\f\v]")
_INVISIBLE = re.compile("[\u00ad\u200b\ufeff]")  # soft hyphen, zero-width space, BOM
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
# Elements that open a paragraph of their own; "br" ends a line, which is a paragraph too.
_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
_EDGES = " \u00a0\u202f"  # stripped at both ends of a line
_BREAK = "\u2029"  # PARAGRAPH SEPARATOR: never in the Assembly's text, marks our paragraph ends
# lxml's plain HTML parser: lxml.html's element classes would double the cost of a fragment.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)


def clean_text(text: str) -> str:
    """One line: runs of ordinary white space made one space, invisible characters removed;
    no-break spaces and non-breaking hyphens are kept."""
    if "  " in text or any(space in text for space in "\t\r\n\f\v"):  # a scan is cheaper
        text = _SPACES.sub(" ", text)
    if "\u00ad" in text or "\u200b" in text or "\ufeff" in text:
        text = _INVISIBLE.sub("", text)
    return text.strip(_EDGES)


def unescape_label(label: str | None) -> str:
    """A label as printed: entities decoded, even doubly encoded ones (`M.&amp;#160;Brun`)."""
    # The Assembly's labels hold mostly "&#160;": replaced directly, it spares html.unescape.
    text = (label or "").replace("&amp;#160;", "\u00a0").replace("&#160;", "\u00a0")
    for _ in range(2):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return clean_text(text)


def html_paragraphs(fragment: str | None) -> list[str]:
    """The non-empty paragraphs of an HTML fragment, as plain text (no-break spaces kept)."""
    if not fragment or not fragment.strip():
        return []
    if "<" not in fragment:
        return [line for line in map(unescape_label, fragment.splitlines()) if line]
    document = b"<html><body>" + fragment.encode("utf-8", "replace") + b"</body></html>"
    try:
        root = etree.fromstring(document, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return [line for line in map(unescape_label, fragment.splitlines()) if line]
    for element in root.iter(*_BLOCKS, "br", "script", "style"):  # spans are skipped in C
        if element.tag in ("script", "style"):
            element.text = ""
        elif element.tag == "br":
            element.tail = _BREAK + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.text = _BREAK + (element.text or "")
            element.tail = _BREAK + (element.tail or "")
    # One pass over the whole text, not one per line. lxml decoded the entities; a doubly
    # encoded one ("&amp;#233;") is decoded once more.
    parts = clean_text("".join(root.itertext())).split(_BREAK)
    lines = (unescape_label(part) if "&" in part else part.strip(_EDGES) for part in parts)
    return [line for line in lines if line]


def html_to_text(fragment: str | None) -> str:
    """An HTML fragment as plain text, one paragraph per line."""
    return "\n".join(html_paragraphs(fragment))
