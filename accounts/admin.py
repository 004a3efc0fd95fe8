from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import access, audit, recovery, services, spreadsheets
from accounts.duties import duties_validate
from accounts.models import AdminRole, AuditEvent, Membership, Recovery, Role, User
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
            targets = access.move_targets(request.user)
            queryset = Agency.objects.all()
            kwargs["queryset"] = (
                queryset if targets is access.ALL else queryset.filter(pk__in=targets)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Moving an agency out of its district is not the 负责人's to do (issue 12).
        if obj is not None and not access.may_move(request.user, obj):
            fields.append("parent")
        # Four eyes is the 负责人's decision for their own office (services.agency_set_self_review).
        if obj is None or Role.HEAD not in access.roles_in(request.user, obj):
            fields.append("self_review_allowed")
        return fields

    def save_model(self, request, obj, form, change):
        # A new unit is added under an agency the district administrator already manages.
        target = obj.pk if change else obj.parent_id
        if not access.can_access(request.user, target):
            raise PermissionDenied("只能在本人管理的机构下设立或修改机构。")
        if change and "parent" in form.changed_data:
            targets = access.move_targets(request.user)
            if not access.may_move(request.user, obj) or (
                targets is not access.ALL and obj.parent_id not in targets
            ):
                raise PermissionDenied("只能把机构移到本人管理的区内的其他机构之下。")
        switched = change and "self_review_allowed" in form.changed_data
        if switched:
            allowed, obj.self_review_allowed = obj.self_review_allowed, not obj.self_review_allowed
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        if switched:  # through the service, so the switch has its own audit row
            services.agency_set_self_review(agency=obj, by=request.user, allowed=allowed)


class MembershipForm(forms.ModelForm):
    """Scoped grants: only to accounts in reach, in agencies in scope, at or below one's own role."""

    actor = None  # set by the admin for each request

    def clean(self):
        cleaned = super().clean()
        agency, role = cleaned.get("agency"), cleaned.get("role")
        actor = self.actor
        if (
            agency is not None
            and role
            and actor is not None
            and role not in (recovery.grantable_roles(actor, agency))
        ):
            self.add_error("role", "只能授予不高于您本人在该机构所任的角色。")
        return cleaned


def _membership_form(base, actor):
    return type(base.__name__, (base,), {"actor": actor})


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 1
    autocomplete_fields = ["agency"]
    verbose_name = "机构任职"
    verbose_name_plural = "机构任职（决定可管理的机构和可做的事）"

    def get_queryset(self, request):
        # Memberships outside the administrator's scope are neither shown nor deletable here.
        return access.scope(super().get_queryset(request), request.user, "agency")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _membership_form(formset.form, request.user)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = access.scope(
                db_field.related_model.objects.all(), request.user, "pk"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [(r.value, r.label) for r in recovery.grantable_roles(request.user)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


PASSWORD_HELP = (
    "密码只由本人设置，管理员看不到也不能指定。忘记密码时，请用本页右上角的“发送设置密码链接”。"
)


class PasswordStateWidget(forms.Widget):
    """Whether a password is set — no hash summary and no "set password" button."""

    template_name = "accounts/widgets/password_state.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        usable = bool(value) and not str(value).startswith("!")
        context["state"] = "已由本人设置" if usable else "尚未设置（等待本人通过设置密码链接设置）"
        return context


class StaffChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].help_text = PASSWORD_HELP
            self.fields["password"].widget = PasswordStateWidget()

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None:
            try:
                duties_validate(group.name for group in groups)
            except ValidationError as exc:
                self.add_error("groups", exc)
        return cleaned


class StaffCreationForm(forms.ModelForm):
    """A new account has no password: its holder sets one through a one-time link."""

    delivery = forms.ChoiceField(
        label="设置密码链接",
        choices=[
            (Recovery.Delivery.EMAIL, "发送到上面填写的电子邮箱"),
            (Recovery.Delivery.LETTER, "打印交接函（没有电子邮箱时；须一名安全管理员批准）"),
        ],
        initial=Recovery.Delivery.EMAIL,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = User
        fields = ("username", "name", "email")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("delivery") == Recovery.Delivery.EMAIL and not cleaned.get("email"):
            self.add_error("email", "请填写本人的电子邮箱，或选择打印交接函。")
        return cleaned


class ResetForm(forms.Form):
    delivery = forms.ChoiceField(label="交付方式", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="原因",
        max_length=200,
        required=False,
        help_text="例如：本人来电说忘记密码。不要填写密码或身份证号。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        email = Recovery.Delivery.EMAIL
        choices = [(Recovery.Delivery.LETTER, Recovery.Delivery.LETTER.label)]
        if user.email:
            choices.insert(0, (email, f"发送到本人登记的电子邮箱（{_masked_email(user.email)}）"))
        self.fields["delivery"].choices = choices
        self.fields["delivery"].initial = choices[0][0]


class DeviceRemovalForm(forms.Form):
    reason = forms.CharField(
        label="原因", max_length=200, help_text="例如：手机遗失，本人当面申请并出示工作证。"
    )


def _masked_email(address):
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    add_fieldsets = ((None, {"fields": ("username", "name", "email", "delivery")}),)
    change_form_template = "admin/accounts/user/change_form.html"
    audit_events = (Event.USER_CREATED, Event.USER_CHANGED, Event.USER_DELETED)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "email")}),
        (
            "状态",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "last_login",
                    "date_joined",
                    "password_changed_at",
                )
            },
        ),
        ("管理员角色（三权分立，由安全管理员授予）", {"fields": ("groups",)}),
        ("应急权限（仅限运维）", {"fields": ("is_superuser",), "classes": ("collapse",)}),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    list_display = ("username", "name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups", "memberships__role")
    search_fields = ("username", "name", "email")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        # The same queryset answers the user autocomplete of the membership forms.
        return recovery.users_in_reach(request.user, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if (
            request.GET.get("model_name") == "membership"
            and request.GET.get("field_name") == "user"
        ):
            # The membership forms' user autocomplete offers only the accounts one may grant to.
            queryset = queryset.filter(pk__in=recovery.grantees(request.user).values("pk"))
        return queryset, distinct

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or obj.pk == request.user.pk or recovery.may_manage(request.user, obj):
            return True
        # The security administrator changes other people's administrator roles only.
        return recovery.is_approver(request.user) and not obj.is_superuser

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        actor = request.user
        if actor.is_superuser:
            return fields
        fields.append("is_superuser")
        own = obj is not None and obj.pk == actor.pk
        if not access.holds_admin_role(actor, AdminRole.SECURITY) or own:
            fields.append("groups")  # nobody grants administrator roles to themselves
        if obj is not None and not own:
            fields.append("email")  # a reset link goes there: only its holder changes it
            if not recovery.may_manage(actor, obj):
                fields += ["username", "name", "is_active", "is_staff"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.is_staff = True
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            delivery = form.cleaned_data["delivery"]
            recovery.password_reset_request(
                user=form.instance,
                by=request.user,
                delivery=delivery,
                new_account=True,
                request=request,
            )
            messages.info(
                request,
                "已向本人的电子邮箱发送设置密码链接。"
                if delivery == Recovery.Delivery.EMAIL
                else "交接函须一名安全管理员在“重置密码与解绑申请”中批准后才能打印。",
            )

    def user_change_password(self, request, id, form_url=""):
        """Setting someone's password in the admin is the emergency superuser's alone, audited."""
        if not request.user.is_superuser:
            raise PermissionDenied(
                "管理员不能设置他人的密码。请用“发送设置密码链接”；"
                "修改自己的密码请用右上角的“修改密码”。"
            )
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit.record(
                event=Event.PASSWORD_ADMIN_SET,
                request=request,
                obj=User.objects.get(pk=id),
                detail="应急账号直接设置密码",
            )
        return response

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<id>/reset/", wrap(self.reset_view), name="accounts_user_reset"),
            path(
                "<id>/device-removal/",
                wrap(self.device_removal_view),
                name="accounts_user_device_removal",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        target = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if target is not None:
            extra_context.update(
                may_reset=recovery.may_reset(request.user, target),
                may_remove_device=recovery.may_request_device_removal(request.user, target)
                and TOTPDevice.objects.filter(user=target).exists(),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _target(self, request, id):
        target = self.get_object(request, id)
        if target is None:
            raise PermissionDenied("没有这个账号，或您无权管理它。")
        return target

    def reset_view(self, request, id):
        target = self._target(request, id)
        if not recovery.may_reset(request.user, target):
            raise PermissionDenied("您不能为该账号重置密码。")
        form = ResetForm(request.POST or None, user=target)
        if request.method == "POST" and form.is_valid():
            try:
                done = recovery.password_reset_request(
                    user=target,
                    by=request.user,
                    delivery=form.cleaned_data["delivery"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if done.status == Recovery.Status.ISSUED:
                    messages.success(
                        request,
                        f"已向 {target} 的电子邮箱发送设置密码链接，"
                        f"{settings.SET_PASSWORD_LINK_HOURS} 小时内有效。",
                    )
                else:
                    messages.info(request, "已提交。须另一名安全管理员批准后才能打印交接函。")
                return redirect("admin:accounts_recovery_change", done.pk)
        return self._render(request, target, form, "发送设置密码链接", "reset")

    def device_removal_view(self, request, id):
        target = self._target(request, id)
        if not recovery.may_request_device_removal(request.user, target):
            raise PermissionDenied("只有安全管理员可以申请解除他人的动态口令绑定。")
        form = DeviceRemovalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                done = recovery.device_removal_request(
                    user=target,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.info(request, "已提交。须另一名安全管理员批准后才会解除绑定。")
                return redirect("admin:accounts_recovery_change", done.pk)
        return self._render(request, target, form, "申请解除动态口令绑定", "device")

    def _render(self, request, target, form, title, kind):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "target": target,
            "form": form,
            "kind": kind,
            "opts": self.opts,
            "link_hours": settings.SET_PASSWORD_LINK_HOURS,
            "open": target.recoveries.filter(
                status__in=[
                    Recovery.Status.PENDING,
                    Recovery.Status.APPROVED,
                    Recovery.Status.ISSUED,
                ]
            ).select_related("requested_by"),
        }
        return TemplateResponse(request, "admin/accounts/user/recovery_form.html", context)


@admin.register(Membership)
class MembershipAdmin(AgencyScopedAdmin):
    audit_events = (Event.ROLE_GRANTED, Event.OBJECT_CHANGED, Event.ROLE_REVOKED)
    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "agency")
    search_fields = ("user__username", "user__name", "agency__name")
    autocomplete_fields = ["user", "agency"]
    form = MembershipForm

    def get_form(self, request, obj=None, **kwargs):
        return _membership_form(super().get_form(request, obj, **kwargs), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = recovery.grantees(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [(r.value, r.label) for r in recovery.grantable_roles(request.user)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


admin.site.unregister(Group)


PERMISSION_VERBS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission):
    """「主动公开 · 公开信息：查看」 for ``disclosure.view_item``; custom permissions keep their name."""
    model = permission.content_type.model_class()
    verb, _, model_name = permission.codename.partition("_")
    if model is None:
        return permission.name
    what = f"{apps.get_app_config(model._meta.app_label).verbose_name} · {model._meta.verbose_name}"
    if verb in PERMISSION_VERBS and model_name == model._meta.model_name:
        return f"{what}：{PERMISSION_VERBS[verb]}"
    return f"{what}：{permission.name}"


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    """The roles' permissions ship with the code; only the emergency superuser edits them here."""

    audit_events = (Event.SETTINGS_CHANGED, Event.SETTINGS_CHANGED, Event.SETTINGS_CHANGED)

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fields(request, obj)
        return ("name", "permission_list")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("name", "permission_list")

    @admin.display(description="权限")
    def permission_list(self, group):
        """The role's permissions in Chinese (Django stores them as "Can view …")."""
        rows = group.permissions.select_related("content_type").order_by(
            "content_type__app_label", "content_type__model", "codename"
        )
        items = format_html_join("", "<li>{}</li>", ((permission_label(p),) for p in rows))
        return format_html('<ul class="permission-list">{}</ul>', items) if items else "—"

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(TOTPDevice)
# django-otp ships English names only; the menu, titles and the audit log read these instead.
# (Only the names on screen: the migration state keeps the original options.)
TOTPDevice._meta.verbose_name = TOTPDevice._meta.verbose_name_plural = "动态口令设备"
apps.get_app_config("otp_totp").verbose_name = "动态口令"


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Read-only list of second-factor devices, without their keys.

    A device is removed only through a 解除动态口令绑定 request that a second 安全管理员
    approves (``accounts.recovery``); nobody adds, changes or reads a device's key here.
    """

    list_display = ("member", "device_name", "is_confirmed", "created", "last_used")
    list_filter = (("confirmed", admin.BooleanFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__name")
    fields = ("member", "device_name", "is_confirmed", "created", "last_used")
    readonly_fields = fields
    actions = None

    # django-otp names its fields in English only: the labels are given here.
    @admin.display(description="工作人员", ordering="user__username")
    def member(self, device):
        return device.user

    @admin.display(description="设备名称", ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description="已完成绑定", boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description="绑定时间", ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recovery)
class RecoveryAdmin(admin.ModelAdmin):
    """重置密码与解绑申请: requests, the second administrator's approval, the hand-over letter."""

    list_display = (
        "user",
        "kind",
        "delivery",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "completed_at",
    )
    list_filter = ("status", "kind")
    list_select_related = ("user", "requested_by", "decided_by")
    search_fields = ("user__username", "user__name")
    fields = (
        "user",
        "kind",
        "delivery",
        "status",
        "reason",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "issued_at",
        "expires_at",
        "completed_at",
        "notified_at",
    )
    readonly_fields = fields
    actions = None
    change_form_template = "admin/accounts/recovery/change_form.html"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if recovery.is_approver(request.user):
            return qs
        return qs.filter(requested_by=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", wrap(self.approve_view), name="accounts_recovery_approve"),
            path("<int:pk>/refuse/", wrap(self.refuse_view), name="accounts_recovery_refuse"),
            path("<int:pk>/cancel/", wrap(self.cancel_view), name="accounts_recovery_cancel"),
            path("<int:pk>/letter/", wrap(self.letter_view), name="accounts_recovery_letter"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            actor = request.user
            extra_context = {
                **(extra_context or {}),
                "may_approve": recovery.may_approve(actor, obj),
                "may_refuse": recovery.may_refuse(actor, obj),
                "may_cancel": recovery.may_cancel(actor, obj),
                "may_print": recovery.may_print(actor, obj),
                "recovery": obj,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _get(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _back(self, obj):
        return redirect("admin:accounts_recovery_change", obj.pk)

    def approve_view(self, request, pk):
        obj = self._get(request, pk)
        if request.method != "POST":
            return self._back(obj)
        obj, code = recovery.recovery_approve(recovery=obj, by=request.user, request=request)
        if code is None:
            messages.success(
                request,
                f"已批准，{obj.user} 的动态口令认证器已解除绑定；"
                "本人下次登录时须重新绑定，并会看到这次解绑的说明。",
            )
            return self._back(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": "核对码（只显示这一次）",
            "recovery": obj,
            "code": f"{code[:4]} {code[4:]}",
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/accounts/recovery/code.html", context)

    def refuse_view(self, request, pk):
        obj = self._get(request, pk)
        if request.method == "POST":
            recovery.recovery_refuse(recovery=obj, by=request.user, request=request)
            messages.info(request, "已驳回。")
        return self._back(obj)

    def cancel_view(self, request, pk):
        obj = self._get(request, pk)
        if request.method == "POST":
            recovery.recovery_cancel(recovery=obj, by=request.user, request=request)
            messages.info(request, "已作废；未使用的链接随之失效。")
        return self._back(obj)

    def letter_view(self, request, pk):
        """GET confirms; POST produces the link once and shows the letter to print."""
        obj = self._get(request, pk)
        if not recovery.may_print(request.user, obj):
            raise PermissionDenied("交接函只能由申请人在另一名安全管理员批准后打印一次。")
        context = {
            **self.admin_site.each_context(request),
            "recovery": obj,
            "opts": self.opts,
            "title": f"设置密码交接函：{obj.user}",
        }
        if request.method == "POST":
            obj, token = recovery.letter_issue(recovery=obj, by=request.user, request=request)
            context.update(url=recovery.link_url(token, request), recovery=obj)
        return TemplateResponse(request, "admin/accounts/recovery/letter.html", context)


# Times are shown and exported in the site's zone; where a time could be read as UTC, say so.
ZONE_LABEL = "北京时间" if settings.TIME_ZONE == "Asia/Shanghai" else settings.TIME_ZONE


def model_label(label_lower):
    """「公开信息」 for ``disclosure.item``: the audit log names objects as staff know them."""
    try:
        return apps.get_model(label_lower)._meta.verbose_name
    except (LookupError, ValueError):
        return label_lower


class ObjectTypeFilter(admin.SimpleListFilter):
    title = "对象类型"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        # The models staff work on, from the admin's registry: a DISTINCT over the whole log
        # would read every row of a table that only grows.
        models = sorted(admin.site._registry, key=lambda m: m._meta.label_lower)
        return [(m._meta.label_lower, m._meta.verbose_name) for m in models]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """View-only audit screen for 审计管理员. Reading and exporting are themselves audited."""

    list_display = ("local_time", "event", "outcome", "actor_name", "ip", "object", "detail")
    list_filter = ("event", "outcome", ObjectTypeFilter, "created_at")
    search_fields = ("actor_name", "ip", "object_id", "request_id")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_list_template = "admin/accounts/auditevent/change_list.html"
    export_fields = (
        "created_at",
        "event",
        "outcome",
        "actor_name",
        "ip",
        "object_type",
        "object_id",
        "request_id",
        "detail",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description=f"时间（{ZONE_LABEL}）", ordering="created_at")
    def local_time(self, event):
        return f"{timezone.localtime(event.created_at):%Y-%m-%d %H:%M:%S}"

    @admin.display(description="对象")
    def object(self, event):
        if not event.object_type:
            return "—"
        return f"{model_label(event.object_type)} #{event.object_id}"

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
            event=Event.AUDIT_EXPORTED,
            request=request,
            detail=f"{count} 条；{_query(request)}"[:300],
        )
        labels = [AuditEvent._meta.get_field(name).verbose_name for name in self.export_fields]
        labels[0] = f"时间（{ZONE_LABEL}）"  # a spreadsheet cell carries no zone of its own
        rows = queryset.values_list(*self.export_fields).iterator(chunk_size=2000)
        local = timezone.get_current_timezone()

        def lines():
            writer = spreadsheets.writer(_Echo())
            yield "\ufeff" + writer.writerow(labels)
            for row in rows:
                row = list(row)
                row[0] = row[0].astimezone(local).strftime("%Y-%m-%d %H:%M:%S")
                yield writer.writerow(row)

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


class _Echo:
    def write(self, value):
        return value


def _query(request):
    return ("筛选：" + request.GET.urlencode())[:300] if request.GET else ""
