"""Applications for disclosure (依申请公开, Regulations Art. 27–45).

``status`` and ``due_date`` are written only by ``applications.services``; the transition table
below says which status may follow which.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from applications import pii


class ApplicantType(models.TextChoices):
    """The six columns of annual-report table 三."""

    NATURAL_PERSON = "natural_person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_WELFARE = "public_welfare", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他"


class Channel(models.TextChoices):
    ONLINE = "online", "网上申请"
    IN_PERSON = "in_person", "当面提交"
    POST = "post", "信函"
    FAX = "fax", "传真"
    EMAIL = "email", "电子邮件"
    PHONE = "phone", "电话（代为填写）"


class Form(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"


class Delivery(models.TextChoices):
    PICK_UP = "pick_up", "自行领取"
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    FAX = "fax", "传真"
    ONLINE = "online", "网上获取"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记"
    REVIEWING = "reviewing", "审核中"
    CORRECTION = "correction", "待补正"
    HANDLING = "handling", "办理中"
    CONSULTING = "consulting", "征求意见中（暂停计时）"
    FEE_PENDING = "fee_pending", "待缴费（暂停计时）"
    REPLIED = "replied", "已答复"
    WITHDRAWN = "withdrawn", "已撤回"
    ARCHIVED = "archived", "已归档"


OPEN_STATUSES = [
    Status.REGISTERED, Status.REVIEWING, Status.CORRECTION, Status.HANDLING,
    Status.CONSULTING, Status.FEE_PENDING,
]

# Art. 45: 登记 → 审核 → 办理 → 答复 → 归档, with correction, consultation and fee side loops.
# Withdrawal is possible at any point before the reply.
TRANSITIONS = {
    Status.REGISTERED: {Status.REVIEWING, Status.WITHDRAWN},
    Status.REVIEWING: {Status.HANDLING, Status.CORRECTION, Status.REPLIED, Status.WITHDRAWN},
    Status.CORRECTION: {Status.REVIEWING, Status.REPLIED, Status.WITHDRAWN},
    Status.HANDLING: {Status.CONSULTING, Status.FEE_PENDING, Status.CORRECTION, Status.REPLIED,
                      Status.WITHDRAWN},
    Status.CONSULTING: {Status.HANDLING, Status.WITHDRAWN},
    Status.FEE_PENDING: {Status.HANDLING, Status.REPLIED, Status.WITHDRAWN},
    Status.REPLIED: {Status.ARCHIVED},
    Status.WITHDRAWN: {Status.ARCHIVED},
    Status.ARCHIVED: set(),
}


class Outcome(models.TextChoices):
    """The 22 leaves of table 三 (values are the report's JSON row keys)."""

    GRANTED = "granted", "予以公开"
    PARTIAL = "partial", "部分公开（区分处理的，只计这一情形，不计其他情形）"
    STATE_SECRET = "denied.state_secret", "属于国家秘密"
    LAW_FORBIDDEN = "denied.law_forbidden", "其他法律行政法规禁止公开"
    THREE_SAFETIES = "denied.three_safeties", "危及“三安全一稳定”"
    THIRD_PARTY = "denied.third_party", "保护第三方合法权益"
    INTERNAL_AFFAIRS = "denied.internal_affairs", "属于三类内部事务信息"
    PROCESS_INFO = "denied.process_info", "属于四类过程性信息"
    ENFORCEMENT_FILE = "denied.enforcement_file", "属于行政执法案卷"
    INQUIRY = "denied.inquiry", "属于行政查询事项"
    NOT_HELD = "unable.not_held", "本机关不掌握相关政府信息"
    NEEDS_CREATION = "unable.needs_creation", "没有现成信息需要另行制作"
    UNCLEAR = "unable.unclear", "补正后申请内容仍不明确"
    COMPLAINT = "not_processed.complaint", "信访举报投诉类申请"
    REPEAT = "not_processed.repeat", "重复申请"
    PUBLICATION = "not_processed.publication", "要求提供公开出版物"
    EXCESSIVE = "not_processed.excessive", "无正当理由大量反复申请"
    CONFIRM = "not_processed.confirm", "要求行政机关确认或重新出具已获取信息"
    NO_CORRECTION = "other.no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    UNPAID_FEE = "other.unpaid_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    OTHER = "other.other", "其他"


OUTCOME_GROUPS = {
    "granted": "（一）予以公开",
    "partial": "（二）部分公开",
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}


def outcome_group(outcome):
    return outcome.split(".")[0]


class FeeMethod(models.TextChoices):
    """国办函〔2020〕109号: one method per application."""

    BY_COUNT = "by_count", "按件计收（同一申请人一个自然月内累计申请件数）"
    BY_PAGE = "by_page", "按量计收（页数）"


class PauseKind(models.TextChoices):
    THIRD_PARTY = "third_party", "征求第三方意见"
    AGENCY = "agency", "征求其他机关意见"
    FEE = "fee", "等待缴纳信息处理费"


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)

    def closed_between(self, start, end):
        return self.filter(closed_on__range=(start, end))


class Application(models.Model):
    agency = models.ForeignKey(
        "disclosure.Agency", on_delete=models.PROTECT, related_name="applications",
        verbose_name="受理机构",
    )
    tracking_number = models.CharField("申请编号", max_length=20, unique=True)
    query_code_hash = models.CharField(
        "查询码摘要", max_length=64, editable=False,
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
        "收到申请日期", db_index=True,
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
        "期限", null=True, db_index=True,
        help_text="由系统按工作日历、暂停、补正重新起算和延期计算；待补正时为补正期限。",
    )
    correction_requested_on = models.DateField("补正告知日期", null=True, blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True)
    correction_received_on = models.DateField("收到补正日期", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延期工作日数", default=0)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    extended_on = models.DateField("延期日期", null=True, blank=True)
    fee_method = models.CharField(
        "收费方式", max_length=10, choices=FeeMethod.choices, blank=True
    )
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
        "办结日期", null=True, blank=True, db_index=True,
        help_text="作出答复（或申请人撤回）的日期，年度报告按此日期统计办理结果。",
    )
    privacy_notice_version = models.CharField("个人信息告知书版本", max_length=20)
    submission_key = models.CharField(
        "提交标识", max_length=64, null=True, blank=True, unique=True, editable=False,
        help_text="网上申请表的一次性标识：重复提交返回同一份回执。",
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
        indexes = [models.Index(fields=["agency", "status", "due_date"])]

    def __str__(self):
        return self.tracking_number

    def get_absolute_url(self):
        return reverse("admin:applications_application_change", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def can_move_to(self, status):
        return status in TRANSITIONS[Status(self.status)]


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_TAIWAN = "hmt", "港澳台居民居住证/通行证"
    OTHER = "other", "其他有效身份证件"


class Applicant(models.Model):
    """The applicant's personal data, kept apart from the application (PIPL: minimum, protected).

    ID number, phone and address are AES-GCM ciphertexts; ``*_masked`` hold the masked forms shown
    in lists, and ``id_index`` is the blind index for exact search and duplicate checks.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="applicant", verbose_name="申请"
    )
    name = models.CharField("申请人姓名", max_length=50)
    org_name = models.CharField("法人或其他组织名称", max_length=100, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    id_type = models.CharField("证件类型", max_length=12, choices=IdType.choices)
    id_number_enc = models.BinaryField("证件号码（密文）", editable=False)
    id_number_masked = models.CharField("证件号码", max_length=40)
    id_index = models.CharField("证件号码检索索引", max_length=64, db_index=True, editable=False)
    phone_enc = models.BinaryField("联系电话（密文）", editable=False)
    phone_masked = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱", blank=True)
    address_enc = models.BinaryField("通信地址（密文）", editable=False, blank=True)
    address_masked = models.CharField("通信地址", max_length=20, blank=True)
    key_version = models.PositiveSmallIntegerField("密钥版本", editable=False)

    class Meta:
        verbose_name = "申请人信息"
        verbose_name_plural = "申请人信息"

    def __str__(self):
        return pii.mask_name(self.name)

    def set_personal_data(self, *, id_number, phone, address):
        self.id_number_enc = pii.encrypt(id_number, field="id_number")
        self.id_number_masked = pii.mask_id_number(pii.normalise(id_number))
        self.id_index = pii.blind_index(id_number, field="id_number")
        self.phone_enc = pii.encrypt(phone, field="phone")
        self.phone_masked = pii.mask_phone(phone)
        self.address_enc = pii.encrypt(address, field="address")
        self.address_masked = pii.mask_address(address)
        self.key_version = pii.key_version()

    @property
    def masked_name(self):
        return pii.mask_name(self.name)

    @property
    def masked_email(self):
        return pii.mask_email(self.email)

    def reveal(self):
        """The full values. Call only through ``services.applicant_reveal``, which logs it."""
        return {
            "id_number": pii.decrypt(self.id_number_enc, field="id_number"),
            "phone": pii.decrypt(self.phone_enc, field="phone"),
            "address": pii.decrypt(self.address_enc, field="address"),
        }


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


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "网上提交"
    REGISTERED = "registered", "登记"
    REVIEW = "review", "审核"
    ACCEPTED = "accepted", "受理办理"
    CORRECTION_REQUESTED = "correction_requested", "告知补正"
    CORRECTION_RECEIVED = "correction_received", "收到补正"
    PAUSED = "paused", "征求意见（暂停计时）"
    RESUMED = "resumed", "恢复计时"
    EXTENDED = "extended", "延期答复"
    FEE_NOTIFIED = "fee_notified", "收费通知"
    FEE_PAID = "fee_paid", "收到缴费"
    REPLIED = "replied", "答复"
    WITHDRAWN = "withdrawn", "撤回申请"
    ARCHIVED = "archived", "归档"
    NOTICE_ISSUED = "notice_issued", "出具告知书"
    APPEAL_RECORDED = "appeal_recorded", "登记复议诉讼"
    APPEAL_DECIDED = "appeal_decided", "复议诉讼结果"
    PII_REVEALED = "pii_revealed", "查看申请人完整信息"


class ApplicationEvent(models.Model):
    """One row per service call: who did what, and how the status and due date moved."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name="申请"
    )
    kind = models.CharField("事项", max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="经办人",
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


class NoticeKind(models.TextChoices):
    REPLY = "reply", "政府信息公开申请答复书"
    CORRECTION = "correction", "补正申请告知书"
    EXTENSION = "extension", "延期答复告知书"
    CONSULTATION = "consultation", "征求意见函"
    FEE = "fee", "信息处理费缴费通知书"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已出具"


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
    status = models.CharField(
        "状态", max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    issued_on = models.DateField("出具日期", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="出具人",
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


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
    LITIGATION_AFTER = "litigation_after", "行政诉讼（复议后起诉）"


class AppealResult(models.TextChoices):
    UPHELD = "upheld", "维持"
    CORRECTED = "corrected", "纠正"
    OTHER = "other", "其他"
    PENDING = "pending", "尚未审结"


class Appeal(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="appeals", verbose_name="申请"
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


class Throttle(models.Model):
    """A fixed-window counter in the database, so the limit holds across gunicorn workers."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"

    def __str__(self):
        return self.key
