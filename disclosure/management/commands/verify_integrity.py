from django.core.management.base import BaseCommand, CommandError

from accounts import audit
from accounts.models import AuditEvent
from disclosure.integrity import integrity_problems


class Command(BaseCommand):
    help = "重新计算已发布信息及其附件的 SHA-256 摘要值，发现篡改时以非零状态退出。"

    def handle(self, *args, **options):
        checked, problems = integrity_problems()
        audit.record(
            event=AuditEvent.Event.INTEGRITY_CHECKED,
            outcome=AuditEvent.Outcome.FAILURE if problems else AuditEvent.Outcome.SUCCESS,
            detail=f"校验 {checked} 条，异常 {len(problems)} 条",
        )
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(
                f"完整性校验失败：{len(problems)} 处记录与摘要值不一致（共校验 {checked} 条）。"
            )
        self.stdout.write(self.style.SUCCESS(f"完整性校验通过：共校验 {checked} 条记录。"))
