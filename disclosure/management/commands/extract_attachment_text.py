"""(Re)read the text of stored attachments: the ones never read, or all of them.

Resumable: without ``--all`` it takes only attachments that have no text yet, so running it
again continues where it stopped; with ``--all`` it prints the last attachment id done, and
``--after <id>`` starts past it.
"""

from django.core.management.base import BaseCommand

from disclosure import services
from disclosure.models import Attachment

BATCH = 100


class Command(BaseCommand):
    help = "提取附件文字（PDF、Word、Excel、CSV、纯文本），供内容检查和全文检索使用。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="全部重新提取（默认只提取尚未提取的）"
        )
        parser.add_argument("--after", type=int, default=0, help="从这个附件编号之后开始")
        parser.add_argument("--limit", type=int, default=0, help="最多处理多少个附件")
        parser.add_argument("--agency", type=int, help="只处理该机构（编号）的附件")

    def handle(self, *args, **options):
        queryset = Attachment.objects.order_by("pk")
        if not options["all"]:
            queryset = queryset.filter(text_record__isnull=True)
        if options["agency"]:
            queryset = queryset.filter(item__agency_id=options["agency"])
        last, done, unavailable = options["after"], 0, 0
        limit = options["limit"]
        while True:
            batch = list(queryset.filter(pk__gt=last).only("pk", "file", "name", "item_id")[:BATCH])
            if not batch:
                break
            for attachment in batch:
                record = services.attachment_text_store(attachment=attachment)
                last = attachment.pk
                done += 1
                if record.status == record.Status.UNAVAILABLE:
                    unavailable += 1
                    self.stdout.write(f"附件 {attachment.pk}《{attachment.name}》：{record.note}")
                if limit and done >= limit:
                    break
            self.stdout.write(f"…至附件编号 {last}", ending="\n")
            if limit and done >= limit:
                break
        self.stdout.write(
            self.style.SUCCESS(
                f"已提取 {done} 个附件的文字（文本不可用 {unavailable} 个）；最后一个附件编号 {last}。"
            )
        )
