"""Browser fixtures: a real Liasse server on loopback (fresh SQLite + demo) and Debian's Chromium
driven by Playwright; no browser is ever downloaded."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DEMO_PASSWORD = "Liasse-demo-2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
USERS = {
    "deputy": "sandra.regol@assemblee.example",
    "deputy2": "julien.bayou@assemblee.example",
    "assistant": "lea.moreau@assemblee.example",
    "secretariat": "claire.dupont@assemblee.example",
    "admin": "admin.liasse@assemblee.example",
    "other_deputy": "stephane.peu@assemblee.example",  # GDR: another group than the author's
}
TEXT_TITLE = re.compile("jeux Olympiques")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
OVERFLOW = "document.documentElement.scrollWidth"
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
  'main button, main a.button, main input[type=submit], main select, header a, header button'
)).filter(e => e.offsetParent !== null).map(e => [e.textContent.trim() || e.outerHTML.slice(0, 60),
  e.getBoundingClientRect().width, e.getBoundingClientRect().height])
  .filter(([, w, h]) => w < 44 || h < 44)"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        LIASSE_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'e2e.sqlite3'}",
        LIASSE_REQUIRE_2FA="0",
        LIASSE_PASSWORD_HASH_COST="fast",
        SECRET_KEY="e2e-secret-key-not-for-production-0123456789",
        LIASSE_EMBEDDED_CLOCK="0",
        # A fast host builds the demo liasse before the browser loads the job page: each job
        # starts a moment after it is queued, so the page shows it under way first.
        LIASSE_JOBS_THREAD_DELAY="1.5",
    )
    return env


def _liasse_command(*args: str) -> list[str]:
    """`liasse ARGS` with this interpreter, importing the code of this checkout."""
    code = "import sys; from drafting.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code, *args]


def _liasse(*args: str, env: dict[str, str]) -> None:
    subprocess.run(_liasse_command(*args), env=env, cwd=ROOT, check=True, capture_output=True)


def _wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Browser tests talk to their own server process: the shared test database is not used."""


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `liasse run` process on a free loopback port, migrated and loaded with the demo."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed: run `make e2e-deps`")
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = _server_env(data_dir)
    _liasse("db", "upgrade", env=env)
    _liasse("demo", env=env)
    port = _free_port()
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(
        _liasse_command("run", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's headless Chromium with a fresh user-data dir, driven by Python Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


class Console:
    """Console errors (CSP violations show up there) collected during a test."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def listen(self, page: Any) -> None:
        """Record every console error and uncaught exception of the page."""
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def new_page(browser: Any, server: str, console: Console, **options: Any) -> Any:
    """A page in a fresh context (fresh cookies) with the server as base URL."""
    context = browser.new_context(base_url=server, locale="fr-FR", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console.listen(page)
    return page


@pytest.fixture
def console() -> Console:
    """The console errors of the test's pages."""
    return Console()


@pytest.fixture
def page(browser: Any, server: str, console: Console) -> Iterator[Any]:
    """A desktop page; the test fails if the browser logged an error (e.g. a CSP violation)."""
    page = new_page(browser, server, console, viewport={"width": 1280, "height": 900})
    yield page
    page.context.close()
    assert console.errors == []


_COOKIES: dict[str, list[Any]] = {}


def log_in(page: Any, role: str) -> None:
    """Log in through the form as the demo user of that role; later tests of the same role reuse
    the session cookie (the login rate limit allows 10 attempts a minute per address)."""
    if role in _COOKIES:
        page.context.add_cookies(_COOKIES[role])
        page.goto("/tableau-de-bord")
        return
    page.goto("/login")
    page.get_by_label("Adresse électronique").fill(USERS[role])
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord")
    _COOKIES[role] = [c for c in page.context.cookies() if c["name"] != "lang"]


def screenshot(page: Any, name: str, mask: list[Any] | None = None) -> None:
    """Save a PNG of the viewport into docs/screenshots/ (illustrations for the README);
    `mask` hides secrets (a calendar link, say) behind a box."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), mask=mask or [])


def draft_on_article_7(page: Any, dispositif: str) -> int:
    """From the text page, draft an amendment on article 7 with the editor; return its id."""
    page.goto("/textes")
    page.get_by_role("link", name=TEXT_TITLE).first.click()
    page.get_by_role("link", name="Amender l'article 7").click()
    page.wait_for_url(re.compile(r"/nouveau/\d+"))
    page.wait_for_load_state()  # the editor's script types French typography as one fills
    page.get_by_label("Dispositif").fill(dispositif)
    page.get_by_label("Exposé sommaire").fill("Limiter l'expérimentation à la durée des Jeux.")
    page.get_by_role("button", name=re.compile("^Enregistrer")).click()
    page.wait_for_url(re.compile(r"/amendements/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def take_action(page: Any, amendment_id: int, button: str) -> None:
    """Click a workflow button of the amendment page and wait for the confirmation."""
    page.goto(f"/amendements/{amendment_id}")
    page.get_by_role("region", name="Suite de la procédure").get_by_role(
        "button", name=button, exact=True
    ).click()
    page.locator(".flash").wait_for()


def open_amendment(browser: Any, server: str, console: Console, dispositif: str) -> int:
    """Through the pages: the deputy drafts and submits, the secretariat approves; the
    amendment is then open to co-signature. Returns its id."""
    deputy = new_page(browser, server, console)
    log_in(deputy, "deputy")
    amendment_id = draft_on_article_7(deputy, dispositif)
    take_action(deputy, amendment_id, "Soumettre à la relecture")
    deputy.context.close()
    secretariat = new_page(browser, server, console)
    log_in(secretariat, "secretariat")
    take_action(secretariat, amendment_id, "Approuver")
    secretariat.context.close()
    return amendment_id


def cosign_from_the_amendment_page(page: Any, amendment_id: int) -> None:
    """A deputy reads the amendment, opens the consent screen and consents."""
    page.goto(f"/amendements/{amendment_id}")
    page.get_by_role("link", name="Lire et cosigner").click()
    page.get_by_role("button", name="Je cosigne ce texte").click()
    page.wait_for_url(re.compile(rf"/amendements/{amendment_id}$"))
