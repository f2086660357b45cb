"""API of the légistique: the dispositif written from an edited article, and applied to it."""

from __future__ import annotations

from drafting.api.routing import current_user, endpoint
from drafting.api.schemas.amendments import PositionOut
from drafting.api.schemas.dispositifs import ApplyIn, ApplyOut, DispositifIn, DispositifOut
from drafting.infra.rate_limits import LEGISTIQUE, POST, limited
from drafting.services.legistique import dispositifs

TAGS = ("dispositifs",)


@endpoint(
    "/dispositifs",
    "POST",
    summary="Write the dispositif of an edited article (422 no_change, not_understood, "
    "several_articles)",
    body=DispositifIn,
    response=DispositifOut,
    errors=(403, 404, 422, 429),
    tags=TAGS,
)
@limited(LEGISTIQUE, scope="legistique", methods=POST)
def write_dispositif(body: DispositifIn) -> DispositifOut:
    """POST /dispositifs."""
    written = dispositifs.write_dispositif(
        current_user(), body.article_id, list(body.alineas), body.parent_id
    )
    position = PositionOut(kind=written.kind, article=written.article, alinea=written.alinea)
    return DispositifOut(dispositif=written.dispositif, position=position, family=written.family)


@endpoint(
    "/dispositifs/apply",
    "POST",
    summary="Apply a dispositif to its article (422 not_understood: never a guess)",
    body=ApplyIn,
    response=ApplyOut,
    errors=(403, 404, 422, 429),
    tags=TAGS,
)
@limited(LEGISTIQUE, scope="legistique", methods=POST)
def apply_dispositif(body: ApplyIn) -> ApplyOut:
    """POST /dispositifs/apply."""
    alineas = dispositifs.apply_to_target(
        current_user(), body.article_id, body.dispositif, body.parent_id
    )
    return ApplyOut(alineas=alineas)
