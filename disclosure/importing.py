"""Bulk import of an existing catalog from CSV or XLSX (or the old site's pages, see oldsite.py).

The rows are taken as the old portal printed them: dates with or without a time in the usual
Chinese styles, its own topic, genre, validity and category words (mapped once by staff, see
:mod:`disclosure.import_mapping`), placeholder 文号 such as ``无`` or ``-``, and the extra columns
portals export (来源, 发布机构, 浏览次数, URL). Every row is validated first; each bad row is reported
with its line number and the reason, and every column gets its findings (what was kept, what was
read how, what was ignored). Nothing is imported when a row is bad, unless the caller asks to
import only the good rows. Imported items are history: they arrive published and marked as
imported, keeping their index numbers (or getting new ones), dates, times and validity.
"""

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from agencies.models import Agency
from disclosure import archives, import_mapping
from disclosure.documents import normalize_document_number
from disclosure.interpretations import rule_power_error
from disclosure.models import Channel, DocKind, Item, MappingKind, Validity
from disclosure.numbering import parse_index_number

MAX_ROWS = 200_000
COLUMNS = {
    "title": ("标题", "名称", "信息名称", "文件名称"),
    "summary": ("内容概述", "摘要", "内容摘要"),
    "body": ("正文", "内容"),
    "document_number": ("文号", "发文字号", "发文文号"),
    "formed_date": ("生成日期", "成文日期"),
    "published_date": ("发布日期", "发布时间", "公开日期", "公开时间"),
    "category": ("信息类别", "类别"),
    "topic": ("主题分类", "主题", "信息分类", "所属分类"),
    "genre": ("体裁分类", "体裁"),
    "channels": ("发布渠道", "渠道"),
    "validity": ("有效性", "效力状态", "时效性"),
    "validity_changed_on": ("有效性变更日期",),
    "repealed_on": ("废止日期",),
    "expired_on": ("失效日期",),
    "doc_kind": ("文件类型",),
    "keywords": ("关键词", "关键字", "主题词"),
    "index_number": ("索引号",),
    "publisher": ("发布机构", "发文机关", "发布单位", "发文单位"),
    "old_url": ("URL", "网址", "链接", "原网址", "原文链接"),
    "source": ("来源", "信息来源"),
    "views": ("浏览次数", "访问量", "点击量", "阅读次数", "浏览量"),
}
REQUIRED = ("title", "published_date")
# Columns some portals export that this platform has no field for: reported as ignored.
NO_FIELD = {"source": "本平台没有“来源”字段", "views": "浏览次数属于原网站，不导入"}
LABEL = {key: aliases[0] for key, aliases in COLUMNS.items()}
_SPLIT = re.compile(r"[、，,;；/|]+")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})\s*秒?)?\s*分?)?$"
)
# What old portals print in the 文号 cell when there is none.
NO_NUMBER = {"", "无", "暂无", "无文号", "null", "none", "-", "--", "—", "——", "/", "／", "空", "0"}
NO_VALUE = {"null", "none", "无", "-", "—", "/"}
_URL = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ExtraColumn:
    """A column read for an app above this one (which this module may not import).

    ``prepare(agency)`` is called once per validation (a query or two); ``clean(context, text)``
    turns a cell into a value or raises ``ValidationError`` (reported on the row's line);
    ``save(by, pairs)`` gets ``[(item, value)]`` once a batch of items exists, inside the
    import's transaction.
    """

    key: str
    aliases: tuple
    prepare: object
    clean: object
    save: object


EXTRA_COLUMNS = {}


def register_column(column):
    """Called from the other app's ``AppConfig.ready``; the column then reads like any other."""
    EXTRA_COLUMNS[column.key] = column
    COLUMNS[column.key] = column.aliases
    LABEL[column.key] = column.aliases[0]


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)  # (line, cleaned dict)
    errors: list = field(default_factory=list)  # (line, message); line is a page path for HTML
    total: int = 0
    mapping: object = None  # import_mapping.Mapping
    findings: dict = field(default_factory=dict)  # column label → [message]
    ignored_columns: list = field(default_factory=list)  # headers matching no field

    @property
    def error_rows(self):
        return [(place(line), message) for line, message in self.errors]


def place(line):
    return f"第{line}行" if isinstance(line, int) else f"页面 {line}"


class ImportFileError(Exception):
    """The file itself cannot be read (wrong type, no header, too large)."""


class Rows(list):
    """(line, {key: value}) rows of a file, and the headers that match no field."""

    ignored_columns = ()


def read_rows(name, content):
    """(line number, {column: text}) for each data row; the header is line 1.

    (A .zip of the old site's saved pages is read by :func:`disclosure.oldsite.read_upload`.)
    """
    return _rows(read_sheet(name, content))


def read_sheet(name, content):
    """The raw rows (tuples of cells, the header first) of a .csv or .xlsx file's first sheet.

    Shared with other imports laid out in their own columns (the standard catalogues).
    """
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(content)
    if lower.endswith(".csv"):
        return _read_csv(content)
    raise ImportFileError("只能导入 .csv、.xlsx 文件，或原网站网页打包的 .zip 文件。")


def _read_csv(content):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别文件编码，请另存为 UTF-8 编码的 CSV。")
    return csv.reader(io.StringIO(text))


def _read_xlsx(content):
    # Loaded on use: openpyxl takes a fifth of a second to import, and every process imports
    # this module (through the admin) while few ever read a spreadsheet.
    from openpyxl import load_workbook

    try:  # the zip's declared sizes first: a bomb is refused before openpyxl inflates anything
        archives.check_zip(io.BytesIO(content), archives.IMPORT_LIMITS)
    except ValidationError as exc:
        raise ImportFileError(exc.messages[0]) from exc
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。") from exc
    return workbook.worksheets[0].iter_rows(values_only=True)


def column_key(title):
    """The field a header means (``发布日期：`` and ``url`` included), or None."""
    # Templates space labels out: 索  引  号, 标　　题.
    title = re.sub(r"[\s\u3000\xa0]+", "", str(title or "")).rstrip(":：")
    for key, aliases in COLUMNS.items():
        if title in aliases or title.upper() in aliases:
            return key
    return None


def _rows(source):
    source = iter(source)
    header = next(source, None)
    if not header:
        raise ImportFileError("文件是空的。")
    names, ignored = {}, []
    for position, title in enumerate(header):
        key = column_key(title)
        if key and key not in names.values():
            names[position] = key
        elif str(title or "").strip():
            ignored.append(str(title).strip())
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in names.values()]
    if missing:
        raise ImportFileError(f"第1行（表头）缺少必需的列：{'、'.join(missing)}。")
    rows = Rows()
    rows.ignored_columns = ignored
    for line, values in enumerate(source, start=2):
        if line - 1 > MAX_ROWS:
            raise ImportFileError(f"一次最多导入 {MAX_ROWS} 行，请拆分文件。")
        row = {key: values[pos] if pos < len(values) else None for pos, key in names.items()}
        if any(value not in (None, "") for value in row.values()):
            rows.append((line, row))
    return rows


def cell_text(value):
    """A cell as clean text: numbers without ``.0``, full-width and no-break spaces as spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").replace("\xa0", " ").strip()


_text = cell_text


def parse_datetime(value, label):
    """(date, time or None) from what a portal printed; ValidationError when it is no date.

    Takes 2023-12-01, 2023/12/1, 2023.12.01, 2023年12月01日, each optionally followed by a time
    (2022-03-26 09:32, 2020-10-10 19:48:26, 2024年04月06日 16:40). A printed time is kept as
    printed, 00:00:00 included; an Excel date cell carries a time only when it is not midnight.
    """
    if value in (None, ""):
        return None, None
    if isinstance(value, datetime):
        return value.date(), (value.time() if value.time() != time(0) else None)
    if isinstance(value, date):
        return value, None
    found = _DATE.match(_text(value))
    if found:
        y, m, d, hh, mm, ss = found.groups()
        try:
            day = date(int(y), int(m), int(d))
            moment = time(int(hh), int(mm), int(ss or 0)) if hh is not None else None
            return day, moment
        except ValueError:
            pass
    raise ValidationError(
        f"{label}“{_text(value)}”不是有效日期，请写成 2017-03-15 或 2017-03-15 09:30。"
    )


def _date(value, label):
    return parse_datetime(value, label)[0]


_SHAPE_PARTS = ("YYYY", "MM", "DD", "hh", "mm", "ss")


def date_shape(value):
    """``2024年04月06日 16:40`` → ``YYYY年MM月DD日 hh:mm`` (for the findings)."""
    if isinstance(value, datetime | date):
        return "Excel 日期单元格"
    parts = iter(_SHAPE_PARTS)
    return re.sub(r"\d+", lambda _: next(parts, "n"), _text(value))


def _doc_kind(value):
    value = _text(value)
    if not value or value.lower() in NO_VALUE or value in ("否", "非规范性文件"):
        return DocKind.NONE
    if value == "规范性文件":
        return DocKind.NORMATIVE
    for member in DocKind:
        if value in (member.label, member.value):
            return member.value
    allowed = "、".join(member.label for member in DocKind if member.value)
    raise ValidationError(f"文件类型“{value}”无法识别，可填：{allowed}，或留空。")


def vocabulary_values(rows):
    """For the mapping step: each kind's distinct printed values and their row counts."""
    values = {kind: Counter() for kind in MappingKind.values}
    for _, row in rows:
        for kind in MappingKind.values:
            value = _text(row.get(kind))
            if value and value.lower() not in NO_VALUE:
                values[kind][value] += 1
    return values


def validate(agency, rows, *, mapping=None):
    """Check every row and collect the findings; a fixed number of queries whatever the rows.

    ``mapping`` (from :func:`disclosure.import_mapping.build`) says where each printed topic,
    genre, validity and category goes; without it the agency's saved mapping and the
    suggestions are used (the caller decides whether unconfirmed suggestions may be imported).
    """
    if mapping is None:
        mapping = import_mapping.build(agency, vocabulary_values(rows))
    result = ImportResult(
        total=len(rows), mapping=mapping, ignored_columns=list(getattr(rows, "ignored_columns", ()))
    )
    targets = {
        kind: {row.source: row.target for row in mapping.rows.get(kind, ())}
        for kind in MappingKind.values
    }
    channels = {channel.name: channel for channel in Channel.objects.filter(agency=agency)}
    agencies = {}
    for other in Agency.objects.only("id", "name", "short_name"):
        agencies.setdefault(other.name, other)
        if other.short_name:
            agencies.setdefault(other.short_name, other)
    given = {_text(row.get("index_number")) for _, row in rows} - {""}
    taken = (
        set(
            Item.objects.filter(agency=agency, index_number__in=given).values_list(
                "index_number", flat=True
            )
        )
        if given
        else set()
    )
    context = {
        "extra": {key: column.prepare(agency) for key, column in EXTRA_COLUMNS.items()},
        "agency": agency,
        "mapping": mapping,
        "targets": targets,
        "channels": channels,
        "agencies": agencies,
        "taken": taken,
        "seen": set(),
        "notes": defaultdict(Counter),
        "present": Counter(),
    }
    for line, row in rows:
        for key, value in row.items():
            if _text(value):
                context["present"][key] += 1
        try:
            result.rows.append((line, _clean_row(row, context)))
        except ValidationError as exc:
            result.errors.append((line, "；".join(exc.messages)))
    result.findings = _findings(context, result, rows)
    return result


def _findings(context, result, rows):
    findings = {}
    skipped = list(getattr(rows, "skipped_pages", ()))
    if skipped:
        shown = "、".join(skipped[:5]) + ("等" if len(skipped) > 5 else "")
        findings["网页"] = [f"{len(skipped)} 个网页没有索引号、发布日期等目录信息，已跳过：{shown}"]
    files = sum(len(row.get("attachments") or ()) for _, row in result.rows)
    if files or getattr(rows, "file_findings", None):
        findings["附件"] = [
            f"按网页中的链接匹配到 {files} 个附件",
            *getattr(rows, "file_findings", [])[:20],
        ]
    for key, reason in NO_FIELD.items():
        if context["present"][key]:
            context["notes"][LABEL[key]][f"已忽略：{reason}"] += context["present"][key]
    for column, notes in context["notes"].items():
        findings[column] = [f"{message}（{count} 行）" for message, count in notes.most_common(12)]
    for title in result.ignored_columns:
        findings[title] = ["已忽略：本平台没有对应字段"]
    return findings


def _note(context, key, message):
    context["notes"][LABEL.get(key, key)][message] += 1


def _choice(context, kind, value):
    value = _text(value)
    if not value or value.lower() in NO_VALUE:
        return None
    target = context["targets"][kind].get(value)
    if target is None:
        target = context["mapping"].target(kind, value)
    label = context["mapping"].label(kind, target)
    if label != value:
        _note(context, kind, f"“{value}”按映射记为“{label}”")
    return target


def _document_number(context, value):
    text = _text(value)
    if text.lower() in NO_NUMBER:
        if text:
            _note(context, "document_number", f"“{text}”按无文号处理")
        return ""
    try:
        number = normalize_document_number(text)
    except ValidationError:
        _note(context, "document_number", "不是“机关代字〔年份〕序号号”格式，按原文保留")
        return text[:60]
    if number != text:
        _note(context, "document_number", "括号或序号写法已规范为〔〕（GB/T 9704）")
    return number


def _clean_row(row, context):
    problems = []

    def attempt(function, *args):
        try:
            return function(*args)
        except ValidationError as exc:
            problems.extend(exc.messages)
            return None

    published = attempt(parse_datetime, row.get("published_date"), "发布日期") or (None, None)
    formed = attempt(parse_datetime, row.get("formed_date"), "生成日期") or (None, None)
    for key, value, moment in (
        ("published_date", row.get("published_date"), published[1]),
        ("formed_date", row.get("formed_date"), formed[1]),
    ):
        if _text(value) and (formed if key == "formed_date" else published)[0]:
            _note(context, key, f"写法“{date_shape(value)}”")
        if moment is not None and key == "published_date":
            _note(context, key, "带时间，已保留发布时间")
        elif moment is not None and moment != time(0):
            _note(context, key, "时间部分未保存（生成日期只记到日）")
    cleaned = {
        "title": _text(row.get("title"))[:300],
        "summary": _text(row.get("summary")),
        "body": _text(row.get("body")),
        "keywords": _text(row.get("keywords"))[:200],
        "document_number": _document_number(context, row.get("document_number")),
        "formed_date": formed[0],
        "published_date": published[0],
        "published_time": published[1],
        "category": _choice(context, MappingKind.CATEGORY, row.get("category")) or "other",
        "genre": _choice(context, MappingKind.GENRE, row.get("genre")) or "",
        "doc_kind": attempt(_doc_kind, row.get("doc_kind")) or DocKind.NONE,
        "imported": True,
    }
    if len(_text(row.get("title"))) > 300:
        _note(context, "title", "超过300字，已截断")
    _validity(row, cleaned, context, attempt)
    genre_text = _text(row.get("genre"))
    if not _text(row.get("doc_kind")) and genre_text in ("行政规范性文件", "规范性文件", "规章"):
        cleaned["doc_kind"] = DocKind.RULE if genre_text == "规章" else DocKind.NORMATIVE
        _note(
            context,
            "doc_kind",
            f"未填文件类型，按体裁“{genre_text}”记为{DocKind(cleaned['doc_kind']).label}",
        )
    if cleaned["doc_kind"] == DocKind.RULE and not context["agency"].can_make_rules:
        problems.extend(rule_power_error(context["agency"]).messages)
    if not cleaned["title"]:
        problems.append("标题不能为空")
    if not cleaned["published_date"] and not any("发布日期" in p for p in problems):
        problems.append("发布日期不能为空")
    if formed[0] and published[0] and formed[0] > published[0]:
        _note(context, "formed_date", "晚于发布日期，按原样保留")
    topic_text = _text(row.get("topic"))
    cleaned["topic"] = None
    if topic_text and topic_text.lower() not in NO_VALUE:
        target = context["targets"][MappingKind.TOPIC].get(topic_text)
        if target is None:
            target = context["mapping"].target(MappingKind.TOPIC, topic_text)
        cleaned["topic"] = context["mapping"].topics.get(target)
        label = context["mapping"].label(MappingKind.TOPIC, target)
        if label.rsplit(" › ", 1)[-1] != topic_text:
            _note(context, "topic", "按映射表归类")
    cleaned["channels"] = []
    for name in _SPLIT.split(_text(row.get("channels"))):
        name = name.strip()
        if not name:
            continue
        if name not in context["channels"]:
            problems.append(f"发布渠道“{name}”不是本机构的渠道，请先在“发布渠道”中添加")
        else:
            cleaned["channels"].append(context["channels"][name])
    cleaned["co_publishers"] = _publishers(row, context)
    cleaned["old_url"] = _old_url(row, context)
    number = _text(row.get("index_number"))
    if number:
        if number in context["taken"] or number in context["seen"]:
            problems.append(f"索引号“{number}”重复")
        context["seen"].add(number)
        if len(number) > 60:
            problems.append("索引号过长")
    else:
        _note(context, "index_number", "未填，导入时按本机构格式分配")
    agency = context["agency"]
    cleaned["index_number"] = number
    cleaned["parsed_index"] = (
        parse_index_number(agency.index_pattern, agency.code, number) if number else None
    )
    if number and cleaned["parsed_index"] is None:
        _note(context, "index_number", "与本机构的索引号格式不同，按原样保留")
    cleaned["extra"] = {
        key: attempt(column.clean, context["extra"][key], _text(row.get(key)))
        for key, column in EXTRA_COLUMNS.items()
    }
    cleaned["attachments"] = row.get("_attachments") or []
    if "body" in row and not cleaned["body"] and "_attachments" in row:
        _note(context, "body", "网页中没有找到正文")
    if problems:
        raise ValidationError(problems)
    return cleaned


def _validity(row, cleaned, context, attempt):
    """有效性 as mapped; a 废止日期/失效日期 printed without one implies it."""
    validity = _choice(context, MappingKind.VALIDITY, row.get("validity"))
    changed = attempt(_date, row.get("validity_changed_on"), "有效性变更日期")
    repealed = attempt(_date, row.get("repealed_on"), "废止日期")
    expired = attempt(_date, row.get("expired_on"), "失效日期")
    if validity is None:
        if repealed:
            validity = Validity.REPEALED
            _note(context, "validity", "未填有效性，按废止日期记为废止")
        elif expired:
            validity = Validity.EXPIRED
            _note(context, "validity", "未填有效性，按失效日期记为失效")
        else:
            validity = Validity.VALID
    if validity == Validity.REPEALED:
        changed = repealed or changed or expired
    elif validity == Validity.EXPIRED:
        changed = expired or changed or repealed
    elif repealed or expired or changed:
        _note(context, "validity", "有效性为有效，所填的废止/失效日期未导入")
        changed = None
    cleaned["validity"], cleaned["validity_changed_on"] = validity, changed


def _publishers(row, context):
    """发布机构 as text: the importing agency, or co-publishers found among the agencies."""
    text = _text(row.get("publisher"))
    if not text:
        return []
    agency, found = context["agency"], []
    for name in _SPLIT.split(text):
        name = name.strip()
        if not name:
            continue
        match = context["agencies"].get(name)
        if match is None:
            _note(context, "publisher", f"“{name}”不是本平台的机构，未导入")
        elif match.pk == agency.pk:
            _note(context, "publisher", "与导入机构一致")
        else:
            found.append(match)
            _note(context, "publisher", f"“{name}”记为联合发布机构")
    return found


def _old_url(row, context):
    url = _text(row.get("old_url"))
    if not url:
        return ""
    try:
        _URL(url)
    except ValidationError:
        _note(context, "old_url", "不是完整的 http(s) 网址，未导入")
        return ""
    if len(url) > 500:
        _note(context, "old_url", "超过500字符，未导入")
        return ""
    _note(context, "old_url", "已保存为原网址（可用于发布跳转）")
    return url


def summary_lines(result):
    """The dry run as text: the mapping tables, then each column's findings (command output)."""
    lines = []
    for kind in MappingKind:
        rows = result.mapping.rows.get(kind.value) if result.mapping else None
        if not rows:
            continue
        default = result.mapping.defaults[kind.value][1]
        lines.append(f"【{kind.label}映射】共 {len(rows)} 个取值；未能映射的值归入：{default}")
        for row in rows:
            state = "已确认" if row.confirmed else "待确认"
            lines.append(
                f"  {row.source}（{row.rows} 行） → {row.target_label}　[{row.basis}，{state}]"
            )
    if result.findings:
        lines.append("【各列检查结果】")
        for column, messages in result.findings.items():
            lines.append(f"  {column}：" + "；".join(messages))
    return lines
