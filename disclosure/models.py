from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

# validate_index_pattern: migration 0001 (from when agencies lived here) names it by this path.
from agencies.models import Agency, validate_index_pattern  # noqa: F401
from disclosure.cache import bump_generation
from disclosure.search import document_tokens
from disclosure.uploads import clean_filename


class Topic(models.Model):
    """主题分类: the Art. 20 tree of 法定主动公开内容 (seeded by migration, extendable)."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级主题",
    )
    article_clause = models.CharField(
        "条例条款",
        max_length=20,
        blank=True,
        help_text="对应《条例》第二十条的项，例如 第（十三）项。",
    )
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="topic_unique_name_per_parent"),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class ChannelKind(models.TextChoices):
    """Art. 23 channels."""

    PORTAL = "portal", "政府网站"
    GAZETTE = "gazette", "政府公报"
    WECHAT = "wechat", "微信"
    WEIBO = "weibo", "微博"
    APP = "app", "移动客户端/手机报"
    PRESS = "press", "新闻发布会"
    NEWSPAPER = "newspaper", "报刊"
    RADIO_TV = "radio_tv", "广播电视"
    BULLETIN = "bulletin", "公开栏"
    READING_ROOM = "reading_room", "查阅场所"
    OTHER = "other", "其他"


class Channel(models.Model):
    """A publishing channel of one agency (its newspaper, its WeChat account, its notice board…)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="channels", verbose_name="机构"
    )
    name = models.CharField(
        "渠道名称", max_length=50, help_text="年报按此名称统计，例如 宁夏日报、局政务公开栏。"
    )
    kind = models.CharField("渠道类型", max_length=20, choices=ChannelKind.choices)
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta:
        verbose_name = "发布渠道"
        verbose_name_plural = "发布渠道"
        ordering = ["agency_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="channel_unique_name_per_agency"
            ),
        ]

    def __str__(self):
        return self.name


class Category(models.TextChoices):
    POLICY = "policy", "政策类"
    WORK = "work", "工作动态"
    OTHER = "other", "其他"


class Genre(models.TextChoices):
    """体裁分类 (GB/T 9704 document kinds plus the usual portal kinds)."""

    NOTICE = "notice", "通知"
    ANNOUNCEMENT = "announcement", "公告"
    PUBLIC_NOTICE = "public_notice", "通告"
    DECISION = "decision", "决定"
    OPINION = "opinion", "意见"
    CIRCULAR = "circular", "通报"
    REPORT = "report", "报告"
    LETTER = "letter", "函"
    REPLY = "reply", "批复"
    MEASURES = "measures", "办法"
    RULES = "rules", "规定"
    PLAN = "plan", "规划计划"
    SCHEME = "scheme", "方案"
    SUMMARY = "summary", "总结"
    NEWS = "news", "工作动态"
    INTERPRETATION = "interpretation", "解读"
    OTHER = "other", "其他"


class InterpretationKind(models.TextChoices):
    """The forms a 政策解读 takes on government portals."""

    TEXT = "text", "文字解读"
    GRAPHIC = "graphic", "图解"
    MEDIA = "media", "音视频"
    PRESS = "press", "新闻发布会"
    EXPERT = "expert", "专家解读"


#: A 解读 is published with its 行政规范性文件, at the latest this many working days after it.
INTERPRETATION_WORKDAYS = 3


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"


class DocKind(models.TextChoices):
    """Which row of annual-report table 二 (第二十条第（一）项) a document counts in."""

    NONE = "", "非规章或规范性文件"
    RULE = "rule", "规章"
    NORMATIVE = "normative", "行政规范性文件"


class DisclosureMode(models.TextChoices):
    PROACTIVE = "proactive", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "待审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


# Which status may follow which; services refuse every other move.
ITEM_TRANSITIONS = {
    ItemStatus.DRAFT: {ItemStatus.IN_REVIEW},
    ItemStatus.IN_REVIEW: {ItemStatus.DRAFT, ItemStatus.PUBLISHED},
    ItemStatus.PUBLISHED: {ItemStatus.WITHDRAWN},
    ItemStatus.WITHDRAWN: set(),
}

PUBLISHED = models.Q(status=ItemStatus.PUBLISHED)


class ItemQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: the catalog, sitemap, feed, API and reports all use this."""
        return self.filter(status=ItemStatus.PUBLISHED)

    def unpublished(self):
        return self.filter(status__in=[ItemStatus.DRAFT, ItemStatus.IN_REVIEW])

    def normative(self):
        return self.exclude(doc_kind=DocKind.NONE)


class Item(models.Model):
    """One entry of the disclosure catalog (公开目录)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="items", verbose_name="发布机构"
    )
    co_publishers = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="co_published_items",
        verbose_name="联合发布机构",
        help_text="联合发文时的其他发布机构。",
    )
    index_number = models.CharField(
        "索引号",
        max_length=60,
        blank=True,
        editable=False,
        help_text="发布时按本机构的索引号格式自动分配。",
    )
    index_year = models.PositiveSmallIntegerField(
        "索引号年份", null=True, blank=True, editable=False
    )
    index_seq = models.PositiveIntegerField("索引号流水号", null=True, blank=True, editable=False)
    title = models.CharField("名称", max_length=300)
    summary = models.TextField("内容概述", blank=True)
    body = models.TextField(
        "正文", blank=True, help_text="纯文本：空行分段；以“- ”开头的行显示为列表。"
    )
    document_number = models.CharField(
        "文号",
        max_length=60,
        blank=True,
        help_text="例如 吴利政办发〔2017〕120号；【】、[]、（）会自动改为〔〕。",
    )
    formed_date = models.DateField(
        "生成日期", null=True, blank=True, help_text="信息形成（成文）或变更的日期。"
    )
    published_date = models.DateField("发布日期", null=True, blank=True, editable=False)
    # The old portal's publication time when it printed one (imports); the date above is what
    # search, tallies and reports use.
    published_time = models.TimeField("发布时间", null=True, blank=True, editable=False)
    category = models.CharField(
        "信息类别", max_length=10, choices=Category.choices, default=Category.WORK
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name="主题分类",
    )
    genre = models.CharField("体裁分类", max_length=20, choices=Genre.choices, blank=True)
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="items", verbose_name="发布渠道"
    )
    interprets = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interpretations",
        verbose_name="解读的政策文件",
        help_text="体裁为“解读”的信息必填：所解读的已发布政策文件（本机构或所属区政府的），输入标题或文号查找。",
    )
    interpretation_kind = models.CharField(
        "解读形式", max_length=10, choices=InterpretationKind.choices, blank=True
    )
    ogi_rule = models.BooleanField(
        "政府信息公开制度",
        default=False,
        help_text="勾选的信息列在本机构「政府信息公开制度」页面（保密审查、考核、责任追究等工作制度）。",
    )
    disclosure_mode = models.CharField(
        "公开方式", max_length=12, choices=DisclosureMode.choices, default=DisclosureMode.PROACTIVE
    )
    doc_kind = models.CharField(
        "文件类型",
        max_length=10,
        choices=DocKind.choices,
        blank=True,
        default=DocKind.NONE,
        help_text="规章和行政规范性文件计入年报表二“本年制发/废止/现行有效件数”。",
    )
    validity = models.CharField(
        "有效性", max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    validity_changed_on = models.DateField(
        "有效性变更日期", null=True, blank=True, help_text="宣布失效或废止的日期。"
    )
    keywords = models.CharField(
        "关键词", max_length=200, blank=True, help_text="以空格或逗号分隔。"
    )
    status = models.CharField(
        "状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT, editable=False
    )
    withdrawn_reason = models.TextField("撤回原因", blank=True, editable=False)
    publish_workdays = models.PositiveIntegerField(
        "发布用时（工作日）",
        null=True,
        blank=True,
        editable=False,
        help_text="生成日期到发布日期之间的工作日数（《条例》第二十六条：20个工作日内）。",
    )
    imported = models.BooleanField(
        "从原网站导入",
        default=False,
        editable=False,
        help_text="导入的历史信息：保留原索引号、日期和有效性，不计入本平台的公开时效（超期）统计。",
    )
    old_url = models.URLField(
        "原网址",
        max_length=500,
        blank=True,
        editable=False,
        help_text="导入前在原网站上的地址，用于发布跳转。",
    )
    content_digest = models.CharField(
        "内容摘要值（SHA-256）", max_length=64, blank=True, editable=False
    )
    # Search tokens (CJK bigrams, see disclosure/search.py); on PostgreSQL a generated tsvector
    # column with a GIN index is built from them, so search never scans the text itself.
    search_title_tokens = models.TextField(blank=True, editable=False)
    search_tokens = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="起草人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "公开信息"
        verbose_name_plural = "公开信息"
        ordering = ["-published_date", "-id"]
        constraints = [
            # Index numbers are never reused: unique per agency, whatever the year.
            models.UniqueConstraint(
                fields=["agency", "index_number"],
                condition=~models.Q(index_number=""),
                name="item_unique_index_number",
            ),
            models.CheckConstraint(
                condition=~PUBLISHED | models.Q(published_date__isnull=False),
                name="item_published_has_date",
            ),
        ]
        # Partial indexes over published rows only, each ending in the catalog's sort order, so
        # that every public filter is an index range scan that stops after one page.
        indexes = [
            models.Index(
                fields=["-published_date", "-id"], condition=PUBLISHED, name="item_pub_date"
            ),
            # INCLUDE category: the annual report counts an agency-year by category from this
            # index alone (an index-only scan), without reading the items' heap pages; genre and
            # topic too: the standards monitor's site columns read a year of an agency the same way.
            models.Index(
                fields=["agency", "-published_date", "-id"],
                condition=PUBLISHED,
                include=["category", "genre", "topic"],
                name="item_pub_agency",
            ),
            models.Index(
                fields=["category", "-published_date", "-id"],
                condition=PUBLISHED,
                name="item_pub_category",
            ),
            models.Index(
                fields=["topic", "-published_date", "-id"],
                condition=PUBLISHED,
                name="item_pub_topic",
            ),
            # An item page's 相关信息: the newest published items of its agency and topic. The
            # agency's index alone read on until five items of the topic turned up (dozens of
            # rows, each on its own page in a large catalog); this one stops at the fifth.
            models.Index(
                fields=["agency", "topic", "-published_date", "-id"],
                condition=PUBLISHED,
                name="item_pub_agency_topic",
            ),
            models.Index(
                fields=["validity", "-published_date", "-id"],
                condition=PUBLISHED,
                name="item_pub_validity",
            ),
            # Staff work lists and the deadline board read unpublished rows per agency.
            models.Index(fields=["agency", "status"], name="item_agency_status"),
            # Report table 二 reads normative documents per agency.
            models.Index(
                fields=["agency", "doc_kind", "formed_date"],
                condition=~models.Q(doc_kind=""),
                include=["status", "validity", "validity_changed_on"],
                name="item_normative",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_title_tokens, self.search_tokens = document_tokens(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_title_tokens",
                "search_tokens",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosure:item_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self):
        return self.status == ItemStatus.PUBLISHED

    @property
    def is_in_force(self):
        """False once the document is declared 废止 or 失效: its page says so above the text."""
        return self.validity == Validity.VALID

    @property
    def is_late(self):
        """Published late by this platform: imported history never counts (Art. 26)."""
        return (
            not self.imported and self.publish_workdays is not None and self.publish_workdays > 20
        )


class ChannelTally(models.Model):
    """Published items per agency, channel and month, kept by PostgreSQL triggers (0007).

    The annual report counts an agency-year's items per channel; joining the item-channel links
    for that reads the whole link table (a million rows), this table answers from a few hundred.
    ``manage.py rebuild_catalog_tally`` recounts it from the items.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="该月第一天。")
    items = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "发布渠道月度计数"
        verbose_name_plural = "发布渠道月度计数"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "channel", "month"], name="channel_tally_unique"
            ),
        ]

    def __str__(self):
        return f"{self.channel_id} {self.month:%Y-%m}: {self.items}"


class CategoryTally(models.Model):
    """Published items per agency, category and month, kept by PostgreSQL triggers (0009).

    The annual report counts an agency-year's items by category and by month; the district
    roll-up read an index entry per item for that, this table one row per agency, category and
    month.
    ``manage.py rebuild_catalog_tally`` recounts it from the items.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=10, choices=Category.choices)
    month = models.DateField(help_text="该月第一天。")
    items = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "信息类别月度计数"
        verbose_name_plural = "信息类别月度计数"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "category", "month"], name="category_tally_unique"
            ),
        ]

    def __str__(self):
        return f"{self.category} {self.month:%Y-%m}: {self.items}"


class CategoryTotal(models.Model):
    """Published items per agency and category, kept by PostgreSQL triggers (0016).

    The public catalog tree (主动公开目录 › 信息类别) shows a count beside each category of each
    agency; summing CategoryTally's months for it read every month of every agency (18,000 rows
    at a million items) on each new catalog generation, this table holds one row per agency and
    category. ``manage.py rebuild_catalog_tally`` recounts it from the items.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=10, choices=Category.choices)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "信息类别计数"
        verbose_name_plural = "信息类别计数"
        constraints = [
            models.UniqueConstraint(fields=["agency", "category"], name="category_total_unique"),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.category}: {self.items}"


class TopicTally(models.Model):
    """Published items per agency and topic, kept by PostgreSQL triggers (0013).

    The public catalog tree (主动公开目录 › 主题分类) shows a count beside each topic of each
    agency; counting a million items by topic on every new catalog generation would read them
    all, this table answers from one row per agency and topic. Items without a topic are not
    counted. ``manage.py rebuild_catalog_tally`` recounts it from the items.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    items = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "主题分类计数"
        verbose_name_plural = "主题分类计数"
        constraints = [
            models.UniqueConstraint(fields=["agency", "topic"], name="topic_tally_unique"),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.topic_id}: {self.items}"


class NormativeBalance(models.Model):
    """Table 二's figures per agency, document kind and year, kept by PostgreSQL triggers (0017).

    ``issued`` (本年制发) counts the published 规章 or 行政规范性文件 formed in the year, ``repealed``
    (本年废止) those declared 废止 or 失效 in it, ``in_force`` (现行有效) those formed on or before
    31 December of the year and not ended by then: a closing balance. Rows exist for the years
    in which something happened; a year without a row has nothing issued or repealed and the
    ``in_force`` of the latest row before it. Counting ``in_force`` from the items read every
    document the agencies ever made; this table answers from one row per agency and kind.
    A change to an item moves the rows of the years it touches and every later ``in_force``.
    ``manage.py rebuild_catalog_tally`` recounts it from the items; SQLite (development, tests)
    counts the items directly (``disclosure.selectors.normative_document_counts``).
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    doc_kind = models.CharField(max_length=10, choices=DocKind.choices)
    year = models.PositiveSmallIntegerField()
    issued = models.IntegerField(default=0)
    repealed = models.IntegerField(default=0)
    in_force = models.IntegerField(default=0)

    class Meta:
        verbose_name = "规范性文件年度计数"
        verbose_name_plural = "规范性文件年度计数"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "doc_kind", "year"], name="normative_balance_unique"
            ),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.doc_kind} {self.year}: {self.in_force}"


class ItemEventKind(models.TextChoices):
    CREATED = "created", "起草"
    EDITED = "edited", "修改草稿"
    SUBMITTED = "submitted", "提交审核"
    REVIEWED = "reviewed", "保密审查通过"
    RETURNED = "returned", "审核退回"
    PUBLISHED = "published", "发布"
    WITHDRAWN = "withdrawn", "撤回"
    CORRECTED = "corrected", "更正"
    VALIDITY = "validity", "有效性变更"
    IMPORTED = "imported", "导入"


class ItemEvent(models.Model):
    """Who did what to an item, and when (append-only)."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="events", verbose_name="公开信息"
    )
    kind = models.CharField("事件", max_length=12, choices=ItemEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.TextField("说明", blank=True)
    changes = models.JSONField(
        "变更内容", default=dict, blank=True, help_text="字段名 → [原值, 新值]"
    )

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class Review(models.Model):
    """保密审查 record (Art. 17): reviewer, date, opinion, and whether it was escalated."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="reviews", verbose_name="公开信息"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审查人"
    )
    reviewed_on = models.DateField("审查日期")
    opinion = models.TextField("审查意见")
    escalated = models.BooleanField(
        "报保密行政管理部门确定",
        default=False,
        help_text="难以确定是否涉密的，报有关主管部门或保密行政管理部门确定。",
    )
    approved = models.BooleanField("同意公开", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "保密审查"
        verbose_name_plural = "保密审查"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.reviewer} · {self.reviewed_on} · {'同意公开' if self.approved else '不同意公开'}"


class Attachment(models.Model):
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="attachments", verbose_name="公开信息"
    )
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200, help_text="下载时的文件名。")
    content_type = models.CharField("文件类型", max_length=100, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", default=0, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=100)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Whatever form, service or import made it: no bidi or control characters in the name.
        self.name = clean_filename(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("disclosure:attachment", kwargs={"pk": self.item_id, "attachment": self.pk})


class AttachmentText(models.Model):
    """The text read from an attachment (disclosure.attachment_text), kept beside the file.

    A separate row, not columns of ``Attachment``: lists of attachments never load the text, and
    reading the text again never touches a published item's (protected) attachment row.
    """

    class Status(models.TextChoices):
        OK = "ok", "已提取"
        EMPTY = "empty", "无可提取的文字"
        UNAVAILABLE = "unavailable", "文本不可用"
        NOT_READ = "not_read", "不提取（图片或旧版格式）"

    attachment = models.OneToOneField(
        Attachment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="text_record",
        verbose_name="附件",
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    text = models.TextField("文字", blank=True)
    pages = models.JSONField(
        "分页", default=list, blank=True, help_text="[页名, 该页第一个字在文字中的位置]"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    seconds = models.FloatField("用时（秒）", default=0)
    extracted_at = models.DateTimeField("提取时间", auto_now=True)

    class Meta:
        verbose_name = "附件文字"
        verbose_name_plural = "附件文字"

    def __str__(self):
        return f"{self.attachment_id}: {self.get_status_display()}"


class SensitiveWord(models.Model):
    """错敏词: a wrong or sensitive wording to flag before publication, per district or for all."""

    district = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sensitive_words",
        verbose_name="适用区（县）",
        help_text="留空则对所有机构适用；填区（县）政府则只检查该区及其部门的信息。",
    )
    word = models.CharField("错敏词", max_length=60)
    suggestion = models.CharField("建议改为", max_length=60, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "错敏词"
        verbose_name_plural = "错敏词"
        ordering = ["district_id", "word"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "word"], name="sensitive_word_unique_per_district"
            ),
        ]

    def __str__(self):
        return self.word


class ContentHitDecision(models.Model):
    """A reviewer's recorded reason to publish despite one content-check hit."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="hit_decisions", verbose_name="公开信息"
    )
    fingerprint = models.CharField("提示标识", max_length=64)
    kind = models.CharField("类型", max_length=20)
    location = models.CharField("位置", max_length=300)
    masked = models.CharField("内容（已遮盖）", max_length=300)
    reason = models.TextField("审核人说明")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审核人"
    )
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "内容检查提示处理"
        verbose_name_plural = "内容检查提示处理"
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "fingerprint"], name="hit_decision_unique"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.location}"


class LinkCheck(models.Model):
    """The last answer of a link found in an item's body (``manage.py check_links``)."""

    url = models.URLField("链接", max_length=500, unique=True)
    ok = models.BooleanField("可访问")
    status = models.CharField("结果", max_length=100)
    checked_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = "链接检查"
        verbose_name_plural = "链接检查"

    def __str__(self):
        return f"{self.url} {self.status}"


class ContentAudit(models.Model):
    """One run of ``manage.py check_published_content``: its scope, progress and result file."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="机构",
    )
    since = models.DateField("发布日期起", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    last_item_id = models.BigIntegerField(
        "检查到的信息编号", default=0, help_text="续跑从这里之后开始。"
    )
    items_checked = models.PositiveIntegerField("已检查条数", default=0)
    hits = models.PositiveIntegerField("提示数", default=0)
    csv_path = models.CharField("CSV 文件", max_length=500, blank=True)

    class Meta:
        verbose_name = "已公开内容检查"
        verbose_name_plural = "已公开内容检查"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} · {self.hits} 处"


class ContentAuditHit(models.Model):
    audit = models.ForeignKey(ContentAudit, on_delete=models.CASCADE, related_name="hit_rows")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=20)
    location = models.CharField("位置", max_length=300)
    masked = models.CharField("内容（已遮盖）", max_length=300)
    context = models.CharField("上下文（已遮盖）", max_length=300)

    class Meta:
        verbose_name = "已公开内容检查提示"
        verbose_name_plural = "已公开内容检查提示"
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} · {self.location}"


class MappingKind(models.TextChoices):
    TOPIC = "topic", "主题分类"
    GENRE = "genre", "体裁分类"
    VALIDITY = "validity", "有效性"
    CATEGORY = "category", "信息类别"


class ImportMapping(models.Model):
    """How one agency's old-portal vocabulary maps onto this site's, confirmed once by staff.

    ``source`` is the value as the old portal printed it; the empty source holds the default for
    values nobody mapped. Topics map to a node of the topic tree (or none), the other kinds to a
    choice value.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="import_mappings", verbose_name="机构"
    )
    kind = models.CharField("字段", max_length=10, choices=MappingKind.choices)
    source = models.CharField(
        "原网站的值", max_length=200, blank=True, help_text="留空表示“未映射的值”的默认去向。"
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="对应主题分类",
    )
    value = models.CharField("对应取值", max_length=20, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="确认人",
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now=True)

    class Meta:
        verbose_name = "导入映射"
        verbose_name_plural = "导入映射"
        ordering = ["agency_id", "kind", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "source"], name="import_mapping_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.source or '（默认）'}"


class IndexCounter(models.Model):
    """The last index-number serial handed out per agency and year (locked while allocating)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "索引号计数器"
        verbose_name_plural = "索引号计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="index_counter_unique_agency_year"
            ),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.year}: {self.last_seq}"


def _catalog_changed(sender, **kwargs):
    bump_generation()


# Agencies, topics and channels are edited in the admin, not through services, and their names
# appear on every cached public page: any change to them starts a new catalog generation.
for _model in (Agency, Topic, Channel):
    models.signals.post_save.connect(
        _catalog_changed, sender=_model, dispatch_uid=f"catalog-{_model.__name__}"
    )
    models.signals.post_delete.connect(
        _catalog_changed, sender=_model, dispatch_uid=f"catalog-delete-{_model.__name__}"
    )
