from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD


@dataclass
class DemoContext:
    demo_mode: bool
    stdout: object
    district: object = None
    agency: object = None
    users: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)


class Command(BaseCommand):
    help = "载入演示数据：2017年度报告所述的利通区安监局及其公开记录（可重复运行，不会重复创建）。"

    def handle(self, *args, **options):
        ctx = DemoContext(demo_mode=settings.DEMO_MODE, stdout=self.stdout)
        with transaction.atomic():
            # Each app contributes its own demo records through ``<app>.demo.seed(ctx)``, in the
            # order of INSTALLED_APPS (agencies first), so that the lower layers exist before what
            # builds on them.
            for app_config in apps.get_app_configs():
                try:
                    module = import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_config.name}.demo":
                        raise
                    continue
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{ctx.agency.name}"))
        if ctx.demo_mode:
            self.stdout.write(
                f"工作人员登录 http://127.0.0.1:8000/admin/ （演示账号，密码均为 {DEMO_PASSWORD}）："
            )
            for username, role in ctx.logins:
                self.stdout.write(f"  {username:<14} {role}")
        else:
            self.stdout.write("生产模式：演示账号未设置密码，请用 manage.py changepassword 设置。")
