"""What a bulk action acts on: the ids a request names (in its order, each once) or every
amendment a list filter matches (made here, server-side: no client sends 20 000 ids)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from drafting.errors import Invalid
from drafting.extensions import db
from drafting.models import Amendment, User
from drafting.services import listing
from drafting.services.listing import ListFilter

MAX_IDS = 100_000  # a request naming more is refused (422); a filter has no such bound
LOOKUP_CHUNK = 5_000  # ids per IN (…): under every driver's parameter limit


@dataclass(frozen=True)
class Selection:
    """The amendments to act on, each once, in the order the results are given (`ids`), and
    the request's repeated ids (each reported refused, never acted on twice)."""

    ids: list[int]
    duplicates: list[int] = field(default_factory=list)
    requested: list[int] = field(default_factory=list)  # as the request listed them

    def __len__(self) -> int:
        return len(self.ids)


def of_ids(ids: Sequence[int]) -> Selection:
    """The distinct ids of a request, in its order; 422 when it names none or too many."""
    if not ids:
        raise Invalid("La sélection est vide.", fields={"ids": "au moins un amendement"})
    if len(ids) > MAX_IDS:
        raise Invalid(
            f"Sélection trop grande : {len(ids)} identifiants (au plus {MAX_IDS}).",
            fields={"ids": f"au plus {MAX_IDS} ; sélectionnez par filtre au-delà"},
        )
    distinct = list(dict.fromkeys(ids))
    seen: set[int] = set()
    duplicates = []
    for amendment_id in ids:
        if amendment_id in seen:
            duplicates.append(amendment_id)
        seen.add(amendment_id)
    return Selection(distinct, duplicates, list(ids))


def of_filter(user: User, filters: ListFilter) -> Selection:
    """Every amendment the user may see that the filter matches, in the list's order (the order
    of discussion unless the filter says otherwise); possibly none."""
    order = filters.order or "discussion"
    ids = listing.matching_ids(user, ListFilter(**{**vars(filters), "order": order}).without_page())
    return Selection(ids, [], ids)


def chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    """`ids` in consecutive slices of at most `size`."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def existing(ids: Iterable[int]) -> set[int]:
    """Which of `ids` are amendments at all (visibility is each action's to check)."""
    found: set[int] = set()
    for part in chunks(list(ids), LOOKUP_CHUNK):
        found.update(db.session.scalars(select(Amendment.id).where(Amendment.id.in_(part))))
    return found
