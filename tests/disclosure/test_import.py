import io
from datetime import date

from django.core.management import CommandError, call_command
from django.test import TestCase
from openpyxl import Workbook

from disclosure import importing, services
from disclosure.models import Item, ItemEvent
from tests.disclosure.builders import Desk

HEADER = "标题,内容概述,文号,生成日期,发布日期,信息类别,主题分类,体裁分类,发布渠道,有效性,文件类型,索引号\n"
GOOD = [
    "关于印发安全生产工作要点的通知,要点,吴利安监发【2017】3号,2017-02-01,2017/2/8,政策类,安全生产,通知,门户网站、政务公开栏,有效,行政规范性文件,000014349/2017-00040\n",
    "区安监局开展安全检查,检查,,2017年3月1日,2017-03-03,工作动态,,,门户网站,,,\n",
]
BAD = [
    ",没有标题,,2017-02-01,2017-02-08,政策类,,,,,,\n",
    "日期错,x,,2017-02-30,明天,政策类,,,,,,\n",
    "渠道错,x,乱写的文号,2017-02-01,2017-02-08,新闻,不存在的主题,,电视台,,,\n",
]


class ImportTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj")

    def _validate(self, lines, name="catalog.csv"):
        rows = importing.read_rows(name, (HEADER + "".join(lines)).encode())
        return importing.validate(self.desk.agency, rows)

    def test_good_rows_import_as_published_with_numbers_and_events(self):
        result = self._validate(GOOD)
        self.assertEqual(result.errors, [])
        count = services.items_import(
            agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows
        )
        self.assertEqual(count, 2)
        kept = Item.objects.get(index_number="000014349/2017-00040")
        self.assertEqual(kept.document_number, "吴利安监发〔2017〕3号")
        self.assertEqual(kept.channels.count(), 2)
        self.assertEqual(kept.published_date, date(2017, 2, 8))
        # the file's serial 40 moves the counter, so the row without a number gets 41
        self.assertTrue(Item.objects.filter(index_number="000014349/2017-00041").exists())
        self.assertEqual(ItemEvent.objects.filter(kind="imported").count(), 2)
        self.assertEqual(self.desk.publish("之后发布").index_number, "000014349/2017-00042")
        self.assertEqual(
            self.client.get("/catalog/", {"q": "工作要点"}).context["page_obj"].count, 1
        )

    def test_every_bad_row_is_reported_with_its_line_and_reason(self):
        result = self._validate(GOOD + BAD)
        lines = dict(result.errors)
        self.assertEqual(sorted(lines), [4, 5, 6])
        self.assertIn("标题不能为空", lines[4])
        self.assertIn("生成日期", lines[5])
        self.assertIn("发布日期", lines[5])
        # The channel is the one fair refusal; the old portal's own words go through the mapping
        # and the findings instead of refusing the row.
        self.assertIn("发布渠道“电视台”", lines[6])
        findings = result.findings
        self.assertIn("不是“机关代字〔年份〕序号号”格式，按原文保留（1 行）", findings["文号"])
        self.assertIn("“新闻”按映射记为“工作动态”（1 行）", findings["信息类别"])
        pending = {row.source for row in result.mapping.unconfirmed}
        self.assertEqual(pending, {"新闻", "不存在的主题"})

    def test_duplicate_index_numbers_are_refused(self):
        self.desk.publish()
        taken = Item.objects.get().index_number
        result = self._validate([GOOD[0].replace("000014349/2017-00040", taken), GOOD[0]])
        self.assertEqual([line for line, _ in result.errors], [2])
        result = self._validate([GOOD[0], GOOD[0]])
        self.assertEqual([line for line, _ in result.errors], [3])

    def test_command_imports_nothing_when_a_row_is_bad(self):
        path = self._file(GOOD + BAD)
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_items", path, agency="ajj", stdout=io.StringIO(), stderr=err)
        self.assertIn("第4行", err.getvalue())
        self.assertFalse(Item.objects.exists())

    def test_command_only_good_imports_the_good_rows_and_reports_progress(self):
        out = io.StringIO()
        with self.assertRaises(
            CommandError
        ) as refused:  # two values of the bad rows await a mapping
            call_command(
                "import_items",
                self._file(GOOD + BAD),
                agency="ajj",
                only_good=True,
                stdout=out,
                stderr=io.StringIO(),
            )
        self.assertIn("2 个取值的映射待确认", str(refused.exception))
        self.assertFalse(Item.objects.exists())
        call_command(
            "import_items",
            self._file(GOOD + BAD),
            agency="ajj",
            only_good=True,
            stdout=out,
            stderr=io.StringIO(),
            accept_suggestions=True,
        )
        self.assertEqual(Item.objects.count(), 2)
        self.assertIn("已导入 2/2", out.getvalue())

    def test_command_refuses_unknown_agency_and_wrong_file_type(self):
        with self.assertRaises(CommandError):
            call_command("import_items", self._file(GOOD), agency="nope")
        with self.assertRaises(CommandError):
            call_command("import_items", self._file(GOOD, suffix=".txt"), agency="ajj")

    def test_xlsx_with_real_dates(self):
        book = Workbook()
        sheet = book.active
        sheet.append(["标题", "发布日期", "生成日期", "信息类别"])
        sheet.append(["Excel中的信息", date(2017, 4, 5), date(2017, 4, 1), "其他"])
        buffer = io.BytesIO()
        book.save(buffer)
        result = importing.validate(
            self.desk.agency, importing.read_rows("a.xlsx", buffer.getvalue())
        )
        self.assertEqual(result.errors, [])
        self.assertEqual(result.rows[0][1]["published_date"], date(2017, 4, 5))

    def test_unreadable_files_raise_a_clear_error(self):
        with self.assertRaises(importing.ImportFileError):
            importing.read_rows("a.xlsx", b"not a zip")
        with self.assertRaises(importing.ImportFileError) as caught:
            importing.read_rows("a.csv", "名称,备注\n".encode())
        self.assertIn("发布日期", str(caught.exception))

    def test_gbk_csv_is_read(self):
        rows = importing.read_rows("a.csv", (HEADER + GOOD[1]).encode("gb18030"))
        self.assertEqual(rows[0][1]["title"], "区安监局开展安全检查")

    def _file(self, lines, suffix=".csv"):
        import tempfile

        folder = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, folder)
        path = f"{folder}/catalog{suffix}"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(HEADER + "".join(lines))
        return path
