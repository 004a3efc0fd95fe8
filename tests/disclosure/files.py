"""Real files for the attachment-text tests, generated on the spot (reportlab, python-docx)."""

import io
import zipfile

import docx
import openpyxl
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # a CID font reportlab carries: Chinese text without a font file
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def pdf(pages):
    """A PDF with one page per string (each line of a string drawn as a line)."""
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for text in pages:
        page.setFont(FONT, 11)
        y = 800
        for line in text.split("\n"):
            page.drawString(40, y, line)
            y -= 16
        page.showPage()
    page.save()
    return out.getvalue()


def long_pdf(pages=200, lines=45):
    """A PDF of ``pages`` full pages of Chinese text."""
    line = "为深入贯彻落实安全生产责任制，全面排查整治各类隐患，现将有关事项通知如下，"
    return pdf(["\n".join(f"{n}.{line}" for n in range(lines)) for _ in range(pages)])


def encrypted_pdf(text, password="secret-2017"):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf([text]))))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_file(paragraphs, table=None):
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file(rows, title="名单"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb_docx(inflated_mb=260):
    """A DOCX whose document.xml inflates to ``inflated_mb`` MB from a few hundred KB."""
    source = zipfile.ZipFile(io.BytesIO(docx_file(["封面"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                bomb.writestr(member, source.read(member))
        with bomb.open("word/document.xml", "w", force_zip64=True) as xml:
            xml.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                b'2006/main"><w:body><w:p><w:r><w:t>'
            )
            chunk = b"A" * (1024 * 1024)
            for _ in range(inflated_mb):
                xml.write(chunk)
            xml.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()
