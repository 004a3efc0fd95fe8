"""Bringing an old portal's catalog over as it printed it (issue 21).

The rows below copy the shapes real county, district and township portals print: dates with and
without a time in several styles, their own topic words, lists and paths of topics, placeholder
文号, validity words, a repeal date without a validity, and the extra columns they export.
"""

import csv
import io
from datetime import date, time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from disclosure import import_mapping, importing, services
from disclosure.models import DocKind, ImportMapping, Item, Topic, Validity
from tests.disclosure.builders import Desk
from tests.factories import make_agency

HEADER = [
    "索引号",
    "标题",
    "发布机构",
    "生成日期",
    "发布日期",
    "文号",
    "主题分类",
    "体裁分类",
    "有效性",
    "废止日期",
    "失效日期",
    "来源",
    "浏览次数",
    "URL",
    "备注",
]
ROWS = [
    [
        "000014349/2022-00012",
        "关于做好2022年防汛工作的通知",
        "{agency}",
        "2022年03月20日",
        "2022-03-26 09:32",
        "利安监发〔2022〕12号",
        "应急管理",
        "通知",
        "现行有效",
        "",
        "",
        "区应急局",
        "356",
        "http://www.example.gov.cn/art/2022/3/26/art_1_12.html",
        "已核对",
    ],
    [
        "000014349/2020-00101",
        "区安委会第四季度工作安排",
        "{agency}、协办局",
        "2020-10-10",
        "2020-10-10 19:48:26",
        "无",
        "综合政务-文秘工作",
        "预案",
        "有效",
        "",
        "",
        "",
        "12",
        "",
        "",
    ],
    [
        "",
        "关于印发突发事件应急预案的通知",
        "",
        "2013-10-12 00:00:00",
        "2013-10-12 00:00:00",
        "暂无",
        "综合政务,公民,其他",
        "预案",
        "失效",
        "",
        "2018-01-01",
        "",
        "",
        "",
        "",
    ],
    [
        "",
        "2024年事业单位公开招聘公告",
        "某某单位",
        "",
        "2024年04月06日 16:40",
        "null",
        "人事工作",
        "公告",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "",
        "救灾资金发放情况",
        "",
        "2023年12月01日",
        "2023年12月01日",
        "-",
        "民政、乡村振兴、救灾",
        "其他",
        "有效",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "",
        "关于规范行政执法的若干规定",
        "",
        "2023-12-01",
        "2023/12/1",
        "利政规【2023】1号",
        "综合政务;应急管理",
        "行政规范性文件",
        "已修订",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "",
        "已废止的旧办法",
        "",
        "2015.01.05",
        "2023.12.01",
        "利政发〔2015〕3号",
        "已归档",
        "办法",
        "",
        "2023-06-30",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "",
        "其他信息",
        "",
        "",
        "2023-12-01",
        "",
        "其他",
        "",
        "废止",
        "2023-12-01",
        "",
        "",
        "",
        "",
        "",
    ],
]


def csv_bytes(rows, header=HEADER, agency_name=""):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell.replace("{agency}", agency_name) for cell in row])
    return buffer.getvalue().encode()


def topic(name):
    return Topic.objects.filter(name=name).first()


class DatesTests(TestCase):
    def test_every_printed_style_with_and_without_a_time(self):
        cases = {
            "2022-03-26 09:32": (date(2022, 3, 26), time(9, 32)),
            "2020-10-10 19:48:26": (date(2020, 10, 10), time(19, 48, 26)),
            "2013-10-12 00:00:00": (date(2013, 10, 12), time(0, 0)),
            "2024年04月06日 16:40": (date(2024, 4, 6), time(16, 40)),
            "2023年12月01日": (date(2023, 12, 1), None),
            "2023-12-01": (date(2023, 12, 1), None),
            "2023/12/1": (date(2023, 12, 1), None),
            "2023.12.01": (date(2023, 12, 1), None),
            "2024年4月6日16时40分": (date(2024, 4, 6), time(16, 40)),
        }
        for printed, expected in cases.items():
            self.assertEqual(importing.parse_datetime(printed, "发布日期"), expected, printed)

    def test_impossible_dates_and_times_are_refused_with_the_value(self):
        for printed in ("2023-02-30", "2023-12-01 25:00", "明天", "2023-12"):
            with self.assertRaises(Exception) as caught:
                importing.parse_datetime(printed, "发布日期")
            self.assertIn(printed, str(caught.exception))

    def test_shapes_for_the_findings(self):
        self.assertEqual(importing.date_shape("2024年04月06日 16:40"), "YYYY年MM月DD日 hh:mm")
        self.assertEqual(importing.date_shape("2023/12/1"), "YYYY/MM/DD")


class TopicSuggestionTests(TestCase):
    def setUp(self):
        Desk()  # the topic tree, re-made if a transactional test emptied it
        self.index = import_mapping.TopicIndex()

    def suggest(self, value):
        found, basis = self.index.suggest(value)
        return (found.name if found else None), basis

    def test_exact_name_then_path_segment_then_closest_guowuyuan_topic(self):
        self.assertEqual(self.suggest("安全生产"), ("安全生产", "名称完全一致"))
        self.assertEqual(self.suggest("监督检查/安全生产"), ("安全生产", "名称完全一致"))
        self.assertEqual(self.suggest("综合政务,公民,其他")[0], "其他")
        self.assertIn("路径中的“其他”", self.suggest("综合政务,公民,其他")[1])
        self.assertEqual(
            self.suggest("应急管理"), ("突发公共事件应急", "最接近的国务院主题“应急管理”")
        )
        self.assertEqual(self.suggest("综合政务;应急管理")[0], "突发公共事件应急")
        self.assertEqual(self.suggest("综合政务\\应急管理")[0], "突发公共事件应急")
        self.assertEqual(self.suggest("人事工作")[0], "公务员招考")
        self.assertEqual(self.suggest("民政、乡村振兴、救灾")[0], "民生政策")
        self.assertEqual(self.suggest("综合政务-文秘工作")[0], "其他")
        self.assertEqual(self.suggest("安全生产监督管理")[0], "安全生产")  # closest by name
        self.assertEqual(self.suggest("已归档"), (None, ""))


class MixedFileTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj", name="利通区应急管理局")
        self.other = make_agency(name="协办局")

    def dry_run(self, rows=ROWS):
        return importing.validate(
            self.desk.agency,
            importing.read_rows("old.csv", csv_bytes(rows, agency_name=self.desk.agency.name)),
        )

    def test_the_dry_run_lists_each_value_with_its_count_and_suggestion(self):
        result = self.dry_run()
        self.assertEqual(result.errors, [])
        topics = {row.source: row for row in result.mapping.rows["topic"]}
        self.assertEqual(
            set(topics),
            {
                "应急管理",
                "综合政务-文秘工作",
                "综合政务,公民,其他",
                "人事工作",
                "民政、乡村振兴、救灾",
                "综合政务;应急管理",
                "已归档",
                "其他",
            },
        )
        self.assertEqual(topics["应急管理"].rows, 1)
        self.assertEqual(topics["应急管理"].target_label, "突发公共事件应急")
        self.assertEqual(topics["综合政务-文秘工作"].segments, ["综合政务", "文秘工作"])
        self.assertIn("默认", topics["已归档"].basis)
        self.assertEqual(topics["已归档"].target_label, "其他")  # the stated default
        self.assertTrue(topics["其他"].confirmed)  # exact: nothing to confirm
        self.assertFalse(topics["应急管理"].confirmed)
        genres = {row.source: row for row in result.mapping.rows["genre"]}
        self.assertEqual((genres["预案"].rows, genres["预案"].target_label), (2, "方案"))
        validity = {row.source: row.target for row in result.mapping.rows["validity"]}
        self.assertEqual(validity["现行有效"], Validity.VALID)
        self.assertEqual(validity["已修订"], Validity.EXPIRED)
        findings = result.findings
        self.assertIn("带时间，已保留发布时间（4 行）", findings["发布日期"])
        self.assertIn("写法“YYYY年MM月DD日 hh:mm”（1 行）", findings["发布日期"])
        self.assertIn("“无”按无文号处理（1 行）", findings["文号"])
        self.assertIn("“null”按无文号处理（1 行）", findings["文号"])
        self.assertIn("未填有效性，按废止日期记为废止（1 行）", findings["有效性"])
        self.assertIn("“协办局”记为联合发布机构（1 行）", findings["发布机构"])
        self.assertIn("“某某单位”不是本平台的机构，未导入（1 行）", findings["发布机构"])
        self.assertIn("已忽略：本平台没有“来源”字段（1 行）", findings["来源"])
        self.assertIn("已忽略：浏览次数属于原网站，不导入（2 行）", findings["浏览次数"])
        self.assertEqual(findings["备注"], ["已忽略：本平台没有对应字段"])
        self.assertIn("已保存为原网址（可用于发布跳转）（1 行）", findings["URL"])

    def test_a_file_mixing_every_format_imports_with_the_mapping_confirmed_once(self):
        result = self.dry_run()
        for row in result.mapping.unconfirmed:
            row.confirmed = True  # what the form's confirmation does
        services.import_mapping_save(
            agency=self.desk.agency, by=self.desk.reviewer, mapping=result.mapping
        )
        self.assertEqual(
            services.items_import(agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows),
            8,
        )
        items = {item.title: item for item in Item.objects.filter(agency=self.desk.agency)}
        first = items["关于做好2022年防汛工作的通知"]
        self.assertEqual(first.index_number, "000014349/2022-00012")
        self.assertEqual(
            (first.formed_date, first.published_date, first.published_time),
            (date(2022, 3, 20), date(2022, 3, 26), time(9, 32)),
        )
        self.assertEqual(first.document_number, "利安监发〔2022〕12号")
        self.assertEqual(first.topic, topic("突发公共事件应急"))
        self.assertEqual((first.genre, first.validity), ("notice", Validity.VALID))
        self.assertEqual(first.old_url, "http://www.example.gov.cn/art/2022/3/26/art_1_12.html")
        self.assertTrue(first.imported)
        second = items["区安委会第四季度工作安排"]
        self.assertEqual(second.published_time, time(19, 48, 26))
        self.assertEqual(second.document_number, "")
        self.assertEqual(list(second.co_publishers.all()), [self.other])
        self.assertEqual((second.genre, second.topic), ("scheme", topic("其他")))
        third = items["关于印发突发事件应急预案的通知"]
        self.assertEqual(third.published_time, time(0, 0))  # printed, so kept
        self.assertEqual(
            (third.validity, third.validity_changed_on), (Validity.EXPIRED, date(2018, 1, 1))
        )
        self.assertEqual(
            third.index_number, "000014349/2013-00001"
        )  # numbered by the agency's pattern
        fourth = items["2024年事业单位公开招聘公告"]
        self.assertEqual(
            (fourth.published_date, fourth.published_time), (date(2024, 4, 6), time(16, 40))
        )
        self.assertEqual((fourth.topic, fourth.genre), (topic("公务员招考"), "announcement"))
        self.assertEqual(list(fourth.co_publishers.all()), [])
        self.assertEqual(items["救灾资金发放情况"].topic, topic("民生政策"))
        rule = items["关于规范行政执法的若干规定"]
        self.assertEqual(
            (rule.doc_kind, rule.validity, rule.document_number),
            (DocKind.NORMATIVE, Validity.EXPIRED, "利政规〔2023〕1号"),
        )
        self.assertEqual(rule.topic, topic("突发公共事件应急"))
        repealed = items["已废止的旧办法"]
        self.assertEqual(
            (repealed.validity, repealed.validity_changed_on),
            (Validity.REPEALED, date(2023, 6, 30)),
        )
        self.assertEqual((repealed.formed_date, repealed.topic), (date(2015, 1, 5), topic("其他")))
        self.assertEqual(items["其他信息"].validity, Validity.REPEALED)
        # The mapping is kept for the agency's next file: nothing left to confirm.
        self.assertTrue(
            ImportMapping.objects.filter(
                agency=self.desk.agency, source="应急管理", topic=topic("突发公共事件应急")
            ).exists()
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                event=AuditEvent.Event.SETTINGS_CHANGED, detail__contains="导入映射"
            ).exists()
        )
        again = self.dry_run(ROWS[3:5])
        self.assertEqual(again.mapping.unconfirmed, [])
        self.assertEqual({row.basis for row in again.mapping.rows["topic"]}, {"已保存的映射"})

    def test_a_changed_mapping_is_used_and_kept(self):
        result = self.dry_run()
        result.mapping.choose("topic", "已归档", str(topic("规划计划").pk))
        result.mapping.defaults["topic"] = ("", "（不设主题分类）")
        for row in result.mapping.unconfirmed:
            row.confirmed = True
        services.import_mapping_save(
            agency=self.desk.agency, by=self.desk.reviewer, mapping=result.mapping
        )
        result = importing.validate(
            self.desk.agency,
            importing.read_rows("old.csv", csv_bytes(ROWS, agency_name=self.desk.agency.name)),
            mapping=result.mapping,
        )
        services.items_import(agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows)
        self.assertEqual(Item.objects.get(title="已废止的旧办法").topic, topic("规划计划"))
        # A new value of a later file goes to the saved default (no topic), and says so.
        later = self.dry_run(
            [["", "新值", "", "", "2023-01-01", "", "全新的分类", "", "", "", "", "", "", "", ""]]
        )
        row = later.mapping.rows["topic"][0]
        self.assertEqual((row.target, row.target_label), ("", "（不设主题分类）"))
        self.assertIn("归入默认“（不设主题分类）”", row.basis)

    def test_validation_reads_a_fixed_number_of_queries(self):
        with CaptureQueriesContext(connection) as few:
            self.dry_run(ROWS[:2])
        with CaptureQueriesContext(connection) as many:
            self.dry_run(ROWS * 20)
        self.assertEqual(len(few), len(many))

    def test_the_command_prints_the_mapping_and_findings_and_imports_once_accepted(self):
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        self.addCleanup(__import__("shutil").rmtree, folder)
        path = folder / "old.csv"
        path.write_bytes(csv_bytes(ROWS, agency_name=self.desk.agency.name))
        out = io.StringIO()
        call_command(
            "import_items", str(path), agency="ajj", dry_run=True, stdout=out, stderr=io.StringIO()
        )
        text = out.getvalue()
        self.assertIn("【主题分类映射】共 8 个取值；未能映射的值归入：其他", text)
        self.assertIn(
            "应急管理（1 行） → 突发公共事件应急　[最接近的国务院主题“应急管理”，待确认]", text
        )
        self.assertIn("【各列检查结果】", text)
        self.assertIn("发布日期：", text)
        with self.assertRaises(CommandError):
            call_command(
                "import_items", str(path), agency="ajj", stdout=io.StringIO(), stderr=io.StringIO()
            )
        self.assertFalse(Item.objects.exists())
        out = io.StringIO()
        call_command(
            "import_items",
            str(path),
            agency="ajj",
            accept_suggestions=True,
            stdout=out,
            stderr=io.StringIO(),
        )
        self.assertEqual(Item.objects.count(), 8)
        self.assertIn("已导入 8 条公开信息", out.getvalue())


class AdminMappingTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj", name="利通区应急管理局")
        make_agency(name="协办局")
        self.client.force_login(self.desk.reviewer)

    def upload(self, rows=ROWS, name="old.csv"):
        return self.client.post(
            "/admin/disclosure/item/import/",
            {
                "agency": self.desk.agency.pk,
                "file": SimpleUploadedFile(
                    name, csv_bytes(rows, agency_name=self.desk.agency.name)
                ),
            },
        )

    def test_dry_run_page_shows_mapping_table_and_findings_then_imports_the_confirmed_choice(self):
        response = self.upload()
        self.assertContains(response, "主题分类映射")
        self.assertContains(response, "各列检查结果")
        self.assertContains(response, "综合政务-文秘工作")
        self.assertContains(response, "拆分为：综合政务 · 文秘工作")
        self.assertContains(response, "待确认")
        self.assertContains(response, "确认映射并导入 8 条")
        self.assertFalse(Item.objects.exists())
        form = response.context["mapping_form"]
        data = {"token": response.context["token"]}
        data.update({name: field.initial for name, field in form.fields.items()})
        archived = next(
            row
            for row in response.context["result"].mapping.rows["topic"]
            if row.source == "已归档"
        )
        data[archived.field_name] = str(topic("规划计划").pk)  # staff change one suggestion
        response = self.client.post("/admin/disclosure/item/import/", data)
        self.assertRedirects(response, "/admin/disclosure/item/", fetch_redirect_response=False)
        self.assertEqual(Item.objects.filter(imported=True).count(), 8)
        self.assertEqual(Item.objects.get(title="已废止的旧办法").topic, topic("规划计划"))
        saved = ImportMapping.objects.get(agency=self.desk.agency, kind="topic", source="已归档")
        self.assertEqual((saved.topic, saved.confirmed_by), (topic("规划计划"), self.desk.reviewer))
        # The next file reuses the mapping: every row is already confirmed.
        response = self.upload(ROWS[6:7])
        self.assertNotContains(response, "待确认")
        self.assertContains(response, "已保存的映射")
        # The kept upload of the first step cannot be imported twice.
        response = self.client.post("/admin/disclosure/item/import/", data)
        self.assertContains(response, "已过期或已导入")
        self.assertEqual(Item.objects.count(), 8)

    def test_another_users_token_imports_nothing(self):
        response = self.upload()
        token = response.context["token"]
        other = Desk()
        self.client.force_login(other.reviewer)
        response = self.client.post("/admin/disclosure/item/import/", {"token": token})
        self.assertContains(response, "已过期或已导入")
        self.assertFalse(Item.objects.exists())


class HistoryTests(TestCase):
    """Imported items are history: never late on this platform, and past reports rebuild from them."""

    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj")

    def test_imported_items_are_not_counted_late(self):
        rows = [
            [
                "",
                "半年后才发布的旧信息",
                "",
                "2017-01-03",
                "2017-06-30 10:00",
                "",
                "安全生产",
                "通知",
                "有效",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        ]
        result = importing.validate(self.desk.agency, importing.read_rows("a.csv", csv_bytes(rows)))
        services.items_import(agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows)
        item = Item.objects.get()
        self.assertTrue(item.imported)
        self.assertGreater(item.publish_workdays, 20)  # the history is kept…
        self.assertFalse(item.is_late)  # …but this platform did not publish it late
        page = self.client.get(item.get_absolute_url()).content.decode()
        self.assertIn("不计入本平台的公开时效统计", page)
        self.assertIn("2017-06-30 10:00", page)
        self.assertNotIn("超过20个工作日", page)
        late = self.desk.publish("本平台超期发布", published_date=date(2017, 6, 30))
        self.assertTrue(late.is_late)
        self.client.force_login(self.desk.reviewer)
        changelist = self.client.get("/admin/disclosure/item/").content.decode()
        self.assertIn("历史导入（不计时效）", changelist)
        self.assertIn("超期", changelist)
        from disclosure import dashboard

        self.assertEqual(dashboard.deadlines(self.desk.reviewer, date(2017, 7, 3)), [])

    def test_a_past_years_legacy_report_is_rebuilt_from_imported_items(self):
        from reports.figures import report_figures
        from reports.models import AnnualReport, ReportFormat
        from reports.services import report_create
        from tests.factories import make_staff

        header = [
            "索引号",
            "标题",
            "信息类别",
            "发布渠道",
            "生成日期",
            "发布日期",
            "文件类型",
            "有效性",
            "废止日期",
        ]
        rows = []
        for n in range(1, 31):
            category = ["政策类", "工作动态", "其他"][n % 3]
            channels = "门户网站、政务公开栏" if n % 2 else "门户网站"
            rows.append(
                [
                    f"000014349/2016-{n:05d}",
                    f"2016年第{n}条信息",
                    category,
                    channels,
                    f"2016-{1 + n % 12:02d}-01",
                    f"2016-{1 + n % 12:02d}-{1 + n % 20:02d} 09:00",
                    "行政规范性文件" if n <= 4 else "",
                    "废止" if n == 1 else "",
                    "2016-12-01" if n == 1 else "",
                ]
            )
        rows.append(
            [
                "000014349/2017-00001",
                "下一年的信息",
                "其他",
                "门户网站",
                "2017-01-02",
                "2017-01-03",
                "",
                "",
                "",
            ]
        )
        result = importing.validate(
            self.desk.agency, importing.read_rows("a.csv", csv_bytes(rows, header=header))
        )
        self.assertEqual(result.errors, [])
        services.items_import(agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows)
        head = make_staff(self.desk.agency, "head")
        report = report_create(report=AnnualReport(agency=self.desk.agency, year=2016), by=head)
        self.assertEqual(report.format, ReportFormat.LEGACY)
        figures = report_figures(report)
        proactive = figures["proactive"]
        self.assertEqual(proactive["total"], 30)
        self.assertEqual(proactive["by_category"], {"policy": 10, "work": 10, "other": 10})
        self.assertEqual(dict(proactive["by_channel"]), {"门户网站": 30, "政务公开栏": 15})
        self.assertEqual(sum(proactive["by_month"].values()), 30)
        # On PostgreSQL those figures came from the tallies its triggers kept during the import;
        # a full recount from the items gives the same.
        from disclosure import tally

        tally.rebuild()
        self.assertEqual(report_figures(report)["proactive"], proactive)
        from reports.narrative import resolved_narrative
        from reports.services import report_draft_text

        report, _ = report_draft_text(report=report, by=head)
        text = "".join(resolved_narrative(report, report_figures(report)).values())
        self.assertIn(
            "主动公开政府信息30条。其中：政策类信息10条，工作动态10条，其他信息10条。", text
        )
        self.assertEqual(
            Item.objects.get(index_number="000014349/2016-00001").validity, Validity.REPEALED
        )
        # The next serial of 2016 follows the imported ones.
        self.assertEqual(
            services.items_import(
                agency=self.desk.agency,
                by=self.desk.reviewer,
                rows=importing.validate(
                    self.desk.agency,
                    importing.read_rows("b.csv", "标题,发布日期\n补录,2016-12-30\n".encode()),
                ).rows,
            ),
            1,
        )
        self.assertTrue(Item.objects.filter(index_number="000014349/2016-00031").exists())


class BenchImportTests(TestCase):
    def test_the_measured_command_imports_every_row_and_leaves_nothing(self):
        out = io.StringIO()
        call_command("bench_import", "--rows", "300", stdout=out)
        text = out.getvalue()
        self.assertIn("300 行", text)
        for step in ("读取 CSV", "校验与映射（试导入）", "导入（写入数据库）", "合计"):
            self.assertIn(f"| {step} |", text)
        self.assertFalse(Item.objects.exists())
        self.assertFalse(ImportMapping.objects.exists())


class RedirectsTests(TestCase):
    def test_old_addresses_are_listed_with_their_new_ones(self):
        desk = Desk(code="000014349", slug="ajj")
        rows = [
            [
                "",
                "有原网址的信息",
                "",
                "",
                "2022-03-26 09:32",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "http://www.example.gov.cn/art/2022/3/26/art_1_12.html",
                "",
            ],
            ["", "没有原网址的信息", "", "", "2022-03-27", "", "", "", "", "", "", "", "", "", ""],
        ]
        result = importing.validate(desk.agency, importing.read_rows("a.csv", csv_bytes(rows)))
        services.items_import(agency=desk.agency, by=desk.reviewer, rows=result.rows)
        out = io.StringIO()
        call_command(
            "export_redirects", agency="ajj", base="https://gk.example.gov.cn/", stdout=out
        )
        item = Item.objects.get(title="有原网址的信息")
        self.assertEqual(
            out.getvalue().splitlines(),
            [
                "原网址,新网址",
                f"http://www.example.gov.cn/art/2022/3/26/art_1_12.html,https://gk.example.gov.cn/catalog/{item.pk}/",
            ],
        )
