"""Demo proposals: none in 2017 (the reference report says the bureau received none), a few in
the 2023–2025 sessions, handled through the real services. Running it twice changes nothing."""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Role
from proposals import answer_classes, services
from proposals.models import (
    Body,
    Kind,
    Proposal,
    PublicationMode,
    Satisfaction,
    Session,
    Timing,
)

SESSIONS = [
    ("利通区第十届人民代表大会第二次会议", "区十届人大二次会议", Body.NPC, 2023, date(2023, 1, 5)),
    (
        "政协吴忠市利通区第十届委员会第二次会议",
        "区政协十届二次会议",
        Body.CPPCC,
        2023,
        date(2023, 1, 4),
    ),
    ("利通区第十届人民代表大会第三次会议", "区十届人大三次会议", Body.NPC, 2024, date(2024, 1, 8)),
    ("利通区第十届人民代表大会第四次会议", "区十届人大四次会议", Body.NPC, 2025, date(2025, 1, 7)),
]

# (session index, kind, number, title, proposer, assigned, reply, class, feedback, publication)
PROPOSALS = [
    (
        0,
        Kind.NPC_SUGGESTION,
        "15",
        "关于加强农村道路交通安全隐患排查的建议",
        "马建国",
        date(2023, 2, 10),
        date(2023, 4, 20),
        "A",
        Satisfaction.SATISFIED,
        (PublicationMode.FULL, date(2023, 5, 9)),
    ),
    (
        1,
        Kind.CPPCC_PROPOSAL,
        "32",
        "关于提升小微企业安全生产培训覆盖面的提案",
        "杨晓梅",
        date(2023, 2, 14),
        date(2023, 5, 12),
        "B",
        Satisfaction.BASIC,
        (PublicationMode.SUMMARY, date(2023, 6, 1)),
    ),
    (
        2,
        Kind.NPC_SUGGESTION,
        "8",
        "关于加快老旧小区燃气管道安全改造的建议",
        "丁志强",
        date(2024, 2, 20),
        date(2024, 5, 16),
        "B",
        Satisfaction.SATISFIED,
        (PublicationMode.FULL, date(2024, 6, 6)),
    ),
    (
        2,
        Kind.NPC_SUGGESTION,
        "21",
        "关于在乡镇设立应急物资储备点的建议",
        "海丽娟",
        date(2024, 2, 20),
        date(2024, 5, 28),
        "C",
        Satisfaction.NONE,
        None,
    ),
    # Still open: filed between sessions 75 days before the demo is loaded, so the staff
    # workbench shows a live deadline rather than one long overdue.
    (
        3,
        Kind.NPC_SUGGESTION,
        "101",
        "关于加强校园周边安全管理的建议",
        "李文斌",
        None,
        None,
        None,
        None,
        None,
    ),
]

REPLY = (
    "{proposer}代表：\n您提出的《{title}》收悉。我局高度重视，经认真研究，现答复如下：\n"
    "一、已将相关工作纳入年度安全生产工作要点，明确责任单位和完成时限。\n"
    "二、联合有关部门开展专项检查，对发现的问题建立台账、限期整改。\n"
    "三、下一步将持续跟踪落实情况，并及时向您反馈。\n感谢您对安全生产工作的关心和支持。"
)


def seed(ctx):
    sessions = []
    for name, short, body, year, opened in SESSIONS:
        session, _ = Session.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "body": body,
                "year": year,
                "opened_on": opened,
                "is_demo": True,
            },
        )
        sessions.append(session)
    clerk, head = ctx.users[Role.CLERK], ctx.users[Role.HEAD]
    co_unit_staff = ctx.users[Role.DISTRICT_ADMIN]
    classes = answer_classes.ensure_defaults()
    for (
        index,
        kind,
        number,
        title,
        proposer,
        assigned,
        reply,
        code,
        feedback,
        publication,
    ) in PROPOSALS:
        session = sessions[index]
        if Proposal.objects.filter(session=session, number=number).exists():
            continue
        timing = Timing.DURING if assigned else Timing.BETWEEN
        assigned = assigned or timezone.localdate() - timedelta(days=75)
        proposal = services.proposal_register(
            by=clerk,
            session=session,
            kind=kind,
            number=number,
            title=title,
            proposer=proposer,
            timing=timing,
            content=f"建议{ctx.agency.short_name or ctx.agency.name}{title[2:-3]}，切实保障群众生命财产安全。",
            co_signers="王红、张立",
            proposer_contact="13800000000（演示号码）",
            lead_unit=ctx.agency,
            co_units=[ctx.district],
            assigned_date=assigned,
            is_demo=True,
        )
        if reply is None:
            continue
        services.proposal_add_opinion(
            proposal=proposal,
            by=co_unit_staff,
            agency=ctx.district,
            given_on=reply,
            text="同意主办单位的办理意见，将在职责范围内配合做好相关工作。",
        )
        services.proposal_reply(
            proposal=proposal,
            by=head,
            reply_date=reply,
            answer_class=classes.get(code),
            reply_number=f"利安监函〔{reply.year}〕{number}号",
            signatory="朱负责",
            reply_text=REPLY.format(proposer=proposer, title=title),
            contact="局办公室 0953-2666295",
        )
        if feedback and feedback != Satisfaction.NONE:
            services.proposal_feedback(
                proposal=proposal, by=clerk, satisfaction=feedback, feedback_date=reply
            )
        if publication:
            mode, published = publication
            summary = f"{title[2:-3]}：已纳入年度工作要点并组织专项检查，后续持续跟踪落实。"
            services.proposal_submit_publication(
                proposal=proposal, by=clerk, mode=mode, summary=summary
            )
            services.proposal_review_publication(
                proposal=proposal, by=head, approved=True, opinion="同意公开"
            )
            services.proposal_publish(proposal=proposal, by=head, published_date=published)
