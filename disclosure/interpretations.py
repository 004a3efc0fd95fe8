"""政策解读 and 规章: which links and document kinds an item may carry.

A 解读 points to the policy it interprets: a published (or still unpublished, while both are
prepared together) policy document of the same agency or of its district government. A 规章 can
only come from an agency with rule-making power (《立法法》第九十一条、第九十三条): a county
(district) government, its departments and the towns cannot make one.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts import access
from agencies.models import Agency
from disclosure.models import (
    INTERPRETATION_WORKDAYS,
    Category,
    DocKind,
    Genre,
    Item,
    ItemStatus,
)

POLICIES = (Q(category=Category.POLICY) | ~Q(doc_kind=DocKind.NONE)) & ~Q(
    genre=Genre.INTERPRETATION
)

NO_RULE_POWER = (
    "{agency}没有规章制定权：规章只能由国务院部门和省、自治区、直辖市、设区的市、自治州的人民政府制定"
    "（《立法法》第九十一条、第九十三条），县（区）级人民政府及其部门、乡镇（街道）的文件不是规章。"
    "请把文件类型改为“行政规范性文件”（或“非规章或规范性文件”）；确有规章制定权的，"
    "请系统管理员在“机构”中勾选“有规章制定权”。"
)


def rule_power_error(agency):
    return ValidationError(NO_RULE_POWER.format(agency=agency.name), code="no_rule_power")


def check_rule_power(agency, doc_kind):
    if doc_kind == DocKind.RULE and not agency.can_make_rules:
        raise rule_power_error(agency)


def is_policy(item):
    """A document a 解读 can point to: a policy or a 规章/规范性文件, not itself a 解读."""
    return item.genre != Genre.INTERPRETATION and (
        item.category == Category.POLICY or item.doc_kind != DocKind.NONE
    )


def allowed_agency_ids(agency):
    """Whose policies an agency may interpret: its own and its district government's."""
    return {agency.pk, agency.parent_id} - {None}


def check_item(item):
    """Refuse a 规章 without rule-making power and a 解读 link that does not fit (coded errors)."""
    check_rule_power(item.agency, item.doc_kind)
    if item.genre != Genre.INTERPRETATION:
        if item.interprets_id or item.interpretation_kind:
            raise ValidationError(
                "只有体裁为“解读”的信息才能填写“解读的政策文件”和“解读形式”。",
                code="not_interpretation",
            )
        return
    policy = item.interprets
    if policy is None:
        return  # still missing: the completeness check lists it
    if policy.pk == item.pk or not is_policy(policy):
        raise ValidationError(
            f"“{policy.title}”不是政策文件：解读只能关联信息类别为政策类或文件类型为规章、"
            "行政规范性文件的信息。",
            code="not_a_policy",
        )
    if policy.agency_id not in allowed_agency_ids(item.agency):
        raise ValidationError(
            f"“{policy.title}”由{policy.agency.name}发布：解读只能关联本机构或所属区政府的政策文件。",
            code="foreign_policy",
        )
    if policy.status == ItemStatus.WITHDRAWN:
        raise ValidationError(
            f"“{policy.title}”已撤回，不能再为它发布解读。", code="policy_withdrawn"
        )


def check_publishable(item):
    """At publication the policy must be public too (a 解读 is never published before it)."""
    policy = item.interprets
    if policy is not None and policy.status != ItemStatus.PUBLISHED:
        raise ValidationError(
            f"所解读的“{policy.title}”尚未发布：请先发布政策文件，再发布解读。",
            code="policy_unpublished",
        )


def policy_choices(user):
    """What the admin's 解读 widget offers: the user's agencies' policies (drafts included, for a
    解读 prepared with its policy) and the published policies of their district governments."""
    base = Item.objects.filter(POLICIES).exclude(status=ItemStatus.WITHDRAWN)
    ids = access.agency_ids(user)
    if ids is access.ALL:
        return base
    parents = Agency.objects.filter(pk__in=ids, parent__isnull=False).values("parent_id")
    return base.filter(Q(agency_id__in=ids) | Q(agency_id__in=parents, status=ItemStatus.PUBLISHED))


def review_notes(item):
    """Warnings for the review page: a 行政规范性文件 is published with its 解读 (not a refusal)."""
    if item.doc_kind != DocKind.NORMATIVE:
        return []
    others = list(item.interpretations.exclude(status=ItemStatus.WITHDRAWN).only("title", "status"))
    if any(other.status == ItemStatus.PUBLISHED for other in others):
        return []
    rule = f"政策解读应与行政规范性文件同步发布，最迟在文件发布后{INTERPRETATION_WORKDAYS}个工作日内发布。"
    if others:
        names = "、".join(f"“{o.title}”（{o.get_status_display()}）" for o in others)
        return [f"本件是行政规范性文件，其解读{names}尚未发布。{rule}请同步审核发布解读。"]
    return [
        f"本件是行政规范性文件，尚无政策解读。{rule}可以先发布本件；发布后它将列入工作台的"
        "“待发布解读的规范性文件”，直到解读发布。"
    ]
