"""The text of an attachment, read in a separate, limited process.

Parsing files that anybody may have crafted is the riskiest thing the site does with them: a PDF
can loop, a DOCX can inflate to gigabytes. So the parsing runs in ``disclosure.textract_worker``,
a child process that caps its own CPU time and address space, and the parent waits a bounded
wall-clock time. Whatever goes wrong ends as a stored "文本不可用" state with the reason, never
as an error page or a stuck web worker.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from django.conf import settings

# What the worker reads, by file extension (the upload check has already matched the content).
KINDS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "csv": "csv", "txt": "txt"}


class TextStatus:
    """Values of ``AttachmentText.status`` (the model's choices use the same strings)."""

    OK = "ok"
    EMPTY = "empty"
    UNAVAILABLE = "unavailable"
    NOT_READ = "not_read"


@dataclass
class Extraction:
    status: str
    text: str = ""
    # [label, offset of the page's first character in ``text``] per PDF page or XLSX sheet
    pages: list = field(default_factory=list)
    note: str = ""
    seconds: float = 0.0


def kind_of(name):
    ext = name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    return KINDS.get(ext)


def limits():
    return (
        settings.ZWGK_TEXT_CPU_SECONDS,
        settings.ZWGK_TEXT_MEMORY_MB,
        settings.ZWGK_TEXT_MAX_CHARS,
    )


def extract_path(path, name):
    """Read the text of the file at ``path`` (named ``name``) in the limited child process."""
    kind = kind_of(name)
    if kind is None:
        return Extraction(TextStatus.NOT_READ, note="图片和旧版 Office 格式不提取文字。")
    cpu, memory, max_chars = limits()
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "disclosure.textract_worker", kind, str(path)]
            + [str(cpu), str(memory), str(max_chars)],
            capture_output=True,
            timeout=cpu * 2 + 5,  # CPU time is capped in the child; this catches a blocked one
            cwd=settings.BASE_DIR,
            env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return _unavailable(f"读取超过 {cpu * 2 + 5} 秒，已停止", started)
    if done.returncode != 0 or not done.stdout:
        # Killed by its own limits: SIGXCPU for CPU time, SIGKILL/MemoryError for memory.
        if done.returncode in (-24, -9, 152, 137) or b"MemoryError" in done.stderr[-2000:]:
            return _unavailable(
                f"读取超过 {cpu} 秒 CPU 时间或 {memory} MB 内存限制，已停止", started
            )
        return _unavailable("读取时出错，文件可能已损坏", started)
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _unavailable("读取时出错，文件可能已损坏", started)
    if not answer.get("ok"):
        return _unavailable(answer.get("reason") or "无法读取文字", started)
    text, pages = "", []
    for label, page_text in answer["pages"]:
        if label:
            pages.append([label, len(text)])
        text += page_text.replace("\x00", "") + ("\n" if label else "")
    seconds = round(time.monotonic() - started, 3)
    if not text.strip():
        return Extraction(
            TextStatus.EMPTY,
            pages=pages,
            note="文件中没有可提取的文字（可能是扫描件；不做文字识别）。",
            seconds=seconds,
        )
    note = f"只保存了前 {max_chars} 个字符。" if answer.get("truncated") else ""
    return Extraction(TextStatus.OK, text=text, pages=pages, note=note, seconds=seconds)


def _unavailable(reason, started):
    return Extraction(
        TextStatus.UNAVAILABLE,
        note=f"文本不可用：{reason}。",
        seconds=round(time.monotonic() - started, 3),
    )


def extract_upload(uploaded, name=None):
    """The text of an uploaded (or in-memory) file, read from a temporary copy when needed."""
    name = name or uploaded.name
    if kind_of(name) is None:
        return extract_path("", name)
    if hasattr(uploaded, "temporary_file_path"):
        return extract_path(uploaded.temporary_file_path(), name)
    uploaded.seek(0)
    with tempfile.NamedTemporaryFile(suffix="." + kind_of(name)) as copy:
        for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
            copy.write(chunk)
        copy.flush()
        uploaded.seek(0)
        return extract_path(copy.name, name)


def extract_bytes(content, name):
    if kind_of(name) is None:
        return extract_path("", name)
    with tempfile.NamedTemporaryFile(suffix="." + kind_of(name)) as copy:
        copy.write(content)
        copy.flush()
        return extract_path(copy.name, name)


def extract_stored(attachment):
    """The text of a stored attachment (local storage gives a path; others are copied out)."""
    name = attachment.file.name  # the stored name keeps the uploaded file's extension
    if kind_of(name) is None:
        return extract_path("", name)
    if not attachment.file.storage.exists(name):
        return Extraction(TextStatus.UNAVAILABLE, note="文本不可用：存储中找不到文件。")
    try:
        return extract_path(attachment.file.path, name)
    except NotImplementedError:  # storage without local paths
        with attachment.file.open("rb") as handle:
            return extract_bytes(handle.read(), name)


def page_of(pages, offset):
    """The label of the page holding ``offset`` ('' when the file has no pages)."""
    label = ""
    for page_label, start in pages or ():
        if start > offset:
            break
        label = page_label
    return label
