"""What a member can do next with a catalog item, and who does it when they cannot.

The item's page shows only the buttons the member may press; where the next step belongs to
someone else it says so ("待审核人处理") instead of letting the member fill in a form that the
service would refuse. The services still check every step (``services.REVIEWERS`` …).
"""

from dataclasses import dataclass

from django.urls import reverse

from accounts import access
from disclosure import services
from disclosure.models import ItemStatus


@dataclass(frozen=True)
class Step:
    label: str
    url: str
    primary: bool = False


@dataclass(frozen=True)
class NextSteps:
    steps: tuple  # the Steps this member may take now, the main one first
    waiting: str = ""  # who does the rest, when it is not this member


def may_review(user, item):
    """The member may record the 保密审查 of this item (role and four eyes)."""
    if not access.has_role(user, item.agency_id, *services.REVIEWERS):
        return False
    if item.agency.self_review_allowed:
        return True
    return user.pk not in services.item_authors(item)


def for_item(user, item):
    def url(name):
        return reverse(f"admin:disclosure_item_{name}", args=[item.pk])

    reviewer = access.has_role(user, item.agency_id, *services.REVIEWERS)
    if item.status == ItemStatus.DRAFT:
        if access.has_role(user, item.agency_id, *services.DRAFTERS):
            return NextSteps((Step("提交审核", url("submit"), primary=True),))
        return NextSteps((), "待本机构信息员补充后提交审核")
    if item.status == ItemStatus.IN_REVIEW:
        if not reviewer:
            return NextSteps((), "已提交，待审核人处理（保密审查与发布由本机构审核人或负责人办理）")
        if not may_review(user, item):
            return NextSteps(
                (),
                "待本机构另一名审核人或负责人处理：起草或修改过这条信息的人不能审核它（双人审核）",
            )
        return NextSteps((Step("保密审查与发布", url("review"), primary=True),))
    if item.status == ItemStatus.PUBLISHED:
        if not reviewer:
            return NextSteps((), "已发布。变更有效性、更正附件或撤回由本机构审核人或负责人办理")
        return NextSteps(
            (
                Step("变更有效性", url("validity")),
                Step("更正附件", url("attachments")),
                Step("撤回", url("withdraw")),
            )
        )
    return NextSteps((), "已撤回")
