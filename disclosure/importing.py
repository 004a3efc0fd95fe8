"""Bulk import of an existing catalog from CSV or XLSX.

Every row is validated first; each bad row is reported with its line number and the reason.
Nothing is imported when a row is bad, unless the caller asks to import only the good rows.
Imported items are already public elsewhere, so they arrive published, keeping their index
numbers (or getting new ones) and their dates.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError

from disclosure.documents import normalize_document_number
from disclosure.models import Category, Channel, DocKind, Genre, Item, Topic, Validity
from disclosure.numbering import parse_index_number

MAX_ROWS = 200_000
COLUMNS = {
    "title": ("标题", "名称", "信息名称"),
    "summary": ("内容概述", "摘要"),
    "body": ("正文", "内容"),
    "document_number": ("文号",),
    "formed_date": ("生成日期", "成文日期"),
    "published_date": ("发布日期",),
    "category": ("信息类别", "类别"),
    "topic": ("主题分类", "主题"),
    "genre": ("体裁分类", "体裁"),
    "channels": ("发布渠道", "渠道"),
    "validity": ("有效性",),
    "validity_changed_on": ("有效性变更日期", "废止日期", "失效日期"),
    "doc_kind": ("文件类型",),
    "keywords": ("关键词",),
    "index_number": ("索引号",),
}
REQUIRED = ("title", "published_date")
_LABELS = {"category": Category, "genre": Genre, "validity": Validity, "doc_kind": DocKind}
_SPLIT = re.compile(r"[、，,;；/|]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)  # (line, cleaned dict)
    errors: list = field(default_factory=list)  # (line, message)
    total: int = 0


class ImportFileError(Exception):
    """The file itself cannot be read (wrong type, no header, too large)."""


def read_rows(name, content):
    """(line number, {column: text}) for each data row; the header is line 1."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(content)
    if lower.endswith(".csv"):
        return _read_csv(content)
    raise ImportFileError("只能导入 .csv 或 .xlsx 文件。")


def _read_csv(content):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别文件编码，请另存为 UTF-8 编码的 CSV。")
    reader = csv.reader(io.StringIO(text))
    return _rows(reader)


def _read_xlsx(content):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。") from exc
    return _rows(workbook.worksheets[0].iter_rows(values_only=True))


def _rows(source):
    source = iter(source)
    header = next(source, None)
    if not header:
        raise ImportFileError("文件是空的。")
    names = {}
    for position, title in enumerate(header):
        title = str(title or "").strip()
        for key, aliases in COLUMNS.items():
            if title in aliases:
                names[position] = key
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in names.values()]
    if missing:
        raise ImportFileError(f"第1行（表头）缺少必需的列：{'、'.join(missing)}。")
    rows = []
    for line, values in enumerate(source, start=2):
        if line - 1 > MAX_ROWS:
            raise ImportFileError(f"一次最多导入 {MAX_ROWS} 行，请拆分文件。")
        row = {key: values[pos] if pos < len(values) else None for pos, key in names.items()}
        if any(value not in (None, "") for value in row.values()):
            rows.append((line, row))
    return rows


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value, label):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = _DATE.match(_text(value))
    if found:
        try:
            return date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    raise ValidationError(f"{label}“{_text(value)}”不是有效日期，请写成 2017-03-15。")


def _choice(kind, value, label):
    value = _text(value)
    if not value:
        return None
    choices = _LABELS[kind]
    for member in choices:
        if value in (member.label, member.value):
            return member.value
    allowed = "、".join(member.label for member in choices if member.label and member.value)
    raise ValidationError(f"{label}“{value}”无法识别，可填：{allowed}。")


def validate(agency, rows):
    """Check every row; three queries whatever the number of rows."""
    result = ImportResult(total=len(rows))
    topics = {}
    for topic in Topic.objects.select_related("parent"):
        topics.setdefault(topic.name, topic)
        topics[str(topic)] = topic
    channels = {channel.name: channel for channel in Channel.objects.filter(agency=agency)}
    given = {_text(row.get("index_number")) for _, row in rows} - {""}
    taken = set(Item.objects.filter(agency=agency, index_number__in=given)
                .values_list("index_number", flat=True)) if given else set()
    seen = set()
    for line, row in rows:
        try:
            result.rows.append((line, _clean_row(agency, row, topics, channels, taken, seen)))
        except ValidationError as exc:
            result.errors.append((line, "；".join(exc.messages)))
    return result


def _clean_row(agency, row, topics, channels, taken, seen):
    problems = []

    def attempt(function, *args):
        try:
            return function(*args)
        except ValidationError as exc:
            problems.extend(exc.messages)
            return None

    cleaned = {
        "title": _text(row.get("title"))[:300],
        "summary": _text(row.get("summary")),
        "body": _text(row.get("body")),
        "keywords": _text(row.get("keywords"))[:200],
        "document_number": attempt(normalize_document_number, _text(row.get("document_number"))) or "",
        "formed_date": attempt(_date, row.get("formed_date"), "生成日期"),
        "published_date": attempt(_date, row.get("published_date"), "发布日期"),
        "category": attempt(_choice, "category", row.get("category"), "信息类别") or Category.OTHER,
        "genre": attempt(_choice, "genre", row.get("genre"), "体裁分类") or "",
        "validity": attempt(_choice, "validity", row.get("validity"), "有效性") or Validity.VALID,
        "validity_changed_on": attempt(_date, row.get("validity_changed_on"), "有效性变更日期"),
        "doc_kind": attempt(_choice, "doc_kind", row.get("doc_kind"), "文件类型") or DocKind.NONE,
    }
    if not cleaned["title"]:
        problems.append("标题不能为空")
    if not cleaned["published_date"] and not any("发布日期" in p for p in problems):
        problems.append("发布日期不能为空")
    formed, published = cleaned["formed_date"], cleaned["published_date"]
    if formed and published and formed > published:
        problems.append("生成日期晚于发布日期")
    topic_name = _text(row.get("topic"))
    cleaned["topic"] = topics.get(topic_name) if topic_name else None
    if topic_name and cleaned["topic"] is None:
        problems.append(f"主题分类“{topic_name}”不存在")
    cleaned["channels"] = []
    for name in _SPLIT.split(_text(row.get("channels"))):
        name = name.strip()
        if not name:
            continue
        if name not in channels:
            problems.append(f"发布渠道“{name}”不是本机构的渠道，请先在“发布渠道”中添加")
        else:
            cleaned["channels"].append(channels[name])
    number = _text(row.get("index_number"))
    if number:
        if number in taken or number in seen:
            problems.append(f"索引号“{number}”重复")
        seen.add(number)
        if len(number) > 60:
            problems.append("索引号过长")
    cleaned["index_number"] = number
    cleaned["parsed_index"] = parse_index_number(agency.index_pattern, agency.code, number) if number else None
    if problems:
        raise ValidationError(problems)
    return cleaned
