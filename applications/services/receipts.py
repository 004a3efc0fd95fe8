"""The receipt (回执 / 受理回执): the query code stays retrievable for the same submission.

The code is shown on the receipt; only its HMAC digest identifies the application for good. So
that a double submit, a reload, a print or an e-mail of the same receipt never loses it, the code
is also kept encrypted (AES-GCM, like applicants' personal data) for ``RECEIPT_CODE_HOURS`` and
then erased; after that nobody, staff included, can show it again.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from applications import deadlines, pii, throttling
from applications.models import Application, Channel, EventKind
from applications.services.steps import Change, local_today, require_staff

RECEIPT_CODE_HOURS = 24
_FIELD = "receipt_code"


def seal_code(code):
    return pii.encrypt(code, field=_FIELD)


def receipt_code(application):
    """The query code of a receipt still within its retention time, else ``None``."""
    blob = application.receipt_code
    if not blob:
        return None
    if application.created_at and timezone.now() - application.created_at > timedelta(
        hours=RECEIPT_CODE_HOURS
    ):
        return None
    return pii.decrypt(blob, field=_FIELD)


def receipt_codes_expire():
    """Erase the codes kept longer than the retention time (run on every submission)."""
    cutoff = timezone.now() - timedelta(hours=RECEIPT_CODE_HOURS)
    return Application.objects.filter(receipt_code__isnull=False, created_at__lt=cutoff).update(
        receipt_code=None
    )


# Art. 31 (and Art. 29 for oral applications written down by staff): which day is the day of receipt.
RECEIVED_RULE = {
    Channel.IN_PERSON: "当面提交申请的，以提交之日为收到申请之日（《条例》第三十一条第一项）",
    Channel.PHONE: "口头提出、由本机关代为填写的，以提出之日为收到申请之日（《条例》第二十九条、第三十一条）",
    Channel.POST: "以邮寄方式提交申请的，以本机关签收之日为收到申请之日（《条例》第三十一条第二项）",
    Channel.FAX: "以传真提交申请的，以双方确认之日为收到申请之日（《条例》第三十一条第三项）",
    Channel.EMAIL: "通过电子邮件提交申请的，以双方确认之日为收到申请之日（《条例》第三十一条第三项）",
    Channel.ONLINE: "通过互联网提交申请的，以双方确认之日（即本回执显示之日）为收到申请之日（《条例》第三十一条第三项）",
}


def receipt_context(application, code, status_url=""):
    """What every receipt shows (web page, print, e-mail)."""
    periods = deadlines.periods(application.received_on)
    return {
        "application": application,
        "agency": application.agency,
        "code": code,
        "status_url": status_url or reverse("applications:status"),
        "code_hours": RECEIPT_CODE_HOURS,
        "received_rule": RECEIVED_RULE.get(application.channel, ""),
        "answer_days": periods.answer,
        "max_extension": periods.max_extension,
    }


def _recipient(application):
    applicant = getattr(application, "applicant", None)
    return applicant.email.strip() if applicant is not None else ""


def can_mail(application):
    return bool(_recipient(application))


@transaction.atomic
def receipt_mail(*, application, by=None, status_url="") -> str:
    """E-mail the receipt, code included, to the address the applicant gave (only that one, so
    the form cannot be used to mail strangers); sent after the commit. Returns the masked address.
    ``by`` is the clerk for a registered application, ``None`` for the applicant themself."""
    if by is not None:
        require_staff(by, application)
    to = _recipient(application)
    if not to:
        raise ValidationError(
            "申请时没有填写电子邮箱，无法发送回执。请打印或保存本页。", code="no_email"
        )
    code = receipt_code(application)
    if code is None:
        raise ValidationError(
            f"回执已超过{RECEIPT_CODE_HOURS}小时，查询码不再显示，也不能再发送。"
            "如果查询码遗失，请带身份证件联系受理机关。",
            code="code_expired",
        )
    if not throttling.hit("receipt-mail", application.tracking_number):
        raise ValidationError(
            "这份回执已经发送多次，请查收邮箱（包括垃圾邮件箱）或打印本页。", code="too_many_mails"
        )
    context = receipt_context(application, code, status_url)
    message = EmailMessage(
        subject=f"政府信息公开申请回执（{application.tracking_number}）",
        body=render_to_string("applications/receipt_email.txt", context),
        to=[to],
    )
    transaction.on_commit(lambda: message.send(fail_silently=False))
    Change.of(application, by).record(
        EventKind.RECEIPT_MAILED, on=local_today(), note="回执已发送至申请人电子邮箱"
    )
    return pii.mask_email(to)
