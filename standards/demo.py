"""Demo data: the 安全生产 standard catalogue (as far as published copies show it), adopted by
the reference agency, and its 2017 items filed under the 事项 they answer.

The catalogue is the project's transcription in ``standards/data/anquan-shengchan-2019.csv``;
its note (``COMPLETENESS``) says how many rows it holds and where they come from. The items are
filed by the title rules of ``FILING_RULES`` — a rule files an item only when its title says
plainly what it is; the others (work news, budgets, the guide…) stay unfiled, as the monitor
then shows. The agency is the 2017 安监局 and the standard dates from 2019: the 2017 picture is
the catalogue laid over that year's records, which is what an inspection would do today.
"""

from pathlib import Path

from accounts.models import Role
from disclosure.models import Category, Item
from standards import importing, services
from standards.models import Adoption, Catalogue, Entry, Filing

DATA = Path(__file__).resolve().parent / "data" / "anquan-shengchan-2019.csv"
ROWS = 10
COMPLETENESS = (
    "本目录只收录了公开副本中能读到的前 10 行（政策文件 7 项：法律法规、部门和地方规章、其他政策文件、"
    "标准、重大决策草案、重要会议、重大政策解读；依法行政 3 项：行政许可、行政处罚、行政强制），"
    "目录在第 10 行之后很可能还有事项，未能取得，未作推测。第 10 行（行政强制）只有公开内容和部分"
    "公开依据，公开时限等栏未能核实，故为“人工核对”。来源：各县区政府网站公布的本领域标准目录副本"
    "（xjbz.gov.cn、xinping.gov.cn、shawan.gov.cn、dachuan.gov.cn、zzctp.gov.cn）、福州市 xls 副本"
    "及应急厅函〔2019〕390号的转载；各行与副本的差异见“备注”。"
)

# (words in the title, 一级事项, 二级事项); the first rule that matches files the item.
FILING_RULES = [
    (("法律法规",), "政策文件", "法律法规"),
    (("行政处罚",), "依法行政", "行政处罚"),
    (("行政许可", "许可证发放"), "依法行政", "行政许可"),
    (("工作要点", "执法检查计划", "活动方案"), "政策文件", "其他政策文件"),
]


def catalogue_2019():
    catalogue, created = Catalogue.objects.get_or_create(
        field="安全生产",
        version="2019年",
        owner=None,
        defaults={
            "title": "安全生产领域基层政务公开标准目录",
            "issuing_document": "应急管理部办公厅 应急厅函〔2019〕390号",
            "complete": False,
            "completeness_note": COMPLETENESS,
            "is_demo": True,
        },
    )
    if created or not catalogue.entries.exists():
        checked = importing.read(DATA.name, DATA.read_bytes())
        if checked.errors:  # the shipped file is checked by the tests; this guards edits
            raise ValueError(f"{DATA.name}: {checked.error_rows}")
        services.catalogue_import(catalogue=catalogue, rows=checked.rows)
    return catalogue


def entry_for(title, category, entries):
    for words, level1, level2 in FILING_RULES:
        if any(word in title for word in words):
            return entries[level1, level2]
    if category == Category.POLICY:
        return entries["政策文件", "其他政策文件"]
    return None


def seed(ctx):
    agency = ctx.agency
    catalogue = catalogue_2019()
    head = ctx.users.get(Role.HEAD)
    Adoption.objects.get_or_create(
        agency=agency, catalogue=catalogue, defaults={"created_by": head}
    )
    if Filing.objects.filter(agency=agency).exists():
        return
    entries = {(e.level1, e.level2): e for e in Entry.objects.filter(catalogue=catalogue)}
    filings = []
    for item in Item.objects.filter(agency=agency, is_demo=True, published_date__year=2017):
        entry = entry_for(item.title, item.category, entries)
        if entry is not None:
            filings.append(
                Filing(
                    item=item,
                    agency=agency,
                    entry=entry,
                    filed_by=ctx.users.get(Role.CLERK),
                )
            )
    Filing.objects.bulk_create(filings)
