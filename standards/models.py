from django.conf import settings
from django.db import models
from django.db.models import Q

from agencies.models import Agency
from disclosure.models import Item, ItemStatus
from standards import rules


class Catalogue(models.Model):
    """A 基层政务公开标准目录 of one field (or an agency's own 事项, which extend it)."""

    field = models.CharField("领域", max_length=50, help_text="例如 安全生产。")
    title = models.CharField("目录名称", max_length=200)
    issuing_document = models.CharField(
        "印发文件",
        max_length=200,
        blank=True,
        help_text="例如 应急管理部办公厅 应急厅函〔2019〕390号。",
    )
    version = models.CharField("版本", max_length=50, blank=True, help_text="例如 2019年版。")
    owner = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_catalogues",
        verbose_name="所属机构",
        help_text="留空为上级印发的目录；填写时为该机构自行补充的事项（地方目录扩展国家目录）。",
    )
    complete = models.BooleanField(
        "目录完整",
        default=True,
        help_text="未勾选表示本平台所存目录只有部分事项，监测页会提示。",
    )
    completeness_note = models.TextField(
        "完整性与来源说明", blank=True, help_text="有几行、取自哪些公开副本、缺什么。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta:
        verbose_name = "标准目录"
        verbose_name_plural = "标准目录"
        ordering = ["owner_id", "field", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["field", "version"],
                condition=Q(owner__isnull=True),
                name="catalogue_unique_field_version",
            ),
            models.UniqueConstraint(
                fields=["owner"], condition=Q(owner__isnull=False), name="catalogue_one_local"
            ),
        ]

    def __str__(self):
        if self.owner_id:
            return f"{self.title}（本机构补充）"
        return f"{self.title}（{self.version}）" if self.version else self.title


class Audience(models.TextChoices):
    PUBLIC = "全社会", "全社会"
    GROUP = "特定群体", "特定群体"


class EntryQuerySet(models.QuerySet):
    def for_agency(self, agency):
        """The 事项 an agency works to: its adopted catalogues' and its own."""
        agency_id = getattr(agency, "pk", agency)
        return self.filter(
            Q(catalogue__adoptions__agency_id=agency_id) | Q(catalogue__owner_id=agency_id)
        ).distinct()


class Entry(models.Model):
    """One row of a catalogue: a 二级事项 under its 一级事项, with every column of the standard."""

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="entries", verbose_name="标准目录"
    )
    number = models.PositiveIntegerField("序号")
    level1 = models.CharField("一级事项", max_length=50)
    level2 = models.CharField("二级事项", max_length=100)
    content = models.TextField("公开内容（要素）", blank=True)
    basis = models.TextField("公开依据", blank=True)
    time_limit = models.CharField(
        "公开时限",
        max_length=200,
        blank=True,
        help_text="按目录原文填写；平台能识别的写法自动监测，其余显示为“人工核对”。",
    )
    publisher = models.CharField("公开主体", max_length=100, blank=True)
    channels = models.TextField("公开渠道和载体", blank=True, help_text="多个以“；”分隔。")
    audience = models.CharField(
        "公开对象", max_length=30, blank=True, help_text="全社会、特定群体，可兼有（以“；”分隔）。"
    )
    mode = models.CharField(
        "公开方式", max_length=20, blank=True, help_text="主动、依申请，可兼有（以“；”分隔）。"
    )
    levels = models.CharField(
        "公开层级", max_length=20, blank=True, help_text="县级、乡级，可兼有（以“；”分隔）。"
    )
    note = models.TextField("备注", blank=True, help_text="各公开副本的差异、未能核实的单元格。")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "标准目录事项"
        verbose_name_plural = "标准目录事项"
        ordering = ["catalogue_id", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "level1", "level2"], name="entry_unique_per_catalogue"
            ),
        ]

    def __str__(self):
        return f"{self.level1} › {self.level2}"

    @property
    def rule(self):
        return rules.parse(self.time_limit)

    @property
    def channel_list(self):
        return [part for part in self.channels.split("；") if part]


class Adoption(models.Model):
    """An agency works to a catalogue (its 2019 standard, say): the monitor checks its 事项."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="catalogue_adoptions", verbose_name="机构"
    )
    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.PROTECT, related_name="adoptions", verbose_name="标准目录"
    )
    adopted_on = models.DateField("适用日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "适用的标准目录"
        verbose_name_plural = "适用的标准目录"
        constraints = [
            models.UniqueConstraint(fields=["agency", "catalogue"], name="adoption_unique"),
        ]

    def __str__(self):
        return f"{self.agency} · {self.catalogue}"


class Filing(models.Model):
    """A catalog item filed under a 事项 (an item may answer several)."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="filings", verbose_name="公开信息"
    )
    # The item's agency, copied when filed (an item never changes agency): the monitor reads an
    # agency's filings from this table's index instead of from all of the agency's items.
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="+", editable=False, verbose_name="机构"
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="filings", verbose_name="事项"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    filed_at = models.DateTimeField("归入时间", auto_now_add=True)
    # Copies of the item's fields the monitor reads, written by database triggers (migration
    # 0002, on SQLite and PostgreSQL alike) when a filing is made and whenever the item changes,
    # whatever writes it: the monitor then reads this table's indexes and never the items.
    # Python never writes them (an instance's values may be stale; the rows are not).
    status = models.CharField(max_length=12, default="", editable=False)
    published_date = models.DateField(null=True, editable=False)
    formed_date = models.DateField(null=True, editable=False)
    publish_workdays = models.PositiveIntegerField(null=True, editable=False)
    imported = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = "归入事项"
        verbose_name_plural = "归入事项"
        constraints = [
            models.UniqueConstraint(fields=["item", "entry"], name="filing_unique"),
        ]
        indexes = [
            models.Index(fields=["entry", "item"], name="filing_entry_item"),
            # The monitor, per agency and 事项: the newest publication (one descent), the
            # year's count and slowest item (a range); PostgreSQL answers from the index alone.
            models.Index(
                fields=["agency", "entry", "published_date"],
                include=["publish_workdays", "imported"],
                condition=Q(status=ItemStatus.PUBLISHED),
                name="filing_published",
            ),
            # …and the items formed but not yet published (few at any time).
            models.Index(
                fields=["agency", "entry"],
                condition=Q(status__in=[ItemStatus.DRAFT, ItemStatus.IN_REVIEW]),
                name="filing_pending",
            ),
        ]

    def __str__(self):
        return f"{self.item_id} → {self.entry}"

    def save(self, *args, **kwargs):
        if self.agency_id is None and self.item_id is not None:
            self.agency_id = Item.objects.values_list("agency_id", flat=True).get(pk=self.item_id)
        super().save(*args, **kwargs)


class UnfiledTally(models.Model):
    """Published items filed under no 事项, per agency and publication day (PostgreSQL).

    Kept by triggers on the items and the filings (migration 0002) so that the monitor's
    "本年未归入事项" count sums at most a year of days instead of testing every item of the
    year for a filing. SQLite (development, tests) counts the items directly (``monitor``).
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.IntegerField(default=0)

    class Meta:
        verbose_name = "未归入事项计数"
        verbose_name_plural = "未归入事项计数"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day"], include=["items"], name="unfiled_tally_unique"
            ),
        ]

    def __str__(self):
        return f"{self.agency_id} · {self.day}: {self.items}"
