"""What happens to an application: clock pauses, events, notices (告知书) and appeals."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models.application import Application
from applications.models.choices import (
    AppealKind,
    AppealResult,
    EventKind,
    NoticeKind,
    NoticeStatus,
    Outcome,
    PauseKind,
    Status,
)


class ClockPause(models.Model):
    """A span not counted in the answer period (Art. 32–34, fee notices)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="pauses", verbose_name="申请"
    )
    kind = models.CharField("类型", max_length=12, choices=PauseKind.choices)
    party = models.CharField("征求对象", max_length=100, blank=True)
    started_on = models.DateField("开始日期")
    until = models.DateField("对方答复期限", help_text="第三方15个工作日；缴费20个工作日。")
    ended_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "暂停计时"
        verbose_name_plural = "暂停计时"
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on}"


class ApplicationEvent(models.Model):
    """One row per service call: who did what, and how the status and due date moved."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name="申请"
    )
    kind = models.CharField("事项", max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="经办人",
    )
    on = models.DateField("业务日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    old_status = models.CharField("原状态", max_length=12, choices=Status.choices, blank=True)
    new_status = models.CharField("新状态", max_length=12, choices=Status.choices, blank=True)
    old_due = models.DateField("原期限", null=True, blank=True)
    new_due = models.DateField("新期限", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True, help_text="不含个人信息。")

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class Notice(models.Model):
    """A 告知书 generated from a template: editable as a draft, frozen once issued."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notices", verbose_name="申请"
    )
    kind = models.CharField("类型", max_length=16, choices=NoticeKind.choices)
    number = models.CharField("文号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=100)
    addressee = models.CharField("收件人", max_length=120)
    body = models.TextField("正文", max_length=6000)
    legal_basis = models.CharField("法律依据", max_length=200)
    outcome = models.CharField(
        "办理结果",
        max_length=30,
        choices=Outcome.choices,
        blank=True,
        help_text="答复书所答复的结果；出具时写入申请。",
    )
    details = models.JSONField(
        "答复要素",
        default=dict,
        blank=True,
        help_text="理由、不予公开的内容及依据、负责公开的机关等，用于重新生成正文。",
    )
    status = models.CharField(
        "状态", max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    issued_on = models.DateField("出具日期", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="出具人",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "告知书"
        verbose_name_plural = "告知书"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def is_issued(self):
        return self.status == NoticeStatus.ISSUED

    def _parts(self):
        parts = [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
        if parts and parts[-1].startswith("（联系人"):
            return parts[:-1], parts[-1]
        return parts, ""

    @property
    def paragraphs(self):
        """The body's paragraphs (blank-line separated; a single line break stays inside)."""
        return self._parts()[0]

    @property
    def annotation(self):
        """The closing （联系人…） line, printed as the 附注 under the date (GB/T 9704)."""
        return self._parts()[1]


class Appeal(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="appeals", verbose_name="申请"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="被申请机构",
        help_text="申请的受理机构（保存时取自申请）：年报表四按机构统计，不必逐件查申请。",
    )
    kind = models.CharField("类型", max_length=20, choices=AppealKind.choices)
    filed_on = models.DateField("提起日期")
    decided_on = models.DateField("审结日期", null=True, blank=True)
    result = models.CharField(
        "结果", max_length=10, choices=AppealResult.choices, default=AppealResult.PENDING
    )
    body = models.CharField("复议机关/受理法院", max_length=100, blank=True)

    class Meta:
        verbose_name = "行政复议、行政诉讼"
        verbose_name_plural = "行政复议、行政诉讼"
        ordering = ["filed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(result="pending") & Q(decided_on__isnull=True))
                | (~Q(result="pending") & Q(decided_on__isnull=False)),
                name="appeal_decided_iff_result",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.application}）"

    def save(self, *args, **kwargs):
        # The agency is the application's (PostgreSQL keeps it so if an application ever moves:
        # migration 0010's trigger).
        if self.agency_id is None and self.application_id is not None:
            self.agency_id = self.application.agency_id
        super().save(*args, **kwargs)

    @property
    def is_pending(self):
        return self.result == AppealResult.PENDING


class NoticeCounter(models.Model):
    """The last notice serial (文号) handed out per agency and year (locked while allocating)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "告知书文号计数器"
        verbose_name_plural = "告知书文号计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="notice_counter_unique_agency_year"
            ),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.year}: {self.last_seq}"
