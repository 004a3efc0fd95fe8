"""Aggregates over proposals for the annual report and the public summary, done in SQL.

Every function runs a fixed number of queries, whatever the number of proposals.
"""

from django.db.models import Count, F, FilteredRelation, Q

from proposals.models import (
    AnswerClass,
    Kind,
    Proposal,
    PublicationMode,
    PublicationStatus,
    Satisfaction,
    Session,
)

POSITIVE = (Satisfaction.SATISFIED, Satisfaction.BASIC)


def _by_kind(rows):
    counts = dict.fromkeys(Kind.values, 0)
    for row in rows:
        counts[row["kind"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def proposal_counts(*, agency_ids, start, end) -> dict:
    """Figures for the agencies ``agency_ids`` over the period ``start``–``end`` (inclusive). 3 queries.

    - ``received_lead``: proposals assigned in the period with one of the agencies as lead unit
      (主办), by kind (``npc_suggestion``, ``cppcc_proposal``, ``npc_motion``) and ``total``;
    - ``received_co``: proposals assigned in the period where one of the agencies is a co-unit
      (会办/协办), by kind and ``total``; a proposal counts once however many of the agencies join;
    - ``replied``: lead-unit proposals whose (latest) reply date is in the period;
    - ``replied_on_time``: of those, replied on or before the due date in force (extensions and
      re-handling deadlines included);
    - ``by_class``: the replied ones by answer class code, e.g. ``{"A": 3, "B": 1}`` (every
      configured class appears, with 0 when unused);
    - ``by_satisfaction``: the replied ones by the deputy's feedback (``satisfied``, ``basic``,
      ``unsatisfied``, ``none`` = 未反馈);
    - ``published_full`` / ``published_summary``: lead-unit replies published in the period in
      full or as a summary; ``not_published``: decisions in the period not to publish.
    """
    assigned = Q(assigned_date__range=(start, end))
    replied = Q(reply_date__range=(start, end))
    published = Q(published_date__range=(start, end))
    # One pass over the lead unit's proposals of the period (assigned, replied or published in
    # it: three index ranges, whatever the years on file); the kinds and satisfactions are fixed
    # choices.
    lead = Proposal.objects.filter(
        Q(lead_unit_id__in=agency_ids) & (assigned | replied | published)
    )
    row = lead.aggregate(
        **{f"kind_{kind}": Count("id", filter=assigned & Q(kind=kind)) for kind in Kind.values},
        **{
            f"sat_{value}": Count("id", filter=replied & Q(satisfaction=value))
            for value in Satisfaction.values
        },
        replied=Count("id", filter=replied),
        replied_on_time=Count("id", filter=replied & Q(reply_date__lte=F("due_date"))),
        published_full=Count(
            "id",
            filter=published
            & Q(
                publication_status=PublicationStatus.PUBLISHED,
                publication_mode=PublicationMode.FULL,
            ),
        ),
        published_summary=Count(
            "id",
            filter=published
            & Q(
                publication_status=PublicationStatus.PUBLISHED,
                publication_mode=PublicationMode.SUMMARY,
            ),
        ),
        not_published=Count(
            "id", filter=published & Q(publication_status=PublicationStatus.WITHHELD)
        ),
    )
    received_lead = {kind: row.pop(f"kind_{kind}") for kind in Kind.values}
    received_lead["total"] = sum(received_lead.values())
    by_satisfaction = {value: row.pop(f"sat_{value}") for value in Satisfaction.values}
    through = Proposal.co_units.through.objects.filter(
        agency_id__in=agency_ids, proposal__assigned_date__range=(start, end)
    )
    received_co = _by_kind(
        through.values(kind=F("proposal__kind"))
        .annotate(n=Count("proposal_id", distinct=True))
        .order_by()
    )
    # The period's replies joined to every class (a class without one counts 0): the join
    # condition, not a filter on the count, so only the period's replies are read.
    by_class = dict(
        AnswerClass.objects.annotate(
            replied=FilteredRelation(
                "proposals",
                condition=Q(
                    proposals__lead_unit_id__in=agency_ids,
                    proposals__reply_date__range=(start, end),
                ),
            )
        )
        .annotate(n=Count("replied"))
        .values_list("code", "n")
    )
    return {
        "received_lead": received_lead,
        "received_co": received_co,
        **row,
        "by_class": by_class,
        "by_satisfaction": by_satisfaction,
    }


def session_summaries(sessions=None):
    """Per session: received, replied, replied on time, feedback, satisfaction rate, published. 1 query.

    ``satisfaction_rate`` is (满意 + 基本满意) / replies with feedback, in percent, or None when
    no deputy has answered yet: 未反馈 is not counted as dissatisfaction.
    """
    queryset = Session.objects.all() if sessions is None else sessions
    rows = list(
        queryset.annotate(
            received=Count("proposals"),
            replied=Count("proposals", filter=Q(proposals__reply_date__isnull=False)),
            on_time=Count(
                "proposals", filter=Q(proposals__reply_date__lte=F("proposals__due_date"))
            ),
            with_feedback=Count(
                "proposals",
                filter=Q(proposals__satisfaction__in=(*POSITIVE, Satisfaction.UNSATISFIED)),
            ),
            positive=Count("proposals", filter=Q(proposals__satisfaction__in=POSITIVE)),
            published=Count(
                "proposals", filter=Q(proposals__publication_status=PublicationStatus.PUBLISHED)
            ),
        )
    )
    for row in rows:
        row.satisfaction_rate = (
            round(100 * row.positive / row.with_feedback, 1) if row.with_feedback else None
        )
    return rows
