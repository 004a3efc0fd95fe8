from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone

from disclosure.models import Item

FEED_SIZE = 30


class LatestItemsFeed(Feed):
    title = "法定主动公开内容"
    link = "/catalog/"
    description = "最新发布的政府信息"

    def items(self):
        return (
            Item.objects.published()
            .select_related("agency")
            .defer("body", "search_tokens", "search_title_tokens")
            .order_by("-published_date", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return item.agency.name

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.published_date, time(9)))

    def item_guid(self, item):
        return item.index_number or str(item.pk)

    item_guid_is_permalink = False
