"""The backup drill restores into a scratch database and notices any difference (PostgreSQL)."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_agency

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def drill(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the drill uses pg_dump/pg_restore: it runs in the PostgreSQL suite")
    conf = connection.settings_dict
    url = f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "通知.pdf").write_bytes(b"%PDF-1.4 test attachment")

    def run(**env):
        full_env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_MEDIA_ROOT": str(media),
            "BACKUP_DIR": str(tmp_path / "backup"),
            **env,
        }
        return subprocess.run(
            ["bash", "scripts/backup_drill.sh"],
            cwd=ROOT,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def test_a_faithful_restore_passes_the_drill(drill, tmp_path):
    make_agency(name="利通区财政局")
    result = drill()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "backup drill OK" in result.stdout
    assert "1 media files identical" in result.stdout
    assert (tmp_path / "backup" / "db.dump").stat().st_size > 0
    assert "disclosure_agency rows 1" in (tmp_path / "backup" / "restored.manifest").read_text()


def test_a_changed_row_in_the_restore_fails_the_drill(drill):
    make_agency(name="利通区财政局")
    result = drill(DRILL_TAMPER_SQL="UPDATE disclosure_agency SET name = name || '（改）'")
    assert result.returncode == 1
    assert "DIFFERENCE" in result.stderr
    assert "disclosure_agency all-rows sha256" in result.stdout


def test_a_missing_row_in_the_restore_fails_the_drill(drill):
    make_agency()
    result = drill(DRILL_TAMPER_SQL="DELETE FROM disclosure_agency")
    assert result.returncode == 1
    assert "-disclosure_agency rows 1" in result.stdout


def test_the_scratch_database_is_dropped_afterwards(drill):
    drill()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s",
            [connection.settings_dict["NAME"] + "_drill"],
        )
        assert cursor.fetchone()[0] == 0
