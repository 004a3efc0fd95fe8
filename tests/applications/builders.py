"""Applications for tests, made through the real services."""

from applications import services
from applications.models import ApplicantType, Channel, Delivery, Form, IdType, Outcome
from applications.validators import resident_id_check_char

ID_NUMBER = "11010119900307" + "123"
ID_NUMBER += resident_id_check_char(ID_NUMBER)  # a valid 18-digit resident ID
PHONE = "13812345678"
ADDRESS = "北京市东城区测试街道1号院2号楼"


def applicant(**overrides):
    data = {
        "name": "张测试",
        "id_type": IdType.RESIDENT_ID,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": "zhang@example.com",
        "address": ADDRESS,
    }
    data.update(overrides)
    return services.ApplicantData(**data)


def register(
    agency,
    by,
    received_on,
    *,
    channel=Channel.IN_PERSON,
    applicant_type=ApplicantType.NATURAL_PERSON,
    **extra,
):
    """An in-person application received on ``received_on``; returns the application."""
    person = extra.pop("person", None) or applicant()
    application, _code = services.application_register(
        agency=agency,
        by=by,
        channel=channel,
        submitted_on=received_on,
        applicant=person,
        applicant_type=applicant_type,
        **{
            "description": "2023年度安全生产检查计划",
            "form": Form.ELECTRONIC,
            "delivery": Delivery.EMAIL,
            **extra,
        },
    )
    return application


def handling(agency, by, received_on):
    application = register(agency, by, received_on)
    services.application_review(application=application, by=by, on=received_on)
    return services.application_accept(application=application, by=by, on=received_on)


def reply_details(outcome):
    """What a reply with ``outcome`` needs besides the outcome (部分公开: what is withheld and
    why; 其他: reason and legal basis)."""
    if outcome == Outcome.PARTIAL:
        return {"withheld": "检查记录中企业员工的姓名和联系电话", "ground": "denied.third_party"}
    if outcome == Outcome.OTHER:
        return {
            "reason": "申请人已通过其他途径获取所需信息并书面确认",
            "basis": "《条例》第三十三条",
        }
    return {}


def reply(application, by, outcome, on):
    """Draft and issue the reply in one go: closed on ``on``."""
    return services.application_reply(
        application=application, by=by, outcome=outcome, on=on, **reply_details(outcome)
    )
