"""The child process that reads one attachment's text (run by ``disclosure.attachment_text``).

It limits itself before opening the file — CPU seconds, address space, no file writes — so a
crafted PDF that loops, or a DOCX whose XML inflates to gigabytes, ends this process and never
the web worker that asked. It imports no Django: the file is parsed by pypdf, python-docx or
openpyxl alone. The answer is one JSON object on stdout:

    {"ok": true, "pages": [[label, text], ...], "truncated": false}
    {"ok": false, "reason": "<what a clerk can act on>"}

Usage: ``python -m disclosure.textract_worker <kind> <path> <cpu seconds> <memory MB> <max chars>``
"""

import json
import resource
import sys
import zipfile

# A DOCX or XLSX whose members inflate past this is refused before parsing: real office files
# compress text 5–50 times, repetitive tables a few hundred; bombs a thousand and more.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 1000


class Refused(Exception):
    """The file cannot give its text; the message says why, in words staff understand."""


def _limit(cpu_seconds, memory_mb):
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _check_zip(path):
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused("文件已损坏，不是有效的 Office 文档") from exc
    total = sum(member.file_size for member in members)
    if total > MAX_UNZIPPED_BYTES:
        raise Refused(f"解压后超过 {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB，疑似压缩炸弹")
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise Refused(f"“{member.filename}”的压缩比异常（超过 {MAX_RATIO} 倍），疑似压缩炸弹")


def _pdf(path, budget):
    # Loaded after the limits are set (the parser's own memory counts), only for this kind.
    import pypdf

    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # unsupported algorithm, missing dependency
                raise Refused("PDF 已加密，无法读取文字") from exc
            if not opened:
                raise Refused("PDF 已加密（需要密码），无法读取文字")
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            pages.append([f"第{number}页", text])
            budget -= len(text)
            if budget <= 0:
                break
        return pages
    except Refused:
        raise
    except (
        pypdf.errors.PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
    ) as exc:
        raise Refused("PDF 文件已损坏或格式不规范，无法读取文字") from exc


def _docx(path, budget):
    _check_zip(path)
    # Loaded after the limits are set (the parser's own memory counts), only for this kind.
    import docx

    try:
        document = docx.Document(path)
    except (docx.opc.exceptions.PackageNotFoundError, KeyError, ValueError) as exc:
        raise Refused("Word 文件已损坏，无法读取文字") from exc
    except Exception as exc:
        if type(exc).__name__ != "XMLSyntaxError":
            raise
        # lxml reports an allocation refused by the memory limit as a syntax error too.
        raise Refused("Word 文件的内容无法解析（已损坏，或过大超出内存限制）") from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
            if sum(map(len, lines)) > budget:
                break
    return [["", "\n".join(lines)]]


def _xlsx(path, budget):
    _check_zip(path)
    # Loaded after the limits are set (the parser's own memory counts), only for this kind.
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise Refused("Excel 文件已损坏，无法读取文字") from exc
    pages = []
    for sheet in book.worksheets:
        lines = []
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if value is None else str(value) for value in row]
            if any(cells):
                lines.append("\t".join(cells).rstrip("\t"))
                budget -= len(lines[-1])
                if budget <= 0:
                    break
        pages.append([f"工作表“{sheet.title}”", "\n".join(lines)])
        if budget <= 0:
            break
    return pages


def decode_text(raw):
    """UTF-8 (with or without BOM), else GB18030 (which reads GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused("文本文件的编码无法识别（应为 UTF-8 或 GBK）")


def _plain(path, budget):
    with open(path, "rb") as handle:
        raw = handle.read(budget * 4)
    return [["", decode_text(raw)]]


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "csv": _plain, "txt": _plain}


def main(argv):
    kind, path, cpu, memory, max_chars = argv[1], argv[2], *map(int, argv[3:6])
    _limit(cpu, memory)
    try:
        pages = READERS[kind](path, max_chars)
    except Refused as exc:
        return {"ok": False, "reason": str(exc)}
    except MemoryError:
        return {"ok": False, "reason": "读取时内存超过限制，文件可能异常（如压缩炸弹）"}
    except RecursionError:
        return {"ok": False, "reason": "文件结构嵌套过深，无法读取文字"}
    except Exception as exc:  # a parser bug on a strange file must still give an answer
        if "memory" in str(exc).lower():  # lxml reports a failed allocation as a syntax error
            return {"ok": False, "reason": "读取时内存超过限制，文件可能异常（如压缩炸弹）"}
        return {"ok": False, "reason": f"无法读取文字（{type(exc).__name__}）"}
    total, kept = 0, []
    for label, text in pages:
        text = text[: max(0, max_chars - total)]
        kept.append([label, text])
        total += len(text)
    return {"ok": True, "pages": kept, "truncated": total >= max_chars}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv), ensure_ascii=False))
