"""The reference agency's catalog for the demo: 71 items published in 2017 (4 policy, 40 work
updates, 27 other, as its annual report states) over the seven channels it names, plus a few
later-year items, normative documents that were later repealed, and two items still waiting.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role
from accounts.services import staff_create
from agencies.models import Agency
from disclosure import demo_files, screening, services
from disclosure import interpretations as interpretations_module
from disclosure.models import (
    Attachment,
    Category,
    Channel,
    DocKind,
    Genre,
    InterpretationKind,
    Item,
    Review,
    Topic,
    Validity,
)
from disclosure.uploads import inspect_upload

CHANNELS = [
    ("利通区政府门户网站", "portal"),
    ("局政务公开栏", "bulletin"),
    ("“多彩利通”微信平台", "wechat"),
    ("新华·利通政务通手机报", "app"),
    ("利通周讯报刊", "newspaper"),
    ("吴忠日报", "newspaper"),
    ("宁夏日报", "newspaper"),
]

POLICY_2017 = [
    ("关于印发《利通区2017年安全生产工作要点》的通知", "吴利安监发〔2017〕3号", DocKind.NONE),
    (
        "关于印发《利通区安全生产约谈制度（试行）》的通知",
        "吴利安监发〔2017〕12号",
        DocKind.NORMATIVE,
    ),
    (
        "关于印发《利通区生产经营单位安全生产主体责任清单》的通知",
        "吴利安监发〔2017〕27号",
        DocKind.NORMATIVE,
    ),
    ("利通区危险化学品安全综合治理实施方案", "吴利安监发〔2017〕41号", DocKind.NONE),
]

WORK_2017 = [
    "区安监局召开2017年全区安全生产工作会议",
    "区安监局开展春节前烟花爆竹经营单位安全检查",
    "区安监局部署节后复工复产安全生产工作",
    "区安监局开展“两会”期间安全生产专项检查",
    "区安监局组织开展危险化学品企业安全培训",
    "区安监局开展“打非治违”专项行动",
    "区安监局深入建筑施工企业开展安全检查",
    "区安监局开展清明节前安全生产大检查",
    "区安监局召开一季度安全生产形势分析会",
    "区安监局组织开展非煤矿山安全隐患排查",
    "区安监局开展“五一”节前安全生产检查",
    "区安监局启动2017年“安全生产月”活动",
    "区安监局开展“安全生产月”宣传咨询日活动",
    "区安监局组织开展应急救援演练",
    "区安监局对加油站开展安全专项检查",
    "区安监局开展职业卫生专项执法检查",
    "区安监局举办企业主要负责人安全培训班",
    "区安监局开展汛期安全生产检查",
    "区安监局召开上半年安全生产工作总结会",
    "区安监局开展粉尘防爆专项整治",
    "区安监局开展有限空间作业专项检查",
    "区安监局联合多部门开展液化气站安全检查",
    "区安监局开展高温季节安全生产检查",
    "区安监局开展安全生产标准化建设督导",
    "区安监局开展中秋、国庆节前安全检查",
    "区安监局开展安全生产“大快严”集中行动",
    "区安监局召开三季度安全生产形势分析会",
    "区安监局开展冬季安全生产检查",
    "区安监局开展烟花爆竹零售网点审核工作",
    "区安监局开展“安全生产法宣传周”活动",
    "区安监局组织开展乡镇安全监管人员培训",
    "区安监局开展企业隐患排查治理体系建设推进会",
    "区安监局开展岁末年初安全生产大检查",
    "区安监局开展消防安全联合检查",
    "区安监局开展道路交通安全宣传进企业活动",
    "区安监局督查重点企业安全生产责任落实",
    "区安监局开展化工园区安全风险评估",
    "区安监局开展安全社区创建工作",
    "区安监局召开全年安全生产目标责任考核会",
    "区安监局开展元旦、春节前安全生产检查部署",
]

OTHER_2017 = [
    "利通区安全生产监督管理局2017年部门预算",
    "利通区安全生产监督管理局2016年部门决算",
    "利通区安全生产监督管理局机构职能",
    "利通区安全生产监督管理局领导分工",
    "2017年安全生产行政执法检查计划",
    "安全生产行政许可事项目录",
    "安全生产行政处罚裁量基准",
    "安全生产行政处罚决定公开（第一批）",
    "安全生产行政处罚决定公开（第二批）",
    "安全生产行政处罚决定公开（第三批）",
    "安全生产行政处罚决定公开（第四批）",
    "2017年一季度全区安全生产形势通报",
    "2017年二季度全区安全生产形势通报",
    "2017年三季度全区安全生产形势通报",
    "2017年四季度全区安全生产形势通报",
    "烟花爆竹零售经营许可证发放名单",
    "危险化学品经营许可证发放名单",
    "安全生产举报投诉电话及受理方式",
    "2017年“安全生产月”活动方案",
    "生产安全事故应急预案（2017年修订）",
    "安全生产“双随机一公开”抽查结果",
    "安全生产不良记录“黑名单”公告",
    "安全生产权责清单",
    "2017年公务接待和“三公”经费说明",
    "政府信息公开指南（2017年版）",
    "政府信息公开目录（2017年版）",
    "安全生产法律法规汇编目录",
]

# A district (county-level) government cannot make 规章 (《立法法》第九十三条: provinces and
# 设区的市 only): the 2019 document the demo once counted as a 利通区人民政府令 规章 is the
# bureau's 行政规范性文件. Demo databases seeded before are corrected (a recorded 更正).
OLD_RULE_NUMBER = "利通区人民政府令〔2019〕1号"
RULE_FIX = {
    "title": "关于印发《利通区生产经营单位安全生产举报奖励办法》的通知",
    "document_number": "吴利安监发〔2019〕9号",
    "doc_kind": DocKind.NORMATIVE,
}
RULE_FIX_REASON = (
    "演示数据更正：区（县）级机关没有规章制定权（《立法法》第九十三条），本件是本局的行政规范性文件，"
    "文号和文件类型据此更正。"
)

LATER = [
    # (formed, published, title, number, category, doc_kind); validity changes follow below
    (
        date(2018, 3, 2),
        date(2018, 3, 9),
        "关于印发《利通区安全生产风险分级管控办法》的通知",
        "吴利安监发〔2018〕8号",
        Category.POLICY,
        DocKind.NORMATIVE,
    ),
    (
        date(2018, 6, 1),
        date(2018, 6, 8),
        "区安监局启动2018年“安全生产月”活动",
        "",
        Category.WORK,
        DocKind.NONE,
    ),
    (
        date(2019, 1, 10),
        date(2019, 1, 18),
        "利通区安全生产监督管理局2018年政府信息公开工作年度报告",
        "",
        Category.OTHER,
        DocKind.NONE,
    ),
    (
        date(2019, 4, 1),
        date(2019, 4, 12),
        RULE_FIX["title"],
        RULE_FIX["document_number"],
        Category.POLICY,
        DocKind.NORMATIVE,
    ),
    (
        date(2020, 5, 6),
        date(2020, 5, 15),
        "关于印发《利通区危险化学品重大危险源监督管理办法》的通知",
        "吴利应急发〔2020〕15号",
        Category.POLICY,
        DocKind.NORMATIVE,
    ),
    (
        date(2021, 3, 3),
        date(2021, 3, 10),
        "区应急管理局开展2021年安全生产大检查",
        "",
        Category.WORK,
        DocKind.NONE,
    ),
]
# Documents declared repealed or expired later, as the annual report's table 二 counts them.
VALIDITY_CHANGES = [
    ("吴利安监发〔2017〕12号", Validity.REPEALED, date(2019, 6, 28)),
    ("吴利安监发〔2018〕8号", Validity.EXPIRED, date(2020, 12, 31)),
]


def _plan_2017():
    """(category, title, number, doc kind) for the 71 items, spread over the year."""
    plan = [(Category.POLICY, t, n, k) for t, n, k in POLICY_2017]
    plan += [(Category.WORK, t, "", DocKind.NONE) for t in WORK_2017]
    plan += [(Category.OTHER, t, "", DocKind.NONE) for t in OTHER_2017]
    # Interleave so that every month has some of each kind (a stable, repeatable order).
    return sorted(plan, key=lambda row: (plan.index(row) * 7919) % len(plan))


def _weekday(day):
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _topics():
    by_name = {topic.name: topic for topic in Topic.objects.all()}
    return by_name


def _publish(
    agency,
    clerk,
    reviewer,
    *,
    formed,
    published,
    channels,
    validity=None,
    changed_on=None,
    **fields,
):
    item = services.item_create(
        agency=agency, by=clerk, formed_date=formed, channels=channels, **fields
    )
    # Marked while still a draft: published rows are read-only in the database.
    Item.objects.filter(pk=item.pk).update(is_demo=True)
    if interpretations_module.is_policy(item):
        _attach_demo_files(item, clerk)  # policy documents can be downloaded as PDF and DOCX
    services.item_submit(item=item, by=clerk)
    # The files carry the issuing body's name as signed at the time (the bureau before its 2019
    # renaming): the content check's hint is answered as a reviewer would, not silenced.
    reasons = {hit.fingerprint: HISTORICAL_NAME_REASON for hit in screening.item_hits(item)}
    services.item_review(
        item=item,
        by=reviewer,
        opinion="经审查，不涉及国家秘密、商业秘密和个人隐私，同意公开。",
        hit_reasons=reasons,
    )
    item = services.item_publish(item=item, by=reviewer, published_date=published)
    Review.objects.filter(item=item).update(reviewed_on=published)
    return item


def seed(ctx):
    agency = ctx.agency
    channels = []
    for order, (name, kind) in enumerate(CHANNELS, start=1):
        channel, _ = Channel.objects.get_or_create(
            agency=agency,
            name=name,
            defaults={"kind": kind, "sort_order": order * 10, "is_demo": True},
        )
        channels.append(channel)
    clerk, reviewer = ctx.users[Role.CLERK], ctx.users[Role.REVIEWER]
    if Item.objects.filter(agency=agency, is_demo=True).exists():
        _complete_older_demo(agency, ctx.users)
    else:
        _seed_catalog(ctx, agency, channels)
    _seed_interpretations(agency, clerk, reviewer, channels)
    _seed_ogi_rules(agency, ctx.district, ctx.users, channels, ctx.demo_mode)
    ctx.logins.append(("ltq_reviewer", "审核人（区政府办）"))


def _seed_catalog(ctx, agency, channels):
    clerk, reviewer = ctx.users[Role.CLERK], ctx.users[Role.REVIEWER]
    topics = _topics()
    safety, other_topic = topics.get("安全生产"), topics.get("其他")
    genre_for = {
        Category.POLICY: Genre.NOTICE,
        Category.WORK: Genre.NEWS,
        Category.OTHER: Genre.OTHER,
    }
    for n, (category, title, number, doc_kind) in enumerate(_plan_2017()):
        published = _weekday(date(2017, 1, 6) + timedelta(days=n * 5))
        # Most within the 20 working days of Art. 26; every tenth one late, as the report admits.
        formed = published - timedelta(days=35 if n % 10 == 3 else 2 + n % 9)
        picked = [channels[0]] + [
            c for i, c in enumerate(channels[1:], start=1) if (n + i) % (i + 1) == 0
        ]
        topic = (
            topics.get("规章")
            if doc_kind == DocKind.RULE
            else (
                topics.get("行政规范性文件")
                if doc_kind == DocKind.NORMATIVE
                else (other_topic if category == Category.OTHER and "预算" in title else safety)
            )
        )
        _publish(
            agency,
            clerk,
            reviewer,
            formed=formed,
            published=published,
            channels=picked,
            title=title,
            document_number=number,
            category=category,
            doc_kind=doc_kind,
            topic=topic,
            genre=genre_for[category],
            keywords="安全生产",
            summary=f"{agency.short_name}{title.removeprefix('区安监局')}的有关情况。",
            body=f"为切实做好全区安全生产工作，{agency.name}按照区委、区政府的统一部署，"
            "认真落实安全生产责任制，扎实开展隐患排查治理。\n\n- 压实企业主体责任\n- 强化部门监管责任\n- 加强宣传教育培训",
        )
    for formed, published, title, number, category, doc_kind in LATER:
        topic = (
            topics.get("规章")
            if doc_kind == DocKind.RULE
            else (topics.get("行政规范性文件") if doc_kind == DocKind.NORMATIVE else safety)
        )
        _publish(
            agency,
            clerk,
            reviewer,
            formed=formed,
            published=published,
            channels=channels[:3],
            title=title,
            document_number=number,
            category=category,
            doc_kind=doc_kind,
            topic=topic,
            genre=Genre.NOTICE if number else Genre.NEWS,
            summary=title + "。",
            body=title + "。",
        )
    for number, validity, changed_on in VALIDITY_CHANGES:
        item = Item.objects.get(agency=agency, document_number=number)
        services.item_set_validity(item=item, by=reviewer, validity=validity, changed_on=changed_on)
    today = timezone.localdate()
    for days, title in [
        (30, "关于开展冬季安全生产大检查的通知"),
        (8, "区应急管理局开展危险化学品企业专项检查"),
    ]:
        item = services.item_create(
            agency=agency,
            by=clerk,
            title=title,
            formed_date=today - timedelta(days=days),
            category=Category.WORK,
            topic=safety,
            channels=channels[:1],
        )
        if days == 8:
            services.item_submit(item=item, by=clerk)
        Item.objects.filter(pk=item.pk).update(is_demo=True)


HISTORICAL_NAME_REASON = "原件按成文时的机构名称署名，按原样公开（演示数据）。"

# 政策解读 of the 2020 normative document: a text interpretation the same day, a graphic one
# within the 3 working days (2020-05-15 was a Friday; the 18th is the first working day after).
INTERPRETED_NUMBER = "吴利应急发〔2020〕15号"
INTERPRETATIONS = [
    (
        date(2020, 5, 15),
        InterpretationKind.TEXT,
        "《利通区危险化学品重大危险源监督管理办法》政策解读",
        "一、制定背景\n\n为加强危险化学品重大危险源的安全监督管理，防范和遏制重特大事故，"
        "根据《危险化学品重大危险源监督管理暂行规定》，结合本区实际，制定本办法。\n\n"
        "二、主要内容\n\n办法共五章二十六条，明确了重大危险源的辨识与评估、登记建档与备案、"
        "监控与检查、应急管理和法律责任。\n\n"
        "- 生产经营单位是重大危险源安全管理的责任主体\n"
        "- 重大危险源实行分级管理，一级、二级重大危险源每季度至少检查一次\n"
        "- 重大危险源应当在投入使用后三十日内备案\n\n"
        "三、施行时间\n\n本办法自发布之日起施行，有效期五年。",
    ),
    (
        date(2020, 5, 18),
        InterpretationKind.GRAPHIC,
        "图解：《利通区危险化学品重大危险源监督管理办法》",
        "一图读懂重大危险源监督管理：辨识评估、登记备案、分级监控、应急处置四个环节，"
        "企业主体责任和部门监管责任一目了然。",
    ),
]

# 政府信息公开制度: each a published item with its text (the 制度 page lists and opens them).
AGENCY_OGI_RULES = [
    (
        "政务公开工作考核、社会评议和责任追究制度",
        "第一条 为推动政务公开工作落实，本局实行政务公开工作考核、社会评议和责任追究制度。\n\n"
        "第二条 政务公开工作纳入科室年度目标责任考核，考核结果与评先评优挂钩。\n\n"
        "第三条 每年通过公开栏、门户网站征求社会评议意见，评议结果在年度报告中说明。\n\n"
        "第四条 不依法履行公开义务、不及时更新公开内容或公开不应公开信息的，依照《中华人民共和国政府"
        "信息公开条例》第五十二条、第五十三条追究责任。",
    ),
    (
        "“五公开”（决策、执行、管理、服务、结果公开）纳入办文办会程序制度",
        "第一条 拟制公文时，起草科室应当明确公开属性（主动公开、依申请公开、不予公开），"
        "不予公开的应当说明理由。\n\n"
        "第二条 局务会议审议涉及公众利益的事项时，同步研究公开方式和公开时间。\n\n"
        "第三条 办公室对公开属性进行审核，确保应公开尽公开。",
    ),
    (
        "重大行政决策预公开制度",
        "第一条 涉及群众切身利益的重大行政决策，除依法应当保密的外，在决策前向社会公开决策草案、"
        "决策依据，广泛听取公众意见。\n\n"
        "第二条 征求意见期限一般不少于30日，意见采纳情况应当反馈。",
    ),
    (
        "政府信息公开保密审查制度",
        "第一条 信息公开前由办公室初审、分管领导审核，难以确定是否涉密的，报保密行政管理部门确定。\n\n"
        "第二条 保密审查应当记录审查人、审查日期和审查意见，审查记录随公开信息存档。\n\n"
        "第三条 未经保密审查的信息不得公开。",
    ),
    (
        "政府信息依申请公开办理制度",
        "第一条 办公室统一受理政府信息公开申请，当场或在收到申请之日起登记。\n\n"
        "第二条 能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复；"
        "需要延长的，经政府信息公开工作机构负责人同意，延长期限不超过20个工作日。\n\n"
        "第三条 答复书面告知申请人，并载明救济途径。",
    ),
]
DISTRICT_OGI_RULES = [
    (
        "吴忠市利通区政府信息公开工作制度",
        "第一条 区人民政府办公室是本区政府信息公开工作主管部门，负责推进、指导、协调、监督全区政府信息"
        "公开工作。\n\n"
        "第二条 区属各部门、各乡镇（街道）确定政府信息公开工作机构和工作人员，负责本机关政府信息公开"
        "日常工作。\n\n"
        "第三条 各部门未单独制定公开制度的，执行本制度及区人民政府的其他公开制度。",
    ),
    (
        "吴忠市利通区政府信息公开保密审查办法",
        "第一条 各机关公开政府信息前，依照《中华人民共和国保守国家秘密法》和《条例》进行保密审查。\n\n"
        "第二条 实行“先审查、后公开”和“一事一审”，审查记录留存备查。",
    ),
    (
        "吴忠市利通区政府信息公开工作考核办法",
        "第一条 区人民政府每年对各部门、各乡镇（街道）政府信息公开工作进行考核，考核结果纳入年度目标"
        "责任考核。\n\n"
        "第二条 考核内容包括主动公开、依申请公开、政策解读、平台建设和年度报告。",
    ),
]


def _demo_uploads(item):
    """The document as a PDF and a DOCX, named after it (the catalog's download names)."""
    facts = {
        "title": item.title,
        "number": item.document_number,
        "agency": item.agency.name,
        "body": item.body,
    }
    stem = item.title[:60]
    return [
        SimpleUploadedFile(f"{stem}.pdf", demo_files.pdf_bytes(**facts), "application/pdf"),
        SimpleUploadedFile(
            f"{stem}.docx",
            demo_files.docx_bytes(**facts),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]


def _attach_demo_files(item, clerk):
    for order, upload in enumerate(_demo_uploads(item), start=1):
        attachment = services.item_attach(item=item, by=clerk, upload=upload, sort_order=order * 10)
        Attachment.objects.filter(pk=attachment.pk).update(is_demo=True)


def _complete_older_demo(agency, users):
    """Bring a demo seeded by an earlier version up to date, through recorded corrections."""
    reviewer = users[Role.REVIEWER]
    old = Item.objects.published().filter(
        agency=agency, is_demo=True, document_number=OLD_RULE_NUMBER
    )
    for item in old:
        services.item_correct(item=item, by=reviewer, reason=RULE_FIX_REASON, **RULE_FIX)
    policies = (
        Item.objects.published()
        .filter(agency=agency, is_demo=True, attachments__isnull=True)
        .filter(interpretations_module.POLICIES)
        .select_related("agency")
    )
    for item in policies:
        add = []
        for order, upload in enumerate(_demo_uploads(item), start=1):
            content_type, size, sha256 = inspect_upload(upload)
            add.append(
                Attachment(
                    file=upload,
                    name=upload.name,
                    content_type=content_type,
                    size=size,
                    sha256=sha256,
                    sort_order=order * 10,
                    is_demo=True,
                )
            )
        services.item_correct_attachments(
            item=item, by=reviewer, reason="演示数据：补充正文的PDF和DOCX附件。", add=add
        )


def _seed_interpretations(agency, clerk, reviewer, channels):
    if Item.objects.filter(agency=agency, is_demo=True, interprets__isnull=False).exists():
        return
    policy = Item.objects.published().filter(agency=agency, document_number=INTERPRETED_NUMBER)
    policy = policy.first()
    if policy is None:
        return
    topic = policy.topic
    for published, kind, title, body in INTERPRETATIONS:
        _publish(
            agency,
            clerk,
            reviewer,
            formed=published,
            published=published,
            channels=channels[:3],
            title=title,
            summary=f"对{policy.document_number}《{policy.title}》的{kind.label}。",
            body=body,
            category=Category.POLICY,
            genre=Genre.INTERPRETATION,
            interprets=policy,
            interpretation_kind=kind,
            topic=topic,
            keywords="政策解读 危险化学品",
        )


def _seed_ogi_rules(agency, district, users, channels, demo_mode):
    if Item.objects.filter(is_demo=True, ogi_rule=True).exists():
        return
    other = Topic.objects.filter(parent__isnull=True, name="机构职能").first()
    clerk, reviewer = users[Role.CLERK], users[Role.REVIEWER]
    for n, (title, body) in enumerate(AGENCY_OGI_RULES):
        formed = date(2016, 3, 1) + timedelta(days=7 * n)
        _publish(
            agency,
            clerk,
            reviewer,
            formed=formed,
            published=_weekday(formed + timedelta(days=3)),
            channels=channels[:2],
            title=f"{agency.short_name}{title}",
            summary=f"{agency.name}{title}全文。",
            body=body,
            category=Category.OTHER,
            genre=Genre.RULES,
            ogi_rule=True,
            topic=other,
        )
    # The district's rules, drafted by its administrator and reviewed by a second member of its
    # office (four eyes), so that the district's own 制度 page is not empty.
    district_reviewer = staff_create(
        username="ltq_reviewer",
        name="区政府办审核（演示）",
        password=DEMO_PASSWORD if demo_mode else None,
        memberships=[(district, Role.REVIEWER)],
    )
    for n, (title, body) in enumerate(DISTRICT_OGI_RULES):
        formed = date(2019, 8, 1) + timedelta(days=14 * n)
        _publish(
            district,
            users[Role.DISTRICT_ADMIN],
            district_reviewer,
            formed=formed,
            published=_weekday(formed + timedelta(days=5)),
            channels=[],
            title=title,
            summary=f"{title}全文。",
            body=body,
            category=Category.OTHER,
            genre=Genre.RULES,
            ogi_rule=True,
            topic=other,
        )
    # The titles once typed on the agency form are now published items with their text.
    Agency.objects.filter(pk=agency.pk, is_demo=True).exclude(rules_text="").update(rules_text="")
