"""NPC deputies' suggestions and CPPCC members' proposals (建议提案) and their handling.

Status and due date are changed only by ``proposals.services``; the transition table below says
which step may follow which.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from proposals.numbers import proposal_number_label


class Body(models.TextChoices):
    NPC = "npc", "人民代表大会"
    CPPCC = "cppcc", "政治协商会议"


class Session(models.Model):
    """One plenary meeting, e.g. 利通区第十届人民代表大会第三次会议; proposals are grouped by it."""

    name = models.CharField(
        "会议名称",
        max_length=100,
        unique=True,
        help_text="全称，例如：利通区第十届人民代表大会第三次会议。",
    )
    short_name = models.CharField(
        "简称", max_length=40, blank=True, help_text="例如：区十届人大三次会议。"
    )
    body = models.CharField("会议类别", max_length=10, choices=Body.choices)
    year = models.PositiveSmallIntegerField("年度")
    opened_on = models.DateField("开幕日期", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta:
        verbose_name = "会议届次"
        verbose_name_plural = "会议届次"
        ordering = ["-year", "body", "name"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def label(self):
        return self.short_name or self.name


class AnswerClass(models.Model):
    """The local answer classes (A/B/C, A–D, 甲乙丙 …): a list staff edit, never code."""

    code = models.CharField(
        "类别代码", max_length=10, unique=True, help_text="例如 A、B、C 或 甲、乙、丙。"
    )
    name = models.CharField("含义", max_length=60, help_text="例如：所提问题已经解决或基本解决。")
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=10)
    is_active = models.BooleanField(
        "可选用", default=True, help_text="停用后不能再选，已使用的答复保留原类别。"
    )

    class Meta:
        verbose_name = "答复类别"
        verbose_name_plural = "答复类别"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code}类（{self.name}）"


class Kind(models.TextChoices):
    NPC_SUGGESTION = "npc_suggestion", "人大代表建议"
    CPPCC_PROPOSAL = "cppcc_proposal", "政协委员提案"
    NPC_MOTION = "npc_motion", "人大议案"


class Timing(models.TextChoices):
    DURING = "during", "大会期间"
    BETWEEN = "between", "闭会期间"


class HandlingMode(models.TextChoices):
    LEAD = "lead", "主办"
    JOINT = "joint", "会办"
    SPLIT = "split", "分办"


class Status(models.TextChoices):
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    REHANDLING = "rehandling", "重新办理中"


class Satisfaction(models.TextChoices):
    NONE = "none", "未反馈"
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class PublicationMode(models.TextChoices):
    FULL = "full", "全文公开"
    SUMMARY = "summary", "摘要公开"
    WITHHELD = "withheld", "不予公开"


class PublicationStatus(models.TextChoices):
    NONE = "none", "未提交"
    IN_REVIEW = "in_review", "待审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"
    PUBLISHED = "published", "已公开"
    WITHHELD = "withheld", "不予公开"


# Which status may follow which; services refuse anything else.
TRANSITIONS = {
    Status.HANDLING: {Status.HANDLING, Status.REPLIED},
    Status.REPLIED: {Status.REPLIED, Status.REHANDLING},
    Status.REHANDLING: {Status.REHANDLING, Status.REPLIED},
}
PUBLICATION_TRANSITIONS = {
    PublicationStatus.NONE: {PublicationStatus.IN_REVIEW},
    PublicationStatus.RETURNED: {PublicationStatus.IN_REVIEW},
    PublicationStatus.IN_REVIEW: {PublicationStatus.APPROVED, PublicationStatus.RETURNED},
    PublicationStatus.APPROVED: {PublicationStatus.PUBLISHED, PublicationStatus.WITHHELD},
    PublicationStatus.PUBLISHED: set(),
    PublicationStatus.WITHHELD: set(),
}
OPEN_STATUSES = (Status.HANDLING, Status.REHANDLING)


class ProposalQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: replies released in full or as a summary."""
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)

    def for_agencies(self, ids):
        """Proposals where one of the agencies is the lead unit or a co-unit (no duplicates)."""
        co = Proposal.co_units.through.objects.filter(proposal_id=OuterRef("pk"), agency_id__in=ids)
        return self.filter(Q(lead_unit_id__in=ids) | Exists(co))


class Proposal(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="proposals", verbose_name="会议届次"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    timing = models.CharField(
        "提出时间", max_length=10, choices=Timing.choices, default=Timing.DURING
    )
    number = models.CharField(
        "编号",
        max_length=20,
        help_text="只存编号本身：填 56、第56号、５６ 都保存为 56，页面显示为“第56号”。同一会议届次内不得重复。",
    )
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    proposer = models.CharField("领衔代表／第一提案人", max_length=100)
    co_signers = models.CharField(
        "附议代表／联名提案人", max_length=500, blank=True, help_text="姓名，用顿号分隔。"
    )
    proposer_contact = models.TextField(
        "代表委员联系方式（不公开）",
        blank=True,
        help_text="电话、地址等，仅供承办人员联系，任何公开页面、接口和公开目录都不显示。",
    )
    lead_unit = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="proposals_led",
        verbose_name="主办单位",
    )
    co_units = models.ManyToManyField(
        "agencies.Agency",
        blank=True,
        related_name="proposals_joined",
        verbose_name="会办／协办单位",
    )
    handling_mode = models.CharField(
        "办理方式", max_length=10, choices=HandlingMode.choices, default=HandlingMode.LEAD
    )
    assigned_date = models.DateField("交办日期")
    due_date = models.DateField("答复期限", help_text="交办后3个月（日历月），延期最长至6个月。")
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    status = models.CharField(
        "办理状态", max_length=12, choices=Status.choices, default=Status.HANDLING
    )
    reopen_count = models.PositiveSmallIntegerField("重新办理次数", default=0)

    reply_date = models.DateField("答复日期", null=True, blank=True)
    reply_number = models.CharField("答复文号", max_length=60, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    reply_signatory = models.CharField("签发人", max_length=50, blank=True)
    reply_contact = models.CharField(
        "承办联系人及电话",
        max_length=100,
        blank=True,
        help_text="承办单位的联系人，不在公开页面显示。",
    )
    answer_class = models.ForeignKey(
        AnswerClass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="答复类别",
    )
    satisfaction = models.CharField(
        "代表委员满意度", max_length=12, choices=Satisfaction.choices, default=Satisfaction.NONE
    )
    feedback_date = models.DateField("反馈日期", null=True, blank=True)

    publication_mode = models.CharField(
        "公开方式", max_length=10, choices=PublicationMode.choices, blank=True
    )
    publication_summary = models.TextField(
        "公开摘要", blank=True, help_text="摘要公开时对外显示的内容。"
    )
    withheld_reason = models.CharField("不予公开理由", max_length=300, blank=True)
    publication_status = models.CharField(
        "公开状态", max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.NONE
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    review_date = models.DateField("审核日期", null=True, blank=True)
    review_opinion = models.CharField("审核意见", max_length=300, blank=True)
    published_date = models.DateField(
        "公开日期", null=True, blank=True, help_text="不予公开时为作出决定的日期。"
    )
    publication_lag = models.PositiveSmallIntegerField(
        "答复至公开工作日数",
        null=True,
        blank=True,
        help_text="答复日期之后到公开日期的工作日数；一般要求不超过20个工作日。",
    )
    catalog_item = models.OneToOneField(
        "disclosure.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name="公开目录条目",
        help_text="公开时自动创建并经保密审查后发布，不含代表委员的联系方式。",
    )
    is_demo = models.BooleanField("演示数据", default=False, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "建议提案"
        verbose_name_plural = "建议提案"
        ordering = ["-assigned_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                name="proposal_number_unique_per_session",
                violation_error_message="本会议届次已有相同编号的建议提案。",
            )
        ]
        indexes = [
            models.Index(fields=["publication_status", "-published_date"]),
            models.Index(fields=["lead_unit", "assigned_date"]),
            # The annual report reads a lead unit's replies and publications of one year.
            models.Index(fields=["lead_unit", "reply_date"], name="proposal_lead_reply"),
            models.Index(fields=["lead_unit", "published_date"], name="proposal_lead_published"),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self):
        return f"{self.session} {self.number_label} {self.title}"

    def get_absolute_url(self):
        return reverse("proposals:detail", kwargs={"pk": self.pk})

    @property
    def number_label(self):
        """第56号: the one printed form of the number."""
        return proposal_number_label(self.number)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def replied_on_time(self):
        return self.reply_date is not None and self.reply_date <= self.due_date

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def is_summary(self):
        return self.publication_mode == PublicationMode.SUMMARY

    @property
    def proposer_label(self):
        return "第一提案人" if self.kind == Kind.CPPCC_PROPOSAL else "领衔代表"

    @property
    def public_text(self):
        """The reply as the public reads it: the full text or the approved summary."""
        if self.publication_mode == PublicationMode.SUMMARY:
            return self.publication_summary
        return self.reply_text

    @property
    def public_paragraphs(self):
        return [line.strip() for line in self.public_text.splitlines() if line.strip()]


class Opinion(models.Model):
    """A co-unit's opinion (会办意见), sent to the lead unit before it replies."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="opinions", verbose_name="建议提案"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="会办单位"
    )
    text = models.TextField("会办意见")
    signatory = models.CharField("签发人", max_length=50, blank=True)
    given_on = models.DateField("出具日期")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "会办意见"
        verbose_name_plural = "会办意见"
        ordering = ["given_on", "id"]

    def __str__(self):
        return f"{self.agency} 的会办意见"


class EventKind(models.TextChoices):
    REGISTER = "proposal_register", "登记交办"
    EXTEND = "proposal_extend", "延期"
    ADD_OPINION = "proposal_add_opinion", "会办意见"
    REPLY = "proposal_reply", "答复"
    FEEDBACK = "proposal_feedback", "代表委员反馈"
    REOPEN = "proposal_reopen", "重新办理"
    SUBMIT = "proposal_submit_publication", "提交公开审核"
    REVIEW = "proposal_review_publication", "公开审核"
    PUBLISH = "proposal_publish", "公开"
    WITHHOLD = "proposal_withhold", "决定不予公开"


class Event(models.Model):
    """One row per state change; ``data`` holds what changed (never contact details)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="events", verbose_name="建议提案"
    )
    kind = models.CharField("事项", max_length=40, choices=EventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.CharField("说明", max_length=300, blank=True)
    data = models.JSONField("记录", default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
