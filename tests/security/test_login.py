"""Staff login: lockout, per-IP throttling, audit of every attempt, session rules, second factor."""

import time
from datetime import timedelta
from unittest import mock

from django.contrib.auth import SESSION_KEY
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout
from accounts.models import AuditEvent
from accounts.sessions import LOGIN_AT, SEEN_AT
from tests.factories import PASSWORD, make_agency, make_staff

Event = AuditEvent.Event
WRONG = "Wrong-Passw0rd-9999"


class LoginTestCase(TestCase):
    def setUp(self):
        self.user = make_staff(make_agency(), username="zhangsan")
        self.login_url = reverse("admin:login")

    def login(self, password, username="zhangsan", ip="10.0.0.5"):
        return self.client.post(
            self.login_url,
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=ip,
        )


class LockoutTests(LoginTestCase):
    def test_five_failures_lock_the_account_from_that_ip_with_the_same_message(self):
        first = self.login(WRONG)
        for _ in range(4):
            self.login(WRONG)
        refused = self.login(PASSWORD)
        self.assertEqual(refused.status_code, 200)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertEqual(
            [str(e) for e in first.context["form"].non_field_errors()],
            [str(e) for e in refused.context["form"].non_field_errors()],
        )
        self.assertTrue(
            AuditEvent.objects.filter(event=Event.LOCKED_OUT, actor_name="zhangsan").exists()
        )

    def test_four_failures_do_not_lock(self):
        for _ in range(4):
            self.login(WRONG)
        self.assertEqual(self.login(PASSWORD).status_code, 302)

    def test_lock_is_per_ip_and_ends_after_thirty_minutes(self):
        for _ in range(5):
            self.login(WRONG)
        self.assertEqual(self.login(PASSWORD, ip="10.0.0.6").status_code, 302)
        self.client.logout()
        later = timezone.now() + timedelta(minutes=31)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertEqual(self.login(PASSWORD).status_code, 302)

    def test_many_failures_from_one_ip_slow_that_ip_without_locking_real_accounts(self):
        with self.settings(LOGIN_IP_FAILURE_LIMIT=6, LOGIN_IP_DELAY_SECONDS=0):
            for n in range(7):
                self.login(WRONG, username=f"guess{n}")
            self.assertEqual(self.login(PASSWORD).status_code, 302)
        with self.settings(LOGIN_IP_FAILURE_LIMIT=6):
            self.assertGreater(lockout.failure_delay(ip="10.0.0.5"), 0)

    def test_every_attempt_is_audited_with_ip_and_outcome(self):
        self.login(WRONG)
        self.login(PASSWORD)
        failed = AuditEvent.objects.get(event=Event.LOGIN_FAILED)
        self.assertEqual(
            (failed.actor_name, failed.ip, failed.outcome), ("zhangsan", "10.0.0.5", "failure")
        )
        ok = AuditEvent.objects.get(event=Event.LOGIN)
        self.assertEqual((ok.actor_id, ok.ip), (self.user.pk, "10.0.0.5"))
        self.assertTrue(ok.request_id)
        self.client.post(reverse("admin:logout"))
        self.assertTrue(AuditEvent.objects.filter(event=Event.LOGOUT, actor=self.user).exists())

    def test_attempts_during_the_lock_are_audited_as_denied(self):
        for _ in range(6):
            self.login(WRONG)
        self.assertTrue(
            AuditEvent.objects.filter(event=Event.LOGIN_FAILED, outcome="denied").exists()
        )

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_forwarded_address_counts_only_behind_a_trusted_proxy(self):
        self.client.post(
            self.login_url,
            {"username": "zhangsan", "password": WRONG},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        self.client.post(
            self.login_url,
            {"username": "zhangsan", "password": WRONG},
            REMOTE_ADDR="198.51.100.1",
            HTTP_X_FORWARDED_FOR="203.0.113.8",
        )
        ips = set(AuditEvent.objects.filter(event=Event.LOGIN_FAILED).values_list("ip", flat=True))
        self.assertEqual(ips, {"203.0.113.7", "198.51.100.1"})


class SessionTests(LoginTestCase):
    def test_login_issues_a_new_session_key(self):
        self.client.get(self.login_url)
        self.client.session.save()
        before = self.client.session.session_key
        self.login(PASSWORD)
        self.assertNotEqual(self.client.session.session_key, before)

    def test_session_ends_after_thirty_idle_minutes(self):
        self.login(PASSWORD)
        session = self.client.session
        session[SEEN_AT] = time.time() - 31 * 60
        session.save()
        response = self.client.get("/admin/")
        self.assertRedirects(
            response, f"{self.login_url}?next=%2Fadmin%2F", fetch_redirect_response=False
        )
        self.assertTrue(AuditEvent.objects.filter(event=Event.SESSION_EXPIRED).exists())

    def test_session_ends_after_the_absolute_cap_even_when_active(self):
        self.login(PASSWORD)
        session = self.client.session
        session[LOGIN_AT] = time.time() - 10 * 3600 - 1
        session.save()
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_active_session_is_kept(self):
        self.login(PASSWORD)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_idle_limit_is_thirty_minutes_and_refreshed_each_request(self):
        from django.conf import settings

        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)


class PasswordAgeTests(LoginTestCase):
    def test_an_old_password_must_be_changed_before_anything_else(self):
        self.login(PASSWORD)
        type(self.user).objects.filter(pk=self.user.pk).update(
            password_changed_at=timezone.now() - timedelta(days=91)
        )
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("admin:password_change")))
        self.assertEqual(self.client.get(reverse("admin:password_change")).status_code, 200)

    def test_changing_the_password_resets_the_clock_and_is_audited(self):
        self.user.password_changed_at = timezone.now() - timedelta(days=91)
        self.user.save()
        self.login(PASSWORD)
        new = "Another-Passw0rd-2025!"
        response = self.client.post(
            reverse("admin:password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertTrue(
            AuditEvent.objects.filter(event=Event.PASSWORD_CHANGED, actor=self.user).exists()
        )

    def test_weak_passwords_are_refused(self):
        self.login(PASSWORD)
        for weak in ("short-A1", "alllowercaseletters", "123456789012345"):
            response = self.client.post(
                reverse("admin:password_change"),
                {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
            )
            self.assertEqual(response.status_code, 200, weak)

    def test_passwords_are_hashed_with_argon2(self):
        self.user.refresh_from_db()
        self.assertTrue(self.user.password.startswith("argon2$"))


@override_settings(ZWGK_STAFF_2FA=True)
class SecondFactorTests(LoginTestCase):
    def otp_url(self):
        return reverse("accounts:otp")

    def test_staff_pages_need_the_second_factor(self):
        self.login(PASSWORD)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(self.otp_url()))

    def test_enrolment_then_a_valid_code_opens_the_admin(self):
        self.login(PASSWORD)
        page = self.client.get(self.otp_url())
        self.assertContains(page, "绑定动态口令")
        device = TOTPDevice.objects.get(user=self.user)
        self.assertFalse(device.confirmed)
        response = self.client.post(self.otp_url(), {"token": "000000", "next": "/admin/"})
        self.assertContains(response, "动态口令不正确")
        # django-otp throttles after a failure (1 s, doubling); a person waits, the test resets.
        device.refresh_from_db()
        self.assertEqual(device.throttling_failure_count, 1)
        device.throttle_reset()
        code = f"{totp(device.bin_key):06d}"
        response = self.client.post(self.otp_url(), {"token": code, "next": "/admin/"})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertTrue(AuditEvent.objects.filter(event=Event.OTP_ENROLLED).exists())
        self.assertTrue(AuditEvent.objects.filter(event=Event.OTP_FAILED).exists())

    def test_enrolled_user_is_asked_for_a_code_not_a_new_device(self):
        TOTPDevice.objects.create(user=self.user, name="手机", confirmed=True)
        self.login(PASSWORD)
        self.assertContains(self.client.get(self.otp_url()), "动态口令验证")
        self.assertEqual(TOTPDevice.objects.filter(user=self.user).count(), 1)

    def test_an_off_site_next_is_ignored(self):
        self.login(PASSWORD)
        self.client.get(self.otp_url())
        device = TOTPDevice.objects.get(user=self.user)
        response = self.client.post(
            self.otp_url(),
            {"token": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
        )
        self.assertEqual(response["Location"], "/admin/")

    def test_setting_defaults_on_in_production_and_off_in_the_demo(self):
        import subprocess
        import sys

        code = "from django.conf import settings; print(settings.ZWGK_STAFF_2FA)"
        base = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "example.gov.cn",
            "ZWGK_PII_KEY": "0" * 64,
        }
        for env, expected in (
            ({"DJANGO_DEBUG": "0"}, "True"),
            ({"DJANGO_DEBUG": "1"}, "False"),
            ({"DJANGO_DEBUG": "0", "ZWGK_DEMO": "1"}, "False"),
        ):
            out = subprocess.run(
                [sys.executable, "-c", f"import django; django.setup(); {code}"],
                env={**base, **env},
                capture_output=True,
                text=True,
            )
            self.assertEqual(out.stdout.strip(), expected, out.stderr)


@override_settings(STAFF_ALLOWED_NETWORKS=["10.10.0.0/16"])
class StaffNetworkTests(TestCase):
    def test_staff_area_is_404_outside_the_allowed_networks(self):
        self.assertEqual(self.client.get("/admin/login/", REMOTE_ADDR="192.0.2.1").status_code, 404)
        self.assertEqual(self.client.get("/admin/login/", REMOTE_ADDR="10.10.3.4").status_code, 200)

    def test_public_pages_stay_open_everywhere(self):
        self.assertEqual(self.client.get("/healthz", REMOTE_ADDR="192.0.2.1").status_code, 200)

    def test_forged_forwarded_header_from_an_untrusted_peer_is_ignored(self):
        response = self.client.get(
            "/admin/login/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.10.3.4"
        )
        self.assertEqual(response.status_code, 404)

    @override_settings(TRUSTED_PROXIES=["192.0.2.1"])
    def test_forwarded_header_from_the_trusted_proxy_is_honoured(self):
        response = self.client.get(
            "/admin/login/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.10.3.4"
        )
        self.assertEqual(response.status_code, 200)
