from django.contrib.sitemaps import Sitemap

from agencies.models import Agency
from disclosure.models import Item


class ItemSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10_000  # sitemap files stay small; the index lists them all

    def items(self):
        return Item.objects.published().only("id", "updated_at").order_by("-published_date", "-id")

    def lastmod(self, item):
        return item.updated_at


class AgencySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Agency.objects.only("id", "slug")

    def location(self, agency):
        return f"/catalog/agency/{agency.slug}/"


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["/", "/catalog/", "/guide/", "/rules/", "/reports/", "/apply/", "/proposals/"]

    def location(self, path):
        return path


SITEMAPS = {"columns": ColumnSitemap, "agencies": AgencySitemap, "items": ItemSitemap}
