"""An amendment as the Assembly publishes it, read into one record whatever the format
(open-data JSON, liasse XML, Eliasse XML), and the rules shared by those readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from workflows.article_numbers import number_from_anchor, parse_article_number
from workflows.numbering import number_label
from workflows.review import Outcome

_TEXT_NUMBER = re.compile(r"B(?:TC)?0*(\d+)$")
_TEXT_URL = re.compile(r"/textes/0*(\d+)\.asp")
_GROUND = re.compile(r"\b(\d{2,3})\b")
_SORTS = {
    "adopt": Outcome.ADOPTE,
    "rejet": Outcome.REJETE,
    "retir": Outcome.RETIRE,
    "tomb": Outcome.TOMBE,
    "non soutenu": Outcome.NON_SOUTENU,
    "irrecevable": Outcome.IRRECEVABLE,
}
GROUP_POSITIONS = {
    "premier": "first",
    "debut": "first",
    "milieu": "middle",
    "dernier": "last",
    "fin": "last",
}


@dataclass(frozen=True)
class AmendmentPosition:
    """Where an amendment applies: a division of the text, and an alinéa of it if any."""

    division_type: str  # "article" | "titre" (the text's title) | "chapitre" | "annexe" | …
    article_number: str | None  # "1er", "5", "3 bis A"; None for the title or an annexe
    kind: str  # "article" | "before_article" | "after_article" (models.PositionKind values)
    anchor: str | None  # the Assembly's division anchor, "D_Article_1er"
    designation: str | None  # the short tag the Assembly prints, "APRÈS ART. 5"
    alinea: int | None
    alinea_relation: str | None  # "before" | "on" | "after" the alinéa; None without one


@dataclass(frozen=True)
class AssemblyAmendment:
    """One published amendment: who, where, what, and what became of it."""

    uid: str | None  # "AMANR5L17PO838901BTC1187P0D1N000074"; Eliasse has none
    number: str  # the official number without its rectification mark: "66", "CL358", "AS1"
    rectification: int  # 0, 1 for "rect.", 2 for "rect. bis"…
    text_ref: str | None  # the amended text's uid, "PIONANR5L17BTC1187"
    text_number: str | None  # the amended text's number, "1187"
    organ_ref: str | None  # where it is examined: "PO838901" (the séance), a committee
    author_kind: str  # "depute" | "gouvernement" | "commission" | "rapporteur" | other
    author_ref: str | None  # the Assembly's actor id, "PA794106"
    author_name: str | None  # "Mme Taurinya"
    group_ref: str | None  # the author's political group, "PO845413"
    group_label: str | None  # its short label where the format gives it ("NG")
    group_mention: str | None  # "et les membres du groupe Nouvelle Gauche"
    cosignatory_refs: tuple[str, ...]  # actor ids, the author excluded, in published order
    signatories_label: str  # the printed list, "Mme Taurinya, Mme Abomangoli… et M. Vannier"
    position: AmendmentPosition
    dispositif: str  # paragraphs separated by "\n", no-break spaces kept
    expose: str
    notice: str | None  # the Assembly's cartouche ("… déclaré irrecevable …")
    order_key: str | None  # triAmendement, verbatim
    identical_group: str | None  # discussionIdentique idDiscussion
    identical_position: str | None  # "first" | "middle" | "last"
    joint_group: str | None  # discussionCommune idDiscussion
    joint_position: str | None
    state: str | None  # the Assembly's state label: "Discuté", "En traitement", "Irrecevable"
    outcome: str | None  # workflows.review.Outcome value: "adopte", "rejete", "irrecevable"…
    outcome_label: str | None  # as published: "Adopté", "Cavalier (45)"
    inadmissibility_ground: str | None  # the article invoked: "40", "45", "98"
    parent_uid: str | None
    parent_number: str | None  # Eliasse names the parent by number only
    filed_on: date | None
    published_on: date | None
    decided_at: datetime | None
    article_99: bool

    @property
    def number_label(self) -> str:
        """The number as printed: "66 rect.", "12 rect. bis"."""
        return number_label(self.number, self.rectification)


def text_number(text_ref: str | None, url: str | None = None) -> str | None:
    """The amended text's number from its uid ("…BTC1187" → "1187") or a division URL."""
    for pattern, value in ((_TEXT_NUMBER, text_ref), (_TEXT_URL, url)):
        match = pattern.search(value or "")
        if match:
            return match.group(1)
    return None


def position_kind(avant_a_apres: str | None) -> str:
    """ "A" (on), "Avant", "Après"/"Apres" → PositionKind values."""
    folded = (avant_a_apres or "").strip().casefold()
    if folded.startswith("av"):
        return "before_article"
    if folded.startswith("ap"):
        return "after_article"
    return "article"


def alinea_relation(avant_a_apres: str | None, number: int | None) -> str | None:
    """ "before", "on" or "after" the alinéa the pointer names; None without an alinéa."""
    if number is None:
        return None
    kind = position_kind(avant_a_apres)
    return {"before_article": "before", "after_article": "after"}.get(kind, "on")


def to_int(value: str | None) -> int | None:
    """The leading number of a field ("9", "1 à 3" → 1), None without one."""
    match = re.match(r"\s*(\d+)", value or "")
    return int(match.group(1)) if match else None


def division_position(
    division_type: str | None,
    title: str | None,
    where: str | None,
    url: str | None,
    designation: str | None,
    alinea: tuple[str | None, str | None] = (None, None),
) -> AmendmentPosition:
    """The position from the Assembly's pointer fields (division, then alinéa number and
    before/on/after)."""
    kind = (division_type or "article").strip().casefold()
    anchor = url.rsplit("#", 1)[-1] if url and "#" in url else None
    number = number_from_anchor(anchor or "")
    if number is None and kind == "article" and title:
        number = parse_article_number(title) or None
    alinea_number = to_int(alinea[0])
    return AmendmentPosition(
        division_type=kind,
        article_number=number,
        kind=position_kind(where),
        anchor=anchor,
        designation=designation,
        alinea=alinea_number,
        alinea_relation=alinea_relation(alinea[1], alinea_number),
    )


def outcome_of(
    sort: str | None, state_code: str | None, detail: str | None
) -> tuple[str | None, str | None, str | None]:
    """(outcome, label, inadmissibility ground) from the sort and the processing state."""
    code = (state_code or "").upper()
    if code.startswith("IRR") or (detail or "").casefold().startswith("irrecevable"):
        return Outcome.IRRECEVABLE.value, detail or sort, inadmissibility_ground(code, detail)
    label = (sort or "").strip()
    folded = label.casefold()
    for prefix, outcome in _SORTS.items():
        if folded.startswith(prefix):
            ground = inadmissibility_ground(code, label) if outcome == Outcome.IRRECEVABLE else None
            return outcome.value, label, ground
    return None, None, None


def inadmissibility_ground(code: str, label: str | None) -> str | None:
    """The article invoked: "Cavalier (45)" → "45", "Autre irrecevabilité 40" → "40"."""
    match = _GROUND.search(label or "") or _GROUND.search(code)
    return match.group(1) if match else None


def group_position(value: str | None) -> str | None:
    """ "Premier"/"debut" → "first", "Milieu" → "middle", "Dernier"/"fin" → "last"."""
    return GROUP_POSITIONS.get((value or "").strip().casefold())


def first_signatory(label: str) -> str | None:
    """The author's printed name: the first of the list ("M. Pauget,  M. Bazin…")."""
    first = re.split(r",| et ", label, maxsplit=1)[0].strip()
    return first or None


def without(refs: list[str], author: str | None) -> tuple[str, ...]:
    """Co-signatories in order, each once, the author (listed among them by some formats) out."""
    seen = {author} if author else set()
    kept = []
    for ref in refs:
        if ref and ref not in seen:
            seen.add(ref)
            kept.append(ref)
    return tuple(kept)


def author_kind(value: str | None) -> str:
    """ "Député"/"Depute" → "depute", "Gouvernement" → "gouvernement"…"""
    folded = (value or "").strip().casefold()
    for kind in ("gouvernement", "rapporteur", "commission"):
        if folded.startswith(kind):
            return kind
    return "depute" if folded.startswith(("dép", "dep")) or not folded else folded
