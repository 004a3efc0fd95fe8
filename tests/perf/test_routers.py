"""The primary/replica router: routing decisions, pinning, and the site running on two aliases."""

import contextlib
import copy
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from agencies.models import Agency
from config.routers import (
    PIN_COOKIE,
    PrimaryReplicaRouter,
    ReplicaPinMiddleware,
    breaker,
    is_pinned,
    pin_to_primary,
)
from disclosure.cache import SETTLING_KEY
from tests.disclosure.builders import Desk
from tests.factories import PASSWORD, make_agency, make_staff

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
router = PrimaryReplicaRouter()


@pytest.fixture
def replica(settings):
    """A real second connection, configured like production's, as a TEST MIRROR of default.

    The rows are committed (transactional tests), so the second connection sees them exactly
    as a streaming replica would. It is registered on the connection handler directly: an alias
    unknown to the test case's database guard counts as a dynamically created connection.
    """
    conf = copy.deepcopy(connections["default"].settings_dict)
    conf["TEST"] = {**conf.get("TEST", {}), "MIRROR": "default"}
    wrapper = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, "replica")
    connections["replica"] = wrapper
    settings.DATABASES = {**settings.DATABASES, "replica": conf}
    settings.DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "config.routers.ReplicaPinMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    try:
        yield wrapper
    finally:
        wrapper.close()
        with contextlib.suppress(AttributeError):
            del connections["replica"]


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_replica(settings):
    """A ``replica`` alias of PostgreSQL on a closed loopback port: every connection is refused."""
    conf = copy.deepcopy(connections["default"].settings_dict)
    conf.update(
        ENGINE="django.db.backends.postgresql",
        NAME="zwgk",
        USER="postgres",
        PASSWORD="",
        HOST="127.0.0.1",
        PORT=str(closed_port()),
        OPTIONS={"connect_timeout": 2},
        CONN_HEALTH_CHECKS=True,
    )
    conf["TEST"] = {}
    wrapper = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, "replica")
    connections["replica"] = wrapper
    settings.DATABASES = {**settings.DATABASES, "replica": conf}
    settings.DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    settings.REPLICA_RETRY_SECONDS = 30
    breaker.close()
    try:
        yield wrapper
    finally:
        wrapper.close()
        with contextlib.suppress(AttributeError):  # the replica fixture may have replaced it
            del connections["replica"]
        breaker.close()


def test_without_a_replica_everything_goes_to_the_primary(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    assert router.db_for_read(Agency) == "default"
    assert router.db_for_write(Agency) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    assert router.db_for_read(Agency) == "replica"
    assert router.db_for_write(Agency) == "default"


def test_migrations_never_run_on_the_replica():
    assert router.allow_migrate("replica", "disclosure") is False
    assert router.allow_migrate("default", "disclosure") is None


def test_objects_from_either_alias_may_be_related():
    a, b = Agency(), Agency()
    a._state.db, b._state.db = "default", "replica"
    assert router.allow_relation(a, b) is True


def run_view(view, method="get", **cookies):
    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies)
    return ReplicaPinMiddleware(view)(request)


@pytest.mark.django_db(transaction=True)
def test_a_read_only_get_uses_the_replica_and_sets_no_cookie(replica):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Agency))
        return HttpResponse()

    response = run_view(view)
    assert seen == ["replica"]
    assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db(transaction=True)
def test_reads_after_a_write_in_the_same_request_use_the_primary(replica):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Agency))
        router.db_for_write(Agency)
        seen.append(router.db_for_read(Agency))
        return HttpResponse()

    response = run_view(view)
    assert seen == ["replica", "default"]
    assert response.cookies[PIN_COOKIE]["max-age"] == 10
    assert not is_pinned(), "the pin must not leak into the next request"


@pytest.mark.django_db(transaction=True)
def test_a_post_reads_from_the_primary_from_its_first_query(replica):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Agency))
        return HttpResponse()

    run_view(view, method="post")
    assert seen == ["default"]


@pytest.mark.django_db(transaction=True)
def test_the_pin_cookie_sends_the_next_request_to_the_primary(replica):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Agency))
        return HttpResponse()

    run_view(view, **{PIN_COOKIE: "1"})
    assert seen == ["default"]


@pytest.mark.django_db(transaction=True)
def test_code_outside_a_request_can_pin_explicitly(replica):
    def view(request):
        pin_to_primary()
        return HttpResponse(router.db_for_read(Agency))

    assert run_view(view).content == b"default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_use_the_primary(replica):
    assert router.db_for_read(Agency) == "replica"
    with transaction.atomic():
        assert router.db_for_read(Agency) == "default"


# --- the replica fails, the site does not ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_refused_replica_sends_reads_to_the_primary_at_once_and_logs_it(dead_replica, caplog):
    make_agency(name="利通区应急管理局")
    with (
        caplog.at_level(logging.WARNING, logger="zwgk.replica"),
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = Client().get("/")
    # The request that found the replica down is itself answered, from the primary.
    assert response.status_code == 200
    assert "利通区应急管理局" in response.content.decode()
    assert any("disclosure_agency" in q["sql"] for q in on_primary.captured_queries)
    assert breaker.is_open
    warnings = [r.getMessage() for r in caplog.records if r.name == "zwgk.replica"]
    assert len(warnings) == 1 and "只读副本不可用" in warnings[0], warnings
    assert "127.0.0.1" in warnings[0] or "refused" in warnings[0].lower(), warnings


@pytest.mark.django_db(transaction=True)
def test_an_open_breaker_waits_for_the_retry_interval_before_trying_again(dead_replica):
    assert router.db_for_read(Agency) == "default"
    first_retry = breaker.retry_at
    # Within the interval nobody knocks on the dead port again: the retry time stays put.
    for _ in range(5):
        assert router.db_for_read(Agency) == "default"
    assert breaker.retry_at == first_retry
    # Once it has passed, the next read tries again; refused again, the breaker re-arms.
    breaker.retry_at = time.monotonic() - 1
    assert router.db_for_read(Agency) == "default"
    assert breaker.retry_at > time.monotonic() + 20


@pytest.mark.django_db(transaction=True)
def test_reads_return_to_the_replica_when_it_answers_again(dead_replica, replica, caplog):
    """The dead alias is replaced by a working connection (the replica restarted): after the retry
    interval the next read is routed there again, and the recovery is logged."""
    breaker.trip(Exception("connection refused (test)"))
    assert router.db_for_read(Agency) == "default"
    breaker.retry_at = time.monotonic() - 1
    with caplog.at_level(logging.WARNING, logger="zwgk.replica"):
        assert router.db_for_read(Agency) == "replica"
    assert not breaker.is_open
    assert any("只读副本已恢复" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_healthz_is_200_and_says_degraded_while_the_replica_is_down(dead_replica):
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["replica"] == "unavailable"
    assert 0 < body["replica_retry_in"] <= 30


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_a_working_replica(replica):
    breaker.close()
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "replica": "ok"}


@pytest.mark.django_db(transaction=True)
def test_public_pages_read_from_the_replica(replica):
    make_agency(name="利通区应急管理局")
    client = Client()
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/")
    assert response.status_code == 200
    assert "利通区应急管理局" in response.content.decode()
    assert any("disclosure_agency" in q["sql"] for q in on_replica.captured_queries)
    assert on_primary.captured_queries == []
    assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db(transaction=True)
def test_catalog_searches_count_on_the_replica(replica):
    """The catalog's count (the planner's estimate and the bounded exact count in its own
    transaction, on PostgreSQL) runs where the page's rows are read, not on the primary."""
    Desk().publish("关于开展安全生产大检查的通知")
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = Client().get("/catalog/?q=安全生产")
    assert response.status_code == 200
    assert "大检查的通知" in response.content.decode()  # the match itself is highlighted
    assert any("COUNT" in q["sql"].upper() for q in on_replica.captured_queries)
    assert on_primary.captured_queries == []


@pytest.mark.django_db(transaction=True)
def test_pages_rendered_just_after_a_publication_are_not_cached_from_the_replica(replica):
    """The replica may not have replayed a publication yet: for the pin's window after it, an
    anonymous page is rendered (from the replica) but not kept; after the window it is."""
    cache.clear()
    desk = Desk()
    desk.publish("关于开展安全生产大检查的通知")  # commits: the generation is bumped
    client = Client()
    for _ in range(2):
        with CaptureQueriesContext(replica) as on_replica:
            assert client.get("/catalog/").status_code == 200
        assert on_replica.captured_queries, "rendered again: nothing was kept in the window"
    cache.delete(SETTLING_KEY)  # the window has passed
    client.get("/catalog/")
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/catalog/")
    assert response.status_code == 200 and "大检查" in response.content.decode()
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True)
def test_staff_login_pins_the_browser_to_the_primary(replica):
    agency = make_agency()
    make_staff(agency, Role.CLERK, username="clerk-router")
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "clerk-router", "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert PIN_COOKIE in response.cookies
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/admin/")
    assert response.status_code == 200
    assert on_replica.captured_queries == []


def test_settings_install_the_router_when_a_replica_url_is_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL="sqlite:////tmp/zwgk-router-primary.sqlite3",
        DATABASE_REPLICA_URL="sqlite:////tmp/zwgk-router-replica.sqlite3",
    )
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.DATABASE_ROUTERS, s.DATABASES['replica']['TEST']['MIRROR'], "
        "'config.routers.ReplicaPinMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("['config.routers.PrimaryReplicaRouter'] default True")
