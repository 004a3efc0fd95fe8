"""Demo applications for the agency of the reference report, made through the real services.

None in 2017 (the reference report has none). A handful in 2021–2025 across outcomes and
applicant types: one carried over from 2024 into 2025, one still open at the end of 2025, one
with a reconsideration. Everything is marked ``is_demo``; a second run changes nothing.
"""

from datetime import date
from decimal import Decimal

from accounts.models import Role
from applications import services
from applications.models import (
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    Channel,
    Delivery,
    FeeMethod,
    Form,
    IdType,
    Notice,
    NoticeStatus,
    Outcome,
    PauseKind,
)
from applications.validators import resident_id_check_char


def _id_number(birth, serial):
    first17 = f"640302{birth}{serial:03d}"
    return first17 + resident_id_check_char(first17)


def _person(n, name):
    return services.ApplicantData(
        name=f"{name}（演示）",
        id_type=IdType.RESIDENT_ID,
        id_number=_id_number(f"19{70 + n:02d}0{n % 9 + 1}1{n % 9}", 100 + n),
        phone=f"1380953{n:04d}",
        email=f"demo{n}@example.com",
        address=f"宁夏回族自治区吴忠市利通区演示路{n}号",
    )


def _org(n, name, org):
    person = _person(n, name)
    return services.ApplicantData(
        **{**person.__dict__, "org_name": f"{org}（演示）", "credit_code": f"91640302MA7600{n:04d}"}
    )


def seed(ctx):
    agency = ctx.agency
    if Application.objects.filter(agency=agency, is_demo=True).exists():
        return
    clerk, head = ctx.users[Role.CLERK], ctx.users[Role.HEAD]

    def register(
        received, applicant_type, applicant, description, channel=Channel.IN_PERSON, **dates
    ):
        application, _ = services.application_register(
            agency=agency,
            by=clerk,
            channel=channel,
            submitted_on=dates.pop("sent", received),
            applicant=applicant,
            applicant_type=applicant_type,
            description=description,
            form=Form.ELECTRONIC,
            delivery=Delivery.EMAIL,
            is_demo=True,
            **dates,
        )
        return application

    def issue_all(application, on):
        for notice in Notice.objects.filter(application=application, status=NoticeStatus.DRAFT):
            services.notice_issue(notice=notice, by=clerk, on=on)

    def handle(application, on):
        services.application_review(application=application, by=clerk, on=on)
        services.application_accept(application=application, by=clerk, on=on)

    def reply(application, outcome, on, archive=True, **details):
        services.application_reply(
            application=application, by=clerk, outcome=outcome, on=on, **details
        )
        issue_all(application, on)
        if archive:
            services.application_archive(application=application, by=clerk, on=on)

    a = register(
        date(2021, 3, 15),
        ApplicantType.NATURAL_PERSON,
        _person(1, "马建国"),
        "2020年度利通区安全生产执法检查计划全文。",
    )
    handle(a, date(2021, 3, 15))
    reply(a, Outcome.GRANTED, date(2021, 4, 2))

    a = register(
        date(2021, 9, 22),
        ApplicantType.COMMERCIAL,
        _org(2, "李明", "吴忠某建材有限公司"),
        "本公司2021年安全生产检查记录及整改意见书。",
        channel=Channel.POST,
        sent=date(2021, 9, 18),
        signed_on=date(2021, 9, 22),
    )
    handle(a, date(2021, 9, 23))
    reply(
        a,
        Outcome.PARTIAL,
        date(2021, 10, 19),
        withheld="检查记录中其他企业员工的姓名、身份证号码和联系电话",
        ground="denied.third_party",
        reason="上述内容属于个人信息，公开会侵害相关人员的个人隐私",
    )

    a = register(
        date(2022, 5, 11),
        ApplicantType.NATURAL_PERSON,
        _person(3, "王芳"),
        "关于某小区燃气安全的文件。",
        channel=Channel.EMAIL,
        sent=date(2022, 5, 10),
        confirmed_on=date(2022, 5, 11),
    )
    services.application_review(application=a, by=clerk, on=date(2022, 5, 12))
    services.application_request_correction(
        application=a,
        by=clerk,
        on=date(2022, 5, 13),
        items="请写明所需文件的名称、文号或者形成时间，以及涉及的小区名称。",
    )
    issue_all(a, date(2022, 5, 13))
    services.application_receive_correction(application=a, by=clerk, on=date(2022, 5, 20))
    services.application_accept(application=a, by=clerk, on=date(2022, 5, 20))
    reply(
        a,
        Outcome.NOT_HELD,
        date(2022, 6, 10),
        reason="本机关检索了2019年以来的发文、收文和执法档案，未检索到涉及该小区燃气安全的文件",
    )

    a = register(
        date(2022, 11, 1),
        ApplicantType.RESEARCH,
        _org(4, "赵研究", "宁夏某安全科学研究院"),
        "2019—2021年利通区工贸企业事故调查报告。",
    )
    handle(a, date(2022, 11, 2))
    services.application_pause(
        application=a,
        by=clerk,
        kind=PauseKind.THIRD_PARTY,
        party="涉事企业（演示）",
        on=date(2022, 11, 8),
    )
    issue_all(a, date(2022, 11, 8))
    services.application_resume(application=a, by=clerk, on=date(2022, 11, 22))
    reply(
        a,
        Outcome.THIRD_PARTY,
        date(2022, 12, 5),
        archive=False,
        reason="所申请的事故调查报告含有涉事企业的生产工艺和经营信息，该企业书面答复不同意公开并说明了理由",
    )
    appeal = services.appeal_record(
        application=a,
        by=clerk,
        kind=AppealKind.RECONSIDERATION,
        filed_on=date(2023, 1, 10),
        body="吴忠市利通区人民政府",
    )
    services.appeal_decide(
        appeal=appeal, by=clerk, result=AppealResult.UPHELD, decided_on=date(2023, 3, 15)
    )

    a = register(
        date(2023, 6, 5),
        ApplicantType.NATURAL_PERSON,
        _person(5, "刘强"),
        "反映某加油站安全隐患，要求查处。",
        channel=Channel.PHONE,
    )
    services.application_review(application=a, by=clerk, on=date(2023, 6, 5))
    reply(
        a,
        Outcome.COMPLAINT,
        date(2023, 6, 8),
        reason="您反映加油站存在安全隐患并要求查处，属于举报事项，本机关已转交执法监察部门依法处理",
    )

    a = register(
        date(2023, 8, 14),
        ApplicantType.LEGAL_SERVICE,
        _org(6, "陈律师", "宁夏某律师事务所"),
        "某企业2022年行政处罚决定书及听证材料。",
    )
    handle(a, date(2023, 8, 15))
    services.application_extend(
        application=a,
        by=head,
        days=10,
        on=date(2023, 9, 8),
        reason="所需信息涉及档案调取，需要较长时间",
    )
    issue_all(a, date(2023, 9, 8))
    reply(
        a,
        Outcome.ENFORCEMENT_FILE,
        date(2023, 9, 22),
        reason="行政处罚决定书已依法主动公开，听证材料属于该案的行政执法案卷",
    )

    a = register(
        date(2024, 4, 8),
        ApplicantType.NATURAL_PERSON,
        _person(7, "杨丽"),
        "2023年度安全生产责任制考核结果。",
    )
    services.application_review(application=a, by=clerk, on=date(2024, 4, 8))
    services.application_withdraw(
        application=a, by=clerk, on=date(2024, 4, 12), reason="申请人来电撤回"
    )
    services.application_archive(application=a, by=clerk, on=date(2024, 4, 12))

    # Received in December 2024, answered in January 2025: carried over across the year end.
    a = register(
        date(2024, 12, 20),
        ApplicantType.PUBLIC_WELFARE,
        _org(8, "周志愿", "利通区某安全宣传公益协会"),
        "2024年利通区安全生产宣传月活动方案及经费安排。",
    )
    handle(a, date(2024, 12, 23))
    reply(a, Outcome.GRANTED, date(2025, 1, 10))

    a = register(
        date(2025, 3, 3),
        ApplicantType.NATURAL_PERSON,
        _person(9, "孙伟"),
        "2015年以来全部安全生产许可审批档案复印件。",
    )
    handle(a, date(2025, 3, 4))
    services.application_fee_notice(
        application=a, by=clerk, method=FeeMethod.BY_PAGE, pages=120, on=date(2025, 3, 10)
    )
    issue_all(a, date(2025, 3, 10))
    services.application_fee_paid(
        application=a, by=clerk, amount=Decimal("1100.00"), on=date(2025, 3, 20)
    )
    reply(a, Outcome.GRANTED, date(2025, 4, 10))

    # Still open at the end of 2025: carried forward in the 2025 report.
    a = register(
        date(2025, 12, 22),
        ApplicantType.OTHER_ORG,
        _org(10, "吴主任", "某村民委员会"),
        "本村周边化工企业安全距离评估报告。",
    )
    handle(a, date(2025, 12, 23))
