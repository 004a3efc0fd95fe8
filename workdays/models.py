from django.db import models
from django.utils import timezone


class Source(models.TextChoices):
    PACKAGE = "package", "chinesecalendar 软件包"
    STAFF = "staff", "工作人员录入"


class CalendarYear(models.Model):
    """A year whose State Council holiday schedule is known; deadlines never enter other years."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    note = models.CharField(
        "依据", max_length=200, blank=True, help_text="例如：国办发明电〔2026〕X号。"
    )
    entered_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="录入人",
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "已录入年份"
        verbose_name_plural = "已录入年份"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假（工作日休息）"
    WORKDAY = "workday", "调休上班（周末上班）"


class SpecialDay(models.Model):
    """A day that differs from the Monday–Friday rule: a weekday holiday or a make-up working weekend."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("节日", max_length=30, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class ScheduleEntry(models.Model):
    """One staff entry of a year's schedule, kept as typed so that corrections stay traceable."""

    year = models.PositiveSmallIntegerField("年份", db_index=True)
    holidays_text = models.TextField("放假安排（原文）")
    workdays_text = models.TextField("调休上班（原文）", blank=True)
    note = models.CharField("依据", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        verbose_name="录入人",
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "放假安排录入记录"
        verbose_name_plural = "放假安排录入记录"
        ordering = ["-entered_at"]

    def __str__(self):
        return f"{self.year}年放假安排（{timezone.localtime(self.entered_at):%Y-%m-%d %H:%M}）"
