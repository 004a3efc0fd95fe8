"""Importing a catalogue in the standard's own columns, and the item import's 事项 column."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.test import TestCase
from openpyxl import Workbook

from accounts.models import Role
from disclosure import importing as item_importing
from disclosure import services as item_services
from disclosure.importing import ImportFileError
from disclosure.models import Item
from standards import demo, importing, services
from standards.models import Catalogue, Entry, Filing
from standards.rules import RuleKind
from tests.disclosure.builders import Desk
from tests.factories import make_staff
from tests.standards.builders import adopted_catalogue

HEADER = [
    "序号",
    "一级事项",
    "二级事项",
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
]
GOOD = [
    [
        "1",
        "政策文件",
        "法律法规",
        "与安全生产有关的法律、法规",
        "《条例》",
        "信息形成或变更之日起20个工作日内",
        "应急管理部门",
        "政府网站；两微一端",
        "全社会",
        "主动",
        "县级；乡级",
    ],
    [
        "2",
        "",
        "部门和地方规章",
        "规章",
        "《条例》",
        "半年至少更新1次",
        "应急管理部门",
        "■政府网站 □政府公报 ■公开查阅点",
        "全社会",
        "主动",
        "县级",
    ],
]


def as_csv(rows, header=HEADER):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


class CatalogueImportTests(TestCase):
    def test_good_rows_import_with_every_column(self):
        checked = importing.read("目录.csv", as_csv(GOOD))
        assert checked.errors == []
        catalogue = Catalogue(field="安全生产", title="安全生产领域基层政务公开标准目录")
        assert services.catalogue_import(catalogue=catalogue, rows=checked.rows) == (2, 0)
        laws, rules = Entry.objects.filter(catalogue=catalogue).order_by("number")
        assert (laws.level1, laws.level2, laws.channels) == (
            "政策文件",
            "法律法规",
            "政府网站；两微一端",
        )
        assert (laws.audience, laws.mode, laws.levels) == ("全社会", "主动", "县级；乡级")
        # A merged 一级事项 cell continues the row above; ticked boxes only.
        assert rules.level1 == "政策文件"
        assert rules.channels == "政府网站；公开查阅点"
        assert rules.rule.kind == RuleKind.EVERY_MONTHS

    def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(self):
        bad = [
            *GOOD,
            ["三", "依法行政", "", "", "", "", "", "", "所有人", "主动", "省级"],
            ["4", "政策文件", "法律法规", "重复", "", "", "", "", "", "", ""],
        ]
        checked = importing.read("目录.csv", as_csv(bad))
        assert checked.error_rows == [
            (
                "第4行",
                "公开对象“所有人”无法识别，可填：全社会、特定群体；公开层级“省级”无法识别，可填：县级、乡级；"
                "二级事项不能为空；序号“三”不是正整数",
            ),
            ("第5行", "事项“政策文件 › 法律法规”与第2行重复"),
        ]
        assert len(checked.rows) == 2  # the good ones, never imported while others are bad
        assert not Entry.objects.exists()

    def test_missing_header_and_unreadable_files_are_refused_in_chinese(self):
        with self.assertRaisesMessage(ImportFileError, "第1行（表头）缺少必需的列：二级事项"):
            importing.read("目录.csv", as_csv(GOOD, header=["序号", "一级事项", "事项"]))
        with self.assertRaisesMessage(ImportFileError, "只能导入 .csv、.xlsx"):
            importing.read("目录.doc", b"x")
        with self.assertRaisesMessage(ImportFileError, "缺少必需的列：一级事项、二级事项"):
            importing.read("目录.csv", as_csv([], header=["公开时限"]))

    def test_county_layout_with_tick_columns_in_xlsx(self):
        book = Workbook()
        sheet = book.active
        sheet.append(
            [
                "序号",
                "一级事项",
                "二级事项",
                "公开内容",
                "公开时限",
                "全社会",
                "特定群众",
                "主动",
                "依申请公开",
                "县级",
                "乡、村级",
            ]
        )
        sheet.append(
            [
                1,
                "依法行政",
                "行政处罚",
                "处罚决定",
                "信息形成或变更之日起20个工作日内",
                "√",
                "",
                "√",
                "√",
                "√",
                "",
            ]
        )
        content = io.BytesIO()
        book.save(content)
        checked = importing.read("目录.xlsx", content.getvalue())
        assert checked.errors == []
        row = checked.rows[0][1]
        assert (row["audience"], row["mode"], row["levels"]) == ("全社会", "主动；依申请", "县级")

    def test_a_fuller_copy_updates_the_rows_it_shares(self):
        catalogue = Catalogue.objects.create(field="安全生产", title="目录")
        services.catalogue_import(
            catalogue=catalogue, rows=importing.read("a.csv", as_csv(GOOD[:1])).rows
        )
        fuller = [[*GOOD[0][:6], "区应急局", *GOOD[0][7:]], GOOD[1]]
        assert services.catalogue_import(
            catalogue=catalogue, rows=importing.read("a.csv", as_csv(fuller)).rows
        ) == (1, 1)
        assert Entry.objects.get(level2="法律法规").publisher == "区应急局"

    def test_the_shipped_safety_catalogue_imports_every_row_it_holds(self):
        catalogue = demo.catalogue_2019()
        entries = list(catalogue.entries.order_by("number"))
        assert len(entries) == demo.ROWS == 10
        assert [e.level2 for e in entries] == [
            "法律法规",
            "部门和地方规章",
            "其他政策文件",
            "标准",
            "重大决策草案",
            "重要会议",
            "重大政策解读",
            "行政许可",
            "行政处罚",
            "行政强制",
        ]
        assert not catalogue.complete and "10" in catalogue.completeness_note
        assert catalogue.is_demo
        assert entries[9].rule.kind == RuleKind.MANUAL  # 行政强制: its time limit is not known


class ItemImportEntryColumnTests(TestCase):
    """The item import's 事项 column, through the column hook of ``disclosure.importing``."""

    HEAD = "标题,发布日期,生成日期,事项\n"

    def setUp(self):
        self.desk = Desk()
        self.catalogue = adopted_catalogue(self.desk)

    def validate(self, body):
        rows = item_importing.read_rows("c.csv", (self.HEAD + body).encode())
        return item_importing.validate(self.desk.agency, rows)

    def test_items_are_filed_under_the_named_entries(self):
        result = self.validate(
            "法律汇编,2017-03-08,2017-03-01,政策文件›法律法规\n"
            "标准目录,2017-03-09,2017-03-01,标准；政策文件/法律法规\n"
            "动态,2017-03-10,2017-03-01,\n"
        )
        assert result.errors == []
        item_services.items_import(agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows)
        filed = sorted(Filing.objects.values_list("item__title", "entry__level2"))
        assert filed == [("标准目录", "标准"), ("标准目录", "法律法规"), ("法律汇编", "法律法规")]

    def test_an_unknown_or_ambiguous_entry_is_an_error_on_its_line(self):
        other = Catalogue.objects.create(field="环境保护", title="环保目录")
        Entry.objects.create(catalogue=other, number=1, level1="政策文件", level2="标准")
        services.catalogue_adopt(
            agency=self.desk.agency, catalogue=other, by=make_staff(self.desk.agency, Role.HEAD)
        )
        result = self.validate(
            "甲,2017-03-08,2017-03-01,不存在的事项\n乙,2017-03-08,2017-03-01,标准\n"
        )
        assert result.error_rows == [
            ("第2行", "事项“不存在的事项”不在本机构适用的标准目录中"),
            ("第3行", "事项“标准”有多个同名，请写成“一级事项›二级事项”"),
        ]
        assert not Item.objects.exists()


class FilingServiceTests(TestCase):
    def setUp(self):
        self.desk = Desk()
        self.catalogue = adopted_catalogue(self.desk)
        self.item = self.desk.publish()

    def test_bulk_filing_keeps_existing_filings_and_refuses_foreign_entries(self):
        laws = Entry.objects.get(level2="法律法规")
        assert services.items_file(items=[self.item], entries=[laws], by=self.desk.clerk) == 1
        assert services.items_file(items=[self.item], entries=[laws], by=self.desk.clerk) == 0
        foreign = Entry.objects.create(
            catalogue=Catalogue.objects.create(field="卫生", title="卫生目录"),
            number=1,
            level1="政策文件",
            level2="卫生法规",
        )
        with self.assertRaisesMessage(Exception, "不在所选信息的发布机构适用的标准目录中"):
            services.items_file(items=[self.item], entries=[foreign], by=self.desk.clerk)
        with self.assertRaises(PermissionDenied):
            services.items_file(items=[self.item], entries=[laws], by=make_staff(Desk().agency))

    def test_an_agency_adds_its_own_entry(self):
        head = make_staff(self.desk.agency, Role.HEAD)
        entry = services.entry_add_local(
            agency=self.desk.agency,
            by=head,
            level1="政策文件",
            level2="安全生产约谈",
            time_limit="每季度",
        )
        assert entry.catalogue.owner == self.desk.agency
        assert entry in Entry.objects.for_agency(self.desk.agency)
        with self.assertRaisesMessage(Exception, "已在本机构适用的目录中"):
            services.entry_add_local(
                agency=self.desk.agency, by=head, level1="政策文件", level2="标准"
            )
        with self.assertRaises(PermissionDenied):
            services.entry_add_local(
                agency=self.desk.agency, by=self.desk.clerk, level1="a", level2="b"
            )
