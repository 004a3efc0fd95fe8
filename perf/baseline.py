"""The naive baseline: what a typical Django implementation of the same pages does.

It is run in the same benchmark run, on the same data, to give the ratio the budgets ask for.
Deliberately ordinary, not deliberately bad: a ``ListView`` with ``paginate_by`` (so Django's
``Paginator`` counts every matching row and pages with OFFSET), a ``FilterSet`` with the usual
lookups (``published_date__year``), ``icontains`` search over title and body, ``select_related``
where any competent developer would put it, and the annual report aggregated by looping over
the rows in Python. None of this is routed: the benchmark calls the views in-process.
"""

from collections import Counter

import django_filters
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.generic import DetailView, ListView

from accounts.models import Membership
from agencies.models import Agency
from applications.models import OPEN_STATUSES, Application
from disclosure.models import Item, ItemStatus
from proposals.models import Proposal
from standards.models import Entry, Filing


class NaiveItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search")
    agency = django_filters.NumberFilter(field_name="agency_id")
    category = django_filters.CharFilter(field_name="category")
    year = django_filters.NumberFilter(field_name="published_date", lookup_expr="year")

    class Meta:
        model = Item
        fields = ["agency", "category", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))


def floor_page(request, slug):
    """The floor of a benchmark run: the cheapest page Django serves, one indexed query.

    It passes the whole middleware stack like every other page (the page cache only looks, as
    it never keeps this view), reads one row by a unique index and renders no template, so its
    time is what any page costs on this machine before doing any work of its own. Budgets stated
    as multiples of it travel between machines where milliseconds do not.
    """
    name = Agency.objects.filter(slug=slug).values_list("name", flat=True).first()
    if name is None:
        raise Http404
    name = escape(name)
    return HttpResponse(f"<!doctype html><title>{name}</title><p>{name}</p>")


def _published():
    return (
        Item.objects.filter(status=ItemStatus.PUBLISHED)
        .select_related("agency")
        .order_by("-published_date", "-id")
    )


class NaiveItemList(ListView):
    template_name = "perf/naive_item_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = NaiveItemFilter(self.request.GET, queryset=_published())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, nav="catalog", **kwargs)


class NaiveItemDetail(DetailView):
    template_name = "perf/naive_item_detail.html"
    queryset = Item.objects.filter(status=ItemStatus.PUBLISHED)

    def get_context_data(self, **kwargs):
        item = self.object
        related = (
            Item.objects.filter(status=ItemStatus.PUBLISHED, agency=item.agency, topic=item.topic)
            .exclude(pk=item.pk)
            .order_by("-published_date")[:5]
        )
        return super().get_context_data(related=related, nav="catalog", **kwargs)


class NaiveItemApi(NaiveItemList):
    """The same list as JSON, the way a hand-written API view usually serialises it."""

    def render_to_response(self, context, **response_kwargs):
        page = context["page_obj"]
        return JsonResponse(
            {
                "count": page.paginator.count,
                "page": page.number,
                "results": [
                    {
                        "id": item.pk,
                        "title": item.title,
                        "summary": item.summary,
                        "agency": item.agency.name,
                        "published_date": item.published_date.isoformat(),
                        "category": item.category,
                        "url": item.get_absolute_url(),
                    }
                    for item in page.object_list
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )


def naive_report(agency_ids, start, end):
    """Annual-report figures the loop way: read every relevant row, count in Python.

    Rows are streamed (``iterator()``) only so that the district roll-up over a million items
    fits in memory on the benchmark machine; the loop itself is the usual one.
    """
    proactive = Counter()
    for item in Item.objects.filter(agency_id__in=agency_ids, status=ItemStatus.PUBLISHED).iterator(
        2000
    ):
        if start <= item.published_date <= end:
            proactive[item.category] += 1
            proactive["total"] += 1
    table3 = Counter()
    for application in Application.objects.filter(agency_id__in=agency_ids).iterator(2000):
        if start <= application.received_on <= end:
            table3["new", application.applicant_type] += 1
        if application.received_on < start and (
            application.closed_on is None or application.closed_on >= start
        ):
            table3["carried_over", application.applicant_type] += 1
        if application.closed_on and start <= application.closed_on <= end:
            table3[application.outcome, application.applicant_type] += 1
            table3["total", application.applicant_type] += 1
        if application.received_on <= end and (
            application.closed_on is None or application.closed_on > end
        ):
            table3["carried_forward", application.applicant_type] += 1
    proposals = Counter()
    for proposal in Proposal.objects.filter(lead_unit_id__in=agency_ids).iterator(2000):
        if start <= proposal.assigned_date <= end:
            proposals[proposal.kind] += 1
        if proposal.reply_date and start <= proposal.reply_date <= end:
            proposals["replied"] += 1
    return {"proactive": proactive, "table3": table3, "proposals": proposals}


def naive_dashboard(user, today):
    """Open applications of the user's agencies, each row's agency read on access (N+1)."""
    agency_ids = [m.agency_id for m in Membership.objects.filter(user=user)]
    rows = []
    for application in Application.objects.filter(
        agency_id__in=agency_ids, status__in=OPEN_STATUSES
    ):
        rows.append(
            (
                application.due_date,
                application.tracking_number,
                application.agency.name,
                application.due_date < today,
            )
        )
    return sorted(rows)


def naive_monitor(agency, as_of, year):
    """The monitor the loop way: each 事项's items read one by one, columns from every item."""
    rows = []
    for entry in Entry.objects.for_agency(agency):
        last, count, slowest = None, 0, 0
        for filing in Filing.objects.filter(entry=entry, item__agency=agency):
            item = filing.item  # one query per filing
            if item.status != ItemStatus.PUBLISHED or item.published_date > as_of:
                continue
            last = max(last or item.published_date, item.published_date)
            if item.published_date.year == year:
                count += 1
                slowest = max(slowest, item.publish_workdays or 0)
        rows.append((entry.level2, last, count, slowest))
    newest = {}
    for item in Item.objects.filter(agency=agency, status=ItemStatus.PUBLISHED):
        if item.published_date <= as_of:
            key = item.category
            newest[key] = max(newest.get(key, item.published_date), item.published_date)
    return rows, newest
