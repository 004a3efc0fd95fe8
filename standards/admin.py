from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from accounts import access
from accounts.admin import AgencyScopedAdmin, AuditedAdminMixin
from accounts.models import Role
from agencies.models import Agency
from disclosure.admin import ItemAdmin
from disclosure.importing import ImportFileError
from disclosure.models import Item
from standards import importing, monitor, services
from standards.forms import (
    CatalogueImportForm,
    FiledItemForm,
    FileItemsForm,
    LocalEntryForm,
    entries_for,
    grouped_choices,
)
from standards.models import Adoption, Catalogue, Entry, Filing


def _messages_of(exc):
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    fields = (
        "number",
        "level1",
        "level2",
        "content",
        "basis",
        "time_limit",
        "rule_display",
        "publisher",
        "channels",
        "audience",
        "mode",
        "levels",
        "note",
    )
    readonly_fields = ("rule_display",)
    show_change_link = True

    @admin.display(description="监测规则")
    def rule_display(self, obj):
        return obj.rule.label if obj.pk else ""


@admin.register(Catalogue)
class CatalogueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "field", "version", "issuing_document", "entry_count", "complete")
    list_filter = ("field", "complete")
    search_fields = ("title", "field")
    inlines = [EntryInline]
    change_list_template = "admin/standards/catalogue/change_list.html"

    @admin.display(description="事项数")
    def entry_count(self, obj):
        return obj.entries.count()

    def get_queryset(self, request):
        # National catalogues are shared; an agency's own 事项 only its staff see.
        queryset = super().get_queryset(request)
        ids = access.agency_ids(request.user)
        if ids is access.ALL:
            return queryset
        return queryset.filter(owner__isnull=True) | queryset.filter(owner_id__in=ids)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("import/", wrap(self.import_view), name="standards_catalogue_import"),
            path("monitor/", wrap(self.monitor_index), name="standards_monitor_index"),
            path("monitor/<int:agency_id>/", wrap(self.monitor_view), name="standards_monitor"),
            path("district/", wrap(self.district_view), name="standards_district"),
            path("local-entry/", wrap(self.local_entry_view), name="standards_local_entry"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """导入标准目录: the standard's own columns; every bad row listed, nothing imported."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CatalogueImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                checked = importing.read(upload.name, upload.read())
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                errors = checked.error_rows
                if not errors:
                    catalogue = data["catalogue"] or Catalogue(
                        field=data["field"],
                        title=data["title"],
                        issuing_document=data["issuing_document"],
                        version=data["version"],
                        complete=data["complete"],
                        completeness_note=data["completeness_note"],
                    )
                    added, updated = services.catalogue_import(
                        catalogue=catalogue, rows=checked.rows, by=request.user
                    )
                    self.message_user(
                        request,
                        f"已导入“{catalogue}”：新增 {added} 项，更新 {updated} 项。",
                        messages.SUCCESS,
                    )
                    return redirect("admin:standards_catalogue_change", catalogue.pk)
        return TemplateResponse(
            request,
            "admin/standards/catalogue/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "导入标准目录",
                "form": form,
                "errors": errors,
                "columns": [*importing.LABEL.values()],
            },
        )

    def _agencies(self, request):
        return access.scope(Agency.objects.all(), request.user, "pk")

    def _year(self, request, today):
        try:
            year = int(request.GET.get("year") or today.year)
        except ValueError:
            year = today.year
        return max(2008, min(year, today.year))

    def monitor_index(self, request):
        agencies = list(self._agencies(request)[:2])
        if len(agencies) == 1:
            return redirect("admin:standards_monitor", agencies[0].pk)
        return redirect("admin:standards_district")

    def monitor_view(self, request, agency_id):
        """One agency's 事项 and columns on a day: today, or the last day of a past year."""
        agency = get_object_or_404(self._agencies(request), pk=agency_id)
        today = timezone.localdate()
        year = self._year(request, today)
        result = monitor.monitor_one(agency, as_of=monitor.year_end(year, today), year=year)
        return TemplateResponse(
            request,
            "admin/standards/monitor.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"公开监测：{agency.name}",
                "monitor": result,
                "year": year,
                "years": range(today.year, max(2008, today.year - 12) - 1, -1),
                "states": monitor.State,
            },
        )

    def district_view(self, request):
        """Every unit's score on one page (区级管理员)."""
        if not (
            request.user.is_superuser
            or request.user.memberships.filter(role=Role.DISTRICT_ADMIN).exists()
        ):
            raise PermissionDenied("只有区级管理员可以查看各单位得分。")
        today = timezone.localdate()
        year = self._year(request, today)
        agencies = list(self._agencies(request).order_by("sort_order", "id"))
        results = monitor.monitor(agencies, as_of=monitor.year_end(year, today), year=year)
        rows = sorted(
            results.values(),
            key=lambda m: (m.score is None, m.score if m.score is not None else 0),
        )
        return TemplateResponse(
            request,
            "admin/standards/district.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "各单位公开监测得分",
                "rows": rows,
                "year": year,
                "years": range(today.year, max(2008, today.year - 12) - 1, -1),
            },
        )

    def local_entry_view(self, request):
        """补充本机构事项: a 事项 of the agency's own, beside the adopted catalogues'."""
        if not request.user.has_perm("standards.add_entry"):
            raise PermissionDenied
        form = LocalEntryForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            agency = data.pop("agency")
            try:
                entry = services.entry_add_local(agency=agency, by=request.user, **data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _messages_of(exc))
            else:
                self.message_user(request, f"已补充事项“{entry}”。", messages.SUCCESS)
                return redirect("admin:standards_monitor", agency.pk)
        return TemplateResponse(
            request,
            "admin/standards/local_entry.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "补充本机构事项",
                "form": form,
            },
        )


@admin.register(Entry)
class EntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("level2", "level1", "catalogue", "time_limit", "rule_display", "publisher")
    list_filter = ("catalogue", "level1")
    search_fields = ("level1", "level2", "content")
    list_select_related = ("catalogue",)

    @admin.display(description="监测规则")
    def rule_display(self, obj):
        return obj.rule.label


@admin.register(Adoption)
class AdoptionAdmin(AgencyScopedAdmin):
    list_display = ("agency", "catalogue", "adopted_on")
    list_select_related = ("agency", "catalogue")
    autocomplete_fields = ["agency"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        adoption = services.catalogue_adopt(
            agency=obj.agency, catalogue=obj.catalogue, by=request.user, adopted_on=obj.adopted_on
        )
        obj.pk = adoption.pk


admin.site.unregister(Item)


@admin.register(Item)
class FiledItemAdmin(ItemAdmin):
    """The catalog's item admin with its 事项: a grouped, searchable choice and a bulk action."""

    form = FiledItemForm
    actions = [*ItemAdmin.actions, "file_selected"]

    class Media:
        js = ["js/entry-filter.js"]
        css = {"all": ["css/standards.css"]}

    def get_fieldsets(self, request, obj=None):
        return (
            *super().get_fieldsets(request, obj),
            ("标准目录事项", {"fields": ["standard_entries"]}),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        ids = [obj.agency_id] if obj is not None else list(self._agency_ids(request))
        form.base_fields["standard_entries"].choices = grouped_choices(entries_for(ids))
        if obj is not None:
            form.base_fields["standard_entries"].initial = list(
                Filing.objects.filter(item=obj).values_list("entry_id", flat=True)
            )
        return form

    def _agency_ids(self, request):
        return self._agencies_qs(request).values_list("pk", flat=True)

    def _agencies_qs(self, request):
        return access.scope(Agency.objects.all(), request.user, "pk")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "standard_entries" in form.changed_data:
            chosen = form.cleaned_data.get("standard_entries") or []
            services.item_set_entries(
                item=form.instance,
                entries=list(Entry.objects.filter(pk__in=chosen)),
                by=request.user,
            )

    @admin.action(description="归入事项")
    def file_selected(self, request, queryset):
        items = list(queryset.only("id", "agency_id", "title"))
        agency_ids = {item.agency_id for item in items}
        entries = list(entries_for(agency_ids))
        form = FileItemsForm(request.POST if "apply" in request.POST else None, entries=entries)
        if "apply" in request.POST and form.is_valid():
            try:
                count = services.items_file(
                    items=items, entries=form.cleaned_data["entries"], by=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _messages_of(exc), messages.ERROR)
            else:
                self.message_user(request, f"已归入事项：新增 {count} 条归入记录。")
            return None
        return TemplateResponse(
            request,
            "admin/standards/file_items.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "归入事项",
                "items": items,
                "form": form,
                "several_agencies": len(agency_ids) > 1,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
