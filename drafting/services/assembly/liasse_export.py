"""The liasse export with the Assembly's data: ours and the external amendments in one order of
call (`order.ordered`), the external ones' sheets, and the liasse's two exchange documents
(`liasse.akn.xml`, `liasse.xml`). The export's chunks carry tokens: our amendments by id (an
int), the external ones as "p<id>"."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from drafting.extensions import db
from drafting.infra.sql import among
from drafting.infra.versions import input_digest, row_values
from drafting.models import Amendment, LegislativeText, PublishedAmendment, User
from drafting.rendering import akn, liasse_documents, liasse_xml
from drafting.rendering.akn import AknAmendment, AmendmentListWriter
from drafting.rendering.liasse_xml import LiasseXmlAmendment, LiasseXmlWriter
from drafting.rendering.sheet import AmendmentSheet
from drafting.services.assembly import exchange, order
from drafting.services.documents import reuse, sheets, storage
from workflows.deadlines import PARIS
from workflows.review import State

Token = int | str
AKN_NAME, XML_NAME = liasse_documents.AKN_NAME, liasse_documents.XML_NAME


def with_external(params: dict[str, Any]) -> bool:
    """External amendments go in a liasse of every group, in any that lists filed ones."""
    states = params.get("states")
    return not params.get("group") and (not states or State.FILED.value in states)


def _ours(ids: Sequence[int], session: Session | None = None) -> list[Amendment]:
    query = (
        select(Amendment)
        .where(among(Amendment.id, ids))
        .options(
            joinedload(Amendment.article),
            joinedload(Amendment.author),
            joinedload(Amendment.group),
            joinedload(Amendment.text),
        )
    )
    return list((session or db.session).scalars(query).unique())


def _for_order(ids: Sequence[int]) -> list[Any]:
    """Ours as rows of what the order of call reads of them (`order.amendment_item`: read by
    name, as an amendment's attributes) and nothing more: ordering a liasse of 20 000 loads no
    exposé, no author, no group, and not their articles (`order.ordered` takes them from the
    text's); plain rows, not 20 000 mapped amendments."""
    query = select(
        Amendment.id,
        Amendment.article_id,
        Amendment.position_kind,
        Amendment.alinea,
        Amendment.dispositif,
        Amendment.number,
        Amendment.parent_id,
        Amendment.outcome,
    ).where(among(Amendment.id, ids))
    return list(db.session.execute(query))


def _published(text_id: int) -> list[PublishedAmendment]:
    query = select(PublishedAmendment).where(PublishedAmendment.text_id == text_id)
    return list(db.session.scalars(query))


def ordered_tokens(
    text_id: int, amendment_ids: Sequence[int], params: dict[str, Any]
) -> list[Token]:
    """Ours (already chosen by the export's filters) and, when included, the external ones, in
    the order of call; kept under a digest of all it is worked out from (`_order_key`): a
    re-export whose amendments changed only in what the order does not read (their exposés,
    their co-signatories, their state) takes it as it is."""
    text = db.session.get_one(LegislativeText, text_id)
    ours = sorted(_for_order(amendment_ids), key=lambda row: row.id)
    published = _published(text_id) if with_external(params) else _records_of(ours)
    published.sort(key=lambda row: row.id)
    key = _order_key(text, ours, published)
    kept = storage.read_many([key]).get(key)
    if kept is not None:
        return list(json.loads(kept))
    tokens: list[Token] = [
        item.id if kind == "amendment" else f"p{item.id}"
        for kind, item in order.ordered(text, ours, published)
    ]
    made = json.dumps(tokens, separators=(",", ":")).encode()
    storage.backend().put_many([storage.SmallFile(key, made, "application/json", "order.json")])
    return tokens


def _order_key(text: LegislativeText, ours: Sequence[Any], published: Sequence[Any]) -> str:
    """Where the order of call of these amendments is kept: a digest of the code, the text's
    and its articles' rows, ours as `_for_order` reads them (all the order has of them) and
    the published records' rows."""
    data = {
        "text": row_values(text),
        "articles": [row_values(article) for article in text.articles],
        "ours": [list(row) for row in ours],
        "published": [row_values(row) for row in published],
    }
    return f"amdt/order/{input_digest(data)}"


def _records_of(ours: Sequence[Amendment]) -> list[PublishedAmendment]:
    ids = [a.id for a in ours]
    if not ids:
        return []
    query = select(PublishedAmendment).where(among(PublishedAmendment.amendment_id, ids))
    return list(db.session.scalars(query))


def split(tokens: Sequence[Token]) -> tuple[list[int], list[int]]:
    """Our ids and the external ones' ids."""
    ours = [t for t in tokens if isinstance(t, int)]
    external = [int(t[1:]) for t in tokens if isinstance(t, str)]
    return ours, external


def merge(
    tokens: Sequence[Token], ours: Sequence[AmendmentSheet], external: Sequence[AmendmentSheet]
) -> list[AmendmentSheet]:
    """The sheets of both kinds back in the tokens' order."""
    mine, theirs = iter(ours), iter(external)
    return [next(mine) if isinstance(t, int) else next(theirs) for t in tokens]


def external_sheets(ids: Sequence[int], session: Session | None = None) -> list[AmendmentSheet]:
    """The external amendments' sheets, in the order of `ids`."""
    return exchange.published_sheets(ids, session)


DOCUMENTS_BATCH = 500  # amendments loaded (with co-signatories) per round for the documents


def _batches(tokens: Sequence[Token]) -> Iterator[Sequence[Token]]:
    for start in range(0, len(tokens), DOCUMENTS_BATCH):
        yield tokens[start : start + DOCUMENTS_BATCH]


@dataclass
class _Loaded:
    """One batch of the documents: ours by id, the external ones by id, ours' published records."""

    ours: dict[int, Amendment]
    external: dict[int, PublishedAmendment]
    records: dict[int, PublishedAmendment]

    def record(self, amendment_id: int) -> PublishedAmendment | None:
        return self.records.get(amendment_id)


def _loaded(
    batch: Sequence[Token], session: Session, ours: Sequence[Amendment] | None = None
) -> _Loaded:
    """The batch's rows for the documents (ours loaded here unless given)."""
    mine, external = split(batch)
    query = select(PublishedAmendment).where(
        among(PublishedAmendment.id, external) | among(PublishedAmendment.amendment_id, mine)
    )
    records, wanted = list(session.scalars(query)), set(external)
    return _Loaded(
        ours={a.id: a for a in (ours if ours is not None else _ours(mine, session))},
        external={r.id: r for r in records if r.id in wanted},
        records={r.amendment_id: r for r in records if r.amendment_id is not None},
    )


Documented = tuple[AknAmendment | None, LiasseXmlAmendment | None]  # a token in each document


class Batch(NamedTuple):
    """A batch of a chunk's tokens, loaded once: their sheets, and what each token is in the
    liasse's Akoma Ntoso list and in its liasse XML (empty when not asked)."""

    sheets: list[AmendmentSheet]
    documents: list[Documented]


def load_batch(
    tokens: Sequence[Token],
    requester: User,
    now: datetime,
    session: Session,
    *,
    documents: bool,
) -> Batch:
    """The batch's sheets (as `sheets.build_sheets` and `external_sheets` make them) and, with
    `documents`, its amendments for the two exchange documents, from the same rows: each
    amendment and its co-signatures are read once for all three."""
    mine, external = split(tokens)
    amendments = sheets.load_amendments(mine, session)
    found = sheets.current_cosigner_ids([a.id for a in amendments], session)
    deputies = sheets.deputies_by_id((d for people in found.values() for d in people), session)
    printed = sheets.signatories(found, deputies)
    ours = [sheets.sheet_for(a, printed[a.id], requester, now) for a in amendments]
    batch_sheets = merge(tokens, ours, external_sheets(external, session))
    if not documents:
        return Batch(batch_sheets, [])
    got = _loaded(tokens, session, amendments)
    return Batch(batch_sheets, _items(tokens, got, exchange.cosigners_of(found, deputies)))


DOCUMENTS_SLICE = 10  # tokens a kept slice of the documents holds


class ChunkDocuments:
    """A chunk's pieces of the liasse's Akoma Ntoso list and liasse XML
    (`rendering/liasse_documents.py`), the list dated `day`, the chunk's amendments ranked
    from `first` + 1. Kept between exports at two levels: each amendment's elements
    (`reuse.FragmentCache`, under a digest of its exchange record), and each slice of
    DOCUMENTS_SLICE tokens as its deflated pieces, under a digest of its amendments' element
    keys and of its first number: a slice none of whose amendments changed is neither read
    element by element nor deflated again."""

    def __init__(self, text_id: int, day: date, first: int, level: int) -> None:
        text = db.session.get_one(LegislativeText, text_id)
        self.listing, self.day, self.level = exchange.akn_text(text), day, level
        self.liasse = exchange.liasse_text(text)
        self.pieces = liasse_documents.ChunkDocuments(first)
        self.kept_akn = reuse.FragmentCache(akn.fragment_context(self.listing, day), "akn")
        self.kept_xml = reuse.FragmentCache(liasse_xml.fragment_context(self.liasse), "liasse-xml")
        self.kept_slices: dict[str, storage.SmallFile] = {}
        self.slices_reused = self.elements_reused = 0

    def add(self, batch: Batch) -> None:
        """The batch's slices: kept ones reused, the others made of their amendments'
        elements (kept or written), noted to keep (`save`)."""
        groups = [
            batch.documents[n : n + DOCUMENTS_SLICE]
            for n in range(0, len(batch.documents), DOCUMENTS_SLICE)
        ]
        first, keyed = self.pieces.next_first, []
        for group in groups:
            keyed.append(self._keyed(first, group))
            first += sum(1 for listed, _ in group if listed is not None)
        found = storage.read_many([key for key, _, _ in keyed])
        for (key, listed_keys, document_keys), group in zip(keyed, groups, strict=True):
            kept = found.get(key)
            if kept is not None:
                self.slices_reused += 1
                self.elements_reused += len(listed_keys) + len(document_keys)
                self.pieces.add(liasse_documents.SlicePieces.from_bytes(kept))
                continue
            made = self._slice(self.pieces.next_first, group, listed_keys, document_keys)
            self.kept_slices[key] = storage.SmallFile(
                key, made.to_bytes(), "application/octet-stream", "slice"
            )
            self.pieces.add(made)

    def _keyed(self, first: int, group: Sequence[Documented]) -> tuple[str, list[str], list[str]]:
        """The slice's key, and its amendments' elements' keys in each document."""
        listed = [self.kept_akn.key(a) for a, _ in group if a is not None]
        documents = [self.kept_xml.key(x) for _, x in group if x is not None]
        marks = "".join("ld"[a is None] + "xd"[x is None] for a, x in group)  # who is where
        named = "\n".join([f"{first} {self.level} {marks}", *listed, *documents])
        digest = hashlib.sha256(named.encode()).hexdigest()
        return f"amdt/fragments/slices/{digest}", listed, documents

    def _slice(
        self,
        first: int,
        group: Sequence[Documented],
        listed_keys: Sequence[str],
        document_keys: Sequence[str],
    ) -> liasse_documents.SlicePieces:
        listed = [a for a, _ in group if a is not None]
        documents = [x for _, x in group if x is not None]
        fragments = self.kept_akn.fragments(listed, self._listed, listed_keys)
        titled = [(akn.list_title(a), f) for a, f in zip(listed, fragments, strict=True)]
        written = self.kept_xml.fragments(documents, self._document, document_keys)
        return liasse_documents.slice_pieces(first, titled, written, self.level)

    def save(self) -> None:
        """Keep the new elements and slices, in the chunk's transaction (written once it is
        rendered, as its sheets are: no write lock taken while it renders)."""
        self.kept_akn.save()
        self.kept_xml.save()
        storage.backend().put_many(list(self.kept_slices.values()))
        self.kept_slices = {}

    def _listed(self, item: AknAmendment) -> bytes:
        return akn.list_fragment(item, self.listing, self.day)

    def _document(self, item: LiasseXmlAmendment) -> bytes:
        return liasse_xml.document_fragment(item, self.liasse)

    @property
    def reused(self) -> int:
        """How many amendments' elements were kept from an earlier export (in kept slices,
        or one by one)."""
        return self.elements_reused + self.kept_akn.reused + self.kept_xml.reused

    def write_into(self, path: Path) -> None:
        """Append the pieces to the chunk's part."""
        with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED, allowZip64=True) as part:
            self.pieces.write_into(part)


def documents_frame(text_id: int, day: date, level: int) -> liasse_documents.Frame:
    """What the assembly needs to put the chunks' pieces of the documents together."""
    text = db.session.get_one(LegislativeText, text_id)
    return liasse_documents.Frame(exchange.akn_text(text), day, level)


def write_documents(
    text_id: int, tokens: Sequence[Token], now: datetime, akn: IO[bytes], xml: IO[bytes]
) -> tuple[int, int]:
    """Write the liasse's Akoma Ntoso document and liasse XML (the tokens in the order of call),
    loading DOCUMENTS_BATCH amendments at a time: memory does not grow with the liasse. Each
    amendment's elements are kept between exports (reuse.FragmentCache); returns how many of
    each were reused."""
    text = db.session.get_one(LegislativeText, text_id)
    listing = AmendmentListWriter(akn, exchange.akn_text(text), now.astimezone(PARIS).date())
    liasse = LiasseXmlWriter(xml, exchange.liasse_text(text))
    kept_akn = reuse.FragmentCache(listing.context(), "akn")
    kept_xml = reuse.FragmentCache(liasse.context(), "liasse-xml")
    for batch in _batches(tokens):
        akn_items, xml_items = _records(batch)
        for item, fragment in zip(
            akn_items, kept_akn.fragments(akn_items, listing.fragment), strict=True
        ):
            listing.add(item, fragment)
        for xml_item, fragment in zip(
            xml_items, kept_xml.fragments(xml_items, liasse.fragment), strict=True
        ):
            liasse.add(xml_item, fragment)
        kept_akn.save()
        kept_xml.save()
    listing.close()
    liasse.close()
    return kept_akn.reused, kept_xml.reused


def _records(batch: Sequence[Token]) -> tuple[list[AknAmendment], list[LiasseXmlAmendment]]:
    """The batch's amendments as the Akoma Ntoso and the liasse XML write them, in order."""
    with Session(db.engine) as session:  # dropped after each batch: flat memory
        got = _loaded(batch, session)
        pairs = _items(batch, got, exchange.cosigners(list(got.ours), session))
    return [a for a, _ in pairs if a is not None], [x for _, x in pairs if x is not None]


def _items(
    batch: Sequence[Token], got: _Loaded, signers: dict[int, list[exchange.Cosigner]]
) -> list[Documented]:
    """What each token is in the Akoma Ntoso list and in the liasse XML (None where it is
    not: one of ours gone, or not ready nor filed for the liasse XML)."""
    pairs: list[Documented] = []
    for token in batch:
        if isinstance(token, int) and token in got.ours:
            amendment, record = got.ours[token], got.record(token)
            listed = exchange.amendment_akn(amendment, signers[token], record)
            document = None
            if amendment.state in exchange.LIASSE_STATES:
                document = exchange.amendment_liasse(amendment, signers[token], record)
            pairs.append((listed, document))
        elif isinstance(token, str) and int(token[1:]) in got.external:
            row = got.external[int(token[1:])]
            pairs.append((exchange.published_akn(row), exchange.published_liasse(row)))
        else:
            pairs.append((None, None))
    return pairs
