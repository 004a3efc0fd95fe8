import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-1234567890abcdef",
    "DJANGO_ALLOWED_HOSTS": "gongkai.example.gov.cn",
    "ZWGK_PII_KEY": "A" * 43 + "=",  # base64 of 32 bytes, required in production
}


def run(args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_production_settings_pass_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_entry_point_defaults_to_production():
    result = run(["-c", "import config.wsgi"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    script = (
        "import django, os; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.json()['status'])"
    )
    result = run(
        ["-c", script],
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/db.sqlite3",
    )
    assert result.stdout.split() == ["503", "error"], result.stderr


@pytest.mark.django_db
def test_security_headers_on_pages_errors_and_admin(client):
    for path in ["/", "/no-such-page/", "/admin/login/"]:
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


# --- every setting said once -----------------------------------------------------------------


def _sources():
    """The project's own code and templates (every app, config, templates)."""
    folders = [p for p in ROOT.iterdir() if (p / "apps.py").exists()]
    for folder in [*folders, ROOT / "config", ROOT / "templates"]:
        for path in folder.rglob("*"):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def test_settings_are_read_plainly_and_declared():
    """No ``getattr(settings, NAME, default)`` whose default could differ from settings.py, and
    every ``settings.NAME`` the code reads is declared (by settings.py or by Django)."""
    from django.conf import settings

    with_default = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path, text in _sources()
        for match in re.finditer(r"getattr\(\s*settings\s*,[^)]*\)", text)
    ]
    assert with_default == []
    undeclared = sorted(
        {
            f"{path.relative_to(ROOT)}: {name}"
            for path, text in _sources()
            for name in re.findall(r"\bsettings\.([A-Z][A-Z0-9_]+)", text)
            if not hasattr(settings, name)
        }
    )
    assert undeclared == []


def test_readme_lists_every_environment_variable():
    readers = (
        r'(?:os\.environ\.get|os\.environ\[|env_bool|env_list|env_required)\(?\s*"([A-Z0-9_]+)"'
    )
    names = set(re.findall(readers, (ROOT / "config" / "settings.py").read_text(encoding="utf-8")))
    for _path, text in _sources():
        names |= {n for n in re.findall(readers, text) if n.startswith(("ZWGK_", "DJANGO_"))}
    names -= {"DJANGO_SETTINGS_MODULE"}
    assert {"ZWGK_APPLY_MIN_SECONDS", "ZWGK_APPLICANT_RETENTION_YEARS", "DJANGO_DEBUG"} <= names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
