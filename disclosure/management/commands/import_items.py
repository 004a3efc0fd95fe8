from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import access
from accounts.models import Role, User
from agencies.models import Agency
from disclosure import importing, oldsite, services


class Command(BaseCommand):
    help = (
        "从 CSV、XLSX 或原网站保存的网页（文件夹或 .zip）导入已有的公开目录。先校验全部行并列出映射表"
        "和各列检查结果；有错误行时默认不导入任何行；主题分类等映射须确认一次（后台或 --accept-suggestions）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=".csv / .xlsx 文件（第1行为表头，标题、发布日期为必需列），"
            "或保存原网站网页的文件夹 / .zip",
        )
        parser.add_argument("--agency", required=True, help="机构的网址标识（slug），例如 ltq-ajj")
        parser.add_argument("--user", help="记为操作人的工作人员用户名（默认：该机构的一名审核人）")
        parser.add_argument(
            "--only-good", action="store_true", help="跳过错误行，只导入校验通过的行"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并列出映射表，不导入、不保存映射"
        )
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help="按列出的建议确认所有待确认的映射并保存（供下次导入沿用），然后导入",
        )

    def handle(self, *args, **options):
        try:
            agency = Agency.objects.get(slug=options["agency"])
        except Agency.DoesNotExist as exc:
            raise CommandError(f"机构“{options['agency']}”不存在。") from exc
        by = self._user(agency, options.get("user"))
        if not access.has_role(by, agency, *services.REVIEWERS):
            # Checked before the file is read: only those who may import get a file parsed.
            raise CommandError(
                f"用户“{by.get_username()}”不是{agency.name}的审核人或负责人，不能导入。"
            )
        path = Path(options["file"])
        try:
            if path.is_dir():
                rows = oldsite.read_bundle(oldsite.Bundle.from_folder(path))
            elif path.is_file():
                rows = oldsite.read_upload(path.name, path.read_bytes())
            else:
                raise CommandError(f"找不到文件或文件夹：{path}")
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = importing.validate(agency, rows)
        for line in importing.summary_lines(result):
            self.stdout.write(line)
        for where, message in result.error_rows:
            self.stderr.write(f"{where}：{message}")
        self.stdout.write(
            f"共 {result.total} 行，校验通过 {len(result.rows)} 行，错误 {len(result.errors)} 行。"
        )
        if result.errors and not options["only_good"]:
            raise CommandError(
                "存在错误行，未导入任何数据。修正后重试，或加 --only-good 只导入正确的行。"
            )
        if options["dry_run"]:
            return
        unconfirmed = result.mapping.unconfirmed
        if unconfirmed and not options["accept_suggestions"]:
            raise CommandError(
                f"有 {len(unconfirmed)} 个取值的映射待确认，未导入任何数据。请在后台“批量导入”页面确认映射，"
                "或确认上面列出的建议无误后加 --accept-suggestions 重新运行。"
            )
        for row in unconfirmed:
            row.confirmed = True

        def progress(done, total):
            self.stdout.write(f"已导入 {done}/{total}")

        try:
            saved = services.import_mapping_save(agency=agency, by=by, mapping=result.mapping)
            count = services.items_import(agency=agency, by=by, rows=result.rows, progress=progress)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"已保存 {saved} 项导入映射，下次导入沿用。")
        self.stdout.write(self.style.SUCCESS(f"已导入 {count} 条公开信息到 {agency.name}。"))

    def _user(self, agency, username):
        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"用户“{username}”不存在或已停用。")
            return user
        user = users.filter(
            memberships__agency=agency, memberships__role__in=[Role.REVIEWER, Role.HEAD]
        ).first()
        if user is None:
            raise CommandError("该机构没有审核人，请用 --user 指定操作人。")
        return user
