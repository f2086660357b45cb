"""API for drafting amendments."""

from __future__ import annotations

from typing import Any

from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas.amendments import (
    AmendmentIn,
    AmendmentOut,
    AmendmentPage,
    AmendmentPatch,
    AmendmentQuery,
    PositionIn,
)
from drafting.api.schemas.assembly import ExternalAmendmentOut
from drafting.db import commit
from drafting.models import Amendment
from drafting.services import amendments as service
from drafting.services import confidentiality
from drafting.services.assembly import listing
from drafting.services.legistique import checks, identity
from drafting.services.workflow import filing


def _position(position: PositionIn | None) -> service.PositionInput | None:
    if position is None:
        return None
    return service.PositionInput(position.kind, position.article, position.alinea)


def one_amendment(amendment: Amendment, lint: list[dict[str, Any]] | None = None) -> AmendmentOut:
    """One amendment with what is identical to it and what competes with it."""
    viewer = current_user()
    found = identity.concordance(viewer, amendment)
    return AmendmentOut.of(amendment, lint=lint, related=(found, viewer))


@endpoint(
    "/amendments",
    "POST",
    summary="Draft an amendment",
    body=AmendmentIn,
    response=AmendmentOut,
    status=201,
    errors=(403, 404, 409),
    tags=("amendments",),
)
def create_amendment(body: AmendmentIn) -> AmendmentOut:
    """POST /amendments."""
    position = _position(body.position)
    assert position is not None
    draft = service.Draft(
        body.text_id, position, body.dispositif, body.expose, body.author_id, body.parent_id
    )
    amendment = service.create_amendment(current_user(), draft, now())
    commit()
    return one_amendment(amendment)


@endpoint(
    "/amendments/<int:amendment_id>",
    summary="One amendment",
    response=AmendmentOut,
    errors=(404,),
    tags=("amendments",),
)
def get_amendment(amendment_id: int) -> AmendmentOut:
    """GET /amendments/{id}."""
    amendment = service.get_visible_amendment(current_user(), amendment_id)
    if confidentiality.record_read(current_user(), amendment, now(), "api"):
        commit()
    return one_amendment(amendment, lint=checks.current(amendment, now()))


@endpoint(
    "/amendments",
    summary="Amendments you may see, filtered and paginated",
    query=AmendmentQuery,
    response=AmendmentPage,
    tags=("amendments",),
)
def list_amendments(query: AmendmentQuery) -> AmendmentPage:
    """GET /amendments?text_id=&state=&group=&article=&page=&per_page= (with text_id, the
    text's external amendments follow ours; state=external lists only them)."""
    filters = service.ListFilter(**query.model_dump())
    found = listing.list_page(current_user(), filters)
    checks.prime(found.ours)
    filing.preload_delegations(a.author_id for a in found.ours)
    page: list[AmendmentOut | ExternalAmendmentOut] = [
        AmendmentOut.of(a).model_copy(
            update={"external": False, "order_key": found.order_keys.get(a.id)}
        )
        for a in found.ours
    ]
    page += [ExternalAmendmentOut.of(row) for row in found.external]
    return AmendmentPage(items=page, total=found.total, page=query.page, per_page=query.per_page)


@endpoint(
    "/amendments/<int:amendment_id>",
    "PATCH",
    summary="Save a new version (optimistic lock)",
    body=AmendmentPatch,
    response=AmendmentOut,
    errors=(403, 404, 409),
    tags=("amendments",),
)
def update_amendment(amendment_id: int, body: AmendmentPatch) -> AmendmentOut:
    """PATCH /amendments/{id}."""
    edit = service.Edit(body.version, body.dispositif, body.expose, _position(body.position))
    amendment = service.update_amendment(current_user(), amendment_id, edit, now())
    commit()
    return one_amendment(amendment)
