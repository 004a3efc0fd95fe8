"""A catalogue with one 事项 per kind of rule, adopted by a test desk."""

from accounts.models import Role
from standards import services
from standards.models import Catalogue, Entry, Filing
from tests.factories import make_staff

RULE_ROWS = [
    ("政策文件", "法律法规", "信息形成或变更之日起20个工作日内"),
    ("政策文件", "标准", "半年至少更新1次"),
    ("政策文件", "重大决策草案", "按进展情况及时公开"),
    ("政策文件", "重要会议", "提前一周发通知邀请"),
    ("依法行政", "年度报告", "每年1月31日前"),
    ("依法行政", "行政强制", ""),
]


def adopted_catalogue(desk, head=None, rows=RULE_ROWS, field="安全生产"):
    catalogue = Catalogue.objects.create(field=field, title=f"{field}领域基层政务公开标准目录")
    for number, (level1, level2, limit) in enumerate(rows, start=1):
        Entry.objects.create(
            catalogue=catalogue,
            number=number,
            level1=level1,
            level2=level2,
            time_limit=limit,
            publisher="应急管理部门",
        )
    head = head or make_staff(desk.agency, Role.HEAD)
    services.catalogue_adopt(agency=desk.agency, catalogue=catalogue, by=head)
    return catalogue


def entry(catalogue, level2):
    return Entry.objects.get(catalogue=catalogue, level2=level2)


def file(item, entry_row, by=None):
    return Filing.objects.create(item=item, entry=entry_row, filed_by=by)  # agency from the item
