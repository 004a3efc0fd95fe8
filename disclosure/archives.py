"""Zip-based office files (XLSX, DOCX, PPTX): refuse archive bombs before anything unpacks them.

An .xlsx is a zip of XML parts. A 1 MB file can declare shared strings of 1 GB, and openpyxl
would inflate all of them. ``check_zip`` reads only the zip's central directory — the sizes each
member declares — and refuses the file when a member or the whole would unpack too large or a
member is compressed far beyond what real office documents are. Python's ``zipfile`` never
inflates a member past its declared size (it stops there and reports a CRC error), so once the
declared sizes pass, reading the file stays within them whatever the archive really holds.
"""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    total: int = 100 * MB  # all members together, unpacked
    member: int = 100 * MB  # any one member, unpacked
    ratio: int = 100  # unpacked size / packed size of one member
    ratio_from: int = MB  # members smaller than this may be compressed any amount (tiny parts)
    members: int = 10_000
    # What the uploader can do instead, said after the reason.
    hint: str = "请在 Excel/WPS 中另存后重新上传，或拆分为较小的文件；导入目录也可改用 CSV。"


IMPORT_LIMITS = ZipLimits()  # a catalog to import (disclosure.importing)
# An old portal's saved pages and files (disclosure.oldsite): many members, real attachments.
SITE_LIMITS = ZipLimits(
    total=2 * 1024 * MB,
    member=200 * MB,
    ratio=200,
    ratio_from=10 * MB,
    members=20_000,
    hint="请分批打包后重新导入。",
)


def check_zip(source, limits=IMPORT_LIMITS):
    """Raise ``ValidationError`` (a message for the uploader, in Chinese) unless ``source`` — a
    path or a seekable binary file — is a zip whose declared sizes are within ``limits``."""
    position = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(
            "文件已损坏或不是有效的 Office 文档（zip 格式）。", code="bad_zip"
        ) from exc
    finally:
        if position is not None:
            source.seek(position)
    if len(members) > limits.members:
        raise _refused(f"文件包含的部件过多（{len(members)} 个）", limits)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ValidationError(
                "压缩文件有密码保护，无法读取：请解除密码后重新上传。", code="archive_encrypted"
            )
        total += member.file_size
        if member.file_size > limits.member or total > limits.total:
            raise _refused(f"解压后超过 {limits.total // MB} MB", limits)
        if member.file_size >= limits.ratio_from and (
            member.file_size > limits.ratio * max(member.compress_size, 1)
        ):
            raise _refused(f"“{member.filename}”压缩比异常（超过 {limits.ratio} 倍）", limits)


def _refused(reason, limits):
    return ValidationError(
        f"文件未被读取：{reason}，疑为恶意构造的压缩文件（压缩炸弹）。{limits.hint}",
        code="archive_refused",
    )
