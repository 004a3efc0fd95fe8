"""The public tree by 事项: an agency's 法定主动公开内容 under its catalogues' 一级/二级事项."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from agencies.models import Agency
from disclosure.cache import public_cache
from disclosure.models import ItemStatus
from standards.models import Entry

PAGE_SIZE = 20


def _entries(agency):
    """The agency's 事项 with the number of its published items filed under each (one query)."""
    return (
        Entry.objects.filter(Q(catalogue__adoptions__agency=agency) | Q(catalogue__owner=agency))
        .select_related("catalogue")
        .annotate(
            published=Count(
                "filings",
                filter=Q(
                    filings__agency=agency,
                    filings__status=ItemStatus.PUBLISHED,
                ),
                distinct=True,
            )
        )
        .order_by("catalogue__owner_id", "catalogue_id", "number", "pk")
    )


@public_cache
def tree(request, slug):
    agency = get_object_or_404(Agency, slug=slug)
    catalogues = {}
    for entry in _entries(agency):
        levels = catalogues.setdefault(entry.catalogue, {})
        levels.setdefault(entry.level1, []).append(entry)
    return render(
        request,
        "standards/tree.html",
        {
            "agency": agency,
            "catalogues": [(c, list(levels.items())) for c, levels in catalogues.items()],
            "nav": "catalog",
        },
    )


@public_cache(params=("page",))
def entry_items(request, slug, entry_id):
    agency = get_object_or_404(Agency, slug=slug)
    entry = (
        Entry.objects.filter(Q(catalogue__adoptions__agency=agency) | Q(catalogue__owner=agency))
        .select_related("catalogue")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("该机构没有这个事项。")
    items = (
        entry.filings.filter(agency=agency, status=ItemStatus.PUBLISHED)
        .select_related("item")
        .only(
            "item__id",
            "item__title",
            "item__index_number",
            "item__document_number",
            "item__published_date",
        )
        .order_by("-published_date", "-item_id")
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "standards/entry_items.html",
        {"agency": agency, "entry": entry, "page_obj": page, "nav": "catalog", "query": ""},
    )
