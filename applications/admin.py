"""Staff side of applications, inside the admin.

The change list is the register of applications; the change page is replaced by a case page
that shows the file and offers the workflow steps the status allows. Every step is a small form
whose POST calls one service; nothing here assigns a status or a due date.
"""

import hashlib
from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import spreadsheets
from accounts.admin import AgencyScopedAdmin
from applications import forms, notices, pii, services
from applications.models import (
    OPEN_STATUSES,
    Appeal,
    Application,
    Channel,
    Notice,
    NoticeKind,
    NoticeStatus,
    Status,
)
from applications.views import form_errors_from

# A 受理回执 is handed over or posted for applications that arrive on paper (in person, by post);
# online applicants get their receipt on screen.
ACKNOWLEDGED_CHANNELS = (Channel.IN_PERSON, Channel.POST, Channel.FAX, Channel.PHONE)


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Step:
    label: str
    form: type
    service: object
    statuses: tuple
    help: str = ""


STEPS = {
    "review": Step("转入审核", forms.OnForm, services.application_review, (Status.REGISTERED,)),
    "accept": Step(
        "受理办理",
        forms.OnForm,
        services.application_accept,
        (Status.REVIEWING,),
        "申请内容明确，转入办理。",
    ),
    "correction": Step(
        "告知补正",
        forms.CorrectionForm,
        services.application_request_correction,
        (Status.REVIEWING, Status.HANDLING),
        "条例第三十条：收到申请之日起7个工作日内一次性告知；答复期限自收到补正之日起重新计算。",
    ),
    "receive_correction": Step(
        "收到补正",
        forms.OnForm,
        services.application_receive_correction,
        (Status.CORRECTION,),
        "答复期限自收到补正申请之日起重新计算。",
    ),
    "pause": Step(
        "征求意见（暂停计时）",
        forms.PauseForm,
        services.application_pause,
        (Status.HANDLING,),
        "条例第三十二、三十四条：征求意见所需时间不计算在答复期限内。",
    ),
    "resume": Step(
        "恢复计时",
        forms.OnForm,
        services.application_resume,
        (Status.CONSULTING,),
        "对方已回复或答复期限已届满。",
    ),
    "extend": Step(
        "延期答复（负责人）",
        forms.ExtendForm,
        services.application_extend,
        (Status.REVIEWING, Status.HANDLING, Status.CONSULTING, Status.FEE_PENDING),
        "条例第三十三条：经政府信息公开工作机构负责人同意，延长不超过20个工作日，只能延长一次。",
    ),
    "fee_notice": Step(
        "收费通知",
        forms.FeeNoticeForm,
        services.application_fee_notice,
        (Status.HANDLING,),
        "国办函〔2020〕109号：按件或按量计收，只能选一种。",
    ),
    "fee_paid": Step(
        "收到缴费", forms.FeePaidForm, services.application_fee_paid, (Status.FEE_PENDING,)
    ),
    # Not a plain step: the reply has its own page (choose, preview, issue).
    "reply": Step(
        "答复",
        forms.ReplyForm,
        None,
        (Status.REVIEWING, Status.HANDLING, Status.CORRECTION, Status.FEE_PENDING),
        "选择一项办理结果，填写理由，预览答复书，核对后出具。",
    ),
    "withdraw": Step(
        "申请人撤回",
        forms.WithdrawForm,
        services.application_withdraw,
        tuple(OPEN_STATUSES),
        "撤回的申请在年度报告中计入“其他处理 3.其他”。",
    ),
    "archive": Step(
        "归档", forms.OnForm, services.application_archive, (Status.REPLIED, Status.WITHDRAWN)
    ),
}


@admin.register(Application)
class ApplicationAdmin(AgencyScopedAdmin):
    list_display = (
        "tracking_number",
        "agency_name",
        "applicant_type",
        "channel",
        "received_on",
        "status",
        "due_display",
        "outcome_short",
    )
    list_filter = ("status", "applicant_type", "channel", "outcome", "agency")
    list_select_related = ("agency",)
    date_hierarchy = "received_on"
    search_fields = ("tracking_number",)
    search_help_text = "按申请编号查找；输入完整证件号码可精确查找同一申请人的申请（不显示号码）。"
    ordering = ("-received_on", "-id")
    list_per_page = 50
    actions = ["export_csv"]

    @admin.action(description="导出所选申请（CSV，个人信息已脱敏）", permissions=["view"])
    def export_csv(self, request, queryset):
        """A register for the office's files: masked values only, and the export is logged."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="applications.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = spreadsheets.writer(response)  # no cell may start a formula
        writer.writerow(
            [
                "申请编号",
                "受理机构",
                "申请人类型",
                "申请人",
                "证件号码",
                "联系电话",
                "申请方式",
                "收到申请日期",
                "状态",
                "期限",
                "办理结果",
                "办结日期",
            ]
        )
        rows = queryset.select_related("agency", "applicant").order_by("received_on", "id")
        for a in rows:
            person = getattr(a, "applicant", None)
            writer.writerow(
                [
                    a.tracking_number,
                    a.agency.name,
                    a.get_applicant_type_display(),
                    person.masked_name if person else "",
                    person.id_number_masked if person else "",
                    person.phone_masked if person else "",
                    a.get_channel_display(),
                    a.received_on.isoformat(),
                    a.get_status_display(),
                    (a.due_date.isoformat() + ("（暂定）" if a.due_provisional else ""))
                    if a.due_date
                    else "",
                    a.get_outcome_display(),
                    a.closed_on.isoformat() if a.closed_on else "",
                ]
            )
        services.record_export(by=request.user, count=len(rows))
        return response

    @admin.display(description="受理机构", ordering="agency__sort_order")
    def agency_name(self, obj):
        return obj.agency.display_name

    @admin.display(description="期限", ordering="due_date")
    def due_display(self, obj):
        if obj.due_date is None:
            return "—"
        return (
            f"{obj.due_date:%Y-%m-%d}（暂定）"
            if obj.due_provisional
            else f"{obj.due_date:%Y-%m-%d}"
        )

    @admin.display(description="办理结果", ordering="outcome")
    def outcome_short(self, obj):
        # The report's label for （二） carries a counting rule that is noise in a list.
        return obj.get_outcome_display().split("（")[0] if obj.outcome else "—"

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if len(term) >= 8:
            # Exact match through the blind index: the ID number itself is never queried or stored.
            results |= queryset.filter(applicant__id_index=pii.blind_index(term, field="id_number"))
        return results, duplicates

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False  # an application is an official record; it is withdrawn or archived

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("register/", wrap(self.register_view), name="applications_application_register"),
            path(
                "<int:pk>/step/<slug:step>/",
                wrap(self.step_view),
                name="applications_application_step",
            ),
            path("<int:pk>/reply/", wrap(self.reply_view), name="applications_application_reply"),
            path(
                "<int:pk>/acknowledge/",
                wrap(self.acknowledge_view),
                name="applications_application_acknowledge",
            ),
            path(
                "<int:pk>/reveal/", wrap(self.reveal_view), name="applications_application_reveal"
            ),
            path(
                "<int:pk>/appeal/", wrap(self.appeal_view), name="applications_application_appeal"
            ),
            path(
                "appeal/<int:pk>/decide/",
                wrap(self.appeal_decide_view),
                name="applications_appeal_decide",
            ),
            path(
                "<int:pk>/receipt/",
                wrap(self.receipt_view),
                name="applications_application_receipt",
            ),
            path(
                "<int:pk>/receipt/mail/",
                wrap(self.receipt_mail_view),
                name="applications_application_receipt_mail",
            ),
            path("notice/<int:pk>/", wrap(self.notice_view), name="applications_notice_edit"),
            path(
                "notice/<int:pk>/print/",
                wrap(self.notice_print_view),
                name="applications_notice_print",
            ),
            *super().get_urls(),
        ]

    # --- helpers ---

    def _get(self, request, pk, *, change=False):
        application = get_object_or_404(
            Application.objects.select_related("agency", "applicant"), pk=pk
        )
        allowed = (
            self.has_change_permission(request, application)
            if change
            else self.has_view_permission(request, application)
        )
        if not allowed:
            raise PermissionDenied("只能查看和办理本机构的申请。")
        return application

    def _context(self, request, application=None, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            **extra,
        }

    def _case_url(self, application):
        return reverse("admin:applications_application_change", args=[application.pk])

    # --- pages ---

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:applications_application_register")

    @method_decorator(sensitive_post_parameters())
    def register_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = forms.RegisterForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                application, _code = services.application_register(
                    agency=d["agency"],
                    by=request.user,
                    channel=d["channel"],
                    submitted_on=d["submitted_on"],
                    signed_on=d.get("signed_on"),
                    confirmed_on=d.get("confirmed_on"),
                    submission_key=d.get("submission_key") or None,
                    **form.application_fields(),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    f"已登记，申请编号 {application.tracking_number}。请打印下面的受理回执交给"
                    "（或寄给）申请人：查询码只印在回执上，不必手写。",
                )
                return redirect("admin:applications_application_receipt", pk=application.pk)
        return TemplateResponse(
            request,
            "admin/applications/application/register.html",
            self._context(request, form=form, title="登记政府信息公开申请"),
        )

    @method_decorator(never_cache)
    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self._get(request, object_id)
        can_change = self.has_change_permission(request, application)
        steps = [
            (key, step, step.form is forms.OnForm)
            for key, step in STEPS.items()
            if can_change and application.status in step.statuses
        ]
        notice_list = list(application.notices.all())
        return TemplateResponse(
            request,
            "admin/applications/application/case.html",
            self._context(
                request,
                application,
                title=f"申请 {application.tracking_number}",
                steps=steps,
                can_change=can_change,
                can_reveal=services.can_reveal(request.user, application),
                pauses=list(application.pauses.all()),
                notices=notice_list,
                draft_reply=next(
                    (n for n in notice_list if n.kind == NoticeKind.REPLY and not n.is_issued), None
                ),
                acknowledgeable=can_change
                and application.channel in ACKNOWLEDGED_CHANNELS
                and not any(n.kind == NoticeKind.ACKNOWLEDGEMENT for n in notice_list),
                missing_settings=notices.missing_settings(application.agency),
                appeals=list(application.appeals.all()),
                events=list(application.events.select_related("actor")),
                today=timezone.localdate(),
            ),
        )

    def step_view(self, request, pk, step):
        application = self._get(request, pk, change=True)
        if step not in STEPS:
            raise Http404
        if step == "reply":
            return redirect("admin:applications_application_reply", pk=application.pk)
        spec = STEPS[step]
        form = spec.form(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                spec.service(application=application, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            except PermissionDenied as exc:  # e.g. an extension without the head's role
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已办理：{spec.label}。")
                return redirect(self._case_url(application))
        return TemplateResponse(
            request,
            "admin/applications/application/step.html",
            self._context(
                request,
                application,
                form=form,
                step=spec,
                title=f"{spec.label} · {application}",
            ),
        )

    @method_decorator(never_cache)
    def reveal_view(self, request, pk):
        """Full personal data of one applicant, on POST only, each time logged."""
        application = self._get(request, pk)
        if request.method != "POST":
            return redirect(self._case_url(application))
        values = services.applicant_reveal(application=application, by=request.user)
        response = TemplateResponse(
            request,
            "admin/applications/application/reveal.html",
            self._context(request, application, values=values, title="申请人完整信息"),
        )
        response["Cache-Control"] = "no-store"
        return response

    def appeal_view(self, request, pk):
        application = self._get(request, pk, change=True)
        form = forms.AppealForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.appeal_record(
                    application=application, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "已登记行政复议/行政诉讼。")
                return redirect(self._case_url(application))
        return TemplateResponse(
            request,
            "admin/applications/application/step.html",
            self._context(
                request,
                application,
                form=form,
                title="登记行政复议、行政诉讼",
                step=Step("登记行政复议、行政诉讼", forms.AppealForm, None, ()),
            ),
        )

    def appeal_decide_view(self, request, pk):
        appeal = get_object_or_404(Appeal.objects.select_related("application"), pk=pk)
        application = self._get(request, appeal.application_id, change=True)
        form = forms.AppealDecideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.appeal_decide(appeal=appeal, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "已记录审结结果。")
                return redirect(self._case_url(application))
        return TemplateResponse(
            request,
            "admin/applications/application/step.html",
            self._context(
                request,
                application,
                form=form,
                title=f"审结：{appeal.get_kind_display()}",
                step=Step("记录审结结果", forms.AppealDecideForm, None, ()),
            ),
        )

    def reply_view(self, request, pk):
        """The one 答复 page: choose the outcome, give the reason, preview, issue."""
        application = self._get(request, pk, change=True)
        if application.status not in STEPS["reply"].statuses:
            messages.error(
                request, f"当前状态为“{application.get_status_display()}”，不能作出答复。"
            )
            return redirect(self._case_url(application))
        draft = application.notices.filter(kind=NoticeKind.REPLY, status=NoticeStatus.DRAFT).first()
        initial = {"outcome": draft.outcome, **draft.details} if draft else {}
        form = forms.ReplyForm(initial=initial)
        issue_form = None
        if request.method == "POST" and "issue" in request.POST:
            issue_form = forms.IssueForm(request.POST)
            if issue_form.is_valid():
                d = issue_form.cleaned_data
                if draft is None or draft.pk != d["notice"] or digest(draft.body) != d["digest"]:
                    messages.error(request, "答复书草稿已经改变，请核对下面的预览后再出具。")
                else:
                    try:
                        notice = services.notice_issue(notice=draft, by=request.user, on=d["on"])
                    except ValidationError as exc:
                        messages.error(request, " ".join(exc.messages))
                    else:
                        messages.success(request, f"答复书已出具（{notice.number}），申请已答复。")
                        return redirect("admin:applications_notice_edit", pk=notice.pk)
        elif request.method == "POST":
            form = forms.ReplyForm(request.POST)
            if form.is_valid():
                try:
                    draft = services.application_reply_draft(
                        application=application,
                        by=request.user,
                        on=form.cleaned_data["on"],
                        **form.service_fields(),
                    )
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(request, "已生成答复书草稿，请核对预览；无误后点“出具”。")
                    return redirect(f"{request.path}?on={form.cleaned_data['on']:%Y-%m-%d}#preview")
        on = request.GET.get("on") or timezone.localdate().isoformat()
        if draft is not None:
            issue_form = forms.IssueForm(
                initial={"notice": draft.pk, "digest": digest(draft.body), "on": on}
            )
        hand_edited = (
            draft is not None
            and draft.outcome
            and draft.body != notices.reply_body(application, draft.outcome, draft.details)
        )
        return TemplateResponse(
            request,
            "admin/applications/application/reply.html",
            self._context(
                request,
                application,
                form=form,
                draft=draft,
                issue_form=issue_form,
                issue_on=on,
                hand_edited=hand_edited,
                missing_settings=notices.missing_settings(application.agency),
                title=f"答复 · {application}",
            ),
        )

    def acknowledge_view(self, request, pk):
        application = self._get(request, pk, change=True)
        if request.method != "POST":
            return redirect(self._case_url(application))
        notice = services.application_acknowledge(application=application, by=request.user)
        return redirect("admin:applications_notice_edit", pk=notice.pk)

    def notice_view(self, request, pk):
        """Edit a draft notice, or issue it; an issued notice is shown read-only."""
        notice = get_object_or_404(Notice, pk=pk)
        application = self._get(request, notice.application_id)
        can_change = self.has_change_permission(request, application)
        form = forms.NoticeForm(request.POST or None, initial={"body": notice.body})
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            if form.is_valid():
                try:
                    notice = services.notice_update(
                        notice=notice, by=request.user, **form.cleaned_data
                    )
                    if "issue" in request.POST:
                        notice = services.notice_issue(notice=notice, by=request.user)
                        messages.success(request, f"告知书已出具（{notice.number}），内容已冻结。")
                    else:
                        messages.success(request, "草稿已保存。")
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    return redirect("admin:applications_notice_edit", pk=notice.pk)
        return TemplateResponse(
            request,
            "admin/applications/application/notice.html",
            self._context(
                request,
                application,
                notice=notice,
                form=form,
                can_change=can_change,
                title=notice.title,
                missing_settings=notices.missing_settings(application.agency),
            ),
        )

    @method_decorator(never_cache)
    def receipt_view(self, request, pk):
        """The printable 受理回执 of a registered application, with its query code while the
        code is kept (``services.receipts``): printed right after registering."""
        application = self._get(request, pk)
        code = services.receipt_code(application)
        response = render(
            request,
            "applications/acceptance_receipt.html",
            {
                **services.receipt_context(
                    application, code, request.build_absolute_uri(reverse("applications:status"))
                ),
                "applicant": application.applicant,
                "today": timezone.localdate(),
                "can_mail": code is not None
                and services.can_mail(application)
                and self.has_change_permission(request, application),
                "masked_email": pii.mask_email(application.applicant.email),
                "case_url": self._case_url(application),
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def receipt_mail_view(self, request, pk):
        application = self._get(request, pk, change=True)
        if request.method == "POST":
            try:
                masked = services.receipt_mail(
                    application=application,
                    by=request.user,
                    status_url=request.build_absolute_uri(reverse("applications:status")),
                )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, f"受理回执已发送到申请人邮箱 {masked}。")
        return redirect("admin:applications_application_receipt", pk=application.pk)

    def notice_print_view(self, request, pk):
        notice = get_object_or_404(Notice, pk=pk)
        application = self._get(request, notice.application_id)
        return render(
            request,
            "applications/notice_detail.html",
            {
                "notice": notice,
                "application": application,
                "agency": application.agency,
                "bare": True,
            },
        )
