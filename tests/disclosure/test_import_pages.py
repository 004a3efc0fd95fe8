"""Importing the old site's saved document pages (a folder or a .zip) with bodies and attachments.

The pages are written here in the shapes real portal templates use: a metadata ``<table>`` of
label cells with the body in ``#zoom`` (TRS style, UTF-8, canonical link), a ``<ul>`` of
``<li>标签：值</li>`` with the body in ``.TRS_Editor`` (GB2312, saved by a browser), a
``<div class="xxgk-info">`` of ``<p>`` pairs with a "发布日期：… 来源：… 浏览次数：…" line, and a
``<dl>``. No network.
"""

import hashlib
import io
import shutil
import tempfile
import zipfile
from datetime import date, time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase

from disclosure import importing, oldsite
from disclosure.models import Item, Validity
from tests.disclosure.builders import Desk

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


TABLE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于开展安全生产大检查的通知_利通区人民政府</title>
<meta name="ArticleTitle" content="关于开展安全生产大检查的通知">
<meta name="PubDate" content="2022-03-26 09:32">
<link rel="canonical" href="http://www.ltq.gov.cn/xxgk/art/2022/3/26/art_1_12.html">
<script>var x = "发布日期：1999-01-01";</script></head>
<body><div class="header"><ul><li><a href="../index.html">首页</a></li><li><a href="http://www.gov.cn/">中国政府网</a></li></ul></div>
<table class="xxgk-table">
<tr><td>索引号：</td><td>000014349/2022-00012</td><td>发布机构：</td><td>{agency}</td></tr>
<tr><td>生成日期：</td><td>2022-03-20</td><td>文号：</td><td>利安监发〔2022〕12号</td></tr>
<tr><td>主题分类：</td><td>综合政务-应急管理</td><td>体裁分类：</td><td>通知</td></tr>
<tr><td>名称：</td><td colspan="3">关于开展安全生产大检查的通知</td></tr>
</table>
<div id="zoom"><p>各乡镇、各部门：</p><p>　　为切实做好安全生产工作，决定开展<span>安全生产</span>大检查。</p>
<p>附件：<a href="files/%E6%A3%80%E6%9F%A5%E8%A1%A8.pdf">安全检查表</a></p>
<p><a href="files/fake.pdf">伪装的文件</a></p></div>
<div class="footer">主办：利通区人民政府办公室</div></body></html>"""

LIST_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开目录</title></head>
<body><ul><li><a href="2022/art_12.html">关于开展安全生产大检查的通知</a></li></ul></body></html>"""

UL_PAGE = """<!-- saved from url=(0070)http://www.xx.gov.cn/zwgk/zfxxgk/fdzdgknr/202404/t20240406_31.html -->
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>2024年公开招聘公告</title></head>
<body><div class="xxgk_top"><ul>
<li><span>索引号：</span><span>000014349/2024-00031</span></li>
<li>发布机构：某某镇人民政府</li>
<li>发布日期：2024年04月06日 16:40</li>
<li>文号：暂无</li>
<li>主题分类：人事工作</li>
<li>有效性：现行有效</li></ul></div>
<h1 class="article-title">2024年公开招聘公告</h1>
<div class="TRS_Editor"><p>根据工作需要，公开招聘工作人员5名。</p><p>报名时间：4月8日至4月12日。</p>
<p><a href="./P020240406.docx">报名表.docx</a></p></div></body></html>"""

DIV_PAGE = """<html><head><meta charset="utf-8"><title>关于印发突发事件应急预案的通知</title></head><body>
<div class="xxgk-info">
<p><label>索引号：</label><span>000014349/2013-00007</span></p>
<p>发文机关：{agency}</p>
<p>成文日期：2013-10-12 00:00:00</p>
<p>主题分类：综合政务,公民,其他</p>
<p>体裁分类：预案</p>
<p>废止日期：2018-01-01</p>
</div>
<div class="article"><h2 class="title">关于印发突发事件应急预案的通知</h2>
<div class="info">发布日期：2013-10-12 00:00:00 来源：区政府办 浏览次数：88</div>
<div class="content" id="content"><p>现将《突发事件总体应急预案》印发给你们，请认真贯彻执行。</p>
<p><a href="../files/yuan.xls">预案附表.xls</a></p></div></div></body></html>"""

DL_PAGE = """<html><head><meta charset="utf-8"><meta property="og:url" content="https://www.xx.gov.cn/art/2023/12/1/art_9.html">
<title>救灾资金发放情况</title></head><body>
<dl class="meta"><dt>索引号</dt><dd>000014349/2023-00101</dd><dt>发布日期</dt><dd>2023年12月01日</dd>
<dt>文号</dt><dd>-</dd><dt>主题分类</dt><dd>民政、乡村振兴、救灾</dd></dl>
<div class="pages_content">救灾资金已全部发放到户。<br>特此公示。</div></body></html>"""


# The 国务院 policy-library layout: bold labels spaced out to align, two pairs a row.
SPACED_PAGE = """<html><head><meta charset="utf-8"><title>国务院办公厅关于印发某方案的通知_政策_中国政府网</title></head>
<body><table class="bd1"><tbody>
<tr><td><b>索&nbsp;&nbsp;引&nbsp;&nbsp;号：</b></td><td>000014349/2024-00077</td>
<td><b>主题分类：</b></td><td>综合政务\\应急管理</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2024年04月01日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于印发某方案的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2024〕15号</td><td><b>发布日期：</b></td><td>2024年04月06日</td></tr>
</tbody></table>
<div class="pages_content" id="UCAP-CONTENT"><p>各省、自治区、直辖市人民政府：</p><p>经国务院同意，现将方案印发给你们。</p></div>
</body></html>"""


def write_site(folder, agency_name):
    folder = Path(folder)
    (folder / "2022" / "files").mkdir(parents=True)
    (folder / "2024").mkdir()
    (folder / "2013" / "pages").mkdir(parents=True)
    (folder / "2013" / "files").mkdir()
    (folder / "index.html").write_text(LIST_PAGE, encoding="utf-8")
    (folder / "2022" / "art_12.html").write_text(
        TABLE_PAGE.replace("{agency}", agency_name), encoding="utf-8"
    )
    (folder / "2022" / "files" / "检查表.pdf").write_bytes(PDF)
    (folder / "2022" / "files" / "fake.pdf").write_bytes(b"MZ\x90\x00 not a pdf")
    (folder / "2024" / "t20240406_31.html").write_bytes(UL_PAGE.encode("gb18030"))
    (folder / "2024" / "P020240406.docx").write_bytes(docx())
    (folder / "2013" / "pages" / "art_7.htm").write_text(
        DIV_PAGE.replace("{agency}", agency_name), encoding="utf-8"
    )
    (folder / "2013" / "files" / "yuan.xls").write_bytes(XLS)
    (folder / "2023.html").write_text(DL_PAGE, encoding="utf-8")
    return folder


def zip_of(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


class PageShapeTests(TestCase):
    def test_table_shape(self):
        row = oldsite.read_page(TABLE_PAGE.replace("{agency}", "利通区应急管理局").encode())
        self.assertEqual(row["index_number"], "000014349/2022-00012")
        self.assertEqual(row["publisher"], "利通区应急管理局")
        self.assertEqual(row["formed_date"], "2022-03-20")
        self.assertEqual(row["published_date"], "2022-03-26 09:32")  # from <meta name="PubDate">
        self.assertEqual(row["topic"], "综合政务-应急管理")
        self.assertEqual(row["title"], "关于开展安全生产大检查的通知")
        self.assertEqual(row["old_url"], "http://www.ltq.gov.cn/xxgk/art/2022/3/26/art_1_12.html")
        self.assertEqual(
            row["body"].split("\n\n")[:2],
            ["各乡镇、各部门：", "为切实做好安全生产工作，决定开展安全生产大检查。"],
        )
        self.assertNotIn("主办", row["body"])

    def test_list_shape_in_gb2312_saved_by_a_browser(self):
        row = oldsite.read_page(UL_PAGE.encode("gb18030"))
        self.assertEqual(row["index_number"], "000014349/2024-00031")
        self.assertEqual(row["published_date"], "2024年04月06日 16:40")
        self.assertEqual((row["document_number"], row["validity"]), ("暂无", "现行有效"))
        self.assertEqual(row["title"], "2024年公开招聘公告")
        self.assertEqual(
            row["old_url"], "http://www.xx.gov.cn/zwgk/zfxxgk/fdzdgknr/202404/t20240406_31.html"
        )

    def test_div_shape_with_a_one_line_header(self):
        row = oldsite.read_page(DIV_PAGE.replace("{agency}", "某局").encode())
        self.assertEqual(row["index_number"], "000014349/2013-00007")
        self.assertEqual(row["publisher"], "某局")
        self.assertEqual(row["published_date"], "2013-10-12 00:00:00")
        self.assertEqual((row["source"], row["views"]), ("区政府办", "88"))
        self.assertEqual(row["repealed_on"], "2018-01-01")
        self.assertEqual(row["title"], "关于印发突发事件应急预案的通知")
        self.assertTrue(row["body"].startswith("现将《突发事件总体应急预案》印发给你们"))

    def test_definition_list_shape(self):
        row = oldsite.read_page(DL_PAGE.encode())
        self.assertEqual((row["published_date"], row["document_number"]), ("2023年12月01日", "-"))
        self.assertEqual(row["body"], "救灾资金已全部发放到户。\n\n特此公示。")
        self.assertEqual(row["old_url"], "https://www.xx.gov.cn/art/2023/12/1/art_9.html")

    def test_spaced_out_labels_of_the_guowuyuan_layout(self):
        row = oldsite.read_page(SPACED_PAGE.encode())
        self.assertEqual(row["index_number"], "000014349/2024-00077")
        self.assertEqual(row["topic"], "综合政务\\应急管理")
        self.assertEqual(row["title"], "国务院办公厅关于印发某方案的通知")
        self.assertEqual(
            (row["formed_date"], row["published_date"]), ("2024年04月01日", "2024年04月06日")
        )
        self.assertEqual(
            (row["document_number"], row["publisher"]), ("国办发〔2024〕15号", "国务院办公厅")
        )
        self.assertEqual(
            row["body"], "各省、自治区、直辖市人民政府：\n\n经国务院同意，现将方案印发给你们。"
        )

    def test_a_page_without_catalog_metadata_is_no_row(self):
        self.assertIsNone(oldsite.read_page(LIST_PAGE.encode()))


class FolderImportTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj", name="利通区应急管理局")
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        write_site(self.folder / "site", self.desk.agency.name)

    def test_the_folder_imports_items_with_bodies_attachments_and_old_urls(self):
        out = io.StringIO()
        call_command(
            "import_items",
            str(self.folder / "site"),
            agency="ajj",
            accept_suggestions=True,
            stdout=out,
            stderr=io.StringIO(),
        )
        text = out.getvalue()
        self.assertIn("1 个网页没有索引号、发布日期等目录信息，已跳过：index.html", text)
        self.assertIn("附件“伪装的文件.pdf”未导入", text)
        self.assertIn("按网页中的链接匹配到 3 个附件", text)
        self.assertIn("已导入 4 条公开信息", text)
        check = Item.objects.get(index_number="000014349/2022-00012")
        self.assertTrue(check.imported)
        self.assertEqual(
            (check.published_date, check.published_time), (date(2022, 3, 26), time(9, 32))
        )
        self.assertEqual(check.old_url, "http://www.ltq.gov.cn/xxgk/art/2022/3/26/art_1_12.html")
        self.assertIn("决定开展安全生产大检查", check.body)
        self.assertEqual(check.topic.name, "突发公共事件应急")
        [attachment] = check.attachments.all()
        self.assertEqual(
            (attachment.name, attachment.content_type, attachment.size),
            ("安全检查表.pdf", "application/pdf", len(PDF)),
        )
        self.assertEqual(attachment.sha256, hashlib.sha256(PDF).hexdigest())
        self.assertEqual(attachment.file.read(), PDF)
        response = self.client.get(attachment.get_absolute_url())
        self.assertEqual(
            b"".join(response.streaming_content) if response.streaming else response.content, PDF
        )
        hiring = Item.objects.get(index_number="000014349/2024-00031")
        self.assertEqual(hiring.published_time, time(16, 40))
        self.assertEqual(hiring.document_number, "")
        self.assertEqual([a.name for a in hiring.attachments.all()], ["报名表.docx"])
        self.assertEqual(hiring.topic.name, "公务员招考")
        plan = Item.objects.get(index_number="000014349/2013-00007")
        self.assertEqual(
            (plan.validity, plan.validity_changed_on), (Validity.REPEALED, date(2018, 1, 1))
        )
        self.assertEqual((plan.formed_date, plan.genre), (date(2013, 10, 12), "scheme"))
        self.assertEqual([a.name for a in plan.attachments.all()], ["预案附表.xls"])
        relief = Item.objects.get(index_number="000014349/2023-00101")
        self.assertEqual((relief.topic.name, relief.published_time), ("民生政策", None))
        self.assertEqual(relief.body, "救灾资金已全部发放到户。\n\n特此公示。")
        # The content digest covers the imported files, as for files attached on this platform.
        from disclosure.services import content_digest

        self.assertEqual(check.content_digest, content_digest(check))


class ZipImportTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj", name="利通区应急管理局")
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        self.content = zip_of(write_site(folder / "site", self.desk.agency.name))

    def test_the_admin_imports_a_zip_of_the_old_site(self):
        self.client.force_login(self.desk.reviewer)
        response = self.client.post(
            "/admin/disclosure/item/import/",
            {
                "agency": self.desk.agency.pk,
                "file": SimpleUploadedFile("old-site.zip", self.content),
            },
        )
        self.assertContains(response, "已跳过：index.html")  # a list page, not an error
        self.assertContains(response, "主题分类映射")
        self.assertContains(response, "确认映射并导入 4 条")
        form = response.context["mapping_form"]
        data = {"token": response.context["token"]}
        data.update({name: field.initial for name, field in form.fields.items()})
        self.client.post("/admin/disclosure/item/import/", data)
        self.assertEqual(Item.objects.filter(imported=True).count(), 4)
        self.assertEqual(sum(item.attachments.count() for item in Item.objects.all()), 3)

    def test_a_zip_bomb_is_refused_before_anything_is_read(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("page.html", TABLE_PAGE)
            archive.writestr("files/zeros.pdf", b"\x00" * (40 * 1024 * 1024))
        with self.assertRaises(importing.ImportFileError) as caught:
            oldsite.read_upload("bomb.zip", buffer.getvalue())
        self.assertIn("压缩炸弹", str(caught.exception))

    def test_a_password_protected_zip_is_refused_with_what_to_do(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("page.html", TABLE_PAGE)
        data = bytearray(buffer.getvalue())
        # Set the "encrypted" flag bit in the local header and the central directory entry,
        # as a zip made with a password has it (zipfile cannot write encrypted archives).
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.index(signature) + offset
            data[at] |= 0x1
        with self.assertRaises(importing.ImportFileError) as caught:
            oldsite.read_upload("locked.zip", bytes(data))
        self.assertIn("密码保护", str(caught.exception))

    def test_a_damaged_zip_gets_a_clear_message(self):
        with self.assertRaises(importing.ImportFileError) as caught:
            oldsite.read_upload("a.zip", b"PK\x03\x04 broken")
        self.assertIn("无法读取该压缩包", str(caught.exception))
