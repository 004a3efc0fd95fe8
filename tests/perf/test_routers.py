"""The primary/replica router: routing decisions, pinning, and the site running on two aliases."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import Client, RequestFactory, SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from agencies.models import Agency
from config.routers import (
    PIN_COOKIE,
    PrimaryReplicaRouter,
    ReplicaPinMiddleware,
    is_pinned,
    pin_to_primary,
)
from tests.factories import PASSWORD, make_agency, make_staff

ROOT = Path(__file__).resolve().parents[2]
WITH_REPLICA = {"default": {}, "replica": {}}
# The routing decisions only look at which aliases exist; no connection is opened.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


class RouterDecisionTests(SimpleTestCase):
    router = PrimaryReplicaRouter()

    def test_without_a_replica_everything_goes_to_the_primary(self):
        with override_settings(DATABASES={"default": {}}):
            assert self.router.db_for_read(Agency) == "default"
            assert self.router.db_for_write(Agency) == "default"

    def test_reads_go_to_the_replica_and_writes_to_the_primary(self):
        with override_settings(DATABASES=WITH_REPLICA):
            assert self.router.db_for_read(Agency) == "replica"
            assert self.router.db_for_write(Agency) == "default"

    def test_migrations_never_run_on_the_replica(self):
        assert self.router.allow_migrate("replica", "disclosure") is False
        assert self.router.allow_migrate("default", "disclosure") is None

    def test_objects_from_either_alias_may_be_related(self):
        a, b = Agency(), Agency()
        a._state.db, b._state.db = "default", "replica"
        assert self.router.allow_relation(a, b) is True


class PinMiddlewareTests(SimpleTestCase):
    router = PrimaryReplicaRouter()

    def run_view(self, view, method="get", **cookies):
        request = getattr(RequestFactory(), method)("/")
        request.COOKIES.update(cookies)
        with override_settings(DATABASES=WITH_REPLICA):
            return ReplicaPinMiddleware(view)(request)

    def test_a_read_only_get_uses_the_replica_and_sets_no_cookie(self):
        seen = []

        def view(request):
            seen.append(self.router.db_for_read(Agency))
            return HttpResponse()

        response = self.run_view(view)
        assert seen == ["replica"]
        assert PIN_COOKIE not in response.cookies

    def test_reads_after_a_write_in_the_same_request_use_the_primary(self):
        seen = []

        def view(request):
            seen.append(self.router.db_for_read(Agency))
            self.router.db_for_write(Agency)
            seen.append(self.router.db_for_read(Agency))
            return HttpResponse()

        response = self.run_view(view)
        assert seen == ["replica", "default"]
        assert response.cookies[PIN_COOKIE]["max-age"] == 10
        assert not is_pinned(), "the pin must not leak into the next request"

    def test_a_post_reads_from_the_primary_from_its_first_query(self):
        seen = []

        def view(request):
            seen.append(self.router.db_for_read(Agency))
            return HttpResponse()

        self.run_view(view, method="post")
        assert seen == ["default"]

    def test_the_pin_cookie_sends_the_next_request_to_the_primary(self):
        seen = []

        def view(request):
            seen.append(self.router.db_for_read(Agency))
            return HttpResponse()

        self.run_view(view, **{PIN_COOKIE: "1"})
        assert seen == ["default"]

    def test_code_outside_a_request_can_pin_explicitly(self):
        def view(request):
            pin_to_primary()
            return HttpResponse(self.router.db_for_read(Agency))

        assert self.run_view(view).content == b"default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_use_the_primary():
    router = PrimaryReplicaRouter()
    with override_settings(DATABASES={**WITH_REPLICA}):
        assert router.db_for_read(Agency) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Agency) == "default"


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
        del connections["replica"]


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
