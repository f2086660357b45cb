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
from dataclasses import dataclass, field
from typing import Literal

import lxml.html
from lxml import etree

from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.html_text import clean_text
from workflows.article_numbers import anchor_for, parse_article_number

Kind = Literal["auto", "an", "an_legacy", "senat", "plain"]
KINDS = ("auto", "an", "an_legacy", "senat", "plain")
STATUSES = ("supprime", "non_modifie", "nouveau")

_MENTION = re.compile(r"\(([^()]*)\)")
_ARTICLE = re.compile(
    r"^article\s+(?P<number>premier|unique|liminaire|préliminaire|\d+\s*(?:er)?"
    r"(?:\s+(?:bis|ter|quater|[a-z]+ies))?(?:\s+(?-i:[A-Z]{1,3}))?)(?![\w.])(?P<rest>.*)$",
    re.IGNORECASE,
)
_DIVISION = re.compile(
    r"^(?P<kind>titre|chapitre|section|sous-section|livre)\s+(?P<number>préliminaire|premier|"
    r"unique|[IVXLCDM]+\s*(?:er)?|\d+\s*(?:er)?)(?:\s+(?:bis|ter|quater|[a-z]+ies))?"
    r"(?:\s+(?-i:[A-Z]{1,3}))?$",
    re.IGNORECASE,
)
_PART = re.compile(r"^(?:première|deuxième|troisième|quatrième|\w+ième)\s+partie$", re.IGNORECASE)
_END = re.compile(r"^(?:(?-i:ANNEXES?)\b|délibéré en séance publique|fait à paris)", re.I)
_CLASS_ROLE = re.compile(
    r"assnat\d*(Partie|Livre|Titre|Chapitre|SousSection|Section|Article)(Num|Intit)"
)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_DIVISION_KINDS = {
    "partie": "partie",
    "livre": "livre",
    "titre": "titre",
    "chapitre": "chapitre",
    "section": "section",
    "sous-section": "sous_section",
    "soussection": "sous_section",
}


@dataclass(frozen=True)
class ParsedDivision:
    """A titre, chapitre or section: its label, heading, and the index of the article it opens."""

    kind: str  # "partie" | "livre" | "titre" | "chapitre" | "section" | "sous_section"
    label: str  # "TITRE Ier", "Chapitre II", "Section 1"
    heading: str | None  # "DISPOSITIONS TENDANT À …"
    article_index: int  # index in ParsedBill.articles of the first article after it


@dataclass(frozen=True)
class ParsedArticle:
    """One article in the Assembly's numbering, with its alinéas (one per paragraph)."""

    number: str  # "1er", "2 bis", "unique", "3 bis A"
    status: str | None  # None | "supprime" | "non_modifie" | "nouveau"
    heading: str | None
    anchor: str  # the Assembly's division anchor, "D_Article_1er"
    alineas: tuple[str, ...]
    pastilles: int | None = None  # alinéa images counted on the page, None when it has none


@dataclass(frozen=True)
class ParsedBill:
    """A text as read from one page: where it came from, its divisions and articles."""

    kind: str  # the source read: "an" | "an_legacy" | "senat" | "plain"
    title: str | None
    divisions: tuple[ParsedDivision, ...]
    articles: tuple[ParsedArticle, ...]


@dataclass
class _Block:
    """One paragraph (or table) of the page, in document order."""

    text: str
    role: str | None = None  # from a Word class: "article", "division:<kind>", "intitule"
    pastilles: int = 0
    anchor: str | None = None


@dataclass
class _Article:
    number: str
    status: str | None
    heading: str | None
    anchor: str
    body: list[_Block] = field(default_factory=list)


def parse_bill(content: bytes | str, *, kind: Kind = "auto") -> ParsedBill:
    """Read a bill's divisions and articles from HTML (AN, legacy AN, Sénat) or plain text."""
    if kind not in KINDS:
        raise SourceError(f"Format de texte inconnu : {kind!r} (attendu : {', '.join(KINDS)}).")
    text = decode(content) if isinstance(content, bytes) else content
    if kind == "auto":
        kind = "plain" if not _looks_like_html(text) else "an_legacy"
    if kind == "plain":
        return _assemble(_plain_blocks(text), "plain", None)
    root = _parse_html(text)
    if kind == "an_legacy":  # "auto" on HTML: tell the three pages apart
        kind = _detect_html(root)
    return _assemble(_html_blocks(_content_root(root, kind)), kind, _page_title(root))


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


def _html_blocks(container: etree._Element) -> Iterator[_Block]:
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


def _paragraph_block(element: etree._Element) -> _Block:
    return _Block(
        text=clean_text("".join(element.itertext())),
        role=_class_role(element.get("class") or ""),
        pastilles=_pastilles(element),
        anchor=_division_anchor(element),
    )


def _table_block(table: etree._Element) -> _Block:
    """A table as one alinéa: its rows separated by " / ", its cells by " | "."""
    rows = []
    for row in table.iter("tr"):
        cells = [clean_text("".join(cell.itertext())) for cell in row if cell.tag in ("td", "th")]
        if any(cells):
            rows.append(" | ".join(cell for cell in cells if cell))
    return _Block(text=" / ".join(rows), pastilles=_pastilles(table))


def _holds_heading(table: etree._Element) -> bool:
    """Old pages lay out the whole text in a table: such a table is read paragraph by paragraph."""
    for paragraph in table.iter("p"):
        text = clean_text("".join(paragraph.itertext())).replace("\u00a0", " ")
        if _ARTICLE.match(text) or _DIVISION.match(text):
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
    return "division:" + _DIVISION_KINDS[what.lower()]


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


def _plain_blocks(text: str) -> Iterator[_Block]:
    """Pasted text: one alinéa per line, or per blank-line-separated paragraph when the text is
    laid out that way (its lines are then wrapped, not alinéas)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t\u00a0]*\n", text.strip()):
        for paragraph in re.split(r"\n[ \t\u00a0]*\n", text):
            yield from _plain_paragraph(paragraph)
    else:
        for line in text.split("\n"):
            yield _Block(text=clean_text(line))


def _plain_paragraph(paragraph: str) -> Iterator[_Block]:
    """A paragraph, except that a heading line ("Article 2") opening it stands on its own."""
    lines = [clean_text(line) for line in paragraph.split("\n")]
    lines = [line for line in lines if line]
    while lines and _is_heading_line(lines[0]) and len(lines) > 1:
        yield _Block(text=lines.pop(0))
    if lines:
        yield _Block(text=" ".join(lines))


def _is_heading_line(line: str) -> bool:
    plain = line.replace("\u00a0", " ")
    return bool(_heading_article(plain) or _DIVISION.match(plain) or _PART.match(plain))


# --- from blocks to articles -------------------------------------------------------------------


class _Assembler:
    """Walks the blocks once: front matter, division labels and headings, articles, the end."""

    def __init__(self) -> None:
        self.articles: list[_Article] = []
        self.divisions: list[ParsedDivision] = []
        self.pending: ParsedDivision | None = None  # a label waiting for its heading
        self.heading_for_article = False
        self.ended = False

    def feed(self, block: _Block) -> None:
        """Place one block: a heading, a division label, an alinéa of the current article."""
        if self.ended or not block.text:
            return
        plain = block.text.replace("\u00a0", " ")
        quoted = block.text.startswith("«")
        if not quoted and self._heading(block, plain):
            return
        if not quoted and self._intitule(block):
            return
        if self.articles and not quoted and _END.match(plain):
            self.ended = True
            return
        self.pending, self.heading_for_article = None, False
        if self.articles and not self._between_articles():
            self.articles[-1].body.append(block)

    def _between_articles(self) -> bool:
        """After a division label, until the next article, paragraphs belong to no article."""
        return bool(self.divisions) and self.divisions[-1].article_index == len(self.articles)

    def _heading(self, block: _Block, plain: str) -> bool:
        article = _heading_article(plain, from_class=block.role == "article")
        if article is not None:
            number, status, heading = article
            anchor = block.anchor or anchor_for(number)
            self.articles.append(_Article(number, status, heading, anchor))
            self.pending, self.heading_for_article = None, block.role == "article"
            return True
        kind = _division_kind(block, plain)
        if kind is None:
            return False
        division = ParsedDivision(kind, _division_label(block.text), None, len(self.articles))
        self.divisions.append(division)
        self.pending = division
        return True

    def _intitule(self, block: _Block) -> bool:
        """The paragraph right after a division label is its heading (Word's heading style may
        spread it over several); an article has one only where the page's style says so."""
        if self.pending is not None and block.role in (None, "intitule"):
            heading = " ".join(filter(None, (self.pending.heading, block.text)))
            self.divisions[-1] = _with_heading(self.pending, heading)
            self.pending = self.divisions[-1] if block.role == "intitule" else None
            return True
        if self.heading_for_article and block.role == "intitule":
            article = self.articles[-1]
            article.heading = " ".join(filter(None, (article.heading, block.text)))
            return True
        return False


def _with_heading(division: ParsedDivision, heading: str) -> ParsedDivision:
    return ParsedDivision(division.kind, division.label, heading.strip(), division.article_index)


def _heading_article(plain: str, *, from_class: bool = False) -> tuple[str, str | None, str | None] | None:
    """(number, status, heading) when the paragraph is an article heading, else None."""
    match = _ARTICLE.match(plain.strip())
    if match is None:
        return None
    rest = match["rest"].strip()
    mentions = _MENTION.findall(rest)
    leftover = _MENTION.sub(" ", rest).strip(" –—-.:")
    if leftover and not from_class and not re.match(r"^[–—.:-]", rest):
        return None  # "Article 3 du code …": a sentence, not a heading
    return parse_article_number(match["number"]), _status(mentions), leftover or None


def _status(mentions: list[str]) -> str | None:
    """(Supprimé) wins over (Non modifié), which wins over (nouveau)."""
    found = {_mention_status(m) for m in mentions} - {None}
    return next((status for status in STATUSES if status in found), None)


def _mention_status(mention: str) -> str | None:
    folded = mention.casefold()
    if folded.startswith("supprim"):
        return "supprime"
    if folded.startswith(("non modifi", "conforme")):
        return "non_modifie"
    if folded.startswith(("nouveau", "nouvelle")):
        return "nouveau"
    return None


def _division_kind(block: _Block, plain: str) -> str | None:
    if block.role is not None and block.role.startswith("division:"):
        return block.role.split(":", 1)[1]
    match = _DIVISION.match(plain)
    if match is not None:
        return _DIVISION_KINDS[match["kind"].lower()]
    return "partie" if _PART.match(plain) else None


def _division_label(text: str) -> str:
    """ "TITRE IER" (a superscript read as capitals) printed as "TITRE Ier"."""
    return re.sub(r"\b([IVXLCDM]+)\s*E[Rr]\b", r"\1er", text)


def _assemble(blocks: Iterator[_Block], kind: str, title: str | None) -> ParsedBill:
    assembler = _Assembler()
    for block in blocks:
        assembler.feed(block)
    if not assembler.articles:
        raise SourceError(
            "Aucun article trouvé : ce document n'est pas le texte d'un projet ou d'une "
            "proposition de loi (attendu : des titres « Article 1er », « Article 2 »…)."
        )
    articles = tuple(_finish(article, kind) for article in assembler.articles)
    _check_unique(articles)
    _check_pastilles(articles)
    return ParsedBill(kind, title, tuple(assembler.divisions), articles)


def _finish(article: _Article, kind: str) -> ParsedArticle:
    """The article's alinéas; a body that is only "(Supprimé)" is a status, not an alinéa."""
    body = [block for block in article.body if block.text]
    status = article.status
    if len(body) == 1 and _only_mention(body[0].text):
        status = status or _mention_status(_MENTION.findall(body[0].text)[0])
        body = [] if status else body
    pastilles = sum(block.pastilles for block in article.body) if kind == "an" else 0
    return ParsedArticle(
        number=article.number,
        status=status,
        heading=article.heading,
        anchor=article.anchor,
        alineas=tuple(block.text for block in body),
        pastilles=pastilles or None,
    )


def _only_mention(text: str) -> bool:
    mentions = _MENTION.findall(text)
    return len(mentions) == 1 and not _MENTION.sub("", text).strip(" .\u00a0")


def _check_unique(articles: tuple[ParsedArticle, ...]) -> None:
    seen: set[str] = set()
    for article in articles:
        if article.number in seen:
            raise SourceError(f"L'article {article.number} figure deux fois dans le texte.")
        seen.add(article.number)


def _check_pastilles(articles: tuple[ParsedArticle, ...]) -> None:
    """Where the page numbers its alinéas, our count must be the Assembly's."""
    if not any(article.pastilles for article in articles):
        return
    wrong = [a for a in articles if (a.pastilles or 0) != len(a.alineas)]
    if wrong:
        details = "; ".join(
            f"article {a.number} : {a.pastilles or 0} pastilles pour {len(a.alineas)} alinéas"
            for a in wrong[:5]
        )
        raise SourceError(f"Le décompte des alinéas ne correspond pas aux pastilles ({details}).")
