"""Each table's structure against DOMAIN.md §5: labels, order and spans, as rendered."""

from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.test import SimpleTestCase

from reports.documents import document_context
from reports.models import ReportFormat
from reports.tables import (
    TABLE2_BLOCKS,
    TABLE3_CORNER,
    TABLE3_ROW_KEYS,
    TABLE3_ROWS,
    TABLE4_KEYS,
)


class Grid(HTMLParser):
    """Reads a rendered table into rows of (tag, text, colspan, rowspan) and lays out the grid."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class", ""), "rows": []})
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self.cell = [tag, "", int(attrs.get("colspan", 1)), int(attrs.get("rowspan", 1))]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.tables[-1]["rows"][-1].append(tuple(self.cell))
            self.cell = None

    def widths(self, rows):
        """The number of grid columns each row occupies, counting cells spanning from above."""
        carry, widths = [], []
        for row in rows:
            width = sum(n for n, _ in carry) + sum(c[2] for c in row)
            widths.append(width)
            carry = [(n, left - 1) for n, left in carry if left > 1]
            carry += [(c[2], c[3] - 1) for c in row if c[3] > 1]
        return widths


def rendered_tables(fmt):
    snapshot = {
        "format": fmt,
        "year": 2025,
        "title": "2025年政府信息公开工作年度报告",
        "agency": {"name": "测试局", "slug": "t"},
        "signature": {"name": "测试局", "date": None},
        "narrative": {},
        "figures": {"table2": {}, "table3": {}, "table4": {}, "proactive": {}},
    }
    html = render_to_string("reports/_document.html", document_context(snapshot))
    parser = Grid()
    parser.feed(html)
    return parser, {t["class"].split()[-1]: t["rows"] for t in parser.tables}


class Table3StructureTests(SimpleTestCase):
    def test_2021_has_25_rows_of_three_label_columns_and_seven_numbers(self):
        parser, tables = rendered_tables(ReportFormat.NATIONAL_2021)
        rows = tables["report-table-3"]
        self.assertEqual(len(rows), 3 + 25)
        self.assertEqual(set(parser.widths(rows)), {10})
        self.assertEqual([len([c for c in row if c[0] == "td"]) for row in rows[3:]], [7] * 25)
        self.assertEqual(rows[0][0][1:], (TABLE3_CORNER, 3, 3))
        self.assertEqual(rows[0][1][1:], ("申请人情况", 7, 1))
        self.assertEqual([c[1] for c in rows[1]], ["自然人", "法人或其他组织", "总计"])
        self.assertEqual(
            [c[1] for c in rows[2]],
            ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
        )

    def test_2021_labels_in_order_with_exact_typography(self):
        labels = [
            cell.text for row in TABLE3_ROWS[ReportFormat.NATIONAL_2021] for cell in row.labels
        ]
        self.assertEqual(
            labels[:5],
            [
                "一、本年新收政府信息公开申请数量",
                "二、上年结转政府信息公开申请数量",
                "三、本年度办理结果",
                "（一）予以公开",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            ],
        )
        self.assertIn("3.危及“三安全一稳定”", labels)
        self.assertIn(
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", labels
        )
        self.assertEqual(labels[-2:], ["（七）总计", "四、结转下年度继续办理"])
        for label in labels:
            self.assertNotIn("(", label)
            self.assertNotRegex(label, r"^\d\. ")
        self.assertEqual(
            [row.key for row in TABLE3_ROWS[ReportFormat.NATIONAL_2021]], list(TABLE3_ROW_KEYS)
        )
        result = TABLE3_ROWS[ReportFormat.NATIONAL_2021][2].labels[0]
        self.assertEqual((result.text, result.rowspan), ("三、本年度办理结果", 22))

    def test_2019_has_other_handling_as_a_single_row(self):
        parser, tables = rendered_tables(ReportFormat.TRIAL_2019)
        rows = tables["report-table-3"]
        self.assertEqual(len(rows), 3 + 23)
        self.assertEqual(set(parser.widths(rows)), {10})
        row = next(
            r for r in TABLE3_ROWS[ReportFormat.TRIAL_2019] if r.labels[-1].text == "（六）其他处理"
        )
        self.assertEqual(row.keys, ("other.no_correction", "other.unpaid_fee", "other.other"))


class Table2StructureTests(SimpleTestCase):
    def test_2021_blocks_captions_and_columns(self):
        parser, tables = rendered_tables(ReportFormat.NATIONAL_2021)
        rows = tables["report-table-2"]
        self.assertEqual(set(parser.widths(rows)), {4})
        texts = [[c[1] for c in row] for row in rows]
        self.assertEqual(texts[0], ["第二十条第（一）项"])
        self.assertEqual(texts[1], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
        self.assertEqual([t[0] for t in texts[2:4]], ["规章", "行政规范性文件"])
        self.assertEqual(texts[4:6], [["第二十条第（五）项"], ["信息内容", "本年处理决定数量"]])
        self.assertEqual(texts[7][0], "第二十条第（六）项")
        self.assertEqual(
            texts[-3:-1], [["第二十条第（八）项"], ["信息内容", "本年收费金额（单位：万元）"]]
        )
        self.assertEqual(texts[-1][0], "行政事业性收费")
        numbers = sum(1 for row in rows for c in row if c[0] == "td")
        self.assertEqual(numbers, 10)

    def test_2019_trial_columns(self):
        parser, tables = rendered_tables(ReportFormat.TRIAL_2019)
        self.assertEqual(set(parser.widths(tables["report-table-2"])), {4})
        captions = [b.caption for b in TABLE2_BLOCKS[ReportFormat.TRIAL_2019]]
        self.assertEqual(captions[-1], "第二十条第（九）项")
        headers = [b.header for b in TABLE2_BLOCKS[ReportFormat.TRIAL_2019]]
        self.assertEqual(
            headers[0], ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
        )
        self.assertEqual(headers[1], ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"))
        self.assertEqual(headers[3], ("信息内容", "上一年项目数量", "本年增/减"))
        self.assertEqual(headers[4], ("信息内容", "采购项目数量", "采购总金额"))


class Table4StructureTests(SimpleTestCase):
    def test_fifteen_numbers_under_a_three_row_header(self):
        parser, tables = rendered_tables(ReportFormat.NATIONAL_2021)
        rows = tables["report-table-4"]
        self.assertEqual(set(parser.widths(rows)), {15})
        self.assertEqual([c[1] for c in rows[0]], ["行政复议", "行政诉讼"])
        self.assertEqual([c[1] for c in rows[1]][-2:], ["未经复议直接起诉", "复议后起诉"])
        self.assertEqual(
            [c[1] for c in rows[1]][:5], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        )
        self.assertEqual(len(rows[3]), 15)
        self.assertEqual(len(TABLE4_KEYS), 15)


class SectionTests(SimpleTestCase):
    def test_national_headings_and_overview_subheadings(self):
        snapshot = {
            "format": ReportFormat.NATIONAL_2021,
            "year": 2025,
            "title": "t",
            "agency": {"name": "a", "slug": "a"},
            "signature": {"name": "a", "date": "2026-01-20"},
            "narrative": {},
            "figures": {"table2": {}, "table3": {}, "table4": {}, "proactive": {}},
        }
        html = render_to_string("reports/_document.html", document_context(snapshot))
        positions = [
            html.index(h)
            for h in (
                "一、总体情况",
                "（一）主动公开",
                "（二）依申请公开",
                "（三）政府信息管理",
                "（四）平台建设",
                "（五）监督保障",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项",
                "2026年1月20日",
            )
        ]
        self.assertEqual(positions, sorted(positions))
