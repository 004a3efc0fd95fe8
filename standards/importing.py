"""A standard catalogue from CSV or XLSX, in the standard's own column layout.

The header is the one the 2019 standards print: 序号, 一级事项, 二级事项, 公开内容（要素）, 公开依据,
公开时限, 公开主体, 公开渠道和载体, 公开对象, 公开方式, 公开层级 (and 备注). County copies split the
last three into tick columns (全社会 / 特定群体, 主动 / 依申请, 县级 / 乡级, marked √); both layouts
are read. 一级事项 is a merged cell in the printed tables, so a blank one continues the row above.
Channels printed as check boxes (■政府网站 □政府公报 …) keep the ticked ones only. Every row is
checked first and each bad one reported with its line; nothing is imported while one is bad.
"""

import re
from dataclasses import dataclass, field

from disclosure.importing import ImportFileError, cell_text, place, read_sheet

COLUMNS = {
    "number": ("序号",),
    "level1": ("一级事项",),
    "level2": ("二级事项",),
    "content": ("公开内容(要素)", "公开内容"),
    "basis": ("公开依据",),
    "time_limit": ("公开时限",),
    "publisher": ("公开主体",),
    "channels": ("公开渠道和载体", "公开渠道", "公开载体"),
    "audience": ("公开对象",),
    "mode": ("公开方式",),
    "levels": ("公开层级",),
    "note": ("备注", "说明"),
}
# Tick columns of the county copies: header → (field, value).
TICKS = {
    "全社会": ("audience", "全社会"),
    "特定群体": ("audience", "特定群体"),
    "特定群众": ("audience", "特定群体"),
    "主动": ("mode", "主动"),
    "依申请": ("mode", "依申请"),
    "依申请公开": ("mode", "依申请"),
    "县级": ("levels", "县级"),
    "乡级": ("levels", "乡级"),
    "乡、村级": ("levels", "乡级"),
}
ALLOWED = {
    "audience": ("全社会", "特定群体"),
    "mode": ("主动", "依申请"),
    "levels": ("县级", "乡级"),
}
LABEL = {key: aliases[0].replace("(", "（").replace(")", "）") for key, aliases in COLUMNS.items()}
LIMITS = {"level1": 50, "level2": 100, "time_limit": 200, "publisher": 100}
REQUIRED = ("level1", "level2")
MAX_ROWS = 2000
_SPLIT = re.compile(r"[；;、，,/|\n]+")
_TICKED = {"√", "✓", "✔", "是", "■", "☑", "1", "y", "Y"}


@dataclass
class CatalogueRows:
    rows: list = field(default_factory=list)  # (line, {field: value})
    errors: list = field(default_factory=list)  # (line, message)
    notes: list = field(default_factory=list)

    @property
    def error_rows(self):
        return [(place(line), message) for line, message in self.errors]


def _header_key(title):
    title = re.sub(r"[\s\u3000\xa0]+", "", str(title or "")).replace("（", "(").replace("）", ")")
    for key, aliases in COLUMNS.items():
        if title in aliases:
            return key
    if title in TICKS:
        return ("tick", title)
    return None


def _channels(text):
    if "■" in text or "□" in text:
        ticked = re.findall(r"■\s*([^■□▄口]+)", text)
        return "；".join(part.strip(" ;；,，。") for part in ticked if part.strip(" ;；,，。"))
    return "；".join(part.strip() for part in re.split(r"[；;、\n]+", text) if part.strip())


def _choices(key, text, problems):
    values = []
    for part in _SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        if part == "特定群众":
            part = "特定群体"
        if part == "依申请公开":
            part = "依申请"
        if part not in ALLOWED[key]:
            allowed = "、".join(ALLOWED[key])
            problems.append(f"{LABEL[key]}“{part}”无法识别，可填：{allowed}")
        elif part not in values:
            values.append(part)
    return "；".join(values)


def read(name, content):
    """Check every row of an uploaded catalogue; ``ImportFileError`` when the file is unusable."""
    source = iter(read_sheet(name, content))
    header = next(source, None)
    if not header:
        raise ImportFileError("文件是空的。")
    names = {}
    for position, title in enumerate(header):
        key = _header_key(title)
        if key and key not in names.values():
            names[position] = key
    missing = [LABEL[key] for key in REQUIRED if key not in names.values()]
    if missing:
        raise ImportFileError(
            f"第1行（表头）缺少必需的列：{'、'.join(missing)}。请按标准目录的列写表头："
            + "、".join(LABEL.values())
            + "。"
        )
    result = CatalogueRows()
    level1, seen = "", {}
    for line, values in enumerate(source, start=2):
        if line - 1 > MAX_ROWS:
            raise ImportFileError(f"一个目录最多 {MAX_ROWS} 行，请检查文件。")
        cells = {
            key: cell_text(values[pos]) if pos < len(values) else "" for pos, key in names.items()
        }
        if not any(cells.values()):
            continue
        problems, row = [], {}
        for key in COLUMNS:
            row[key] = cells.get(key, "")
        ticks = {}
        for key, value in cells.items():
            if isinstance(key, tuple) and value in _TICKED:
                target, choice = TICKS[key[1]]
                ticks.setdefault(target, []).append(choice)
        for target, chosen in ticks.items():
            if not row[target]:
                row[target] = "；".join(dict.fromkeys(chosen))
        for key in ALLOWED:
            row[key] = _choices(key, row[key], problems)
        row["channels"] = _channels(row["channels"])
        if row["level1"]:
            level1 = row["level1"]
        elif level1:
            row["level1"] = level1  # a merged cell: the 一级事项 of the rows above
        else:
            problems.append("一级事项不能为空（首个事项行必须填写）")
        if not row["level2"]:
            problems.append("二级事项不能为空")
        number = row.pop("number")
        if number:
            if not number.isdigit():
                problems.append(f"序号“{number}”不是正整数")
            row["number"] = int(number) if number.isdigit() else None
        else:
            row["number"] = len(result.rows) + len(result.errors) + 1
        for key, limit in LIMITS.items():
            if len(row[key]) > limit:
                problems.append(f"{LABEL[key]}超过{limit}字")
        pair = (row["level1"], row["level2"])
        if row["level2"] and pair in seen:
            problems.append(f"事项“{pair[0]} › {pair[1]}”与第{seen[pair]}行重复")
        seen.setdefault(pair, line)
        if problems:
            result.errors.append((line, "；".join(problems)))
        else:
            result.rows.append((line, row))
    if not result.rows and not result.errors:
        raise ImportFileError("文件中没有事项行。")
    return result
