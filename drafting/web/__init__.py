"""HTML pages: one blueprint per feature; views load, check, call one service, commit."""

from __future__ import annotations

from flask import Blueprint

from drafting.web import amended_text, amendments, auth, dashboard, filters, listing, texts
from drafting.web import assembly as assembly_pages
from drafting.web import deadlines as deadline_pages
from drafting.web import documents as document_pages
from drafting.web import legistique as legistique_pages
from drafting.web import review as review_pages
from drafting.web import security as security_pages
from drafting.web import signing as signing_pages


def blueprints() -> list[Blueprint]:
    """Every HTML blueprint, registered by create_app()."""
    return [
        auth.bp,
        dashboard.bp,
        texts.bp,
        listing.bp,
        amendments.bp,
        filters.bp,
        review_pages.bp,
        document_pages.bp,
        security_pages.bp,
        deadline_pages.bp,
        signing_pages.bp,
        legistique_pages.bp,
        amended_text.bp,
        assembly_pages.bp,
    ]
