"""The data of an amendment's official sheet and the French formatting rules of its layout."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from workflows.deadlines import MONTH_NAMES

NBSP = "\u00a0"
CHAMBER = "ASSEMBLÉE NATIONALE"
PRESENTED_BY = "présenté par"
EXPOSE_TITLE = "EXPOSÉ SOMMAIRE"
DRAFT_MARK = "PROJET — non déposé"
RESERVATION = (
    "Sous réserve de son traitement par les services de l'Assemblée nationale et de sa recevabilité"
)
OUTCOMES = {
    "adopte": "Adopté",
    "rejete": "Rejeté",
    "retire": "Retiré",
    "tombe": "Tombé",
    "non_soutenu": "Non soutenu",
    "irrecevable": "Irrecevable",
}
_WHERE = {"before_article": "AVANT", "after_article": "APRÈS"}
TITLE = "titre"  # the article number of an amendment to the text's title
# XML 1.0 forbids C0 controls (but tab and newline), lone surrogates and U+FFFE/U+FFFF; C1
# controls and DEL print nothing useful either. Removed from every printed string.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\n]+")


@dataclass(frozen=True, repr=False)
class Signatory:
    """A deputy as printed on the sheet."""

    civility: str  # "M." or "Mme"
    first_name: str
    last_name: str

    def __repr__(self) -> str:
        return self._repr

    # What a sheet prints of the deputy, each worked out once: one Signatory serves a
    # deputy's every signature of a batch, and a sheet lists up to 189 co-signatories.
    @functools.cached_property
    def surname_key(self) -> str:
        """The surname as compared to tell two deputies apart (NFC, casefolded)."""
        return _surname_key(self)

    @functools.cached_property
    def short_name(self) -> str:
        """The civility and surname ("Mme Taurinya")."""
        return _printed_name(self, False)

    @functools.cached_property
    def full_name(self) -> str:
        """With the first name ("Mme Sophie Taurinya"), for two deputies of one surname."""
        return _printed_name(self, True)

    @functools.cached_property
    def _repr(self) -> str:
        """The dataclass's own repr, worked out once: a sheet's digest (its repr) repeats it
        for each co-signatory, and one Signatory serves a deputy's every signature."""
        return (
            f"Signatory(civility={self.civility!r}, first_name={self.first_name!r}, "
            f"last_name={self.last_name!r})"
        )


@dataclass(frozen=True)
class AmendmentSheet:
    """Everything the official layout prints for one version of an amendment."""

    text_title: str  # e.g. "PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024"
    text_number: str  # "809"
    stage: str  # "seance" | "commission"
    position_kind: str  # "article" | "before_article" | "after_article"
    article_number: str  # "7", "1er", "10 bis"
    alinea: int | None
    number: str | None  # official number once filed ("27", "CL358", "I-305 rect."), None before
    state: str  # draft | in_review | open | ready | filed | abandoned
    outcome: str | None  # adopte | rejete | retire | tombe | non_soutenu | irrecevable
    date: datetime.date
    author: Signatory
    cosignatories: tuple[Signatory, ...]  # current ones only, in signing order
    group_name: str | None  # set when presented "avec les membres du groupe"
    dispositif: str  # paragraphs separated by "\n"
    expose: str
    version: int
    content_hash: str
    watermark: str | None = None  # e.g. "Exporté par Mme Claire Dupont le 29/11/2026"
    # A sub-amendment: how its parent is named ("n° 27"; "#12 (non déposé)" before filing).
    parent_label: str | None = None
    # The title line as the Assembly prints it (issue 17): the text's official short title, and
    # the number its amendments carry (the committee's text for a séance text: n° 939, not 809).
    short_title: str | None = None  # "JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024"
    amended_number: str | None = None  # "939"

    @functools.cached_property
    def printed_signatories(self) -> tuple[str, ...]:
        """`signatory_names`, worked out once: a sheet prints them five times (DOCX, PDF, the
        index, the documents' properties) and carries up to 189 co-signatories."""
        people = (self.author, *self.cosignatories)
        keys = [p.surname_key for p in people]
        shared = Counter(keys)
        return tuple(
            p.full_name if shared[k] > 1 else p.short_name
            for p, k in zip(people, keys, strict=True)
        )


def printable(text: str) -> str:
    """`text` with CR/LF made LF and every character XML or a PDF cannot carry removed."""
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """`text` made printable on a single line (runs of tabs, newlines and spaces become one)."""
    return _SPACES.sub(" ", printable(text)).strip()


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of a multi-line field ("\\n" separates them)."""
    lines = (line.strip(" ") for line in printable(text).split("\n"))
    return [line for line in lines if line.strip()]


def is_draft(sheet: AmendmentSheet) -> bool:
    """Whether the sheet must carry the "PROJET — non déposé" mark (anything not filed)."""
    return sheet.state != "filed"


def _article_upper(article: str) -> str:
    return one_line(article).upper()


def on_title(sheet: AmendmentSheet) -> bool:
    """An amendment to the text's title (published by the Assembly: "TITRE")."""
    return sheet.article_number.strip().casefold() == TITLE


def position_parts(sheet: AmendmentSheet) -> tuple[str, str]:
    """The top line's two halves: the position ("APRÈS ART. 10") and "N° 85" (or "")."""
    where = _WHERE.get(sheet.position_kind)
    tag = f"ART. {_article_upper(sheet.article_number)}"
    tag = f"{where} {tag}" if where else tag
    tag = "TITRE" if on_title(sheet) else tag
    number = f"N°{NBSP}{one_line(sheet.number)}" if sheet.number else ""
    return tag, number


def position_tag(sheet: AmendmentSheet) -> str:
    """The top line: "ART. 7", "APRÈS ART. 10", "AVANT ART. 1ER", with " N° 123" once numbered."""
    return " ".join(part for part in position_parts(sheet) if part)


def _article_heading(article: str) -> str:
    """The article as a heading names it: the Assembly writes "PREMIER" for the 1er."""
    upper = _article_upper(article)
    return "PREMIER" if upper in ("1ER", "PREMIER") else upper


def division_heading(sheet: AmendmentSheet) -> list[str]:
    """The division heading lines: ["ARTICLE 7"] or the two lines of an additional article."""
    if on_title(sheet):
        return ["TITRE"]
    article = _article_heading(sheet.article_number)
    where = _WHERE.get(sheet.position_kind)
    if where is None:
        return [f"ARTICLE {article}"]
    return ["ARTICLE ADDITIONNEL", f"{where} L'ARTICLE {article}, insérer l'article suivant{NBSP}:"]


# A liasse prints the same 577 deputies thousands of times: their printed forms are kept.
@functools.lru_cache(maxsize=4096)
def _surname_key(person: Signatory) -> str:
    return unicodedata.normalize("NFC", one_line(person.last_name)).casefold()


def _printed_name(person: Signatory, with_first_name: bool) -> str:
    names = [one_line(person.first_name)] if with_first_name else []
    names.append(one_line(person.last_name))
    name = " ".join(n for n in names if n)
    civility = one_line(person.civility)
    return f"{civility}{NBSP}{name}" if civility and name else name or civility


def signatory_names(sheet: AmendmentSheet) -> list[str]:
    """The author then the co-signatories, first names only where two share a surname."""
    return list(sheet.printed_signatories)


def signatory_line(sheet: AmendmentSheet) -> str:
    """The printed list: "M. A, Mme B et M. C", or "M. A, Mme B et les membres du groupe X"."""
    names = signatory_names(sheet)
    group = one_line(sheet.group_name or "")
    if group:
        return f"{', '.join(names)} et les membres du groupe {group}"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} et {names[-1]}"


def number_label(sheet: AmendmentSheet) -> str:
    """ "AMENDEMENT N° 27" once filed, "AMENDEMENT — non déposé" before; a sub-amendment is
    "SOUS-AMENDEMENT N° 12 à l'amendement n° 27" (Règlement de l'Assemblée nationale, art. 98)."""
    if sheet.parent_label is not None:
        parent = f"à l'amendement {one_line(sheet.parent_label).replace(' ', NBSP, 1)}"
        if not sheet.number:
            return f"SOUS-AMENDEMENT — non déposé, {parent}"
        return f"SOUS-AMENDEMENT N°{NBSP}{one_line(sheet.number)} {parent}"
    if not sheet.number:
        return "AMENDEMENT — non déposé"
    return f"AMENDEMENT N°{NBSP}{one_line(sheet.number)}"


def outcome_label(outcome: str | None) -> str:
    """The outcome in French ("Adopté", "Non soutenu"…), "" when none is known."""
    if not outcome:
        return ""
    return OUTCOMES.get(outcome, one_line(outcome).replace("_", " ").capitalize())


def box_text(sheet: AmendmentSheet) -> str:
    """The opinion/outcome box: the outcome once known, the reservation once filed, else ""."""
    if sheet.outcome:
        return outcome_label(sheet.outcome)
    return RESERVATION if sheet.state == "filed" else ""


def text_heading(sheet: AmendmentSheet) -> str:
    """The title line as the Assembly prints it: the short title in capitals and the number
    amended, "JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024 - (N° 939)"; without a short title, the
    text's title and number, "PROJET DE LOI relatif … (n° 809)"."""
    number = one_line(sheet.amended_number or sheet.text_number)
    if sheet.short_title and one_line(sheet.short_title):
        return f"{one_line(sheet.short_title).upper()} - (N°{NBSP}{number})"
    return f"{one_line(sheet.text_title)} (n°{NBSP}{number})"


def french_date(d: datetime.date) -> str:
    """A date as French prose: "21 novembre 2014", "1er mars 2023"."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTH_NAMES[d.month - 1]} {d.year}"


def version_line(sheet: AmendmentSheet) -> str:
    """What ties a paper copy to what was signed: the version and the content hash."""
    return f"Version {sheet.version} — empreinte SHA-256 {one_line(sheet.content_hash)}"


def footer_lines(sheet: AmendmentSheet) -> list[str]:
    """The footer of every page: version and hash; then number (or draft mark), position, export."""
    first = DRAFT_MARK if is_draft(sheet) else number_label(sheet)
    marks = [first, position_parts(sheet)[0], one_line(sheet.watermark or "")]
    return [version_line(sheet), " — ".join(mark for mark in marks if mark)]


def _slug(text: str) -> str:
    """ASCII letters, digits and hyphens; anything else becomes one underscore."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9-]+", "_", ascii_text).strip("_")


def download_name(sheet: AmendmentSheet, ext: str) -> str:
    """An ASCII file name: AMDT_809_art7_n123.pdf, AMDT_809_apres_art10_projet_v3.docx
    (SSAMDT_… for a sub-amendment)."""
    where = {"before_article": "avant_", "after_article": "apres_"}.get(sheet.position_kind, "")
    article = _slug(sheet.article_number).replace("_", "") or "x"
    state = f"n{_slug(sheet.number)}" if sheet.number else f"projet_v{sheet.version}"
    kind = "SSAMDT" if sheet.parent_label is not None else "AMDT"
    return f"{kind}_{_slug(sheet.text_number) or 'x'}_{where}art{article}_{state}.{ext.lstrip('.')}"
