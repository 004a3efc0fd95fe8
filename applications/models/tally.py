"""Applications received and closed per agency, month, applicant type and outcome."""

from django.db import models

from applications.models.choices import ApplicantType, Outcome


class ApplicationTally(models.Model):
    """Report table 三 in monthly counts, kept by PostgreSQL triggers (migration 0005).

    A row with a blank ``outcome`` counts the applications received in the month, a row with an
    outcome those closed in the month with it. Every figure of table 三 for whole months is a
    difference of sums over these rows, so the district report reads a few thousand rows instead
    of every application ever received. ``manage.py rebuild_application_tally`` recounts it.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="+", verbose_name="受理机构"
    )
    month = models.DateField("月份", help_text="该月第一天。")
    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType.choices)
    outcome = models.CharField(
        "办理结果",
        max_length=30,
        choices=Outcome.choices,
        blank=True,
        help_text="空：该月收到的申请；否则：该月以此结果办结的申请。",
    )
    applications = models.PositiveIntegerField("申请数", default=0)

    class Meta:
        verbose_name = "依申请公开月度计数"
        verbose_name_plural = "依申请公开月度计数"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "applicant_type", "outcome"],
                name="application_tally_unique",
            ),
        ]

    def __str__(self):
        return f"{self.applicant_type} {self.outcome or 'received'} {self.month:%Y-%m}: {self.applications}"


class ApplicationBalance(models.Model):
    """Applications still open at the end of a year, per agency and applicant type.

    Table 三's 上年结转 for a report year is the closing balance of the year before: one row per
    agency and type, instead of a sum over every month of the tally since the first application
    (a cost that grows with the years on file). Rows exist for the years in which the agency-type's
    tally changed; a year without a row carries the balance of the latest year before it. On
    PostgreSQL a trigger on the tally keeps them (migration 0011), so a correction to a past year
    moves every later balance; ``manage.py rebuild_application_tally`` recounts them.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="+", verbose_name="受理机构"
    )
    year = models.PositiveSmallIntegerField("年度")
    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType.choices)
    open = models.IntegerField(
        "年末未办结", default=0, help_text="当年 12 月 31 日仍未办结的申请数。"
    )

    class Meta:
        verbose_name = "依申请公开年末结转"
        verbose_name_plural = "依申请公开年末结转"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "applicant_type", "year"], name="application_balance_unique"
            ),
        ]

    def __str__(self):
        return f"{self.applicant_type} {self.year}: {self.open}"
