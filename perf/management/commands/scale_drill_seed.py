"""``manage.py scale_drill_seed``: the data of ``make scale-drill`` (perf/scale_drill.py).

One agency with a 信息员 and a 审核人 (a confirmed TOTP authenticator whose key the drill uses to
compute codes), 60 published items and 2 items waiting for review; prints what the drill needs as
one line of JSON. Refused on any database but the drill's own, empty ``zwgk_drill`` (the accounts
have a known password).
"""

import json
import secrets
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.services import staff_create
from agencies.models import Agency
from disclosure import services
from disclosure.models import Channel, Topic
from perf.scale_drill import DB as DRILL_DATABASE
from perf.scale_drill import PASSWORD

WORDS = ["安全生产检查", "应急演练", "消防隐患排查", "预算公开", "乡村振兴", "低保通知"]


class Command(BaseCommand):
    help = "演练数据（仅用于 make scale-drill 自建的 zwgk_drill 数据库）"

    def handle(self, *args, **options):
        if connection.settings_dict["NAME"] != DRILL_DATABASE or Agency.objects.exists():
            raise CommandError(f"只在扩展演练自建的空数据库 {DRILL_DATABASE} 上运行。")
        with transaction.atomic():
            data = self.seed()
        self.stdout.write(json.dumps(data))

    def seed(self):
        agency = Agency.objects.create(
            name="演练市应急管理局",
            short_name="演练应急局",
            slug="drill-yjj",
            code="640399001",
            phone="0953-1234567",
        )
        portal = Channel.objects.create(agency=agency, name="门户网站", kind="portal")
        parent, _ = Topic.objects.get_or_create(parent=None, name="监督检查")
        topic, _ = Topic.objects.get_or_create(parent=parent, name="安全生产")
        clerk = staff_create(
            username="drill-clerk",
            name="演练信息员",
            password=PASSWORD,
            memberships=[(agency, Role.CLERK)],
        )
        reviewer = staff_create(
            username="drill-reviewer",
            name="演练审核人",
            password=PASSWORD,
            memberships=[(agency, Role.REVIEWER)],
        )
        device = TOTPDevice.objects.create(user=reviewer, name="演练认证器", confirmed=True)
        today = timezone.localdate()
        published, pending, titles = [], [], []
        for n in range(60):
            item = services.item_create(
                agency=agency,
                by=clerk,
                title=f"关于{WORDS[n % len(WORDS)]}工作的通知（第{n + 1}号）",
                summary="演练数据。",
                formed_date=today - timedelta(days=n + 3),
                topic=topic,
                genre="notice",
                channels=[portal],
            )
            services.item_submit(item=item, by=clerk)
            services.item_review(item=item, by=reviewer, opinion="不涉密，同意公开。")
            services.item_publish(item=item, by=reviewer, published_date=today - timedelta(days=n))
            published.append(item.pk)
        for n in range(2):
            title = f"演练待发布信息{n + 1}号 {secrets.token_hex(3)}"
            item = services.item_create(
                agency=agency,
                by=clerk,
                title=title,
                summary="演练数据：待审查发布。",
                formed_date=today,
                topic=topic,
                genre="notice",
                channels=[portal],
            )
            services.item_submit(item=item, by=clerk)
            pending.append(item.pk)
            titles.append(title)
        return {"published": published, "pending": pending, "titles": titles, "totp": device.key}
