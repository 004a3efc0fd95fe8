"""The reference agency's catalog for the demo: 71 items published in 2017 (4 policy, 40 work
updates, 27 other, as its annual report states) over the seven channels it names, plus a few
later-year items, normative documents that were later repealed, and two items still waiting.
"""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Role
from disclosure import services
from disclosure.models import Category, Channel, DocKind, Genre, Item, Review, Topic, Validity

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
        "利通区生产经营单位安全生产举报奖励办法",
        "利通区人民政府令〔2019〕1号",
        Category.POLICY,
        DocKind.RULE,
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
    services.item_submit(item=item, by=clerk)
    services.item_review(
        item=item, by=reviewer, opinion="经审查，不涉及国家秘密、商业秘密和个人隐私，同意公开。"
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
    if Item.objects.filter(agency=agency, is_demo=True).exists():
        return
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
