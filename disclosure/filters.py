"""The public catalog's filters (same parameters on /catalog/ and /api/items/)."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from agencies.models import Agency
from disclosure.interpretations import POLICIES
from disclosure.models import Category, Channel, Item, Topic, Validity
from disclosure.search import MAX_QUERY_LENGTH

SORTS = [("-date", "发布日期从新到旧"), ("date", "发布日期从旧到新")]
FIRST_YEAR, LAST_YEAR = 1990, 2100
INTERPRETATION_CHOICES = [("yes", "有解读"), ("no", "无解读")]


class OptionsSelect(forms.Select):
    """A <select> written in Python: Django's widget renders a template per option, which for
    the fifty agencies and the topic tree cost more than the page's queries."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _ in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], " selected" if option["selected"] else "", option["label"])
                    for option in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, html)
                if group_name
                else html
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


class ChannelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.agency.display_name}）"


class ChannelFilter(django_filters.ModelChoiceFilter):
    field_class = ChannelChoiceField


class CatalogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="keep",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "标题、文号、内容，如：安全生产"}
        ),
    )
    agency = django_filters.ModelChoiceFilter(
        label="发布机构",
        field_name="agency",
        queryset=Agency.objects.all(),
        empty_label="全部机构",
        widget=OptionsSelect,
    )
    category = django_filters.ChoiceFilter(
        label="信息类别",
        field_name="category",
        choices=Category.choices,
        empty_label="全部类别",
        widget=OptionsSelect,
    )
    topic = django_filters.ModelChoiceFilter(
        label="主题分类",
        method="filter_topic",
        empty_label="全部主题",
        queryset=Topic.objects.select_related("parent"),
        widget=OptionsSelect,
    )
    channel = ChannelFilter(
        label="发布渠道",
        field_name="channels",
        empty_label="全部渠道",
        queryset=Channel.objects.select_related("agency"),
        widget=OptionsSelect,
    )
    year = django_filters.NumberFilter(
        label="发布年份",
        method="filter_year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    validity = django_filters.ChoiceFilter(
        label="有效性",
        field_name="validity",
        choices=Validity.choices,
        empty_label="全部",
        widget=OptionsSelect,
    )
    interpretation = django_filters.ChoiceFilter(
        label="政策解读",
        method="filter_interpretation",
        choices=INTERPRETATION_CHOICES,
        empty_label="全部",
        widget=OptionsSelect,
    )
    sort = django_filters.ChoiceFilter(
        label="排序", method="keep", choices=SORTS, empty_label=None, widget=OptionsSelect
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Channels belong to one agency: the list is offered once an agency is chosen (fifty
        # agencies' channels in one select would be long to read and slow to render).
        agency = (data or {}).get("agency", "")
        self.show_channels = str(agency).isdigit()
        if self.show_channels:
            field = self.filters["channel"]
            field.queryset = field.queryset.filter(agency_id=int(agency))

    def keep(self, queryset, name, value):
        """Search and sort are applied by disclosure.catalog, which needs the filtered rows first."""
        return queryset

    def filter_topic(self, queryset, name, topic):
        # The topic and its sub-topics, as an id list so that the (topic, date) index is used.
        ids = [topic.pk, *Topic.objects.filter(parent=topic).values_list("pk", flat=True)]
        return queryset.filter(topic_id__in=ids)

    def filter_year(self, queryset, name, year):
        # A date range rather than __year, so that the published_date indexes stay usable.
        year = int(year)
        return queryset.filter(published_date__range=(date(year, 1, 1), date(year, 12, 31)))

    def filter_interpretation(self, queryset, name, value):
        """有解读: items a published 解读 points to; 无解读: policy documents none points to yet
        (a work update has nothing to interpret, so it is not listed as lacking one)."""
        interpreted = Exists(Item.objects.published().filter(interprets_id=OuterRef("pk")))
        if value == "yes":
            return queryset.filter(interpreted)
        return queryset.filter(POLICIES).exclude(interpreted)
