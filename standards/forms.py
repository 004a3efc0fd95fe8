from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts import access
from agencies.models import Agency
from disclosure.forms import ItemAdminForm
from standards.models import Catalogue, Entry


def grouped_choices(entries):
    """<optgroup> per catalogue and 一级事项, options the 二级事项 with their time limit."""
    groups, labels = {}, {}
    for entry in entries:
        key = (entry.catalogue_id, entry.level1)
        labels[key] = f"{entry.level1}（{entry.catalogue.field}）"
        limit = f"　[{entry.time_limit}]" if entry.time_limit else ""
        groups.setdefault(key, []).append((entry.pk, f"{entry.level2}{limit}"))
    return [(labels[key], options) for key, options in groups.items()]


class EntrySelect(forms.SelectMultiple):
    """A grouped multiple select; ``static/js/entry-filter.js`` adds a search box above it."""

    def __init__(self, attrs=None):
        super().__init__({"data-entry-filter": "1", "size": 12, **(attrs or {})})


class EntryChoiceField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, widget=EntrySelect, **kwargs)


def entries_for(agency_ids):
    """The 事项 of these agencies (adopted catalogues and their own), in catalogue order."""
    return (
        Entry.objects.filter(
            Q(catalogue__adoptions__agency_id__in=agency_ids)
            | Q(catalogue__owner_id__in=agency_ids)
        )
        .distinct()
        .select_related("catalogue")
        .order_by("catalogue__owner_id", "catalogue_id", "number", "pk")
    )


class FiledItemForm(ItemAdminForm):
    """The item form with the 事项 it is filed under (saved by ``standards.services``)."""

    standard_entries = EntryChoiceField(
        label="归入事项",
        required=False,
        help_text="本机构适用的标准目录中，本条信息对应的事项（可多选；按一级事项分组，可输入文字筛选）。",
    )

    def clean(self):
        data = super().clean()
        agency = data.get("agency") or getattr(self.instance, "agency", None)
        chosen = data.get("standard_entries") or []
        if chosen and agency is not None:
            allowed = set(Entry.objects.for_agency(agency).values_list("pk", flat=True))
            if set(chosen) - allowed:
                self.add_error("standard_entries", "所选事项不在该机构适用的标准目录中。")
        return data


class FileItemsForm(forms.Form):
    """The 归入事项 action's page."""

    entries = EntryChoiceField(label="事项")

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry_rows = {entry.pk: entry for entry in entries}
        self.fields["entries"].choices = grouped_choices(entries)

    def clean_entries(self):
        return [self.entry_rows[pk] for pk in self.cleaned_data["entries"]]


class CatalogueImportForm(forms.Form):
    catalogue = forms.ModelChoiceField(
        label="导入到",
        queryset=Catalogue.objects.filter(owner__isnull=True),
        required=False,
        empty_label="新建标准目录",
        help_text="选择已有目录时，一级和二级事项相同的行更新该事项，其余新增。",
    )
    field = forms.CharField(label="领域", max_length=50, required=False)
    title = forms.CharField(label="目录名称", max_length=200, required=False)
    issuing_document = forms.CharField(label="印发文件", max_length=200, required=False)
    version = forms.CharField(label="版本", max_length=50, required=False)
    complete = forms.BooleanField(label="目录完整", required=False, initial=True)
    completeness_note = forms.CharField(
        label="完整性与来源说明", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    file = forms.FileField(label="文件（.csv 或 .xlsx）")

    def clean(self):
        data = super().clean()
        if not data.get("catalogue"):
            missing = [self.fields[name].label for name in ("field", "title") if not data.get(name)]
            if missing:
                raise ValidationError(f"新建目录时请填写：{'、'.join(missing)}。")
        return data


class LocalEntryForm(forms.Form):
    agency = forms.ModelChoiceField(label="机构", queryset=Agency.objects.none())
    level1 = forms.CharField(label="一级事项", max_length=50)
    level2 = forms.CharField(label="二级事项", max_length=100)
    content = forms.CharField(label="公开内容（要素）", widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label="公开依据", required=False)
    time_limit = forms.CharField(
        label="公开时限",
        max_length=200,
        required=False,
        help_text="例如 信息形成或变更之日起20个工作日内。",
    )
    publisher = forms.CharField(label="公开主体", max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = access.scope(Agency.objects.all(), user, "pk")
