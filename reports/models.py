"""The annual report (年度报告): the working copy staff edit, and the frozen published versions.

An ``AnnualReport`` holds what staff type (narrative, figures from other systems, signature).
Everything else is computed from the records (``reports.figures``). Publishing stores a
``ReportVersion``: a snapshot of every figure and every sentence that is never updated again;
a correction is a further version with a reason, and the earlier ones stay reachable.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Item


class ReportFormat(models.TextChoices):
    LEGACY = "legacy", "2018年及以前（自由格式）"
    TRIAL_2019 = "2019", "2019年试行格式（2019—2020年度）"
    NATIONAL_2021 = "2021", "2021年国家格式（2021年度起）"

    @classmethod
    def for_year(cls, year):
        if year >= 2021:
            return cls.NATIONAL_2021
        if year >= 2019:
            return cls.TRIAL_2019
        return cls.LEGACY


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class ReportSource(models.TextChoices):
    RECORDS = "records", "按本平台记录编制"
    TRANSCRIBED = "transcribed", "据已发布的报告原文录入"


def publishing_opens(year):
    """A report covers the whole calendar year: it can be published from 1 January of the next."""
    return datetime.date(year + 1, 1, 1)


class AnnualReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ReportStatus.PUBLISHED)


class AnnualReport(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name="机构",
    )
    year = models.PositiveSmallIntegerField(
        "年度",
        validators=[
            MinValueValidator(2008, message="《条例》自2008年起施行，年度不能早于2008年。")
        ],
    )
    format = models.CharField(
        "报告格式",
        max_length=10,
        choices=ReportFormat.choices,
        blank=True,
        help_text="留空则按年度自动选择：2018年及以前为自由格式，2019—2020年为试行格式，2021年起为国家格式。",
    )
    covers_units = models.BooleanField(
        "汇总下属机构",
        default=False,
        help_text="区政府的报告勾选此项：数据汇总本机构及全部下属机构。",
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
    )
    source = models.CharField(
        "编制方式",
        max_length=12,
        choices=ReportSource.choices,
        default=ReportSource.RECORDS,
        help_text="往年已在其他网站发布的报告选“据已发布的报告原文录入”：按原文录入各部分文字，"
        "原文载明的数字逐项填写，未载明的留空，不按本平台记录计算。仅适用于2018年及以前的自由格式。",
    )
    entered_figures = models.JSONField(
        "原文载明的数据",
        default=dict,
        blank=True,
        help_text="据原文录入的报告中由工作人员填写的数字；没有的键表示原文未载明。",
    )
    legacy_headings = models.TextField(
        "各部分标题（按原文）",
        blank=True,
        help_text="自由格式报告的各部分标题，每行一个，按原文填写；留空则按本机构情况使用标准标题。",
    )
    catalog_item = models.ForeignKey(
        "disclosure.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="目录中的报告条目",
        help_text="该报告在公开目录中发布的条目（例如迁移前在原网站发布的报告）。"
        "原文尚未录入本平台时，年报栏目链接到此条目。",
    )

    # Narrative: the first draft is generated from the figures (``reports.narrative``).
    # ``{proactive.total}``-style placeholders are replaced by the computed figures.
    preface = models.TextField(
        "导语",
        blank=True,
        help_text="报告开头：编制依据、统计期限、联系方式。",
    )
    overview = models.TextField("总体情况（概述）", blank=True)
    overview_proactive = models.TextField("（一）主动公开", blank=True)
    overview_requests = models.TextField("（二）依申请公开", blank=True)
    overview_management = models.TextField("（三）政府信息管理", blank=True)
    overview_platform = models.TextField("（四）平台建设", blank=True)
    overview_supervision = models.TextField("（五）监督保障", blank=True)
    proactive_text = models.TextField(
        "主动公开政府信息情况（自由格式）",
        blank=True,
        help_text="2018年及以前格式的第二部分。可用占位符 {proactive.total}、{proactive.policy}、"
        "{proactive.work}、{proactive.other}、{channels} 引用统计数据。",
    )
    requests_text = models.TextField("依申请公开政府信息情况（自由格式）", blank=True)
    proposals_text = models.TextField("建议提案办理结果公开情况（自由格式）", blank=True)
    problems = models.TextField("存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField(
        "其他需要报告的事项",
        blank=True,
        help_text="须说明本年度信息处理费收取情况，通常还说明建议提案办理情况。",
    )

    # Table 二 figures that live in other systems (2021 format).
    licensing = models.PositiveIntegerField("行政许可处理决定数量", default=0)
    penalty = models.PositiveIntegerField("行政处罚处理决定数量", default=0)
    coercion = models.PositiveIntegerField("行政强制处理决定数量", default=0)
    fees_10k_yuan = models.DecimalField(
        "行政事业性收费金额（万元）",
        max_digits=14,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0, message="收费金额不能为负数。")],
        help_text="单位：万元，最多4位小数。",
    )
    # Extra table 二 figures of the 2019 trial format.
    licensing_prev_items = models.PositiveIntegerField("行政许可上一年项目数量", default=0)
    licensing_change = models.IntegerField("行政许可本年增/减", default=0)
    services_prev_items = models.PositiveIntegerField(
        "其他对外管理服务事项上一年项目数量", default=0
    )
    services_change = models.IntegerField("其他对外管理服务事项本年增/减", default=0)
    services = models.PositiveIntegerField("其他对外管理服务事项处理决定数量", default=0)
    penalty_prev_items = models.PositiveIntegerField("行政处罚上一年项目数量", default=0)
    penalty_change = models.IntegerField("行政处罚本年增/减", default=0)
    coercion_prev_items = models.PositiveIntegerField("行政强制上一年项目数量", default=0)
    coercion_change = models.IntegerField("行政强制本年增/减", default=0)
    fees_prev_items = models.PositiveIntegerField("行政事业性收费上一年项目数量", default=0)
    fees_change = models.IntegerField("行政事业性收费本年增/减", default=0)
    procurement_count = models.PositiveIntegerField("政府集中采购项目数量", default=0)
    procurement_10k_yuan = models.DecimalField(
        "政府集中采购总金额（万元）",
        max_digits=14,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0, message="采购金额不能为负数。")],
    )
    # Legacy (≤ 2018) overview figures.
    meetings = models.PositiveIntegerField("召开政务公开工作会议（次）", default=0)
    trainings = models.PositiveIntegerField("举办政务公开业务培训（次）", default=0)
    staff_full_time = models.PositiveIntegerField("专职工作人员（人）", default=0)
    staff_part_time = models.PositiveIntegerField("兼职工作人员（人）", default=0)

    signature_name = models.CharField(
        "落款单位",
        max_length=100,
        blank=True,
        help_text="留空则使用机构名称。",
    )
    signature_date = models.DateField("落款日期", null=True, blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering = ["-year", "agency__sort_order", "agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="annualreport_one_per_agency_year"
            ),
        ]
        permissions = [("publish_annualreport", "发布年度报告")]

    def __str__(self):
        return f"{self.agency} {self.year}年政府信息公开工作年度报告"

    def save(self, *args, **kwargs):
        if not self.format and self.year:
            self.format = ReportFormat.for_year(self.year)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"slug": self.agency.slug, "year": self.year})

    def clean(self):
        if self.year and self.format and self.format != ReportFormat.for_year(self.year):
            expected = ReportFormat(ReportFormat.for_year(self.year)).label
            raise ValidationError(
                {"format": f"{self.year}年度的报告应使用“{expected}”。"},
                code="format_year",
            )
        if self.source == ReportSource.TRANSCRIBED and self.year and self.year > 2018:
            # The national formats' tables have 175 cells: typing them from a PDF invents
            # nothing only if every cell is checked, which the records already do.
            raise ValidationError(
                {
                    "source": "据原文录入只适用于2018年及以前的自由格式报告；2019年起的报告请按本平台记录编制。"
                },
                code="transcribed_format",
            )
        if self.catalog_item_id and self.agency_id:
            item = (
                Item.objects.published().filter(pk=self.catalog_item_id).values("agency_id").first()
            )
            if item is None or item["agency_id"] != self.agency_id:
                raise ValidationError(
                    {"catalog_item": "请选择本机构已发布的目录条目。"},
                    code="catalog_item",
                )
        headings = [line for line in (self.legacy_headings or "").splitlines() if line.strip()]
        if headings and self.agency_id:
            expected = 5 if self.agency.handles_proposals else 4
            if len(headings) != expected:
                raise ValidationError(
                    {
                        "legacy_headings": f"请按原文每行填写一个部分标题，共{expected}行"
                        f"（{'含' if expected == 5 else '不含'}建议提案部分），现在是{len(headings)}行。"
                    },
                    code="headings",
                )

    @property
    def title(self):
        return f"{self.year}年政府信息公开工作年度报告"

    @property
    def is_transcribed(self):
        return self.source == ReportSource.TRANSCRIBED


class ReportVersionQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each report (corrections supersede, never erase)."""
        return self.filter(superseded_by__isnull=True)


class ReportVersion(models.Model):
    """A published report, frozen: never updated or deleted (a database trigger enforces it)."""

    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name="年度报告",
    )
    number = models.PositiveSmallIntegerField("版本号")
    snapshot = models.JSONField(
        "发布内容",
        help_text="发布时的全部数据和文字；此后记录变化也不影响已发布的报告。",
    )
    reason = models.TextField("更正原因", blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name="更正的版本",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发布人",
    )
    published_at = models.DateTimeField(
        "录入时间", help_text="在本平台发布（或补录）这一版的时间。"
    )
    published_on = models.DateField(
        "发布日期",
        null=True,
        blank=True,
        help_text="报告实际向社会公布的日期；补录往年报告时为原发布日期。"
        "早于本字段设立的版本为空，以录入时间的日期为准。",
    )

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "已发布版本"
        verbose_name_plural = "已发布版本"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="reportversion_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.report} 第{self.number}版"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("已发布的报告不能修改；如需更正，请发布新的版本。", code="frozen")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "reports:version",
            kwargs={
                "slug": self.snapshot["agency"]["slug"],
                "year": self.snapshot["year"],
                "number": self.number,
            },
        )

    def delete(self, *args, **kwargs):
        raise ValidationError("已发布的报告不能删除。", code="frozen")

    @property
    def publication_date(self):
        """The day the public got this version (its real date for a report entered later)."""
        return self.published_on or timezone.localdate(self.published_at)

    @property
    def entered_later(self):
        """True when the version was put on this platform after the day it was published."""
        return timezone.localdate(self.published_at) != self.publication_date


class ReportEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", "创建"
        PUBLISHED = "published", "发布"
        CORRECTED = "corrected", "更正发布"
        DRAFTED = "drafted", "生成文字初稿"

    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name="年度报告",
    )
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "报告操作记录"
        verbose_name_plural = "报告操作记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.report} · {self.get_kind_display()}"
