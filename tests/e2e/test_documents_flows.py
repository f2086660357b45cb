"""Documents and deadlines in the browser: an amendment's DOCX and PDF, the secretariat's export
of a liasse with its progress bar, and the deadline board with live countdowns."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TEXT_TITLE, draft_on_article_7, log_in, screenshot

pytestmark = pytest.mark.e2e


def download(page: Any, link: Any) -> bytes:
    """Click a download link and return the file's bytes."""
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_a_deputy_downloads_the_docx_and_the_pdf_of_an_amendment(page: Any) -> None:
    log_in(page, "deputy")
    amendment_id = draft_on_article_7(page, "Supprimer l'alinéa 3.")
    downloads = page.get_by_role("region", name="Télécharger")
    downloads.get_by_role("button", name="Word (DOCX)").click()
    expect(page.get_by_role("heading", name="Document officiel")).to_be_visible()
    expect(page.locator("[data-job-label]")).to_have_text("Terminé")
    docx = download(page, page.get_by_role("link", name=re.compile(r"^Télécharger .+\.docx$")))
    assert docx.startswith(b"PK")
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx)).namelist()
    page.get_by_role("link", name="Retour à l'amendement").click()
    expect(page).to_have_url(re.compile(rf"/amendements/{amendment_id}$"))
    page.get_by_role("region", name="Télécharger").get_by_role("button", name="PDF").click()
    pdf = download(page, page.get_by_role("link", name=re.compile(r"^Télécharger .+\.pdf$")))
    assert pdf.startswith(b"%PDF")


def test_the_secretariat_exports_the_liasse_and_follows_the_progress_bar(page: Any) -> None:
    log_in(page, "secretariat")
    page.get_by_role("link", name="Textes", exact=True).click()
    page.get_by_role("link", name=TEXT_TITLE).first.click()
    export = page.get_by_role("region", name="Exporter la liasse")
    expect(export.get_by_label("Groupe")).to_have_value("ECOS")
    expect(export.get_by_label("Déposé")).to_be_checked()
    polls: list[dict[str, Any]] = []  # what the page's script reads while the job runs

    def record_poll(route: Any) -> None:
        response = route.fetch()
        polls.append(response.json())
        route.fulfill(response=response)

    page.route("**/taches/*.json", record_poll)
    export.get_by_role("button", name="Exporter (ZIP)").click()
    expect(page.get_by_role("heading", name="Export de la liasse")).to_be_visible()
    progress = page.get_by_label("Progression")
    expect(progress).to_be_visible()
    # The embedded server runs jobs in a background thread: the page first shows the export
    # under way (each job waits LIASSE_JOBS_THREAD_DELAY before it starts, see conftest), its
    # script polls the job (every second) and moves the bar, then reloads to show the download.
    assert page.locator("[data-job-label]").inner_text() != "Terminé"
    expect(page.locator("[data-job-label]")).to_have_text("Terminé", timeout=60_000)
    assert polls and (polls[-1]["status"], polls[-1]["progress"]) == ("finished", 100)
    assert all(p["progress"] <= q["progress"] for p, q in itertools.pairwise(polls))
    expect(progress).to_have_attribute("value", "100")
    expect(page.locator("[data-job-percent]")).to_have_text("100 %")
    expect(page.locator("[data-job-label]")).to_have_text("Terminé")
    link = page.get_by_role("link", name=re.compile(r"^Télécharger .+\.zip$"))
    expect(link).to_be_visible()
    screenshot(page, "export-liasse")
    archive = download(page, link)
    assert archive.startswith(b"PK")
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert "index.csv" in names and any(n.endswith(".pdf") for n in names)
    status = page.request.get(page.url + ".json").json()
    assert (status["status"], status["progress"]) == ("finished", 100)


def test_the_deadline_board_counts_down_live(page: Any) -> None:
    page.clock.install()  # the page's clock: fast-forwarded below to watch the countdown move
    log_in(page, "secretariat")
    page.get_by_role("link", name="Échéances", exact=True).click()
    expect(page.get_by_role("heading", name="Échéances", level=1)).to_be_visible()
    mine = page.get_by_role("region", name="Mes prochaines échéances")
    review = mine.locator("li").filter(has_text="Relecture ECOS")
    left = review.locator(".deadline-left")
    expect(left).to_have_text(re.compile(r"^dans [12] j \d{1,2} h$"))
    board = page.get_by_role("region", name="Tableau des échéances du groupe ECOS")
    expect(board.get_by_role("row").filter(has_text="n° 809")).to_contain_text("cosignature : ")
    screenshot(page, "echeances", mask=[page.get_by_label("Lien de votre agenda")])
    deadline = review.locator("[data-deadline]").evaluate("e => Date.parse(e.dataset.deadline)")
    two_and_a_half_hours_left = deadline - 9_000_000 - page.evaluate("Date.now()")
    page.clock.fast_forward(int(two_and_a_half_hours_left))
    expect(left).to_have_text(re.compile(r"^dans 2 h \d\d min$"))
    expect(review.locator(".deadline-flag")).to_have_text("moins de 24 h")
