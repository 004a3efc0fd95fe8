from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from accounts import access
from accounts.models import Membership, User


class AgencyScopedAdmin(admin.ModelAdmin):
    """Staff see and change only their own agencies' rows; ``agency_field`` leads to the agency."""

    agency_field = "agency"

    def get_queryset(self, request):
        return access.scope(super().get_queryset(request), request.user, self.agency_field)

    def _in_scope(self, request, obj):
        if obj is None:
            return True
        return access.can_access(request.user, self.get_agency_id(obj))

    def get_agency_id(self, obj):
        """The agency an object belongs to; override when ``agency_field`` crosses relations."""
        return getattr(obj, f"{self.agency_field}_id")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.agency_field:
            kwargs["queryset"] = access.scope(
                db_field.related_model.objects.all(), request.user, "pk"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not access.can_access(request.user, self.get_agency_id(obj)):
            raise PermissionDenied("不能为其他机构保存记录。")
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["agency"]
    verbose_name = "机构任职"
    verbose_name_plural = "机构任职（决定可管理的机构和可做的事）"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = access.scope(db_field.related_model.objects.all(), request.user, "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "email")}),
        ("状态", {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
        ("系统权限（仅限运维）", {"fields": ("is_superuser", "groups"), "classes": ("collapse",)}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "memberships__role")
    search_fields = ("username", "name", "email")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = access.agency_ids(request.user)
        if ids is access.ALL:
            return qs
        return qs.filter(memberships__agency__in=ids).distinct()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups"]
        return fields


@admin.register(Membership)
class MembershipAdmin(AgencyScopedAdmin):
    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "agency")
    search_fields = ("user__username", "user__name", "agency__name")
    autocomplete_fields = ["user", "agency"]
