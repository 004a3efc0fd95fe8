from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from agencies.models import Agency
from disclosure import importing, services


class Command(BaseCommand):
    help = "从 CSV 或 XLSX 导入已有的公开目录（先校验全部行；有错误行时默认不导入任何行）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv 或 .xlsx 文件；第1行为表头（标题、发布日期为必需列）")
        parser.add_argument("--agency", required=True, help="机构的网址标识（slug），例如 ltq-ajj")
        parser.add_argument("--user", help="记为操作人的工作人员用户名（默认：该机构的一名审核人）")
        parser.add_argument("--only-good", action="store_true", help="跳过错误行，只导入校验通过的行")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不导入")

    def handle(self, *args, **options):
        try:
            agency = Agency.objects.get(slug=options["agency"])
        except Agency.DoesNotExist as exc:
            raise CommandError(f"机构“{options['agency']}”不存在。") from exc
        by = self._user(agency, options.get("user"))
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            rows = importing.read_rows(path.name, path.read_bytes())
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = importing.validate(agency, rows)
        for line, message in result.errors:
            self.stderr.write(f"第{line}行：{message}")
        self.stdout.write(f"共 {result.total} 行，校验通过 {len(result.rows)} 行，错误 {len(result.errors)} 行。")
        if result.errors and not options["only_good"]:
            raise CommandError("存在错误行，未导入任何数据。修正后重试，或加 --only-good 只导入正确的行。")
        if options["dry_run"]:
            return

        def progress(done, total):
            self.stdout.write(f"已导入 {done}/{total}")

        try:
            count = services.items_import(agency=agency, by=by, rows=result.rows, progress=progress)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {count} 条公开信息到 {agency.name}。"))

    def _user(self, agency, username):
        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"用户“{username}”不存在或已停用。")
            return user
        user = users.filter(memberships__agency=agency,
                            memberships__role__in=[Role.REVIEWER, Role.HEAD]).first()
        if user is None:
            raise CommandError("该机构没有审核人，请用 --user 指定操作人。")
        return user
