"""A bill's text read from the Assembly's or the Sénat's HTML, or from pasted plain text.

Every non-empty paragraph of an article is one alinéa, quoted inserted paragraphs included
(legistique §3.1): alinéas are counted per article from its heading ("mode relatif"). Where the
modern Assembly page carries alinéa pastilles (numbered images), their count must agree. HTML is
read with lxml, never with regular expressions on markup; the regular expressions below only
read a paragraph's text ("Article 3 bis A (nouveau)").
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import Literal

import lxml.html
from lxml import etree

from drafting.services.assembly.bill_structure import (
    DIVISION_KINDS,
    Block,
    ParsedArticle,
    ParsedBill,
    ParsedDivision,
    assemble,
    is_heading_line,
)
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.html_text import clean_text

__all__ = ["KINDS", "Kind", "ParsedArticle", "ParsedBill", "ParsedDivision", "decode", "parse_bill"]

Kind = Literal["auto", "an", "an_legacy", "senat", "plain"]
KINDS = ("auto", "an", "an_legacy", "senat", "plain")
_CLASS_ROLE = re.compile(
    r"assnat\d*(Partie|Livre|Titre|Chapitre|SousSection|Section|Article)(Num|Intit)"
)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def parse_bill(content: bytes | str, *, kind: Kind = "auto") -> ParsedBill:
    """Read a bill's divisions and articles from HTML (AN, legacy AN, Sénat) or plain text."""
    if kind not in KINDS:
        raise SourceError(f"Format de texte inconnu : {kind!r} (attendu : {', '.join(KINDS)}).")
    text = decode(content) if isinstance(content, bytes) else content
    if kind == "plain" or (kind == "auto" and not _looks_like_html(text)):
        return assemble(_plain_blocks(text), "plain", None)
    root = _parse_html(text)
    source = _detect_html(root) if kind == "auto" else kind
    return assemble(_html_blocks(_content_root(root, source)), source, _page_title(root))


def decode(content: bytes) -> str:
    """Bytes as text: UTF-8 when they are (legacy pages declare iso-8859-1 but are not
    always), else the declared charset, else Windows-1252."""
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(content[:4096])
    charset = match.group(1).decode("ascii") if match else "cp1252"
    try:
        return content.decode(charset, errors="replace")
    except LookupError:
        return content.decode("cp1252", errors="replace")


# --- HTML --------------------------------------------------------------------------------------


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2048].lower()
    return head.startswith("<") or "<html" in head or "<p" in head or "<body" in head


def _parse_html(text: str) -> etree._Element:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"Page HTML illisible : {exc}.") from exc
    for element in list(root.iter("script", "style", "noscript", "head", "nav")):
        if element.tag != "head":
            element.drop_tree()  # keeps the tail text
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")
    return root


def _detect_html(root: etree._Element) -> str:
    """Which page this is: the modern Word export, the Sénat's, or a legacy Assembly page."""
    if root.xpath("boolean(//*[starts-with(@class, 'assnat')])"):
        return "an"
    title = _page_title(root) or ""
    if root.xpath("boolean(//div[@id='wysiwyg'])") or "sénat" in title.casefold():
        return "senat"
    return "an_legacy"


def _page_title(root: etree._Element) -> str | None:
    titles = root.xpath("//head/title/text()")
    title = clean_text(" ".join(titles)) if titles else ""
    return title or None


def _content_root(root: etree._Element, kind: str) -> etree._Element:
    """Where the text is: the Sénat's pages wrap it in menus, kept out of the article's alinéas."""
    if kind == "senat":
        found = root.xpath("//div[@id='wysiwyg']")
        if found:
            return found[0]  # type: ignore[no-any-return]
    body = root.find("body")
    return body if body is not None else root


_BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
_NESTED = frozenset({"p", "table", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})


def _html_blocks(container: etree._Element) -> Iterator[Block]:
    """The page's paragraphs and tables in document order (a table is one alinéa unless it
    lays out the page, i.e. holds headings)."""
    for child in container.iterchildren(tag=etree.Element):
        tag = child.tag
        if tag == "table" and not _holds_heading(child):
            yield _table_block(child)
        elif tag in _BLOCK_TAGS and not any(d.tag in _NESTED for d in child.iterdescendants()):
            yield _paragraph_block(child)
        else:
            yield from _html_blocks(child)


def _paragraph_block(element: etree._Element) -> Block:
    return Block(
        text=clean_text("".join(element.itertext())),
        role=_class_role(element.get("class") or ""),
        pastilles=_pastilles(element),
        anchor=_division_anchor(element),
    )


def _table_block(table: etree._Element) -> Block:
    """A table as one alinéa: its rows separated by " / ", its cells by " | "."""
    rows = []
    for row in table.iter("tr"):
        cells = [clean_text("".join(cell.itertext())) for cell in row if cell.tag in ("td", "th")]
        if any(cells):
            rows.append(" | ".join(cell for cell in cells if cell))
    return Block(text=" / ".join(rows), pastilles=_pastilles(table))


def _holds_heading(table: etree._Element) -> bool:
    """Old pages lay out the whole text in a table: such a table is read paragraph by paragraph."""
    for paragraph in table.iter("p"):
        if is_heading_line(clean_text("".join(paragraph.itertext()))):
            return True
    return False


def _class_role(classes: str) -> str | None:
    match = _CLASS_ROLE.search(classes)
    if match is None:
        return None
    what, part = match.groups()
    if part == "Intit":
        return "intitule"
    if what == "Article":
        return "article"
    return "division:" + DIVISION_KINDS[what.lower()]


def _pastilles(element: etree._Element) -> int:
    """Alinéa pastilles: ~45×31 px PNG images inlined as data URIs at the paragraph's start."""
    return sum(1 for image in element.iter("img") if _is_pastille(image))


def _is_pastille(image: etree._Element) -> bool:
    if not (image.get("src") or "").startswith("data:image"):
        return False
    try:
        width, height = int(image.get("width") or 0), int(image.get("height") or 0)
    except ValueError:
        return False
    return 38 <= width <= 52 and 24 <= height <= 38


def _division_anchor(element: etree._Element) -> str | None:
    for anchor in element.iter("a"):
        name = anchor.get("name") or anchor.get("id") or ""
        if name.startswith("D_"):
            return name
    return None


# --- plain text --------------------------------------------------------------------------------


_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")


def _plain_blocks(text: str) -> Iterator[Block]:
    """Pasted text: one alinéa per line; or, when blank lines separate paragraphs (at least one
    for every three lines), one per paragraph, its lines being wrapped, not alinéas."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    lines = [line for line in text.split("\n") if clean_text(line)]
    if 3 * len(_BLANK_LINE.findall(text)) >= len(lines) > 0:
        for paragraph in _BLANK_LINE.split(text):
            yield from _plain_paragraph(paragraph)
    else:
        for line in lines:
            yield Block(text=clean_text(line))


def _plain_paragraph(paragraph: str) -> Iterator[Block]:
    """A paragraph, except that a heading line ("Article 2", "TITRE II") stands on its own."""
    pending: list[str] = []
    for line in filter(None, (clean_text(line) for line in paragraph.split("\n"))):
        if is_heading_line(line):
            if pending:
                yield Block(text=" ".join(pending))
            pending = []
            yield Block(text=line)
        else:
            pending.append(line)
    if pending:
        yield Block(text=" ".join(pending))
