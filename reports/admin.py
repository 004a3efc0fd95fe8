"""Staff side of the annual report: clerks draft, the OGI office head previews and publishes.

The status is read-only; publishing and the generated first draft go through
``reports.services``. Published versions are shown, never edited.
"""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Min
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts import access
from accounts.admin import AgencyScopedAdmin
from accounts.models import Role
from agencies.models import Agency
from reports import services
from reports.deadlines import date_state
from reports.documents import build_snapshot, document_context
from reports.figures import TRANSCRIBED_FIGURES, agency_ids_for, record_figures
from reports.models import (
    AnnualReport,
    ReportEvent,
    ReportFormat,
    ReportSource,
    ReportStatus,
    ReportVersion,
)
from reports.narrative import PLACEHOLDER_HELP
from reports.tables import OVERVIEW_SUBSECTIONS, legacy_sections


def first_publication(report):
    """The publication date of the report's first version, or None. One query."""
    first = report.versions.order_by("number").only("published_on", "published_at").first()
    return first.publication_date if first else None


def report_date_state(report, today):
    catalog_day = None
    if report.catalog_item_id and report.status == ReportStatus.DRAFT:
        catalog_day = report.catalog_item.published_date
    return date_state(
        report, today, published_on=first_publication(report), catalog_published_on=catalog_day
    )


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ("agency", "year", "format", "source", "covers_units")  # the rest per format

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            self.fields["source"].required = False

    def clean_source(self):
        return self.cleaned_data.get("source") or ReportSource.RECORDS

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year and year > timezone.localdate().year:
            raise ValidationError(f"{year}年度尚未开始，不能编制该年度的报告。", code="future_year")
        return year


def _figure_field(key):
    return "figure_" + key.replace(".", "_")


class _TranscribedFigures:
    """Each figure the published text states, blank if it does not (kept in ``entered_figures``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, _ in TRANSCRIBED_FIGURES:
            self.fields[_figure_field(key)].initial = (self.instance.entered_figures or {}).get(key)

    def clean(self):
        cleaned = super().clean()
        self.instance.entered_figures = {
            key: cleaned[_figure_field(key)]
            for key, _ in TRANSCRIBED_FIGURES
            if cleaned.get(_figure_field(key)) is not None
        }
        return cleaned


TranscribedReportForm = type(
    "TranscribedReportForm",
    (_TranscribedFigures, AnnualReportForm),
    {
        _figure_field(key): forms.IntegerField(
            label=label,
            required=False,
            min_value=0,
            error_messages={"min_value": "不能为负数。", "invalid": "请填写整数。"},
            help_text="按原文填写；原文未载明的留空（公开页显示“原文未载明”，不按0计）。",
        )
        for key, label in TRANSCRIBED_FIGURES
    },
)


class ReportVersionInline(admin.TabularInline):
    model = ReportVersion
    fk_name = "report"
    extra = 0
    can_delete = False
    fields = ("number", "published_on", "published_at", "published_by", "reason", "public_link")
    readonly_fields = fields
    verbose_name_plural = "已发布版本（不可修改；更正请发布新版本）"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="公开页面")
    def public_link(self, version):
        return format_html(
            '<a href="{}">查看第{}版</a>', version.get_absolute_url(), version.number
        )


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


NARRATIVE_FIELDSETS = {
    ReportFormat.NATIONAL_2021: (
        ("导语", ("preface",)),
        ("一、总体情况", ("overview", *(f for f, _ in OVERVIEW_SUBSECTIONS))),
        ("五、存在的主要问题及改进情况", ("problems",)),
        ("六、其他需要报告的事项", ("other_matters",)),
    ),
}
NARRATIVE_FIELDSETS[ReportFormat.TRIAL_2019] = NARRATIVE_FIELDSETS[ReportFormat.NATIONAL_2021]

FIGURE_FIELDSETS = {
    ReportFormat.LEGACY: (
        ("概述数据（手工填写）", ("meetings", "trainings", "staff_full_time", "staff_part_time")),
    ),
    ReportFormat.NATIONAL_2021: (
        (
            "表二中由其他系统提供的数据（手工填写）",
            ("licensing", "penalty", "coercion", "fees_10k_yuan"),
        ),
    ),
    ReportFormat.TRIAL_2019: (
        (
            "表二中由其他系统提供的数据（手工填写）",
            (
                ("licensing_prev_items", "licensing_change", "licensing"),
                ("services_prev_items", "services_change", "services"),
                ("penalty_prev_items", "penalty_change", "penalty"),
                ("coercion_prev_items", "coercion_change", "coercion"),
                ("fees_prev_items", "fees_change"),
                ("procurement_count", "procurement_10k_yuan"),
            ),
        ),
    ),
}


@admin.register(AnnualReport)
class AnnualReportAdmin(AgencyScopedAdmin):
    form = AnnualReportForm
    list_display = ("agency", "year", "format", "status", "version_count", "deadline_state")
    list_filter = ("status", "format", "year")
    list_select_related = ("agency", "catalog_item")
    search_fields = ("agency__name", "agency__short_name")
    autocomplete_fields = ["agency"]
    raw_id_fields = ["catalog_item"]
    change_form_template = "admin/reports/annualreport/change_form.html"
    inlines = [ReportVersionInline, ReportEventInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                version_total=Count("versions"),
                first_published_on=Min("versions__published_on"),
                first_published_at=Min("versions__published_at"),
            )
        )

    @admin.display(description="已发布版本数", ordering="version_total")
    def version_count(self, report):
        return report.version_total

    @admin.display(description="发布期限")
    def deadline_state(self, report):
        published = None
        if report.first_published_on or report.first_published_at:
            published = report.first_published_on or timezone.localdate(report.first_published_at)
        catalog_day = report.catalog_item.published_date if report.catalog_item_id else None
        state = date_state(
            report,
            timezone.localdate(),
            published_on=published,
            catalog_published_on=catalog_day if published is None else None,
        )
        if state.state in ("late", "published_late"):
            return format_html('<span class="overdue">{}</span>', state.message)
        return state.message

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "created_at", "updated_at"]
        if obj is not None:
            fields += ["agency", "year", "format", "covers_units"]
            if obj.status != ReportStatus.DRAFT:
                fields.append("source")
        return fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and obj.is_transcribed:
            kwargs["form"] = TranscribedReportForm
        return super().get_form(request, obj, **kwargs)

    def _narrative_fieldsets(self, obj):
        if obj.format != ReportFormat.LEGACY:
            return NARRATIVE_FIELDSETS[obj.format]
        sections = legacy_sections(
            obj.year, handles_proposals=obj.agency.handles_proposals, headings=obj.legacy_headings
        )
        return (
            ("导语", ("preface",)),
            *((heading, (field,)) for heading, field in sections),
            ("各部分标题", ("legacy_headings",)),
        )

    def get_fieldsets(self, request, obj=None):
        head = (None, {"fields": ("agency", "year", "format", "source", "covers_units", "status")})
        if obj is None:
            return (head,)
        fieldsets = [head]
        for i, (title, fields) in enumerate(self._narrative_fieldsets(obj)):
            options = {"fields": fields}
            if i == 0:
                options["description"] = (
                    "请按原文录入各部分文字（含原文中的数字）；下方只填写原文载明的数字。"
                    if obj.is_transcribed
                    else f"文字中可用占位符，预览和发布时替换为按记录统计的数据：{PLACEHOLDER_HELP}"
                )
            fieldsets.append((title, options))
        if obj.is_transcribed:
            fieldsets.append(
                (
                    "原文载明的数据（手工录入，原文未载明的留空）",
                    {"fields": tuple(_figure_field(key) for key, _ in TRANSCRIBED_FIGURES)},
                )
            )
        else:
            for title, fields in FIGURE_FIELDSETS[obj.format]:
                fieldsets.append((title, {"fields": fields}))
        fieldsets.append(
            ("落款与发布", {"fields": (("signature_name", "signature_date"), "catalog_item")})
        )
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not access.can_access(request.user, obj.agency_id):
            raise PermissionDenied("不能为其他机构保存记录。")
        if change:
            # Narrative and entered figures only: status is read-only and moves through services.
            obj.save()
        else:
            services.report_create(report=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        # A new report is an empty form of sections: go straight on to writing it.
        messages.success(request, f"已创建{obj}，可点击“生成文字初稿”按统计数据生成各部分初稿。")
        return redirect("admin:reports_annualreport_change", obj.pk)

    # ---- workflow views -----------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="reports_annualreport_preview"),
            path(
                "<int:pk>/draft-text/",
                wrap(self.draft_text_view),
                name="reports_annualreport_draft_text",
            ),
            path("<int:pk>/publish/", wrap(self.publish_view), name="reports_annualreport_publish"),
            path("period/", wrap(self.period_view), name="reports_annualreport_period"),
            *super().get_urls(),
        ]

    def _report(self, request, pk, *, change=False):
        report = get_object_or_404(AnnualReport.objects.select_related("agency"), pk=pk)
        allowed = (self.has_change_permission if change else self.has_view_permission)(
            request, report
        )
        if not allowed:
            raise PermissionDenied("无权查看该报告。")
        return report

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        report = AnnualReport.objects.select_related("agency").filter(pk=object_id).first()
        if report is not None and self.has_view_permission(request, report):
            snapshot = build_snapshot(report)
            extra_context.update(
                {
                    "checks": snapshot["checks"],
                    "check_errors": [c for c in snapshot["checks"] if c["level"] == "error"],
                    "banner": report_date_state(report, timezone.localdate()),
                    "can_publish": access.has_role(request.user, report.agency_id, Role.HEAD),
                    "report": report,
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, pk):
        """The draft exactly as it will be published (same snapshot, same template)."""
        report = self._report(request, pk)
        context = document_context(build_snapshot(report))
        state = report_date_state(report, timezone.localdate())
        context.update(
            {
                "preview": True,
                "nav": "reports",
                "back_url": reverse("admin:reports_annualreport_change", args=[report.pk]),
                "not_yet_open": "" if state.can_publish else state.message,
                "deadline_message": state.message,
            }
        )
        return render(request, "reports/annualreport_detail.html", context)

    def draft_text_view(self, request, pk):
        report = self._report(request, pk, change=True)
        if request.method == "POST":
            try:
                _, filled = services.report_draft_text(report=report, by=request.user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                if filled:
                    messages.success(
                        request, f"已按统计数据为{len(filled)}个空白部分生成初稿，请修改完善。"
                    )
                else:
                    messages.info(request, "各部分均已有内容，未作改动（初稿只填写空白部分）。")
        return redirect("admin:reports_annualreport_change", report.pk)

    def publish_view(self, request, pk):
        report = self._report(request, pk, change=True)
        today = timezone.localdate()
        form = PublishForm(
            request.POST if request.method == "POST" else None, report=report, today=today
        )
        if request.method == "POST" and form.is_valid():
            try:
                version = services.report_publish(
                    report=report,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    published_on=form.cleaned_data["published_on"],
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, f"已发布第{version.number}版，公众现在可以查阅。")
                return redirect(report.get_absolute_url())
        snapshot = build_snapshot(report)
        state = report_date_state(report, today)
        is_correction = report.versions.exists()
        context = {
            **self.admin_site.each_context(request),
            "title": f"发布：{report}",
            "report": report,
            "opts": self.model._meta,
            "checks": snapshot["checks"],
            "check_errors": [c for c in snapshot["checks"] if c["level"] == "error"],
            "is_correction": is_correction,
            "can_publish": access.has_role(request.user, report.agency_id, Role.HEAD),
            "banner": state,
            "year_open": state.can_publish or is_correction,
            "form": form,
        }
        return TemplateResponse(request, "admin/reports/annualreport/publish.html", context)

    def period_view(self, request):
        """Figures for any period (a quarter, a date range): internal review, never published."""
        if not self.has_view_permission(request):
            raise PermissionDenied("无权查看统计数据。")
        agencies = access.scope(Agency.objects.all(), request.user, "pk")
        form = PeriodForm(request.GET or None, agencies=agencies)
        context = {
            **self.admin_site.each_context(request),
            "title": "任意时段统计（内部查看，不公开）",
            "opts": self.model._meta,
            "form": form,
            "quarters": quarters(timezone.localdate()),
        }
        if form.is_valid():
            agency, start, end = (
                form.cleaned_data["agency"],
                form.cleaned_data["start"],
                form.cleaned_data["end"],
            )
            # Document counts are defined per calendar year (issued, repealed, in force at year end).
            full_year = start == date(start.year, 1, 1) and end == date(start.year, 12, 31)
            year = start.year if full_year else None
            figures = record_figures(
                agency_ids=agency_ids_for(agency, form.cleaned_data["include_units"]),
                start=start,
                end=end,
                year=year,
            )
            snapshot = {
                "format": ReportFormat.NATIONAL_2021,
                "figures": figures,
                "narrative": {},
                "signature": {},
                "year": start.year,
                "agency": {"name": agency.name, "slug": agency.slug},
            }
            context.update(document_context(snapshot))
            context.update(
                {"agency": agency, "start": start, "end": end, "with_documents": year is not None}
            )
        return TemplateResponse(request, "admin/reports/period.html", context)


class PublishForm(forms.Form):
    published_on = forms.DateField(
        label="发布日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="报告实际向社会公布的日期。今天发布的留空或填今天；补录往年已发布的报告时填原发布日期"
        "（见原文落款或原网站的发布时间）。",
        error_messages={"invalid": "请按“年-月-日”填写日期，例如2018-02-28。"},
    )
    reason = forms.CharField(
        label="更正原因（必填，将随更正版本公开）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, report, today, **kwargs):
        super().__init__(*args, **kwargs)
        if report.is_transcribed and not report.versions.exists():
            self.fields["published_on"].required = True
            self.fields["published_on"].error_messages["required"] = (
                "据原文录入的报告须填写原报告的实际发布日期。"
            )
        elif not self.is_bound:
            self.initial["published_on"] = today


def quarters(today):
    """The quarters of this year and last year as (label, start, end), most recent first."""
    ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
    result = []
    for year in (today.year, today.year - 1):
        for q in (4, 3, 2, 1):
            start = date(year, 3 * q - 2, 1)
            if start <= today:
                result.append((f"{year}年第{'一二三四'[q - 1]}季度", start, date(year, *ends[q])))
    return result


class PeriodForm(forms.Form):
    agency = forms.ModelChoiceField(label="机构", queryset=Agency.objects.none())
    include_units = forms.BooleanField(label="汇总下属机构", required=False)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise ValidationError("开始日期不能晚于结束日期。", code="range")
            if (end - start).days > 3660:
                raise ValidationError("统计时段不能超过十年。", code="range")
        return cleaned


@admin.register(ReportVersion)
class ReportVersionAdmin(AgencyScopedAdmin):
    agency_field = "report__agency"
    list_display = ("report", "number", "published_at", "published_by", "reason")
    list_select_related = ("report__agency", "published_by")
    list_filter = ("report__year",)
    search_fields = ("report__agency__name",)
    date_hierarchy = "published_at"
    fields = (
        "report",
        "number",
        "published_at",
        "published_by",
        "reason",
        "supersedes",
        "public_link",
    )
    readonly_fields = fields

    def get_agency_id(self, obj):
        return obj.report.agency_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="公开页面")
    def public_link(self, version):
        return format_html('<a href="{}">查看</a>', version.get_absolute_url())
