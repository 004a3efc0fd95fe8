import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, not Django's shared in-memory one.

    The live server answers the browser's requests in threads. With an in-memory database
    those threads share one connection object, so two requests at once (a page and the
    favicon, say) interleave their transactions on it; in one CI run that left the connection
    outside any transaction with autocommit off, and every later transactional test failed.
    With a file every thread has its own connection and SQLite's locks order the writers.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _session_media_root(tmp_path_factory):
    """Files written before any test's own folder exists (``setUpTestData`` seeding the demo,
    whose policy documents carry attachments) go to a throw-away folder, never to ./media."""
    from django.test.utils import override_settings

    override = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media-session"))
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads in tests go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; no browser is ever downloaded."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium for the browser tests")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (CI installs it)")
    # Playwright's sync API runs an event loop; Django refuses ORM calls from such a thread
    # unless told that this is deliberate (test set-up only, never the server).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's event loop gives the test code a fresh set of database connection objects;
    # carry over the data that transactional tests with serialized_rollback restore from.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a tab in a fresh browser context, one per actor of a journey.

    Actors never share a context: clearing cookies between them is not enough, because the
    browser fetches ``/favicon.ico`` by itself after each page, and a response to it that arrives
    after the clearing sets the previous actor's session cookie again.
    """
    contexts = []

    def open_page(**options):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh browser tab whose ``goto`` paths are relative to the live server."""
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def pytest_collection_modifyitems(items):
    """Every transactional test restores the rows data migrations load (the holiday calendar,
    topics, answer classes), which ``flush`` does not bring back.

    A transactional test without ``serialized_rollback`` empties the tables and recreates the
    content types; a later one with it then fails to restore them. Making all of them restore
    keeps the suite independent of test order. (Role groups would not need it: ``flush`` emits
    post_migrate, whose sync in ``accounts.roles`` makes them again.)
    """
    from django.test import TestCase, TransactionTestCase

    for item in items:
        cls = getattr(item, "cls", None)
        if cls and issubclass(cls, TransactionTestCase) and not issubclass(cls, TestCase):
            cls.serialized_rollback = True
            continue
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            # Prepended: the closest marker is the first of the test's own.
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True),
                append=False,
            )
