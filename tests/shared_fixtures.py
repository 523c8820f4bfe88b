"""Fixtures many test modules share, registered once through `pytest_plugins` in tests/conftest.py
(so no test module imports a fixture by name): the server tests' corpus and live server, a fresh
PostgreSQL database, and a Chromium driven by Playwright."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from pg import database_for_test
from server_util import Corpus, LiveServer, build_corpus, serve

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    """The server tests' corpus (tests/server_util.py), indexed once per session."""
    return build_corpus(tmp_path_factory.mktemp("blogqa-server"))


@pytest.fixture(scope="session")
def live(corpus):
    """The default server: no API keys (loopback only), rate limit high enough for the tests."""
    server: LiveServer = serve(corpus.index, warm=True, public_rate_limit=10_000)
    yield server
    server.stop()


@pytest.fixture
def pg_uri() -> str:
    """A fresh database on the session's PostgreSQL (skips, or fails under BLOGQA_TEST_POSTGRES=required)."""
    return database_for_test()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (skips when either is missing)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser, live):
    """A fresh page that may reach only the test server (the app must work offline) and that
    records every dialog, so an XSS `alert()` could not go unnoticed."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="ko-KR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    outside = []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    pg.route("**/*", only_loopback)
    pg.outside = outside
    yield pg
    assert not outside, f"the page tried to reach {outside}"
    context.close()
