from django.contrib.sitemaps import views as sitemap_views
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import access
from agencies.models import Agency
from disclosure import tree
from disclosure.cache import cached_fragment, canonical_query, public_cache
from disclosure.catalog import (
    catalog_search,
    keyset_page_number,
    latest_by_category,
    page_number,
    parse_after,
)
from disclosure.feeds import feed_links
from disclosure.filters import CatalogFilter
from disclosure.interpretations import is_policy
from disclosure.models import Attachment, Category, Item, Topic
from disclosure.search import query_words, short_words
from disclosure.selectors import ogi_rules
from disclosure.sitemaps import SITEMAPS
from disclosure.uploads import clean_filename

RELATED_COUNT = 5
# What the catalog and the API read from the query string: the page cache keys on these alone.
CATALOG_PARAMS = (*CatalogFilter.base_filters, "page", "after")


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
    return render(
        request,
        "disclosure/guide.html",
        {"agency": agency, "search_agency": agency, "nav": "guide"},
    )


@public_cache
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


@public_cache
def rules(request, slug):
    """政府信息公开制度: the agency's published 制度, or its district government's when it has
    none of its own (the page says so), each opening on its item page."""
    agency = get_object_or_404(Agency.objects.select_related("parent"), slug=slug)
    rules = list(ogi_rules(agency))
    source = agency
    if not rules and agency.parent is not None:
        rules = list(ogi_rules(agency.parent))
        source = agency.parent if rules else agency
    titles = [line.strip() for line in agency.rules_text.splitlines() if line.strip()]
    return render(
        request,
        "disclosure/rules.html",
        {
            "agency": agency,
            "search_agency": agency,
            "source": source,
            "rules": rules,
            "titles": titles,
            "nav": "rules",
        },
    )


def _search(request, agency=None, fixed=None):
    """(filterset, page or None) for the catalog and the API; invalid filters give no page.

    ``fixed`` are the filters a node of the catalog tree sets by its address (category, topic).
    """
    # ?after= is a bookmark of the rows after one item (keyset: the same cost at any depth);
    # its page number is only a label.
    after = parse_after(request.GET.get("after"))
    number = (keyset_page_number if after else page_number)(request.GET.get("page"))
    return catalog_search(request.GET, agency=agency, fixed=fixed, number=number, after=after)


def _query_without_page(request):
    """The filters for the pagination links: only those the catalog reads (see CATALOG_PARAMS)."""
    return canonical_query(request.GET, CATALOG_PARAMS, without=("page", "after"))


def _filter_form(request, filterset, agency, fixed):
    """The filter form's HTML, cached per generation and query: rendering the agency, topic and
    channel options costs more queries and template time than the rows of the page."""
    parts = (agency.pk if agency else None, sorted(fixed.items()), _query_without_page(request))
    return cached_fragment(
        "catalog-filter",
        parts,
        lambda: render_to_string(
            "includes/_catalog_filter.html",
            {
                "filter": filterset,
                "agency": agency,
                "fixed": fixed,
                "open": any(request.GET.get(name) for name in ADVANCED_PARAMS),
            },
        ),
    )


def _tree(agency, category, topic):
    """The catalog tree's HTML for this node, cached per generation (counts: disclosure.tree)."""
    parts = (agency.pk if agency else None, category, topic.pk if topic else None)
    return cached_fragment(
        "catalog-tree",
        parts,
        lambda: render_to_string(
            "includes/_catalog_tree.html",
            {"tree": tree.build(agency=agency, category=category, topic=topic)},
        ),
    )


# The filters that only the advanced search (the filter form) sets: the form opens when one is used.
ADVANCED_PARAMS = {"agency", "category", "topic", "channel", "year", "validity", "sort"}


@public_cache(params=CATALOG_PARAMS)
def item_list(request, slug=None, category=None, topic=None):
    """The catalog under one node of the tree: everything, an agency, a category or a topic
    (of the site or of one agency), with the filters of the advanced search on top."""
    agency = get_object_or_404(Agency, slug=slug) if slug else None
    fixed = {}
    if category is not None:
        if category not in Category.values:
            raise Http404
        fixed["category"] = category
    if topic is not None:
        topic = get_object_or_404(Topic.objects.select_related("parent"), pk=topic)
        fixed["topic"] = str(topic.pk)
    q = request.GET.get("q", "")
    too_short = short_words(q)
    if too_short and not query_words(q):
        # Only single characters: a bigram index cannot find them; say so instead of "0 条".
        filterset, page = CatalogFilter(None, queryset=Item.objects.none()), None
    else:
        filterset, page = _search(request, agency, fixed)
    if page is not None and page.number < page_number(request.GET.get("page")):
        # Past the last page (an old link, a shrinking search): the last page, not "没有找到".
        query = _query_without_page(request)
        last = [query] if query else []
        if page.number > 1:
            last.append(f"page={page.number}")
        return redirect(request.path + ("?" + "&".join(last) if last else ""))
    crumbs = []
    if agency is not None:
        crumbs.append((agency.display_name, reverse("disclosure:agency_items", args=[agency.slug])))
    if topic is not None or category is not None:
        crumbs.append((topic.name if topic is not None else Category(category).label, request.path))
    if q:
        crumbs.append(("检索结果", None))
    scope = agency
    if scope is None and page is not None:
        scope = filterset.form.cleaned_data.get("agency")
    return render(
        request,
        "disclosure/item_list.html",
        {
            "filter": filterset,
            "filter_form": _filter_form(request, filterset, agency, fixed),
            "tree": _tree(agency, category, topic),
            "page_obj": page,
            "agency": agency,
            "node_category": Category(category).label if category else "",
            "node_topic": topic,
            "q": q,
            "too_short": too_short,
            "search_agency": scope,
            "crumbs": crumbs,
            "query": _query_without_page(request),
            "feed": feed_links(request, agency, fixed),
            "nav": "catalog",
        },
    )


@public_cache
def item_detail(request, pk):
    item = get_object_or_404(
        Item.objects.published()
        .select_related("agency", "topic__parent", "interprets")
        .prefetch_related("co_publishers", "channels", "attachments"),
        pk=pk,
    )
    # A policy lists its published 解读 (a 解读 never does: it points to its policy instead).
    interpretations = (
        Item.objects.published()
        .filter(interprets_id=item.pk)
        .only("id", "title", "published_date", "interpretation_kind")
        .order_by("published_date", "id")
        if is_policy(item)
        else []
    )
    related = (
        Item.objects.published()
        .filter(agency_id=item.agency_id, topic_id=item.topic_id)
        .exclude(pk=item.pk)
        .exclude(interprets_id=item.pk)  # listed above as its 解读 already
        .only("id", "title", "published_date")
        .order_by("-published_date", "-id")[:RELATED_COUNT]
    )
    return render(
        request,
        "disclosure/item_detail.html",
        {
            "item": item,
            "interpretations": interpretations,
            "policy": item.interprets if item.interprets and item.interprets.is_published else None,
            "related": related,
            "search_agency": item.agency,
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

    def link(number, after=""):
        bookmark = f"after={after}&" if after else ""
        return request.build_absolute_uri(f"{base}{bookmark}page={number}")

    return JsonResponse(
        {
            "count": page.count,
            # Field names are stable: "count_capped" says the count is not the exact total (an
            # estimate, or a floor: more rows match than "count").
            "count_capped": page.count_capped or page.count_at_least,
            "page": page.number,
            "num_pages": page.num_pages,
            "next": link(page.number + 1, page.next_after) if page.has_next() else None,
            "previous": link(page.number - 1)
            if page.has_previous() and not page.previous_out_of_range
            else None,
            "results": [_api_row(item, request) for item in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def sitemap_index(request):
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="disclosure:sitemap_section")


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


ROBOTS = """User-agent: *
Allow: /
Disallow: /admin/
Sitemap: {sitemap}
"""


@public_cache
def robots_txt(request):
    """Crawlers index the public site, never the staff pages, and find every item in the sitemap."""
    sitemap = request.build_absolute_uri(reverse("disclosure:sitemap"))
    return HttpResponse(ROBOTS.format(sitemap=sitemap), content_type="text/plain; charset=utf-8")
