"""The load-test harness's own parts: the form filler against the real form, IDs, wrk scripts."""

import re

import pytest
from django.test import Client

from applications.models import Application
from applications.validators import validate_resident_id
from perf.loadtest import LUA, Submitter, _lua_string, _resident_id
from tests.factories import make_agency


@pytest.mark.django_db
def test_the_harness_fills_in_the_real_application_form_and_reads_the_receipt(settings):
    settings.ZWGK_APPLY_MIN_SECONDS = 0
    make_agency(name="示范区应急管理局")
    client = Client()
    page = client.get("/apply/")
    assert page.status_code == 200
    action, data = Submitter(port=0).fill(page.content, 7)
    assert action and data.get("website", "") == ""
    response = client.post(action, data, follow=True)
    assert response.status_code == 200
    found = Submitter.TRACKING.search(response.content.decode())
    assert found, response.content.decode()[:2000]
    assert Application.objects.filter(tracking_number=found.group(1)).exists()


def test_generated_resident_ids_pass_the_application_validator():
    for n in (1, 42, 9999, 123_456):
        validate_resident_id(_resident_id(n))


def test_the_wrk_script_quotes_every_path():
    script = LUA % {"paths": ", ".join(_lua_string(p) for p in ['/catalog/?q="x"', "/a\\b"])}
    assert r'"/catalog/?q=\"x\""' in script
    assert r'"/a\\b"' in script
    assert re.search(r"function done\(summary, latency, requests\)", script)
