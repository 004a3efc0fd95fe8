from django.contrib import admin
from django.core.exceptions import PermissionDenied

from accounts import access
from accounts.admin import AgencyScopedAdmin
from disclosure.models import Agency


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin):
    agency_field = "pk"
    list_display = ("name", "short_name", "code", "parent", "phone", "sort_order")
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ["parent"]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "parent", "sort_order")}),
        ("索引号", {"fields": ("code", "index_pattern")}),
        (
            "公开指南信息",
            {"fields": ("ogi_office", "address", "postcode", "office_hours", "phone", "fax",
                        "email", "guide_notes")},
        ),
        ("公开制度", {"fields": ("rules_text",)}),
    )

    def get_agency_id(self, obj):
        return obj.pk

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = access.scope(Agency.objects.all(), request.user, "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # A new unit is added under an agency the district administrator already manages.
        target = obj.pk if change else obj.parent_id
        if not access.can_access(request.user, target):
            raise PermissionDenied("只能在本人管理的机构下设立或修改机构。")
        admin.ModelAdmin.save_model(self, request, obj, form, change)
