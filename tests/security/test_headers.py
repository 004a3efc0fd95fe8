"""Security headers on every kind of response, and the production settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client, TestCase, override_settings
from django.urls import reverse

from config.headers import CONTENT_SECURITY_POLICY
from tests.factories import make_staff

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_CSP = [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


class SecurityHeadersTests(TestCase):
    def assert_headers(self, response):
        csp = response.headers.get("Content-Security-Policy", "")
        for directive in REQUIRED_CSP:
            self.assertIn(directive, csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(response.headers.get("X-Content-Type-Options"), "nosniff")
        self.assertEqual(response.headers.get("Referrer-Policy"), "same-origin")
        self.assertEqual(response.headers.get("X-Frame-Options"), "DENY")
        self.assertTrue(response.headers.get("X-Request-ID"))

    def test_policy_is_the_checklist_one(self):
        for directive in REQUIRED_CSP:
            self.assertIn(directive, CONTENT_SECURITY_POLICY)

    def test_public_pages_404_and_healthz_carry_the_headers(self):
        for url in ("/", "/healthz", "/no-such-page/", "/favicon.ico"):
            with self.subTest(url=url):
                self.assert_headers(self.client.get(url))
        self.assertEqual(self.client.get("/no-such-page/").status_code, 404)

    @override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
    def test_static_files_served_by_whitenoise_carry_the_headers(self):
        # A fresh client builds the middleware chain under these settings (no collectstatic).
        response = Client().get("/static/css/site.css")
        self.assertEqual(response.status_code, 200)
        self.assert_headers(response)

    def test_admin_login_changelist_and_change_form_carry_the_headers(self):
        self.assert_headers(self.client.get(reverse("admin:login")))
        user = make_staff(username="kanke")
        user.is_superuser = True
        user.save()
        self.client.force_login(user)
        for url in (
            reverse("admin:index"),
            reverse("admin:accounts_user_changelist"),
            reverse("admin:accounts_user_change", args=[user.pk]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assert_headers(response)

    @override_settings(ROOT_URLCONF="tests.security.urls_failing", DEBUG=False)
    def test_server_errors_carry_the_headers(self):
        client = Client(raise_request_exception=False)
        response = client.get("/boom/")
        self.assertEqual(response.status_code, 500)
        self.assert_headers(response)

    def test_method_not_allowed_and_bad_requests_carry_the_headers(self):
        self.assert_headers(self.client.post("/healthz"))
        response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
        self.assertEqual(response.status_code, 400)
        self.assert_headers(response)


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-1234567890abcdef",
    "DJANGO_ALLOWED_HOSTS": "gongkai.example.gov.cn",
    "ZWGK_PII_KEY": "qOv/6tCcT7hDTYb5XEUOi0FcvfL2o/iWUW9cbzS4+IA=",
}


def run(args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZWGK_"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


class ProductionSettingsTests(TestCase):
    def test_check_deploy_is_clean_at_warning_level(self):
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_production_cookies_are_host_prefixed_secure_and_http_only(self):
        code = (
            "import django; django.setup(); from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
            " s.SECURE_HSTS_SECONDS >= 31536000, s.ZWGK_STAFF_2FA)"
        )
        result = run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION)
        self.assertEqual(
            result.stdout.split(),
            ["__Host-sessionid", "__Host-csrftoken", "True", "True", "True", "Lax", "True", "True"],
            result.stderr,
        )

    def test_short_audit_retention_fails_the_deploy_check(self):
        result = run(
            ["manage.py", "check", "--deploy"], ZWGK_AUDIT_RETENTION_DAYS="30", **PRODUCTION
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("accounts.E001", result.stderr + result.stdout)
