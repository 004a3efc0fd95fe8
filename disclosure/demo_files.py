"""Demo attachments: a PDF and a DOCX of a document's text, made when the demo is seeded.

The files are real (they open in any reader and carry the document's own text), so the demo's
policy documents can be downloaded like any other. The PDF uses reportlab's built-in CID font
STSong-Light: Chinese renders without shipping a font file (the reader supplies the glyphs).
Every file says on its first line that it is demo data.
"""

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
DEMO_LINE = "【演示数据】本文件由演示数据生成程序根据公开信息正文生成，仅供体验下载功能。"


def _paragraphs(text):
    return [part.strip() for part in (text or "").split("\n") if part.strip()]


def pdf_bytes(*, title, number, agency, body):
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = {"fontName": FONT, "wordWrap": "CJK"}
    styles = {
        "note": ParagraphStyle("note", fontSize=9, leading=13, textColor="#666666", **base),
        "title": ParagraphStyle("title", fontSize=18, leading=28, alignment=1, **base),
        "number": ParagraphStyle("number", fontSize=12, leading=20, alignment=1, **base),
        "body": ParagraphStyle("body", fontSize=12, leading=22, firstLineIndent=24, **base),
        "sign": ParagraphStyle("sign", fontSize=12, leading=22, alignment=2, **base),
    }
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=title,
        author=agency,
        subject=DEMO_LINE,
    )
    story = [Paragraph(DEMO_LINE, styles["note"]), Spacer(1, 8 * mm)]
    story.append(Paragraph(_escape(title), styles["title"]))
    if number:
        story.append(Paragraph(_escape(number), styles["number"]))
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(_escape(line), styles["body"]) for line in _paragraphs(body)]
    story += [Spacer(1, 10 * mm), Paragraph(_escape(agency), styles["sign"])]
    document.build(story)
    return buffer.getvalue()


def docx_bytes(*, title, number, agency, body):
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word picks CJK glyphs from here
    document.core_properties.title = title
    document.core_properties.author = agency
    document.core_properties.comments = DEMO_LINE
    document.add_paragraph(DEMO_LINE)
    heading = document.add_paragraph()
    heading.alignment = 1
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(18)
    if number:
        document.add_paragraph(number).alignment = 1
    for line in _paragraphs(body):
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.first_line_indent = Pt(24)
    document.add_paragraph(agency).alignment = 2
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _escape(text):
    # reportlab's Paragraph reads a small XML markup: & and < in a title must not start a tag.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
