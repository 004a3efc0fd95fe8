"""The tenant: a district government and its units, with what the public guide says about each.

Every other app points at ``agencies.Agency``; this app imports none of them. The table keeps
its first name, ``disclosure_agency``, from when agencies lived in the catalog app.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

# The catalog's index-number column (disclosure.Item.index_number). A pattern is checked against
# it when it is saved: the longest number it can produce — an 18-character code (the code field's
# limit), a four-digit year, a serial of a million items in one year — must fit, or every
# publication would fail later.
INDEX_NUMBER_MAX_LENGTH = 60
WORST_CASE = {"code": "X" * 18, "year": 9999, "seq": 999_999}
_WIDE_FIELD = re.compile(r"\{[^}]*:[^}]*\d{3,}[^}]*\}")


def render_index_number(pattern, *, code, year, seq):
    """An index number (索引号) from an agency's pattern, e.g. ``{code}/{year}-{seq:05d}``."""
    return pattern.format(code=code, year=year, seq=seq)


def validate_pattern_length(pattern):
    """Refuse a pattern whose longest index number would not fit in the column."""
    if _WIDE_FIELD.search(pattern or ""):  # {seq:0999d} would render a huge string first
        raise ValidationError(
            "索引号格式的占位符宽度过大，请使用如 {seq:05d} 的写法。", code="too_long"
        )
    try:
        longest = len(render_index_number(pattern, **WORST_CASE))
    except (KeyError, IndexError, ValueError):
        return  # not a pattern at all: validate_index_pattern says what is wrong
    if longest > INDEX_NUMBER_MAX_LENGTH:
        raise ValidationError(
            f"按此格式生成的索引号最长可达 {longest} 个字符，超过 {INDEX_NUMBER_MAX_LENGTH} 个字符的上限，"
            "请缩短格式中的固定文字或占位符宽度。",
            code="too_long",
        )


def validate_index_pattern(pattern):
    validate_pattern_length(pattern)
    try:
        render_index_number(pattern, code="000000000", year=2017, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            "索引号格式无效：只能使用 {code}、{year}、{seq} 占位符，例如 {code}/{year}-{seq:05d}。",
            code="invalid_pattern",
        ) from exc
    if "{seq" not in pattern:
        raise ValidationError("索引号格式必须包含流水号 {seq}。", code="missing_seq")


def validate_notice_number_pattern(pattern):
    """A notice number (告知书文号) pattern: ``{year}`` and ``{seq}``, e.g. 吴利安公开〔{year}〕第{seq}号."""
    try:
        pattern.format(year=2026, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            "告知书文号格式无效：只能使用 {year}、{seq} 占位符，例如 吴利安公开〔{year}〕第{seq}号。",
            code="invalid_pattern",
        ) from exc
    if "{seq" not in pattern or "{year" not in pattern:
        raise ValidationError(
            "告知书文号格式必须包含年份 {year} 和流水号 {seq}。", code="missing_seq"
        )


def validate_month_day(value):
    """``MM-DD`` of a day that exists in every year (29 February does not)."""
    try:
        month, day = (int(part) for part in value.split("-"))
        datetime.date(2001, month, day)
    except ValueError as exc:
        raise ValidationError("请按“月-日”填写，例如 01-31 或 03-31。", code="month_day") from exc


class AgencyKind(models.TextChoices):
    """The kinds of agency 《条例》第四十九条 gives different annual-report deadlines."""

    GOVERNMENT = "government", "县级以上人民政府"
    DEPARTMENT = "department", "政府部门"
    TOWNSHIP = "township", "乡镇人民政府、街道办事处"


#: Default annual-report deadlines (month, day of the following year) per kind of agency.
REPORT_DEADLINES = {
    AgencyKind.GOVERNMENT: (3, 31),
    AgencyKind.DEPARTMENT: (1, 31),
    # Art. 49 leaves towns to the province; most provinces have them report with the departments.
    AgencyKind.TOWNSHIP: (1, 31),
}
REPORT_DEADLINE_RULES = {
    AgencyKind.GOVERNMENT: "县级以上人民政府：每年3月31日前向社会公布本级政府上一年度的年度报告（《条例》第四十九条）。",
    AgencyKind.DEPARTMENT: "政府部门：每年1月31日前向本级政府信息公开工作主管部门提交本部门上一年度的年度报告，"
    "并向社会公布（《条例》第四十九条）。",
    AgencyKind.TOWNSHIP: "乡镇人民政府、街道办事处：按本省规定的期限公布；默认每年1月31日前，与政府部门相同。",
}


MIN_PLACE_OVERLAP = 2  # one shared character (区, 市) is a coincidence, not a repeated name


def join_place(address, name):
    """``address`` followed by ``name``, without the place name they both carry.

    An office is usually named from its district ("利通区…局办公室") and its address ends with
    that district ("宁夏回族自治区吴忠市利通区"): written one after the other, the district would
    be read twice. The longest end of the address that begins the name is kept once.
    """
    address, name = address.strip(), name.strip()
    for size in range(min(len(address), len(name)), MIN_PLACE_OVERLAP - 1, -1):
        if address.endswith(name[:size]):
            return address + name[size:]
    return address + name


class AgencyQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)

    def with_units(self, ids):
        """The agencies ``ids`` and every unit under them (a district, its departments and theirs)."""
        return self.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))


class Agency(models.Model):
    """A publishing body: a district government or one of its departments."""

    name = models.CharField("机构名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    slug = models.SlugField(
        "网址标识",
        max_length=60,
        unique=True,
        help_text="用于网址的英文标识，例如 ltq-ajj；公开后请勿修改。",
    )
    code = models.CharField(
        "机构代码",
        max_length=18,
        help_text="统一社会信用代码（18位）或组织机构代码（9位），用于生成索引号。",
    )
    index_pattern = models.CharField(
        "索引号格式",
        max_length=60,
        default="{code}/{year}-{seq:05d}",
        validators=[validate_index_pattern],
        help_text="占位符：{code} 机构代码，{year} 年份，{seq:05d} 当年流水号（五位补零）。",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级机构",
        help_text="区政府的组成部门填所属区政府；区政府本身留空。",
    )
    ogi_office = models.CharField(
        "政府信息公开工作机构", max_length=100, blank=True, help_text="例如：局办公室。"
    )
    address = models.CharField("办公地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    office_hours = models.CharField(
        "办公时间", max_length=100, blank=True, default="工作日 上午8:30—12:00，下午14:30—18:00"
    )
    phone = models.CharField("联系电话", max_length=50, blank=True)
    fax = models.CharField("传真", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    guide_notes = models.TextField(
        "公开指南补充说明", blank=True, help_text="显示在公开指南末尾，例如查阅点位置、乘车路线。"
    )
    rules_text = models.TextField(
        "政府信息公开制度",
        blank=True,
        help_text="旧写法：只列制度名称（每行一个），显示为“全文尚未在本平台发布”。请把每项制度作为公开信息"
        "发布并勾选“政府信息公开制度”，页面即列出并可打开全文；本机构没有的，页面显示所属区政府的制度。",
    )
    kind = models.CharField(
        "机构类型",
        max_length=12,
        choices=AgencyKind.choices,
        default=AgencyKind.DEPARTMENT,
        help_text="决定年度报告的发布期限：县级以上人民政府3月31日前，政府部门1月31日前，乡镇（街道）按本省规定。",
    )
    report_deadline = models.CharField(
        "年报发布截止日",
        max_length=5,
        blank=True,
        validators=[validate_month_day],
        help_text="次年的月-日，例如 01-31。留空则按机构类型；本省另有规定时填写。",
    )
    handles_proposals = models.BooleanField(
        "承办建议提案",
        default=True,
        help_text="承办人大代表建议和政协提案的机构勾选；不勾选的，年度报告（2018年及以前格式）不设建议提案部分。",
    )
    can_make_rules = models.BooleanField(
        "有规章制定权",
        default=False,
        help_text="《立法法》第九十一条、第九十三条：国务院部门和省、自治区、直辖市、设区的市、自治州的"
        "人民政府可以制定规章；县（区）级人民政府及其部门、乡镇（街道）不能。只有勾选的机构才能"
        "把公开信息的文件类型标为“规章”。",
    )
    sort_order = models.PositiveIntegerField("排序", default=100)
    # What every notice (告知书) of an application needs: its remedy clause and its number.
    reconsideration_body = models.CharField(
        "行政复议机关",
        max_length=100,
        blank=True,
        help_text="写入告知书的救济条款。依2024年1月1日起施行的行政复议法，县级人民政府工作部门的"
        "行政复议机关一般为本级人民政府，例如：吴忠市利通区人民政府。未填写时告知书写作"
        "“行政复议机关”，并提示补填。",
    )
    litigation_court = models.CharField(
        "行政诉讼管辖法院",
        max_length=100,
        blank=True,
        help_text="写入告知书的救济条款；行政案件实行集中管辖的，填集中管辖的法院。未填写时写作"
        "“有管辖权的人民法院”。",
    )
    notice_number_pattern = models.CharField(
        "告知书文号格式",
        max_length=60,
        default="公开〔{year}〕第{seq}号",
        validators=[validate_notice_number_pattern],
        help_text="告知书出具时按本格式顺序编号，每年从1开始，不跳号。占位符：{year} 年份，"
        "{seq} 流水号。例如：吴利安公开〔{year}〕第{seq}号。",
    )
    self_review_allowed = models.BooleanField(
        "允许本人审核",
        default=False,
        help_text="默认实行双人审核：起草或修改信息的人不能对同一条信息作出同意公开的保密审查。"
        "只有一名公开工作人员的机构可由负责人开启本项；开启后每次本人审核都记入审计日志。",
    )
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        db_table = "disclosure_agency"
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # The public guide page (a URL name, not an import: the guide is the catalog app's page).
        return reverse("disclosure:guide", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def office_location(self):
        """Where to hand in a written application: the address, then the OGI office."""
        return join_place(self.address or "", self.ogi_office or "")

    def report_deadline_in(self, year):
        """The last day to publish the annual report on ``year`` (a day of ``year + 1``)."""
        if self.report_deadline:
            month, day = (int(part) for part in self.report_deadline.split("-"))
        else:
            month, day = REPORT_DEADLINES[self.kind]
        return datetime.date(year + 1, month, day)

    @property
    def report_deadline_rule(self):
        """The deadline rule in words, for the banner beside the report."""
        if self.report_deadline:
            month, day = (int(part) for part in self.report_deadline.split("-"))
            return f"本机构设定：每年{month}月{day}日前公布上一年度的年度报告。"
        return REPORT_DEADLINE_RULES[self.kind]
