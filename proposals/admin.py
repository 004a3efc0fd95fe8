from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from accounts import access as agency_access
from accounts.admin import AgencyScopedAdmin
from proposals import access, services
from proposals.deadlines import PUBLICATION_WORKDAYS, chinese_date
from proposals.forms import (
    ACTIONS,
    MAIN_STEPS,
    RegisterForm,
    available_actions,
    waiting_for,
)
from proposals.models import AnswerClass, Event, Opinion, Proposal, PublicationStatus, Session
from workdays.calendar import UnknownCalendarYear, workdays_between


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "body", "year", "opened_on")
    list_filter = ("body", "year")
    search_fields = ("name", "short_name")


@admin.register(AnswerClass)
class AnswerClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "description", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False  # classes in use stay; retire them with 可选用


class OpinionInline(admin.TabularInline):
    model = Opinion
    fields = ("agency", "given_on", "signatory", "text", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # through the 录入会办意见 button, which checks the co-unit

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    fields = ("at", "kind", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "办理记录（每一步都有记录，不能修改）"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(AgencyScopedAdmin):
    agency_field = "lead_unit"
    form = RegisterForm
    change_form_template = "admin/proposals/proposal/change_form.html"
    list_display = (
        "number_display",
        "title",
        "session",
        "lead_unit",
        "due_date",
        "deadline_state",
        "publication_status",
    )
    list_display_links = ("number_display", "title")
    list_filter = (
        "status",
        "publication_status",
        "kind",
        "session",
        "answer_class",
        "satisfaction",
    )
    list_select_related = ("session", "lead_unit", "answer_class")
    search_fields = ("number", "title", "proposer")
    autocomplete_fields = ("session", "lead_unit", "co_units")
    date_hierarchy = "assigned_date"
    inlines = [OpinionInline, EventInline]
    handled_fields = (
        "status",
        "due_date",
        "extension_reason",
        "reopen_count",
        "reply_date",
        "reply_number",
        "answer_class",
        "reply_signatory",
        "reply_contact",
        "reply_text",
        "satisfaction",
        "feedback_date",
        "publication_mode",
        "publication_summary",
        "withheld_reason",
        "publication_status",
        "reviewed_by",
        "review_date",
        "review_opinion",
        "published_date",
        "publication_lag",
    )
    fixed_after_registration = ("session", "kind", "number", "lead_unit", "assigned_date")

    @admin.display(description="编号", ordering="number")
    def number_display(self, obj):
        return obj.number_label

    @admin.display(description="办理状态", ordering="status")
    def deadline_state(self, obj):
        if obj.is_open and obj.due_date < timezone.localdate():
            return f"{obj.get_status_display()}（已超期）"
        return obj.get_status_display()

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None

    def get_queryset(self, request):
        return access.visible(request.user, admin.ModelAdmin.get_queryset(self, request))

    def has_view_permission(self, request, obj=None):
        allowed = admin.ModelAdmin.has_view_permission(self, request, obj)
        return allowed and (obj is None or access.can_view(request.user, obj))

    def get_fieldsets(self, request, obj=None):
        registration = [
            (
                "交办",
                {
                    "fields": [
                        "session",
                        "kind",
                        "timing",
                        "number",
                        "title",
                        "content",
                        "lead_unit",
                        "co_units",
                        "handling_mode",
                        "assigned_date",
                    ]
                },
            ),
            ("代表委员", {"fields": ["proposer", "co_signers", "proposer_contact"]}),
        ]
        if obj is None:
            return registration
        return registration + [
            ("办理与期限", {"fields": ["status", "due_date", "extension_reason", "reopen_count"]}),
            (
                "答复",
                {
                    "fields": [
                        "reply_date",
                        "reply_number",
                        "answer_class",
                        "reply_signatory",
                        "reply_contact",
                        "reply_text",
                        "satisfaction",
                        "feedback_date",
                    ]
                },
            ),
            (
                "公开",
                {
                    "fields": [
                        "publication_mode",
                        "publication_summary",
                        "withheld_reason",
                        "publication_status",
                        "reviewed_by",
                        "review_date",
                        "review_opinion",
                        "published_date",
                        "publication_lag",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fixed = self.handled_fields + self.fixed_after_registration
        if not obj.is_open:
            fixed += ("title", "content", "timing", "co_units", "handling_mode")
        return fixed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class BoundUser(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return BoundUser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_unit":
            ids = agency_access.agency_ids(request.user)
            queryset = db_field.related_model.objects.all()
            kwargs["queryset"] = (
                queryset if ids is agency_access.ALL else queryset.filter(pk__in=ids)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = {k: v for k, v in form.cleaned_data.items() if k in RegisterForm.Meta.fields}
        proposal = services.proposal_register(by=request.user, **data)
        obj.pk, obj.due_date, obj.status = proposal.pk, proposal.due_date, proposal.status
        obj._state.adding = False

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_related(self, request, form, formsets, change):
        if change:  # the registration service already set the co-units
            super().save_related(request, form, formsets, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if proposal is not None and self.has_view_permission(request, proposal):
            extra["actions_available"] = available_actions(request.user, proposal)
            extra["actions_waiting"] = waiting_for(request.user, proposal)
            extra["primary_action"] = next(
                (name for name, _ in extra["actions_available"] if name in MAIN_STEPS), None
            )
            extra["proposal_status"] = _status_lines(proposal)
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        return [
            path(
                "<int:pk>/step/<slug:name>/",
                self.admin_site.admin_view(self.step_view),
                name="proposals_proposal_step",
            ),
        ] + super().get_urls()

    def step_view(self, request, pk, name):
        """One handling step (extend, opinion, reply, …): a form whose data goes to a service."""
        proposal = get_object_or_404(
            self.get_queryset(request).select_related("lead_unit", "session"), pk=pk
        )
        if name not in ACTIONS or (name, ACTIONS[name][0].title) not in available_actions(
            request.user, proposal
        ):
            raise PermissionDenied("当前不能进行此项操作。")
        form_class = ACTIONS[name][0]
        form = form_class(request.POST or None, proposal=proposal, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                form.call(proposal, request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"「{form_class.title}」已完成。")
                return redirect(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{form_class.title}：{proposal.title}",
            "form": form,
            "proposal": proposal,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/proposals/proposal/step.html", context)


def _status_lines(proposal):
    """Plain-language lines for the top of the staff page: deadline and publication timing."""
    today = timezone.localdate()
    lines = [f"状态：{proposal.get_status_display()}，答复期限 {chinese_date(proposal.due_date)}"]
    if proposal.is_open and proposal.due_date < today:
        lines.append(f"已超过答复期限 {(today - proposal.due_date).days} 天。")
    elif proposal.is_open:
        lines.append(f"距答复期限还有 {(proposal.due_date - today).days} 天。")
    if proposal.reply_date:
        on_time = "按期" if proposal.replied_on_time else "逾期"
        lines.append(f"{chinese_date(proposal.reply_date)}答复（{on_time}）。")
    if proposal.publication_lag is not None:
        late = "，超过" if proposal.publication_lag > PUBLICATION_WORKDAYS else "，未超过"
        lines.append(
            f"答复后第 {proposal.publication_lag} 个工作日公开{late}一般要求的{PUBLICATION_WORKDAYS}个工作日。"
        )
    elif proposal.reply_date and proposal.publication_status != PublicationStatus.WITHHELD:
        try:
            passed = workdays_between(proposal.reply_date, today)
        except UnknownCalendarYear as exc:
            lines.append(str(exc))
        else:
            lines.append(
                f"答复后已过 {passed} 个工作日尚未公开（一般要求{PUBLICATION_WORKDAYS}个工作日内）。"
            )
    return lines
