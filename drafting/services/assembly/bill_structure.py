"""What a bill page's paragraphs mean: article headings ("Article 3 bis A (nouveau)"), division
labels and their headings, statuses, alinéas; and the checks on the result (each article once,
the alinéa pastilles' count). Readers of each format hand it the page's paragraphs in order."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from drafting.services.assembly.errors import SourceError
from workflows.article_numbers import anchor_for, parse_article_number

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
DIVISION_KINDS = {
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
class Block:
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
    body: list[Block] = field(default_factory=list)


def is_heading_line(line: str) -> bool:
    """Whether a paragraph is an article heading or a division label (not its heading)."""
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

    def feed(self, block: Block) -> None:
        """Place one block: a heading, a division label, an alinéa of the current article."""
        if self.ended or not block.text:
            return
        plain = block.text.replace("\u00a0", " ")
        # A quoted paragraph is text the article inserts, even styled as a heading by Word.
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

    def _heading(self, block: Block, plain: str) -> bool:
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

    def _intitule(self, block: Block) -> bool:
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


def _heading_article(
    plain: str, *, from_class: bool = False
) -> tuple[str, str | None, str | None] | None:
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


def _division_kind(block: Block, plain: str) -> str | None:
    if block.role is not None and block.role.startswith("division:"):
        return block.role.split(":", 1)[1]
    match = _DIVISION.match(plain)
    if match is not None:
        return DIVISION_KINDS[match["kind"].lower()]
    return "partie" if _PART.match(plain) else None


def _division_label(text: str) -> str:
    """ "TITRE IER" (a superscript read as capitals) printed as "TITRE Ier"."""
    return re.sub(r"\b([IVXLCDM]+)\s*E[Rr]\b", r"\1er", text)


def assemble(blocks: Iterable[Block], kind: str, title: str | None) -> ParsedBill:
    """The bill from its paragraphs in page order; checks articles, duplicates, pastilles."""
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
    # A status line ("(Supprimé)") is no alinéa: a pastille on it would not be counted either.
    pastilles = sum(block.pastilles for block in body) if kind == "an" else 0
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
            f"article {a.number} : {_count(a.pastilles or 0, 'pastille')} pour "
            f"{_count(len(a.alineas), 'alinéa')}"
            for a in wrong[:5]
        )
        raise SourceError(f"Le décompte des alinéas ne correspond pas aux pastilles ({details}).")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number > 1 else ''}"
