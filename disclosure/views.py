from django.contrib.sitemaps import views as sitemap_views
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from accounts import access
from agencies.models import Agency
from disclosure.cache import cached_fragment, canonical_query, public_cache
from disclosure.catalog import catalog_search, latest_by_category, page_number
from disclosure.feeds import feed_links
from disclosure.filters import CatalogFilter
from disclosure.models import Attachment, Item
from disclosure.sitemaps import SITEMAPS
from disclosure.uploads import clean_filename

RELATED_COUNT = 5
# What the catalog and the API read from the query string: the page cache keys on these alone.
CATALOG_PARAMS = (*CatalogFilter.base_filters, "page")


@public_cache
def home(request):
    """The disclosure column (国办公开办函〔2019〕61号): guide, rules, catalog, reports, applications."""
    return render(
        request,
        "disclosure/home.html",
        {
            "agencies": Agency.objects.all(),
            "latest": latest_by_category(),
        },
    )


def guide_index(request):
    return render(
        request,
        "disclosure/agency_list.html",
        {
            "agencies": Agency.objects.all(),
            "title": "政府信息公开指南",
            "url_name": "disclosure:guide",
            "nav": "guide",
        },
    )


def guide(request, slug):
    agency = get_object_or_404(Agency.objects.select_related("parent"), slug=slug)
    return render(request, "disclosure/guide.html", {"agency": agency, "nav": "guide"})


def rules_index(request):
    return render(
        request,
        "disclosure/agency_list.html",
        {
            "agencies": Agency.objects.all(),
            "title": "政府信息公开制度",
            "url_name": "disclosure:rules",
            "nav": "rules",
        },
    )


def rules(request, slug):
    agency = get_object_or_404(Agency, slug=slug)
    return render(request, "disclosure/rules.html", {"agency": agency, "nav": "rules"})


def _search(request, agency=None):
    """(filterset, page or None) for the catalog and the API; invalid filters give no page."""
    return catalog_search(request.GET, agency=agency, number=page_number(request.GET.get("page")))


def _query_without_page(request):
    """The filters for the pagination links: only those the catalog reads (see CATALOG_PARAMS)."""
    return canonical_query(request.GET, CATALOG_PARAMS, without=("page",))


def _filter_form(request, filterset, agency):
    """The filter form's HTML, cached per generation and query: rendering the agency, topic and
    channel options costs more queries and template time than the rows of the page."""
    parts = (agency.pk if agency else None, _query_without_page(request))
    return cached_fragment(
        "catalog-filter",
        parts,
        lambda: render_to_string(
            "includes/_catalog_filter.html", {"filter": filterset, "agency": agency}
        ),
    )


@public_cache(params=CATALOG_PARAMS)
def item_list(request, slug=None):
    agency = get_object_or_404(Agency, slug=slug) if slug else None
    filterset, page = _search(request, agency)
    return render(
        request,
        "disclosure/item_list.html",
        {
            "filter": filterset,
            "filter_form": _filter_form(request, filterset, agency),
            "page_obj": page,
            "agency": agency,
            "query": _query_without_page(request),
            "feed": feed_links(request, agency),
            "nav": "catalog",
        },
    )


@public_cache
def item_detail(request, pk):
    item = get_object_or_404(
        Item.objects.published()
        .select_related("agency", "topic__parent")
        .prefetch_related("co_publishers", "channels", "attachments"),
        pk=pk,
    )
    related = (
        Item.objects.published()
        .filter(agency_id=item.agency_id, topic_id=item.topic_id)
        .exclude(pk=item.pk)
        .only("id", "title", "published_date")
        .order_by("-published_date", "-id")[:RELATED_COUNT]
    )
    return render(
        request,
        "disclosure/item_detail.html",
        {
            "item": item,
            "related": related,
            "nav": "catalog",
        },
    )


def attachment(request, pk, attachment):
    """Downloads: the public gets published items' files; staff of the agency also drafts'."""
    found = get_object_or_404(Attachment.objects.select_related("item"), pk=attachment, item_id=pk)
    if not found.item.is_published and not access.can_access(request.user, found.item.agency_id):
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # as_attachment gives Content-Disposition: attachment with an RFC 5987 filename* for Chinese
    # names; the stored type comes from the magic-byte check, never from the browser.
    # Names stored before clean_filename existed are cleaned on the way out as well.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=clean_filename(found.name),
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _api_row(item, request):
    return {
        "id": item.pk,
        "index_number": item.index_number,
        "title": item.title,
        "summary": item.summary,
        "agency": {"id": item.agency.pk, "name": item.agency.name},
        "document_number": item.document_number,
        "published_date": item.published_date.isoformat(),
        "category": item.category,
        "category_label": item.get_category_display(),
        "validity": item.validity,
        "url": request.build_absolute_uri(item.get_absolute_url()),
    }


@public_cache(params=CATALOG_PARAMS)
def api_items(request):
    """JSON list with the catalog's filters. Field names are stable: other sites rely on them."""
    filterset, page = _search(request)
    if page is None:
        errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
        return JsonResponse(
            {"error": "筛选条件无效", "errors": errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    query = _query_without_page(request)
    base = request.path + "?" + (query + "&" if query else "")

    def link(number):
        return request.build_absolute_uri(f"{base}page={number}")

    return JsonResponse(
        {
            "count": page.count,
            # Field names are stable: "count_capped" says the count is not the exact total (an
            # estimate, or a floor: more rows match than "count").
            "count_capped": page.count_capped or page.count_at_least,
            "page": page.number,
            "num_pages": page.num_pages,
            "next": link(page.number + 1) if page.has_next() else None,
            "previous": link(page.number - 1) if page.has_previous() else None,
            "results": [_api_row(item, request) for item in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def sitemap_index(request):
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="disclosure:sitemap_section")


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
