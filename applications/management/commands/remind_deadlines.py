"""E-mail the responsible staff about applications overdue or due within 5 working days (cron)."""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from applications.models import Application, Status
from workdays.deadlines import Deadline, classify

RECIPIENT_ROLES = [Role.CLERK, Role.HEAD]


class Command(BaseCommand):
    help = "提醒经办人员：已超期或5个工作日内到期的政府信息公开申请（每个工作日由 cron 运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, help="按指定日期计算（YYYY-MM-DD）。"
        )
        parser.add_argument("--dry-run", action="store_true", help="只显示将发送的提醒，不发邮件。")

    def handle(self, *args, today=None, dry_run=False, **options):
        today = today or timezone.localdate()
        rows = (
            Application.objects.open()
            .filter(due_date__isnull=False)
            .values_list(
                "pk",
                "tracking_number",
                "due_date",
                "status",
                "agency_id",
                "agency__name",
                "due_provisional",
            )
        )
        deadlines = [
            (
                agency_id,
                Deadline(
                    due=due,
                    kind="依申请公开",
                    title=number,
                    url=reverse("admin:applications_application_change", args=[pk]),
                    agency=agency,
                    status=Status(status).label,
                    provisional=provisional,
                ),
            )
            for pk, number, due, status, agency_id, agency, provisional in rows
        ]
        agency_of = {id(d): agency_id for agency_id, d in deadlines}
        urgent = defaultdict(list)
        for row in classify([d for _, d in deadlines], today):
            if row["state"] in ("overdue", "soon", "unknown"):
                urgent[agency_of[id(row["deadline"])]].append(row)
        if not urgent:
            self.stdout.write("没有需要提醒的申请。")
            return
        members = (
            Membership.objects.filter(
                agency_id__in=urgent,
                role__in=RECIPIENT_ROLES,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("agency_id", "user__email")
            .distinct()
        )
        per_user = defaultdict(list)
        for agency_id, email in members:
            per_user[email].extend(urgent[agency_id])
        messages = []
        for email, items in per_user.items():
            lines = [self._line(row) for row in sorted(items, key=lambda r: r["deadline"].due)]
            body = (
                "以下政府信息公开申请需要尽快办理：\n\n"
                + "\n".join(lines)
                + ("\n\n请登录政务公开管理后台办理。本邮件不含申请人个人信息。")
            )
            messages.append(
                (
                    f"【依申请公开】{len(items)}件申请即将到期或已超期",
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [email],
                )
            )
        if not messages:
            count = sum(len(rows) for rows in urgent.values())
            self.stdout.write(
                self.style.WARNING(
                    f"{count}件申请需要提醒，但相关机构的信息员、负责人都没有登记电子邮箱。"
                )
            )
            return
        if dry_run:
            for subject, body, _, to in messages:
                self.stdout.write(f"→ {to[0]}：{subject}\n{body}\n")
            return
        sent = send_mass_mail(messages, fail_silently=False)
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 封提醒邮件。"))

    def _line(self, row):
        d = row["deadline"]
        if row["state"] == "overdue":
            when = f"已超期{row['workdays']}个工作日"
        elif row["state"] == "unknown":
            when = "工作日历未录入，无法计算"
        else:
            when = f"剩余{row['workdays']}个工作日"
        provisional = "（暂定，放假安排录入后重算）" if d.provisional else ""
        return f"- {d.title}（{d.agency}，{d.status}）期限 {d.due:%Y-%m-%d}{provisional}，{when}：{d.url}"
