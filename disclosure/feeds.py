"""Feeds of the catalog: one RSS 2.0 feed per catalog view, and the page that says how to subscribe.

Every view of the catalog — the whole site, one agency, a 信息类别, a 主题分类, a search or any
mix of the filters — has its own feed: the same query string on ``feed/`` gives the newest
FEED_SIZE items of exactly what the view lists, read by the same code
(:func:`disclosure.catalog.catalog_search`). Feeds and their 如何订阅 pages are anonymous public
pages, kept in the page cache until the next publication bumps the catalog generation.
"""

from datetime import datetime, time
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed, Stylesheet

from agencies.models import Agency
from disclosure.cache import canonical_query, public_cache
from disclosure.catalog import catalog_search
from disclosure.filters import CatalogFilter
from disclosure.models import Category, Item, Validity
from disclosure.search import query_words, short_words

FEED_SIZE = 30
# A feed is always newest first, so it reads every filter of the catalog but its sort and page.
FEED_PARAMS = tuple(name for name in CatalogFilter.base_filters if name != "sort")
SUBSCRIBE_PARAMS = ("agency", "topic", "category")


class CatalogRss(Rss201rev2Feed):
    """RSS 2.0 served as ``application/xml``: browsers show ``application/rss+xml`` as raw text,
    while an XML document is laid out by the CSS of its ``xml-stylesheet`` instruction, so that a
    citizen who opens the feed reads a list. Feed readers take either type."""

    content_type = "application/xml; charset=utf-8"


def feed_links(request, agency=None, fixed=None):
    """The feed, 如何订阅 and e-mail subscription links of the catalog view of ``request``;
    ``fixed`` are the filters a node of the catalog tree sets by its address."""
    data = request.GET.copy()
    for name, value in (fixed or {}).items():
        data[name] = value
    query = canonical_query(data, FEED_PARAMS, without=("agency",) if agency else ())
    if agency is not None:
        feed = reverse("disclosure:agency_feed", args=[agency.slug])
        help_url = reverse("disclosure:agency_feed_help", args=[agency.slug])
    else:
        feed, help_url = reverse("disclosure:feed"), reverse("disclosure:feed_help")
    suffix = f"?{query}" if query else ""
    # E-mail subscriptions follow an agency, a topic and a category (the subscriptions app, a
    # floor above: linked by URL name only).
    follow = [(name, data.get(name, "")) for name in SUBSCRIBE_PARAMS]
    if agency is not None:
        follow[0] = ("agency", str(agency.pk))
    follow = urlencode([(name, value) for name, value in follow if value])
    subscribe = reverse("subscriptions:subscribe") + (f"?{follow}" if follow else "")
    return {"feed": feed + suffix, "help": help_url + suffix, "subscribe": subscribe}


def view_label(filterset, agency=None):
    """What a catalog view shows, in words: "某局 · 政策类 · 检索“安全”"."""
    cleaned = filterset.form.cleaned_data
    agency = agency or cleaned.get("agency")
    parts = [agency.name if agency else "全部机构"]
    if cleaned.get("category"):
        parts.append(Category(cleaned["category"]).label)
    if cleaned.get("topic"):
        parts.append(str(cleaned["topic"]))
    if cleaned.get("channel"):
        parts.append(cleaned["channel"].name)
    if cleaned.get("year"):
        parts.append(f"{int(cleaned['year'])}年")
    if cleaned.get("validity"):
        parts.append(Validity(cleaned["validity"]).label)
    if cleaned.get("q"):
        parts.append(f"检索“{cleaned['q']}”")
    return " · ".join(parts)


def _feed_view(request, slug):
    """(agency, filterset, page, links, problem) of the feed of the view at ``slug``.

    ``page`` is None, and ``problem`` says why, where the catalog view lists nothing: invalid
    filters, or a search of single characters only (which the catalog answers with a hint).
    """
    agency = get_object_or_404(Agency, slug=slug) if slug else None
    links = feed_links(request, agency)
    q = request.GET.get("q", "")
    if short_words(q) and not query_words(q):
        problem = "检索词至少需要两个字，单个汉字无法检索。"
        return agency, CatalogFilter(None, queryset=Item.objects.none()), None, links, problem
    filterset, page = catalog_search(request.GET, agency=agency, per_page=FEED_SIZE, sort="-date")
    problem = "筛选条件无效：" + "；".join(
        f"{filterset.form.fields[name].label}：{'，'.join(errors)}"
        for name, errors in filterset.errors.items()
    )
    return agency, filterset, page, links, problem if page is None else ""


def _catalog_url(request, agency):
    query = canonical_query(request.GET, FEED_PARAMS, without=("agency",) if agency else ())
    path = (
        reverse("disclosure:agency_items", args=[agency.slug])
        if agency
        else reverse("disclosure:item_list")
    )
    return path + (f"?{query}" if query else "")


def _pubdate(item):
    return timezone.make_aware(datetime.combine(item.published_date, time(9)))


@public_cache(params=FEED_PARAMS)
def catalog_feed(request, slug=None):
    agency, filterset, page, links, problem = _feed_view(request, slug)
    if page is None:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    label = view_label(filterset, agency)
    feed = CatalogRss(
        title=f"{label} · 法定主动公开内容",
        link=request.build_absolute_uri(_catalog_url(request, agency)),
        description=f"{label}：最新发布的 {FEED_SIZE} 条政府信息",
        language="zh-cn",
        feed_url=request.build_absolute_uri(links["feed"]),
        stylesheets=[Stylesheet(static("css/feed.css"), mimetype="text/css")],
    )
    for item in page.object_list:
        feed.add_item(
            title=item.title,
            link=request.build_absolute_uri(item.get_absolute_url()),
            description=item.summary,
            author_name=item.agency.name,
            pubdate=_pubdate(item),
            unique_id=item.index_number or str(item.pk),
            unique_id_is_permalink=False,
            categories=[item.get_category_display()],
        )
    response = HttpResponse(content_type=feed.content_type)
    feed.write(response, "utf-8")
    return response


@public_cache(params=FEED_PARAMS)
def feed_help(request, slug=None):
    """如何订阅: the feed's address, how to use it, what it holds now, and the e-mail option."""
    agency, filterset, page, links, problem = _feed_view(request, slug)
    return render(
        request,
        "disclosure/feed_help.html",
        {
            "agency": agency,
            "label": view_label(filterset, agency) if page is not None else "",
            "filter": filterset,
            "page_obj": page,
            "problem": problem,
            "links": links,
            "feed_url": request.build_absolute_uri(links["feed"]),
            "catalog_url": _catalog_url(request, agency),
            "feed_size": FEED_SIZE,
            "nav": "catalog",
        },
        status=200 if page is not None else 400,
    )
