"""The mapping step of an import: an old portal's own vocabularies onto this site's.

Old portals print their own 主题分类 (``应急管理``, ``综合政务-文秘工作``, ``民政、乡村振兴、救灾``),
体裁 (``预案``), 有效性 (``现行有效``, ``已修订``) and 信息类别. Each distinct value of a file gets a
target: the agency's saved mapping when staff confirmed one before, else an exact match, else a
suggestion (for topics: path segments, then the closest 国务院 topic by name). A value with
nothing close goes to the stated default of its kind. Staff confirm the table once; the
confirmed rows are saved per agency (:class:`~disclosure.models.ImportMapping`) and reused for
the next file.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from disclosure.models import Category, Genre, ImportMapping, MappingKind, Topic, Validity

# How real portals join several topics or a path: 综合政务,公民,其他 · 综合政务-文秘工作 ·
# 综合政务;应急管理 · 民政、乡村振兴、救灾 · 农业/林业.
SPLIT = re.compile(r"\s*[,，;；\-－—、/／\\|｜>›»]+\s*")

# The 国务院 portal's 主题分类 (政策文件库): each heading and its sub-topics, with the node of the
# site's Art. 20 tree that suits it best. A sub-topic's own target overrides its heading's.
GUOWUYUAN_TOPICS = [
    (
        "综合政务",
        "其他",
        {
            "应急管理": "突发公共事件应急",
            "政务公开": "其他",
            "文秘工作": "其他",
            "电子政务": "其他",
            "政务督查": "监督检查",
            "行政事务": "其他",
            "信访": "其他",
            "机构设置": "机构职能",
            "机构职能": "机构职能",
        },
    ),
    (
        "国民经济管理、国有资产监管",
        "规划计划",
        {
            "发展规划": "规划计划",
            "统计": "统计信息",
            "宏观经济": "规划计划",
            "经济体制改革": "规划计划",
            "价格": "行政事业性收费",
            "国有资产监管": "其他",
        },
    ),
    (
        "财政、金融、审计",
        "财政预算、决算",
        {
            "财政": "财政预算、决算",
            "预算": "财政预算、决算",
            "决算": "财政预算、决算",
            "金融": "其他",
            "审计": "监督检查",
            "税务": "行政事业性收费",
            "收费": "行政事业性收费",
            "政府采购": "政府集中采购",
        },
    ),
    (
        "国土资源、能源",
        "其他",
        {
            "土地": "其他",
            "矿产": "其他",
            "海洋": "其他",
            "测绘": "其他",
            "能源": "其他",
            "电力": "其他",
        },
    ),
    (
        "农业、林业、水利",
        "其他",
        {
            "农业": "其他",
            "林业": "其他",
            "水利": "其他",
            "畜牧": "其他",
            "渔业": "其他",
            "农村": "民生政策",
        },
    ),
    (
        "工业、交通",
        "其他",
        {"工业": "其他", "交通": "重大建设项目", "通信": "其他", "信息化": "其他"},
    ),
    ("商贸、海关、旅游", "其他", {"商贸": "其他", "海关": "其他", "旅游": "其他"}),
    (
        "市场监管、安全生产监管",
        "监督检查",
        {
            "市场监管": "监督检查",
            "安全生产监管": "安全生产",
            "安全生产": "安全生产",
            "食品药品监管": "食品药品",
            "质量监督": "产品质量",
            "行政许可": "行政许可",
        },
    ),
    (
        "城乡建设、环境保护",
        "重大建设项目",
        {
            "城乡建设": "重大建设项目",
            "城市规划": "规划计划",
            "住房": "民生政策",
            "环境保护": "环境保护",
            "环境监测": "环境保护",
            "生态": "环境保护",
        },
    ),
    ("科技、教育", "民生政策", {"科技": "其他", "教育": "民生政策"}),
    ("文化、广电、新闻出版", "其他", {"文化": "其他", "广电": "其他", "新闻出版": "其他"}),
    ("卫生、体育", "民生政策", {"卫生": "民生政策", "医药管理": "食品药品", "体育": "其他"}),
    (
        "人口与计划生育、妇女儿童工作",
        "民生政策",
        {"人口与计划生育": "民生政策", "妇女儿童": "民生政策"},
    ),
    (
        "劳动、人事、监察",
        "其他",
        {
            "劳动就业": "民生政策",
            "社会保障": "民生政策",
            "人事工作": "公务员招考",
            "公务员": "公务员招考",
            "招考": "公务员招考",
            "招聘": "公务员招考",
            "监察": "监督检查",
        },
    ),
    (
        "公安、安全、司法",
        "其他",
        {
            "公安": "其他",
            "司法": "其他",
            "行政处罚": "行政处罚",
            "行政强制": "行政强制",
            "执法": "行政处罚、行政强制",
        },
    ),
    (
        "民政、扶贫、救灾",
        "民生政策",
        {
            "民政": "民生政策",
            "扶贫": "民生政策",
            "乡村振兴": "民生政策",
            "救灾": "突发公共事件应急",
            "社会福利": "民生政策",
            "减灾": "突发公共事件应急",
        },
    ),
    ("民族、宗教", "其他", {"民族": "其他", "宗教": "其他"}),
    ("对外事务", "其他", {}),
    ("港澳台侨工作", "其他", {}),
    ("国防", "其他", {}),
    ("其他", "其他", {}),
]

# Printed values of the other vocabularies that mean a choice of ours (suggestions, confirmed
# by staff like any other). ``None`` = leave empty.
SYNONYMS = {
    MappingKind.GENRE: {
        "预案": Genre.SCHEME,
        "应急预案": Genre.SCHEME,
        "实施方案": Genre.SCHEME,
        "规划": Genre.PLAN,
        "计划": Genre.PLAN,
        "工作计划": Genre.PLAN,
        "工作总结": Genre.SUMMARY,
        "动态": Genre.NEWS,
        "工作信息": Genre.NEWS,
        "新闻": Genre.NEWS,
        "公示": Genre.ANNOUNCEMENT,
        "通知公告": Genre.NOTICE,
        "细则": Genre.RULES,
        "规则": Genre.RULES,
        "条例": Genre.RULES,
        "命令": Genre.DECISION,
        "令": Genre.DECISION,
        "纪要": Genre.OTHER,
        "会议纪要": Genre.OTHER,
        "请示": Genre.REPORT,
        "行政规范性文件": Genre.OTHER,
        "规范性文件": Genre.OTHER,
        "规章": Genre.RULES,
        "政策解读": Genre.INTERPRETATION,
        "文字解读": Genre.INTERPRETATION,
        "图解": Genre.INTERPRETATION,
        "图片解读": Genre.INTERPRETATION,
        "视频解读": Genre.INTERPRETATION,
        "专家解读": Genre.INTERPRETATION,
    },
    MappingKind.VALIDITY: {
        "现行有效": Validity.VALID,
        "继续有效": Validity.VALID,
        "施行": Validity.VALID,
        "有效期内": Validity.VALID,
        "已失效": Validity.EXPIRED,
        "已过期": Validity.EXPIRED,
        "过期": Validity.EXPIRED,
        "已废止": Validity.REPEALED,
        "废除": Validity.REPEALED,
        "已修订": Validity.EXPIRED,
        "已修改": Validity.EXPIRED,
        "修订": Validity.EXPIRED,
    },
    MappingKind.CATEGORY: {
        "政策": Category.POLICY,
        "政策文件": Category.POLICY,
        "政策法规": Category.POLICY,
        "文件": Category.POLICY,
        "动态": Category.WORK,
        "工作信息": Category.WORK,
        "新闻": Category.WORK,
        "政务动态": Category.WORK,
    },
}
CHOICES = {MappingKind.GENRE: Genre, MappingKind.VALIDITY: Validity, MappingKind.CATEGORY: Category}
# Where values with nothing close go unless the agency saved another default.
DEFAULT_VALUES = {
    MappingKind.GENRE: Genre.OTHER,
    MappingKind.VALIDITY: Validity.VALID,
    MappingKind.CATEGORY: Category.OTHER,
}
DEFAULT_TOPIC_NAME = "其他"
NONE = ""  # the target "leave empty" (no topic / no genre)


@dataclass
class MappingRow:
    kind: str
    source: str
    rows: int
    target: str  # topic pk as text, or a choice value; "" = leave empty
    target_label: str
    basis: str  # why this target: 已保存 / 完全一致 / 路径 / 国务院主题 / 近义词 / 默认
    confirmed: bool
    segments: list = field(default_factory=list)

    @property
    def field_name(self):
        """Form field name of this row in the mapping form."""
        return f"map-{self.kind}-{hashlib.sha256(self.source.encode()).hexdigest()[:12]}"


@dataclass
class Mapping:
    """Every vocabulary's table for one file, and the lookup the importer uses."""

    rows: dict  # kind → [MappingRow]
    defaults: dict  # kind → (target, label)
    topics: dict  # pk text → Topic

    def target(self, kind, source):
        for row in self.rows.get(kind, ()):
            if row.source == source:
                return row.target
        return self.defaults[kind][0]

    def topic(self, source):
        return self.topics.get(self.target(MappingKind.TOPIC, source))

    @property
    def unconfirmed(self):
        return [row for rows in self.rows.values() for row in rows if not row.confirmed]

    def choose(self, kind, source, target):
        """Staff's choice for one row (from the form or ``--map``); the row becomes confirmed."""
        for row in self.rows.get(kind, ()):
            if row.source == source:
                if target != row.target:
                    row.target, row.target_label, row.basis = (
                        target,
                        self.label(kind, target),
                        "人工选择",
                    )
                row.confirmed = True
                return row
        raise KeyError(source)

    def label(self, kind, target):
        if kind == MappingKind.TOPIC:
            topic = self.topics.get(target)
            return str(topic) if topic else "（不设主题分类）"
        if target == NONE:
            return "（不填）"
        return CHOICES[kind](target).label

    def table(self):
        """All rows, topics first, in the order of their row counts."""
        return [row for kind in MappingKind.values for row in self.rows.get(kind, ())]


def bigrams(text):
    text = re.sub(r"\s+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a, b):
    """Dice coefficient over character bigrams (CJK has no spaces to split words on)."""
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def _guowuyuan_names():
    """(name, site topic name, specificity) for every 国务院 heading, heading part and sub-topic."""
    names = []
    for heading, target, subs in GUOWUYUAN_TOPICS:
        names.append((heading, target, 0))
        for part in SPLIT.split(heading):
            if part and part != heading:
                names.append((part, subs.get(part, target), 1))
        names.extend((sub, sub_target, 2) for sub, sub_target in subs.items())
    return names


GUOWUYUAN_NAMES = _guowuyuan_names()


class TopicIndex:
    """The site's topic tree, looked up by name and by path."""

    def __init__(self, topics=None):
        topics = list(topics if topics is not None else Topic.objects.select_related("parent"))
        self.by_pk = {str(topic.pk): topic for topic in topics}
        self.by_name, self.by_path = {}, {}
        for topic in topics:
            self.by_name.setdefault(topic.name, topic)
            if topic.parent_id:
                for joiner in (" › ", "›", "/", "-", ">", "—"):
                    self.by_path[f"{topic.parent.name}{joiner}{topic.name}"] = topic

    def exact(self, value):
        return self.by_path.get(value) or self.by_name.get(value)

    def suggest(self, value):
        """(topic or None, basis) for a printed 主题分类 value."""
        topic = self.exact(value)
        if topic:
            return topic, "名称完全一致"
        segments = [part for part in SPLIT.split(value) if part]
        # The most specific segment first: paths end with the leaf.
        for part in reversed(segments):
            topic = self.by_name.get(part)
            if topic:
                return topic, f"路径中的“{part}”"
        # Each part votes for the site topic of its closest 国务院 name, weighted by how specific
        # that name is: 综合政务;应急管理 goes to 应急管理's topic, and the three parts of
        # 民政、乡村振兴、救灾 outvote the one (救灾) that points elsewhere.
        votes, reasons = {}, {}
        for part in dict.fromkeys([value, *segments]):
            best = None
            for name, target, depth in GUOWUYUAN_NAMES:
                score = 1.0 if part == name else similarity(part, name)
                if score >= 0.5 and self.by_name.get(target):
                    weight = score * (1 + depth)
                    if best is None or weight > best[0]:
                        best = (weight, name, target)
            if best:
                weight, name, target = best
                votes[target] = votes.get(target, 0) + weight
                if weight > reasons.get(target, (0, ""))[0]:
                    reasons[target] = (weight, name)
        if votes:
            target = max(votes, key=lambda t: (votes[t], reasons[t][0]))
            return self.by_name[target], f"最接近的国务院主题“{reasons[target][1]}”"
        return None, ""


def split_segments(value):
    return [part for part in SPLIT.split(value) if part]


def suggest_choice(kind, value):
    """(choice value or None, basis) for genre, validity and category."""
    choices = CHOICES[kind]
    for member in choices:
        if member.value and value in (member.label, member.value):
            return member.value, "名称完全一致"
    synonyms = SYNONYMS.get(kind, {})
    if value in synonyms:
        return synonyms[value], "常见写法"
    best = max(
        (
            (similarity(value, member.label), member.value)
            for member in choices
            if member.label and member.value
        ),
        default=(0, None),
    )
    if best[0] >= 0.5:
        return best[1], "名称相近"
    return None, ""


def build(agency, values):
    """The mapping of one file: ``values`` maps each kind to a Counter of printed values."""
    index = TopicIndex()
    saved = {(m.kind, m.source): m for m in ImportMapping.objects.filter(agency=agency)}
    topics = dict(index.by_pk)
    mapping = Mapping(rows={}, defaults={}, topics=topics)
    for kind in MappingKind.values:
        default = saved.get((kind, ""))
        if kind == MappingKind.TOPIC:
            if default is not None:
                target = str(default.topic_id or "")
            else:
                fallback = index.by_name.get(DEFAULT_TOPIC_NAME)
                target = str(fallback.pk) if fallback else NONE
        else:
            target = default.value if default is not None else DEFAULT_VALUES[kind]
        mapping.defaults[kind] = (target, mapping.label(kind, target))
        rows = []
        for source, count in sorted(
            values.get(kind, Counter()).items(), key=lambda kv: (-kv[1], kv[0])
        ):
            known = saved.get((kind, source))
            if known is not None:
                target = str(known.topic_id or "") if kind == MappingKind.TOPIC else known.value
                basis, confirmed = "已保存的映射", True
            elif kind == MappingKind.TOPIC:
                topic, basis = index.suggest(source)
                target = str(topic.pk) if topic else mapping.defaults[kind][0]
                confirmed = basis == "名称完全一致"
            else:
                target, basis = suggest_choice(kind, source)
                confirmed = basis == "名称完全一致"
                if target is None:
                    target = mapping.defaults[kind][0]
            if not basis:
                basis = f"无相近取值，归入默认“{mapping.defaults[kind][1]}”"
            if target not in topics and kind == MappingKind.TOPIC and target != NONE:
                target = NONE  # a saved topic that was deleted since
            rows.append(
                MappingRow(
                    kind=kind,
                    source=source,
                    rows=count,
                    target=target,
                    target_label=mapping.label(kind, target),
                    basis=basis,
                    confirmed=confirmed,
                    segments=split_segments(source),
                )
            )
        mapping.rows[kind] = rows
    return mapping


def target_choices(kind, topics=None):
    """(value, label) options of the mapping form for one kind."""
    if kind == MappingKind.TOPIC:
        topics = topics if topics is not None else Topic.objects.select_related("parent")
        return [(NONE, "（不设主题分类）"), *((str(t.pk), str(t)) for t in topics)]
    empty = [(NONE, "（不填）")] if kind == MappingKind.GENRE else []
    return [*empty, *((m.value, m.label) for m in CHOICES[kind] if m.value)]
