"""Check the links written in items' bodies; the content check then flags the dead ones.

Run by the operator (cron), never at request time: each link is fetched once per run with a
timeout, and its answer kept in ``LinkCheck`` for the review page and the back-catalogue audit.
"""

import socket
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand
from django.utils import timezone

from disclosure.contentcheck import links
from disclosure.models import Item, ItemStatus, LinkCheck

BATCH = 500


def probe(url, timeout):
    """(ok, what was found) for one URL: HEAD first, GET when HEAD is refused."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(
            url, method=method, headers={"User-Agent": "zwgk-link-check/1.0"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return True, f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some servers refuse HEAD only
            return False, f"HTTP {exc.code}"
        except TimeoutError:
            return False, f"超时（{timeout} 秒无响应）"
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                return False, f"超时（{timeout} 秒无响应）"
            if isinstance(reason, ConnectionRefusedError):
                return False, "连接被拒绝"
            if isinstance(reason, socket.gaierror):
                return False, "域名无法解析"
            return False, f"无法访问（{reason}）"[:100]
        except (OSError, ValueError) as exc:
            return False, f"无法访问（{type(exc).__name__}）"
    return False, "无法访问"


class Command(BaseCommand):
    help = "检查公开信息正文中的链接能否访问（不在页面请求时进行）。"

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=5.0, help="每个链接的超时秒数")
        parser.add_argument(
            "--max-age-days",
            type=int,
            default=7,
            help="这么多天内检查过的链接不再检查（0：全部重新检查）",
        )
        parser.add_argument("--agency", type=int, help="只检查该机构（编号）的信息")

    def handle(self, *args, **options):
        items = Item.objects.filter(
            status__in=[ItemStatus.IN_REVIEW, ItemStatus.PUBLISHED, ItemStatus.DRAFT]
        ).exclude(body="")
        if options["agency"]:
            items = items.filter(agency_id=options["agency"])
        urls, last = set(), 0
        while True:  # keyset over the items: bounded memory on a large catalogue
            rows = list(items.filter(pk__gt=last).order_by("pk").values_list("pk", "body")[:BATCH])
            if not rows:
                break
            for pk, body in rows:
                urls.update(url for url in links(body) if len(url) <= 500)
                last = pk
        now = timezone.now()
        if options["max_age_days"]:
            fresh = set(
                LinkCheck.objects.filter(
                    url__in=urls,
                    checked_at__gte=now - timezone.timedelta(days=options["max_age_days"]),
                ).values_list("url", flat=True)
            )
            urls -= fresh
        dead = 0
        for url in sorted(urls):
            ok, status = probe(url, options["timeout"])
            LinkCheck.objects.update_or_create(
                url=url, defaults={"ok": ok, "status": status, "checked_at": timezone.now()}
            )
            if not ok:
                dead += 1
                self.stdout.write(f"无法访问：{url}（{status}）")
        self.stdout.write(self.style.SUCCESS(f"检查了 {len(urls)} 个链接，无法访问 {dead} 个。"))
