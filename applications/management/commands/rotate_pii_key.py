"""Re-encrypt every applicant under the current ``ZWGK_PII_KEY`` after a key change.

Run with the new key in ``ZWGK_PII_KEY`` (and a higher ``ZWGK_PII_KEY_VERSION``) and the old one
in ``ZWGK_PII_OLD_KEY``. Rows already under the current version are skipped, so an interrupted
run can be started again. The blind index is rebuilt too, since it is keyed by the same secret.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import audit
from accounts.models import AuditEvent
from applications import pii
from applications.models import Applicant

BATCH = 500


class Command(BaseCommand):
    help = "密钥轮换：用旧密钥（ZWGK_PII_OLD_KEY）解密、用当前密钥重新加密全部申请人信息。"

    def handle(self, *args, **options):
        old_key = os.environ.get("ZWGK_PII_OLD_KEY", "").strip()
        if not old_key:
            raise CommandError("请在环境变量 ZWGK_PII_OLD_KEY 中提供旧密钥。")
        new_key, version = settings.ZWGK_PII_KEY, pii.key_version()
        pending = Applicant.objects.exclude(key_version=version).order_by("pk")
        done = 0
        while True:
            with transaction.atomic():
                batch = list(pending.select_for_update()[:BATCH])
                if not batch:
                    break
                for applicant in batch:
                    settings.ZWGK_PII_KEY = old_key
                    try:
                        values = applicant.reveal()
                    finally:
                        settings.ZWGK_PII_KEY = new_key
                    applicant.set_personal_data(**values)
                    applicant.save()
                done += len(batch)
        audit.record(
            event=AuditEvent.Event.SETTINGS_CHANGED,
            detail=f"个人信息密钥轮换至第 {version} 版，重新加密 {done} 条",
        )
        self.stdout.write(
            self.style.SUCCESS(f"已用第 {version} 版密钥重新加密 {done} 名申请人的信息。")
        )
