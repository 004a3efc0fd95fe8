"""Public pages: published replies to NPC suggestions and CPPCC proposals, and per-session figures.

Nothing here ever reads ``proposer_contact`` or ``reply_contact``: the querysets name the
columns they load, so the deputies' contact details never leave the database on a public path.
"""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from proposals.filters import PublishedProposalFilter
from proposals.models import Proposal
from proposals.selectors import session_summaries

PAGE_SIZE = 20
PRIVATE_FIELDS = ("proposer_contact", "reply_contact")


def _published():
    return (
        Proposal.objects.published()
        .select_related("session", "lead_unit", "answer_class")
        .defer(*PRIVATE_FIELDS)
        .order_by("-published_date", "-id")
    )


def _filtered(request):
    filterset = PublishedProposalFilter(request.GET or None, queryset=_published())
    paginator = Paginator(
        filterset.qs.defer("content", "reply_text", "publication_summary"), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    return filterset, page


def proposal_list(request):
    filterset, page = _filtered(request)
    query = request.GET.copy()
    query.pop("page", None)
    summary = None
    session = filterset.form.cleaned_data.get("session") if filterset.form.is_valid() else None
    if session is not None:
        summary = session_summaries(type(session).objects.filter(pk=session.pk))[0]
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "proposals": page.object_list,
            "query": query.urlencode(),
            "summary": summary,
            "nav": "proposals",
        },
    )


def proposal_detail(request, pk):
    queryset = _published().select_related("catalog_item").prefetch_related("co_units")
    proposal = get_object_or_404(queryset, pk=pk)
    return render(
        request, "proposals/proposal_detail.html", {"proposal": proposal, "nav": "proposals"}
    )


def session_list(request):
    return render(
        request,
        "proposals/session_list.html",
        {
            "sessions": session_summaries(),
            "nav": "proposals",
        },
    )


def _as_json(proposal, request):
    return {
        "id": proposal.pk,
        "session": proposal.session.name,
        "kind": proposal.get_kind_display(),
        "number": proposal.number,
        "title": proposal.title,
        "proposer": proposal.proposer,
        "co_signers": proposal.co_signers,
        "lead_unit": proposal.lead_unit.name,
        "assigned_date": proposal.assigned_date.isoformat(),
        "reply_date": proposal.reply_date.isoformat(),
        "reply_number": proposal.reply_number,
        "answer_class": proposal.answer_class.code if proposal.answer_class else None,
        "publication_mode": proposal.publication_mode,
        "published_date": proposal.published_date.isoformat(),
        "url": request.build_absolute_uri(proposal.get_absolute_url()),
    }


def proposal_api(request):
    """The public list as JSON, same filters and pages; texts are on the detail pages."""
    filterset, page = _filtered(request)
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "errors": {k: [str(e) for e in v] for k, v in filterset.errors.items()}
            if filterset.is_bound
            else {},
            "results": [_as_json(p, request) for p in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )
