"""Attachment checks: the type is decided by the file's first bytes, never by its name alone."""

import hashlib
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

# (kind, leading bytes, allowed extensions, content type served)
SIGNATURES = [
    ("pdf", b"%PDF-", {"pdf"}, "application/pdf"),
    (
        "ole",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        {"doc", "xls", "ppt", "wps", "et"},
        "application/octet-stream",
    ),
    ("zip", b"PK\x03\x04", {"docx", "xlsx", "pptx"}, "application/octet-stream"),
    ("png", b"\x89PNG\r\n\x1a\n", {"png"}, "image/png"),
    ("jpeg", b"\xff\xd8\xff", {"jpg", "jpeg"}, "image/jpeg"),
    ("gif", b"GIF87a", {"gif"}, "image/gif"),
    ("gif", b"GIF89a", {"gif"}, "image/gif"),
]
OFFICE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "wps": "application/octet-stream",
    "et": "application/octet-stream",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# Text files have no signature: they are taken when they decode as UTF-8 or GBK without NUL
# bytes (what a binary file would hold), and are always served as downloads.
TEXT_TYPES = {"csv": "text/csv; charset=utf-8", "txt": "text/plain; charset=utf-8"}
ALLOWED_NAMES = "PDF、Word、Excel、PowerPoint（含 WPS）、CSV、纯文本、PNG、JPEG、GIF"


def clean_filename(name):
    """A file name safe to store and to offer for download.

    Control and format characters go (``evil\u202egpj.html`` would show as ``evil.jpg`` thanks
    to the right-to-left override; zero-width and bidi marks hide the real extension the same
    way), path separators become ``_``, and a name left empty becomes 附件.
    """
    kept = "".join(
        char
        for char in name or ""
        if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")
    )
    return kept.replace("/", "_").replace("\\", "_").strip() or "附件"


def max_bytes():
    return settings.DISCLOSURE_ATTACHMENT_MAX_BYTES


def inspect_upload(uploaded):
    """Validate an uploaded file; return (content_type, size, sha256) or raise ValidationError."""
    limit = max_bytes()
    if uploaded.size > limit:
        raise ValidationError(f"附件不能超过 {limit // (1024 * 1024)} MB。", code="too_large")
    ext = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for kind, magic, extensions, content_type in SIGNATURES:
        if head.startswith(magic):
            if ext not in extensions:
                break
            if kind == "zip" and not _is_office_zip(uploaded):
                break
            digest = hashlib.sha256()
            for chunk in uploaded.chunks():
                digest.update(chunk)
            uploaded.seek(0)
            return OFFICE_TYPES.get(ext, content_type), uploaded.size, digest.hexdigest()
    if ext in TEXT_TYPES and _is_text(uploaded):
        digest = hashlib.sha256()
        for chunk in uploaded.chunks():
            digest.update(chunk)
        uploaded.seek(0)
        return TEXT_TYPES[ext], uploaded.size, digest.hexdigest()
    raise ValidationError(
        f"文件“{uploaded.name}”的内容与扩展名不符或类型不允许。只能上传{ALLOWED_NAMES}文件。",
        code="bad_type",
    )


def _is_text(uploaded):
    uploaded.seek(0)
    raw = uploaded.read()
    uploaded.seek(0)
    if b"\x00" in raw:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _is_office_zip(uploaded):
    try:
        with zipfile.ZipFile(uploaded) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        uploaded.seek(0)
