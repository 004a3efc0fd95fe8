import django_filters

from agencies.models import Agency
from proposals.models import AnswerClass, Kind, Session


class PublishedProposalFilter(django_filters.FilterSet):
    """Filters of the public list; an unknown value is reported on the form and otherwise ignored."""

    session = django_filters.ModelChoiceFilter(
        label="会议届次",
        field_name="session",
        lookup_expr="exact",
        queryset=Session.objects.all(),
        empty_label="全部届次",
    )
    kind = django_filters.ChoiceFilter(
        label="类别",
        field_name="kind",
        lookup_expr="exact",
        choices=Kind.choices,
        empty_label="全部类别",
    )
    agency = django_filters.ModelChoiceFilter(
        label="承办单位",
        field_name="lead_unit",
        lookup_expr="exact",
        to_field_name="slug",
        queryset=Agency.objects.all(),
        empty_label="全部单位",
    )
    answer_class = django_filters.ModelChoiceFilter(
        label="答复类别",
        field_name="answer_class",
        lookup_expr="exact",
        to_field_name="code",
        queryset=AnswerClass.objects.all(),
        empty_label="全部类别",
    )
