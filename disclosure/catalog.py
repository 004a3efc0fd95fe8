"""The catalog listing: filters, search groups, capped counts and capped pagination.

Designed for a million published items: every query is an index range scan that stops after
one page, counts stop at COUNT_CAP, and pages stop at MAX_PAGES (narrow the filters instead).
"""

import math
from dataclasses import dataclass, field

from disclosure.models import Item
from disclosure.search import matches

PER_PAGE = 20
COUNT_CAP = 10_000  # "10000+ 条": counting every match of a million rows would cost more than the page
MAX_PAGES = COUNT_CAP // PER_PAGE
LIST_FIELDS = (
    "id", "title", "summary", "index_number", "document_number", "published_date", "category",
    "validity", "agency__id", "agency__name", "agency__short_name",
)


@dataclass
class CatalogPage:
    """Quacks like a Django Page for templates/includes/_pagination.html."""

    object_list: list
    number: int
    count: int
    count_capped: bool
    num_pages: int
    words: list = field(default_factory=list)

    @property
    def paginator(self):
        return self

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.num_pages

    def has_other_pages(self):
        return self.num_pages > 1

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1

    def __iter__(self):
        return iter(self.object_list)


def page_number(raw):
    """A page number from the query string; anything malformed is page 1."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGES)


def _capped_count(queryset):
    return queryset.order_by()[: COUNT_CAP + 1].count()


def catalog_page(queryset, *, words=(), sort="-date", number=1, per_page=PER_PAGE):
    """One page of ``queryset`` (already filtered); with search words, title hits come first."""
    order = ("published_date", "id") if sort == "date" else ("-published_date", "-id")
    if words:
        title_hits = matches(words, title_only=True)
        # Two groups each read in date order instead of one ORDER BY rank: ranking would have to
        # score every match of a common word before returning the first row.
        groups = [queryset.filter(title_hits), queryset.filter(matches(words)).exclude(title_hits)]
    else:
        groups = [queryset]
    rows, counts = [], []
    start = (number - 1) * per_page
    for group in groups:
        count = _capped_count(group)
        counts.append(count)
        if len(rows) < per_page and start < count:
            wanted = per_page - len(rows)
            rows.extend(
                group.select_related("agency").only(*LIST_FIELDS).order_by(*order)[start : start + wanted]
            )
        start = max(0, start - count)
        if count > COUNT_CAP:
            break  # nothing beyond the cap is ever shown
    total = sum(counts)
    capped = total > COUNT_CAP
    shown = min(total, COUNT_CAP)
    num_pages = max(1, math.ceil(shown / per_page))
    return CatalogPage(rows, min(number, num_pages), min(total, COUNT_CAP), capped, num_pages, list(words))


def latest_by_category(limit=6):
    """The home page column: the newest items of each category (one query per category)."""
    from disclosure.models import Category

    base = Item.objects.published().only("id", "title", "published_date").order_by("-published_date", "-id")
    return [(category, list(base.filter(category=category.value)[:limit])) for category in Category]
