"""The scale drill's own parts, against the real site: its staff login (password, then a TOTP code
computed as an authenticator app does), its form reader, its attachment, its multipart body.

The drill itself (``make scale-drill``) needs two PostgreSQL clusters, Redis and haproxy; CI runs
its part 1 (``.ci/run``)."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.management import CommandError, call_command
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from disclosure.uploads import inspect_upload
from perf.scale_drill import form_fields, multipart, png, totp
from tests.factories import PASSWORD, make_agency, make_staff


@pytest.mark.django_db
def test_the_drill_computes_the_code_the_second_factor_accepts(settings):
    settings.ZWGK_STAFF_2FA = True
    user = make_staff(make_agency(), Role.REVIEWER, username="drill-otp")
    device = TOTPDevice.objects.create(user=user, name="演练", confirmed=True)
    client = Client()
    login = client.get("/admin/login/?next=/admin/")
    fields = form_fields(login.content.decode())
    assert "csrfmiddlewaretoken" in fields
    page = client.post(
        "/admin/login/?next=/admin/",
        {**fields, "username": "drill-otp", "password": PASSWORD},
        follow=True,
    )
    assert "动态口令" in page.content.decode()
    code, _ = totp(device.key)
    page = client.post(
        page.redirect_chain[-1][0],
        {**form_fields(page.content.decode()), "token": code},
        follow=True,
    )
    assert page.status_code == 200
    assert "drill-otp" in page.content.decode() and "注销" in page.content.decode()

    # Codes agree with django-otp's own computation for this device at any moment.
    for moment in (0, 59, 1_764_000_000, 1_764_000_029):
        reference = TOTP(device.bin_key)
        reference.time = moment
        assert int(totp(device.key, at=moment)[0]) == reference.token()


def test_the_drill_attachment_passes_the_content_check():
    content = png(seed=7)
    kind, size, sha256 = inspect_upload(SimpleUploadedFile("drill.png", content))
    assert kind == "image/png"
    assert size == len(content)
    assert sha256 == hashlib.sha256(content).hexdigest()


def test_the_multipart_body_parses_as_a_browser_upload():
    body = multipart(
        {"reason": "补充附件"}, {"file": ("a.png", b"\x89PNG-bytes", "image/png")}, "b0"
    )
    meta = {
        "CONTENT_TYPE": "multipart/form-data; boundary=b0",
        "CONTENT_LENGTH": str(len(body)),
    }
    post, files = MultiPartParser(
        meta, io.BytesIO(body), [MemoryFileUploadHandler()], "utf-8"
    ).parse()
    assert post["reason"] == "补充附件"
    assert files["file"].name == "a.png" and files["file"].read() == b"\x89PNG-bytes"


@pytest.mark.django_db
def test_the_drill_seed_refuses_any_database_but_the_drills_own():
    with pytest.raises(CommandError, match="zwgk_drill"):
        call_command("scale_drill_seed")
    assert not User.objects.filter(username__startswith="drill-").exists()
