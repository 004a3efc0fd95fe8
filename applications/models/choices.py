"""The vocabularies of applications, and the transition table of the Art. 45 workflow."""

from django.db import models


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
    Status.REGISTERED,
    Status.REVIEWING,
    Status.CORRECTION,
    Status.HANDLING,
    Status.CONSULTING,
    Status.FEE_PENDING,
]

# Art. 45: 登记 → 审核 → 办理 → 答复 → 归档, with correction, consultation and fee side loops.
# Withdrawal is possible at any point before the reply.
TRANSITIONS = {
    Status.REGISTERED: {Status.REVIEWING, Status.WITHDRAWN},
    Status.REVIEWING: {Status.HANDLING, Status.CORRECTION, Status.REPLIED, Status.WITHDRAWN},
    Status.CORRECTION: {Status.REVIEWING, Status.REPLIED, Status.WITHDRAWN},
    Status.HANDLING: {
        Status.CONSULTING,
        Status.FEE_PENDING,
        Status.CORRECTION,
        Status.REPLIED,
        Status.WITHDRAWN,
    },
    Status.CONSULTING: {Status.HANDLING, Status.WITHDRAWN},
    Status.FEE_PENDING: {Status.HANDLING, Status.REPLIED, Status.WITHDRAWN},
    Status.REPLIED: {Status.ARCHIVED},
    Status.WITHDRAWN: {Status.ARCHIVED},
    Status.ARCHIVED: set(),
}


class Outcome(models.TextChoices):
    """The 21 leaves of table 三 (values are the report's JSON row keys)."""

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
    NO_CORRECTION = (
        "other.no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    )
    UNPAID_FEE = (
        "other.unpaid_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    )
    OTHER = "other.other", "其他"


# The six groups of table 三's outcomes, as the reply page lists them.
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


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_TAIWAN = "hmt", "港澳台居民居住证/通行证"
    OTHER = "other", "其他有效身份证件"


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
    REPLY_DRAFTED = "reply_drafted", "拟定答复（草稿）"
    APPEAL_RECORDED = "appeal_recorded", "登记复议诉讼"
    APPEAL_DECIDED = "appeal_decided", "复议诉讼结果"
    PII_REVEALED = "pii_revealed", "查看申请人完整信息"
    RECALCULATED = "recalculated", "按新录入的放假安排重算期限"
    RECEIPT_MAILED = "receipt_mailed", "发送回执邮件"


class NoticeKind(models.TextChoices):
    REPLY = "reply", "政府信息公开申请答复书"
    CORRECTION = "correction", "补正申请告知书"
    EXTENSION = "extension", "延期答复告知书"
    CONSULTATION = "consultation", "征求意见函"
    FEE = "fee", "信息处理费缴费通知书"
    ACKNOWLEDGEMENT = "acknowledgement", "政府信息公开申请受理回执"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已出具"


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
    LITIGATION_AFTER = "litigation_after", "行政诉讼（复议后起诉）"


class AppealResult(models.TextChoices):
    UPHELD = "upheld", "维持"
    CORRECTED = "corrected", "纠正"
    OTHER = "other", "其他"
    PENDING = "pending", "尚未审结"
