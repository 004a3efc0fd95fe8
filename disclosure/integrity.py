"""Re-hash the official records and report every one whose stored digest no longer matches.

Published catalog items carry ``content_digest`` (SHA-256 over their content and their
attachments' digests, see ``disclosure.services.content_digest``); every attachment carries the
``sha256`` of its file. A mismatch means the database row or the file was changed outside the
services (the PostgreSQL triggers stop that through SQL, not through the file system or a
restored backup).
"""

import hashlib
from dataclasses import dataclass

from disclosure.models import Attachment, Item, ItemStatus
from disclosure.services import content_digest

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    kind: str
    object_id: int
    message: str

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.message}"


def file_sha256(field_file):
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def integrity_problems():
    """Returns (number of records checked, list of ``Problem``)."""
    problems, checked = [], 0
    official = [ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN]
    items = Item.objects.filter(status__in=official).exclude(content_digest="").order_by("pk")
    for item in items.iterator(chunk_size=500):
        checked += 1
        if content_digest(item) != item.content_digest:
            problems.append(
                Problem("item", item.pk, f"“{item.title[:40]}”的内容与发布时的摘要值不一致")
            )
    attachments = Attachment.objects.filter(item__status__in=official).order_by("pk")
    for attachment in attachments.iterator(chunk_size=500):
        checked += 1
        try:
            actual = file_sha256(attachment.file)
        except (FileNotFoundError, ValueError, OSError):
            problems.append(
                Problem("attachment", attachment.pk, f"附件“{attachment.name}”的文件缺失")
            )
            continue
        if actual != attachment.sha256:
            problems.append(
                Problem("attachment", attachment.pk, f"附件“{attachment.name}”的文件已被改动")
            )
    return checked, problems
