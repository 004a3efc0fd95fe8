"""``manage.py check --database default``: catalog rows that break a rule made after they were.

Items marked 规章 by an agency without rule-making power (a district government, a department,
a town: 《立法法》第九十一条、第九十三条) are listed, not changed. They may be published, and a
published item is an official record: it changes only through a recorded correction (更正), so
no migration rewrites them behind the staff's back. The annual report keeps counting them as 规章
until they are corrected; this check tells the operator which ones to correct.
"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from disclosure.models import DocKind, Item, ItemStatus

LISTED = 20


@register(Tags.database)
def rules_without_rule_power(app_configs, databases=None, **kwargs):
    if not databases:
        return []
    try:
        rows = list(
            Item.objects.filter(doc_kind=DocKind.RULE, agency__can_make_rules=False)
            .exclude(status=ItemStatus.WITHDRAWN)
            .values_list("pk", "title", "document_number", "agency__name")
            .order_by("agency__name", "pk")[: LISTED + 1]
        )
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    return [
        Warning(
            f"公开信息 id={pk}“{title}”（{number or '无文号'}）标为规章，但{agency}没有规章制定权。",
            hint="请在后台用“更正”把文件类型改为行政规范性文件（或非规章或规范性文件）并说明理由；"
            "年度报告在更正前仍按规章统计。确有规章制定权的机构，请在“机构”中勾选“有规章制定权”。",
            id="disclosure.W001",
        )
        for pk, title, number, agency in rows[:LISTED]
    ] + (
        [Warning(f"另有更多标为规章的信息未列出（只列前{LISTED}条）。", id="disclosure.W002")]
        if len(rows) > LISTED
        else []
    )
