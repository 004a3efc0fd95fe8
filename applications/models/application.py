"""The application itself. ``status`` and ``due_date`` are written only by ``services``."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from applications.models.choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    ApplicantType,
    Channel,
    Delivery,
    FeeMethod,
    Form,
    Outcome,
    Status,
)


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)

    def closed_between(self, start, end):
        return self.filter(closed_on__range=(start, end))


class Application(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="受理机构",
    )
    tracking_number = models.CharField("申请编号", max_length=20, unique=True)
    query_code_hash = models.CharField(
        "查询码摘要",
        max_length=64,
        editable=False,
        help_text="查询码只在回执上出现一次；这里只存它的 HMAC 摘要。",
    )
    applicant_type = models.CharField(
        "申请人类型", max_length=20, choices=ApplicantType.choices, db_index=True
    )
    channel = models.CharField("申请方式", max_length=12, choices=Channel.choices)
    submitted_on = models.DateField(
        "提交日期", help_text="申请人当面提交、寄出、发送或来电的日期。"
    )
    received_on = models.DateField(
        "收到申请日期",
        db_index=True,
        help_text="条例第三十一条：当面提交为提交之日；邮寄为签收之日；网络、传真、电子邮件为双方确认之日。",
    )
    clock_start = models.DateField(
        "答复期限起算日", help_text="收到申请之日，补正后为收到补正申请之日（条例第三十条）。"
    )
    description = models.TextField("所需信息的内容描述", max_length=2000)
    document_number = models.CharField("文号", max_length=60, blank=True)
    purpose = models.CharField("用途（选填）", max_length=300, blank=True)
    form = models.CharField("提供形式", max_length=12, choices=Form.choices)
    delivery = models.CharField("获取方式", max_length=12, choices=Delivery.choices)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    due_date = models.DateField(
        "期限",
        null=True,
        db_index=True,
        help_text="由系统按工作日历、暂停、补正重新起算和延期计算；待补正时为补正期限。",
    )
    due_provisional = models.BooleanField(
        "期限暂定",
        default=False,
        help_text="期限跨入尚未录入放假安排的年份时为暂定期限（可能的最早日期），录入后自动重算。",
    )
    correction_requested_on = models.DateField("补正告知日期", null=True, blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True)
    correction_received_on = models.DateField("收到补正日期", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延期工作日数", default=0)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    extended_on = models.DateField("延期日期", null=True, blank=True)
    fee_method = models.CharField("收费方式", max_length=10, choices=FeeMethod.choices, blank=True)
    fee_units = models.PositiveIntegerField("计费数量（件序/页数）", null=True, blank=True)
    fee_amount = models.DecimalField(
        "应收信息处理费（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_notified_on = models.DateField("收费通知日期", null=True, blank=True)
    fee_paid_amount = models.DecimalField(
        "实收信息处理费（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_paid_on = models.DateField("缴费日期", null=True, blank=True, db_index=True)
    outcome = models.CharField(
        "办理结果", max_length=30, choices=Outcome.choices, blank=True, db_index=True
    )
    closed_on = models.DateField(
        "办结日期",
        null=True,
        blank=True,
        db_index=True,
        help_text="作出答复（或申请人撤回）的日期，年度报告按此日期统计办理结果。",
    )
    privacy_notice_version = models.CharField("个人信息告知书版本", max_length=20)
    submission_key = models.CharField(
        "提交标识",
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="网上申请表的一次性标识：重复提交返回同一份回执。",
    )
    receipt_code = models.BinaryField(
        "回执查询码（密文）",
        null=True,
        blank=True,
        editable=False,
        help_text="同一次提交再次返回回执、打印或发送回执时使用；加密保存，24小时后清除。",
    )
    is_demo = models.BooleanField("演示数据", default=False, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(closed_on__isnull=True))
                | (~Q(outcome="") & Q(closed_on__isnull=False)),
                name="application_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                name="application_closed_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_date"]),
            # Report table 三 counts every application of the agencies by type, receipt, closing
            # and outcome: with those columns in the index it is an index-only scan (PostgreSQL).
            models.Index(
                fields=["agency", "received_on"],
                include=["applicant_type", "closed_on", "outcome"],
                name="application_report",
            ),
            # The few rows still keeping a receipt's code, found by age to erase it (receipts).
            models.Index(
                fields=["created_at"],
                condition=Q(receipt_code__isnull=False),
                name="application_code_kept",
            ),
        ]

    def __str__(self):
        return self.tracking_number

    def get_absolute_url(self):
        return reverse("admin:applications_application_change", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def answered_late(self):
        """Answered after the due date: read from the issue date of the reply (closed_on)."""
        return bool(self.closed_on and self.due_date and self.closed_on > self.due_date)

    @property
    def is_waiting_for_correction(self):
        return self.status == Status.CORRECTION

    def can_move_to(self, status):
        return status in TRANSITIONS[Status(self.status)]
