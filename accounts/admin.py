import csv

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from accounts import access, audit
from accounts.duties import duties_validate
from accounts.models import AdminRole, AuditEvent, Membership, User
from agencies.admin import AgencyAdmin
from agencies.models import Agency

Event = AuditEvent.Event


class AuditedAdminMixin:
    """Every add, change and delete made in the admin writes an audit event in the same transaction.

    The change message names the changed fields only, never their values.
    """

    audit_events = (Event.OBJECT_CREATED, Event.OBJECT_CHANGED, Event.OBJECT_DELETED)

    def log_addition(self, request, obj, message):
        audit.record(event=self.audit_events[0], obj=obj, request=request, detail=_fields(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit.record(event=self.audit_events[1], obj=obj, request=request, detail=_fields(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit.record(event=self.audit_events[2], obj=obj, request=request)
        return super().log_deletions(request, queryset)


def _fields(message):
    """The changed field names from an admin change message, short."""
    names = []
    for entry in message if isinstance(message, list) else []:
        for action, body in entry.items():
            names += body.get("fields", []) or [f"{action}:{body.get('name', '')}"]
    return ("字段：" + "、".join(str(n) for n in names))[:300] if names else ""


class AgencyScopedAdmin(AuditedAdminMixin, admin.ModelAdmin):
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


@admin.register(Agency)
class ScopedAgencyAdmin(AgencyScopedAdmin, AgencyAdmin):
    """``agencies.admin.AgencyAdmin`` limited to the member's own agencies, and audited."""

    agency_field = "pk"

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


class StaffChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None:
            try:
                duties_validate(group.name for group in groups)
            except ValidationError as exc:
                self.add_error("groups", exc)
        return cleaned


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = StaffChangeForm
    audit_events = (Event.USER_CREATED, Event.USER_CHANGED, Event.USER_DELETED)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "email")}),
        ("状态", {"fields": ("is_active", "is_staff", "last_login", "date_joined", "password_changed_at")}),
        ("管理员角色（三权分立，由安全管理员授予）", {"fields": ("groups",)}),
        ("应急权限（仅限运维）", {"fields": ("is_superuser",), "classes": ("collapse",)}),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    list_display = ("username", "name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups", "memberships__role")
    search_fields = ("username", "name", "email")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if access.holds_admin_role(request.user, AdminRole.SYSTEM, AdminRole.SECURITY):
            return qs
        ids = access.agency_ids(request.user)
        if ids is access.ALL:
            return qs
        return qs.filter(memberships__agency__in=ids).distinct()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
            if not access.holds_admin_role(request.user, AdminRole.SECURITY):
                fields.append("groups")
        return fields


@admin.register(Membership)
class MembershipAdmin(AgencyScopedAdmin):
    audit_events = (Event.ROLE_GRANTED, Event.OBJECT_CHANGED, Event.ROLE_REVOKED)
    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "agency")
    search_fields = ("user__username", "user__name", "agency__name")
    autocomplete_fields = ["user", "agency"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    audit_events = (Event.SETTINGS_CHANGED, Event.SETTINGS_CHANGED, Event.SETTINGS_CHANGED)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """View-only audit screen for 审计管理员. Reading and exporting are themselves audited."""

    list_display = ("created_at", "event", "outcome", "actor_name", "ip", "object", "detail")
    list_filter = ("event", "outcome", "object_type", "created_at")
    search_fields = ("actor_name", "ip", "object_id", "request_id")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_list_template = "admin/accounts/auditevent/change_list.html"
    export_fields = (
        "created_at", "event", "outcome", "actor_name", "ip", "object_type", "object_id",
        "request_id", "detail",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description="对象")
    def object(self, event):
        return f"{event.object_type} #{event.object_id}" if event.object_type else "—"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="accounts_auditevent_export"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            audit.record(event=Event.AUDIT_READ, request=request, detail=_query(request))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            audit.record(
                event=Event.AUDIT_READ, request=request, detail=f"查看第 {object_id} 条"[:300]
            )
        return response

    def export_view(self, request):
        """CSV of the events the current filters select (UTF-8 with BOM so Excel opens it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).order_by("created_at", "id")
        count = queryset.count()
        audit.record(
            event=Event.AUDIT_EXPORTED, request=request,
            detail=f"{count} 条；{_query(request)}"[:300],
        )
        labels = [AuditEvent._meta.get_field(name).verbose_name for name in self.export_fields]
        rows = queryset.values_list(*self.export_fields).iterator(chunk_size=2000)
        local = timezone.get_current_timezone()

        def lines():
            writer = csv.writer(_Echo())
            yield "\ufeff" + writer.writerow(labels)
            for row in rows:
                row = list(row)
                row[0] = row[0].astimezone(local).strftime("%Y-%m-%d %H:%M:%S")
                yield writer.writerow([_csv_safe(value) for value in row])

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


class _Echo:
    def write(self, value):
        return value


def _csv_safe(value):
    """Stops spreadsheet formula injection through values an attacker typed (e.g. a username)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _query(request):
    return ("筛选：" + request.GET.urlencode())[:300] if request.GET else ""
