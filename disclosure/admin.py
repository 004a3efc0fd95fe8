from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts import access
from accounts.admin import AgencyScopedAdmin, AuditedAdminMixin, ScopedAgencyAdmin
from accounts.spreadsheets import writer
from agencies.models import Agency
from disclosure import (
    content_audit,
    import_mapping,
    importing,
    interpretations,
    next_steps,
    oldsite,
    screening,
    services,
    staging,
)
from disclosure.attachment_text import TextStatus
from disclosure.contentcheck import HitKind
from disclosure.forms import (
    AttachmentCorrectionForm,
    AttachmentForm,
    ImportForm,
    ImportMappingForm,
    ItemAdminForm,
    ReviewForm,
    ValidityForm,
    WithdrawForm,
)
from disclosure.models import (
    Attachment,
    Channel,
    ContentAudit,
    ContentAuditHit,
    ContentHitDecision,
    Item,
    ItemEvent,
    ItemStatus,
    Review,
    SensitiveWord,
    Topic,
)

PROGRESS_MARKER = "<!--import-progress-->"

# Attachment types the review page opens inline (by the type the upload check found, never the
# browser's claim). SVG is left out on purpose: it can carry script.
INLINE_PREVIEW = {
    "application/pdf": "pdf",
    "image/png": "image",
    "image/jpeg": "image",
    "image/gif": "image",
    "image/webp": "image",
}


def import_progress_chunks(before, after, *, agency, by, rows):
    """The import page around a progress bar per batch, all batches in one transaction.

    Closing the generator half-way (the browser went away) rolls the transaction back.
    """
    yield before
    done = 0
    try:
        with transaction.atomic():
            for done, total in services.items_import_batches(agency=agency, by=by, rows=rows):
                yield format_html(
                    '<progress value="{}" max="{}">{} / {}</progress>'
                    '<span class="import-count">已导入 {} / {} 行</span>',
                    done,
                    total,
                    done,
                    total,
                    done,
                    total,
                )
    except (ValidationError, PermissionDenied) as exc:
        yield format_html(
            '<p class="errornote" role="alert">导入失败，未导入任何数据：{}</p>', _messages_of(exc)
        )
    else:
        yield format_html(
            '<p class="import-done" role="status">已导入 {} 条公开信息。'
            '<a href="{}">查看公开目录</a></p>',
            done,
            reverse("admin:disclosure_item_changelist"),
        )
    yield after


def _messages_of(exc):
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


@admin.action(description="为所选机构添加常用发布渠道")
def seed_channels(modeladmin, request, queryset):
    added = sum(services.channels_seed_defaults(agency=agency) for agency in queryset)
    modeladmin.message_user(request, f"已添加 {added} 个发布渠道。")


ScopedAgencyAdmin.actions = [seed_channels]


@admin.register(SensitiveWord)
class SensitiveWordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """错敏词: a 区级管理员 keeps the district's list; the rows for all districts are the
    system's (editable by those who see every agency)."""

    list_display = ("word", "suggestion", "district", "note")
    list_filter = ("district",)
    list_select_related = ("district",)
    search_fields = ("word", "suggestion")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = access.agency_ids(request.user)
        if ids is access.ALL:
            return queryset
        return queryset.filter(Q(district__isnull=True) | Q(district_id__in=ids))

    def _mine(self, request, obj):
        ids = access.agency_ids(request.user)
        if ids is access.ALL or obj is None:
            return True
        return obj.district_id is not None and obj.district_id in ids

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._mine(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._mine(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = access.scope(Agency.objects.roots(), request.user, "pk")
            if access.agency_ids(request.user) is not access.ALL:
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not self._mine(request, obj):
            raise PermissionDenied("只能维护本区（县）的错敏词。")
        super().save_model(request, obj, form, change)


@admin.register(ContentAudit)
class ContentAuditAdmin(admin.ModelAdmin):
    """内容检查报告: the runs of ``check_published_content`` and their hits, read only.

    Staff see the runs of their own agencies; runs over every agency only those who see all.
    """

    list_display = ("started_at", "scope", "since", "items_checked", "hits", "state")
    list_select_related = ("agency",)
    date_hierarchy = "started_at"
    show_full_result_count = False
    HITS_PER_PAGE = 100

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = access.agency_ids(request.user)
        if ids is access.ALL:
            return queryset
        # A district-wide run is shown to every agency's staff, with their own hits only.
        return queryset.filter(Q(agency_id__in=ids) | Q(agency__isnull=True))

    def _hits(self, request, audit):
        hits = ContentAuditHit.objects.filter(audit=audit)
        ids = access.agency_ids(request.user)
        return hits if ids is access.ALL else hits.filter(item__agency_id__in=ids)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="范围", ordering="agency__name")
    def scope(self, obj):
        return obj.agency.name if obj.agency_id else "全部机构"

    @admin.display(description="状态")
    def state(self, obj):
        return "已完成" if obj.finished_at else f"未完成（检查到编号 {obj.last_item_id}）"

    def get_urls(self):
        return [
            path(
                "<int:pk>/csv/",
                self.admin_site.admin_view(self.csv_view),
                name="disclosure_contentaudit_csv",
            ),
            *super().get_urls(),
        ]

    def _audit_or_404(self, request, pk):
        audit = get_object_or_404(self.get_queryset(request).select_related("agency"), pk=pk)
        if not self.has_view_permission(request, audit):
            raise PermissionDenied
        return audit

    def change_view(self, request, object_id, form_url="", extra_context=None):
        audit = self._audit_or_404(request, object_id)
        hits = self._hits(request, audit)
        after = request.GET.get("after", "")
        after = int(after) if after.isdigit() else 0
        rows = list(
            hits.filter(pk__gt=after)
            .select_related("item__agency")
            .only(
                "kind",
                "location",
                "masked",
                "context",
                "item__title",
                "item__index_number",
                "item__agency__name",
                "item__agency__short_name",
            )
            .order_by("pk")[: self.HITS_PER_PAGE + 1]
        )
        more = len(rows) > self.HITS_PER_PAGE
        rows = rows[: self.HITS_PER_PAGE]
        for row in rows:
            row.kind_label = HitKind.LABELS.get(row.kind, row.kind)
        by_kind = [
            (HitKind.LABELS.get(kind, kind), count)
            for kind, count in hits.values_list("kind").annotate(n=Count("id")).order_by("-n")
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"已公开内容检查报告（第 {audit.pk} 次）",
            "audit": audit,
            "rows": rows,
            "by_kind": by_kind,
            "next_after": rows[-1].pk if more and rows else None,
            "shown_hits": sum(count for _, count in by_kind),
            "partial": audit.agency_id is None
            and access.agency_ids(request.user) is not access.ALL,
        }
        return TemplateResponse(request, "admin/disclosure/contentaudit/report.html", context)

    def csv_view(self, request, pk):
        audit = self._audit_or_404(request, pk)  # values in it are masked already

        def lines():
            out = writer(content_audit.Echo())
            first = True
            for row in content_audit.csv_rows(audit, self._hits(request, audit)):
                line = out.writerow(row)
                yield ("\ufeff" + line) if first else line
                first = False

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="content-check-{audit.pk}.csv"'
        return response


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("__str__", "article_clause", "sort_order")
    list_select_related = ("parent",)
    search_fields = ("name", "parent__name")
    autocomplete_fields = ["parent"]
    ordering = ["parent__sort_order", "sort_order", "id"]


@admin.register(Channel)
class ChannelAdmin(AgencyScopedAdmin):
    list_display = ("name", "kind", "agency", "sort_order")
    list_filter = ("kind",)
    list_select_related = ("agency",)
    search_fields = ("name", "agency__name")
    autocomplete_fields = ["agency"]


def digest_html(value):
    """A digest shortened on screen; hovering shows it whole, selecting copies it whole."""
    if not value:
        return "—"
    return format_html('<code class="digest" title="{}">{}</code>', value, value)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 0
    fields = ("file", "name", "sort_order", "content_type", "size", "sha256_short", "text_state")
    readonly_fields = ("content_type", "size", "sha256_short", "text_state")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("text_record").defer("text_record__text")
        )

    @admin.display(description="SHA-256")
    def sha256_short(self, obj):
        return digest_html(obj.sha256)

    @admin.display(description="文字")
    def text_state(self, obj):
        record = getattr(obj, "text_record", None) if obj and obj.pk else None
        if record is None:
            return "未提取"
        return f"{record.get_status_display()}{('：' + record.note) if record.note else ''}"

    def _locked(self, obj):
        return obj is not None and obj.status in (ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN)

    # Published files are part of the digest: they change only by withdrawing and republishing.
    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewInline(_ReadOnlyInline):
    model = Review
    fields = readonly_fields = ("reviewed_on", "reviewer", "opinion", "escalated", "approved")
    verbose_name_plural = "保密审查记录"


class ItemEventInline(_ReadOnlyInline):
    model = ItemEvent
    fields = readonly_fields = ("at", "kind", "actor", "note", "changes")
    verbose_name_plural = "操作记录"


class PublishedYearFilter(admin.SimpleListFilter):
    title = "发布年份"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(y), f"{y}年") for y in range(this_year, this_year - 10, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            year = int(self.value())
            return queryset.filter(published_date__range=(date(year, 1, 1), date(year, 12, 31)))
        return queryset


@admin.register(Item)
class ItemAdmin(AgencyScopedAdmin):
    form = ItemAdminForm
    # Few columns so that titles stay readable beside the admin's menu and filter panels;
    # category, topic, channel and validity are filters.
    list_display = (
        "title",
        "index_number_display",
        "agency_name",
        "status",
        "published_date",
        "timeliness",
    )
    list_display_links = ("title",)
    list_filter = (
        "status",
        "category",
        "topic",
        "channels",
        PublishedYearFilter,
        "validity",
        "doc_kind",
        "imported",
    )
    list_select_related = ("agency",)
    search_fields = ("title", "document_number", "=index_number")
    autocomplete_fields = ["agency", "co_publishers", "topic", "interprets"]
    date_hierarchy = "published_date"
    # Counting a million rows on every page view would cost more than the page itself.
    show_full_result_count = False
    list_per_page = 50
    actions = ["submit_selected"]
    inlines = [AttachmentInline, ReviewInline, ItemEventInline]
    readonly_fields = (
        "status",
        "index_number",
        "published_date",
        "published_time",
        "publish_workdays",
        "completeness",
        "withdrawn_reason",
        "content_digest_short",
        "imported",
        "old_url",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "status",
                    "index_number",
                    "published_date",
                    "published_time",
                    "completeness",
                )
            },
        ),
        (
            "目录信息（《条例》第十二条）",
            {"fields": ("title", "summary", "formed_date", "agency", "co_publishers")},
        ),
        (
            "公开属性",
            {
                "fields": (
                    "document_number",
                    "category",
                    "topic",
                    "genre",
                    "doc_kind",
                    "ogi_rule",
                    "channels",
                    "disclosure_mode",
                    "keywords",
                )
            },
        ),
        (
            "政策解读（体裁为“解读”时填写）",
            {
                "fields": ("interprets", "interpretation_kind"),
                "description": "解读应与所解读的行政规范性文件同步发布，最迟在文件发布后3个工作日内发布。",
            },
        ),
        ("正文", {"fields": ("body",)}),
        (
            "有效性与时效",
            {
                "fields": (
                    "validity",
                    "validity_changed_on",
                    "publish_workdays",
                    "withdrawn_reason",
                    "content_digest_short",
                    "imported",
                    "old_url",
                )
            },
        ),
        ("更正", {"fields": ("correction_reason",)}),
    )

    @admin.display(description="内容摘要值（SHA-256）")
    def content_digest_short(self, obj):
        return digest_html(obj.content_digest)

    def get_search_results(self, request, queryset, search_term):
        if (
            request.GET.get("model_name") == "item"
            and request.GET.get("field_name") == "interprets"
        ):
            # The 解读 widget: policies only, the district government's published ones included.
            queryset = interpretations.policy_choices(request.user)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="索引号", ordering="index_number")
    def index_number_display(self, obj):
        return obj.index_number or "（发布时分配）"

    @admin.display(description="发布机构", ordering="agency__short_name")
    def agency_name(self, obj):
        return obj.agency.display_name

    @admin.display(description="发布用时")
    def timeliness(self, obj):
        if obj.imported:
            return "历史导入（不计时效）"
        if obj.publish_workdays is None:
            return "—"
        if obj.is_late:
            return format_html(
                '<span class="badge badge-late">{} 个工作日（超期）</span>', obj.publish_workdays
            )
        return f"{obj.publish_workdays} 个工作日"

    @admin.display(description="完整性检查")
    def completeness(self, obj):
        missing = services.missing_fields(obj) if obj and obj.pk else []
        if not obj or not obj.pk:
            return "保存草稿后显示。"
        if not missing:
            return "法定目录项目齐全。"
        return format_html("<strong>提交审核前请补充：</strong>{}", "、".join(missing))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = access.agency_ids(request.user)
        if ids is not access.ALL and len(ids) == 1:
            initial.setdefault("agency", next(iter(ids)))  # most clerks work for one agency
        return initial

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("agency")
            # Validity changes go through their own recorded step once published.
            if obj.status != ItemStatus.DRAFT and obj.status != ItemStatus.IN_REVIEW:
                fields += ["validity", "validity_changed_on"]
        return fields

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_published:
            sets = tuple(s for s in sets if s[0] != "更正")
        return sets

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "channels":
            kwargs["queryset"] = access.scope(
                Channel.objects.select_related("agency"), request.user
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "channels" in form.base_fields:
            field = form.base_fields["channels"]
            field.queryset = field.queryset.filter(agency_id=obj.agency_id)
        return form

    def _content(self, form, changed_only=False):
        names = [
            n for n in (*services.CONTENT_FIELDS, *services.M2M_FIELDS) if n in form.cleaned_data
        ]
        if changed_only:
            names = [n for n in names if n in form.changed_data]
        return {name: form.cleaned_data[name] for name in names}

    def save_model(self, request, obj, form, change):
        if not access.can_access(request.user, self.get_agency_id(obj)):
            raise PermissionDenied("不能为其他机构保存记录。")
        if not change:
            item = services.item_create(agency=obj.agency, by=request.user, **self._content(form))
        elif obj.is_published:
            changes = self._content(form, changed_only=True)
            item = obj
            if changes:
                item = services.item_correct(
                    item=obj,
                    by=request.user,
                    reason=form.cleaned_data["correction_reason"],
                    **changes,
                )
        else:
            item = services.item_update(item=obj, by=request.user, **self._content(form))
        if item.pk != obj.pk:
            obj.pk = item.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were saved by the service (and recorded); only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Attachment:
            return
        stored = False
        for attachment in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
            extraction = getattr(attachment, "extraction", None)
            if extraction is None:
                continue
            services.attachment_text_store(attachment=attachment, extraction=extraction)
            stored = True
            if extraction.status == TextStatus.UNAVAILABLE:
                messages.warning(request, f"附件《{attachment.name}》：{extraction.note}")
        if formset.deleted_objects and not stored:
            services.item_search_refresh(item=form.instance)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            drafter = access.has_role(request.user, obj.agency_id, *services.DRAFTERS)
        else:
            ids = access.agency_ids(request.user)
            drafter = ids is access.ALL or any(
                access.has_role(request.user, agency_id, *services.DRAFTERS) for agency_id in ids
            )
        context["can_submit_for_review"] = (
            context.get("has_change_permission", True)
            and drafter
            and (obj is None or obj.status == ItemStatus.DRAFT)
        )
        context["next_steps"] = next_steps.for_item(request.user, obj) if obj else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _submit_after_save(self, request, obj):
        """「保存并提交审核」: one click from the form to the reviewer's queue."""
        try:
            services.item_submit(item=obj, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"已保存草稿，但未能提交审核：{_messages_of(exc)}")
            return redirect("admin:disclosure_item_change", obj.pk)
        missing = services.missing_fields(obj)
        note = f"（审核人会看到尚缺：{'、'.join(missing)}）" if missing else ""
        messages.success(request, f"「{obj.title}」已保存并提交审核，待审核人处理。{note}")
        return redirect("admin:disclosure_item_changelist")

    def response_change(self, request, obj):
        if "_submit_for_review" in request.POST and obj.status == ItemStatus.DRAFT:
            return self._submit_after_save(request, obj)
        missing = services.missing_fields(obj)
        if missing and obj.status == ItemStatus.DRAFT:
            messages.warning(request, "完整性检查：提交审核前请补充 " + "、".join(missing) + "。")
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_for_review" in request.POST:
            return self._submit_after_save(request, obj)
        missing = services.missing_fields(obj)
        if missing:
            messages.warning(request, "完整性检查：提交审核前请补充 " + "、".join(missing) + "。")
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="提交审核")
    def submit_selected(self, request, queryset):
        done = 0
        for item in queryset.filter(status=ItemStatus.DRAFT):
            try:
                services.item_submit(item=item, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{item.title}：{_messages_of(exc)}", messages.ERROR)
        self.message_user(request, f"已提交审核 {done} 条。")

    # --- step pages: each binds a small form and calls one service ---------------------------

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("import/", wrap(self.import_view), name="disclosure_item_import"),
            path("<int:pk>/submit/", wrap(self.submit_view), name="disclosure_item_submit"),
            path("<int:pk>/review/", wrap(self.review_view), name="disclosure_item_review"),
            path(
                "<int:pk>/attachments/<int:attachment>/view/",
                wrap(self.attachment_view),
                name="disclosure_item_attachment_view",
            ),
            path("<int:pk>/withdraw/", wrap(self.withdraw_view), name="disclosure_item_withdraw"),
            path("<int:pk>/validity/", wrap(self.validity_view), name="disclosure_item_validity"),
            path(
                "<int:pk>/attachments/",
                wrap(self.attachments_view),
                name="disclosure_item_attachments",
            ),
            *super().get_urls(),
        ]

    def _item_or_deny(self, request, pk):
        item = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        return item

    def _step(self, request, pk, form_class, title, act, *, for_item=False, prepare=None):
        """One workflow step on its own page; ``for_item`` forms are built for the checked item.

        ``prepare(item)`` gives (extra form arguments, extra context) for the page.
        """
        item = self._item_or_deny(request, pk)
        posted = request.method == "POST"
        form_extra, context_extra = prepare(item) if prepare else ({}, {})
        form = form_class(
            request.POST if posted else None,
            request.FILES if posted else None,
            **({"item": item} if for_item else {}),
            **form_extra,
        )
        if request.method == "POST" and form.is_valid():
            try:
                message = act(item, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _messages_of(exc))
            else:
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:disclosure_item_change", item.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "item": item,
            "form": form,
            "missing": services.missing_fields(item),
            **context_extra,
        }
        return TemplateResponse(request, "admin/disclosure/item/step_form.html", context)

    def submit_view(self, request, pk):
        def act(item, data):
            services.item_submit(item=item, by=request.user)
            hits = screening.item_hits(item)
            if hits:
                return (
                    f"已提交审核。内容检查发现 {len(hits)} 处提示（{screening.summary(hits)}），"
                    "审核人将逐条判断；也可退回草稿先行修改。"
                )
            return "已提交审核。内容检查未发现提示。"

        def prepare(item):
            return {}, {"hits": screening.item_hits(item)}

        return self._step(request, pk, forms.Form, "提交审核", act, prepare=prepare)

    def review_view(self, request, pk):
        """保密审查与发布 with the text under review in view; only a reviewer gets the form."""
        item = self._item_or_deny(request, pk)
        steps = next_steps.for_item(request.user, item)
        can_review = item.status == ItemStatus.IN_REVIEW and next_steps.may_review(
            request.user, item
        )
        hits, open_hits, resolved = self._content_hits(item)
        form = ReviewForm(request.POST if request.method == "POST" else None, hits=open_hits)
        if request.method == "POST":
            if not can_review:
                raise PermissionDenied(steps.waiting or "这条信息现在不需要保密审查。")
            if form.is_valid():
                try:
                    message = self._review(request, item, form)
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(None, _messages_of(exc))
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return redirect("admin:disclosure_item_change", item.pk)
        attachments = list(item.attachments.all())
        for file in attachments:
            file.preview = INLINE_PREVIEW.get(file.content_type, "")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "保密审查与发布",
            "item": item,
            "form": form,
            "can_review": can_review,
            "next_steps": steps,
            "missing": services.missing_fields(item),
            "attachments": attachments,
            "review_panels": self.review_panels(request, item),
            "interpretation_notes": interpretations.review_notes(item),
            # Content-check hits (disclosure.screening): open ones take a reason in the form.
            "hits": hits,
            "resolved": resolved,
            "review": True,
        }
        return TemplateResponse(request, "admin/disclosure/item/review.html", context)

    def review_panels(self, request, item):
        """Templates shown beside the review form, above it (checks the reviewer should read)."""
        panels = []
        if interpretations.review_notes(item):
            panels.append("admin/disclosure/item/_interpretation_panel.html")
        return panels

    def _content_hits(self, item):
        """(all hits, open hits, [(hit, decision)]) of the content check for the review page."""
        hits = screening.item_hits(item)
        decided = {
            d.fingerprint: d
            for d in ContentHitDecision.objects.filter(item=item).select_related("decided_by")
        }
        open_hits = [hit for hit in hits if hit.fingerprint not in decided]
        resolved = [(hit, decided[hit.fingerprint]) for hit in hits if hit.fingerprint in decided]
        return hits, open_hits, resolved

    def _review(self, request, item, form):
        data = form.cleaned_data
        services.item_review(
            item=item,
            by=request.user,
            opinion=data["opinion"],
            escalated=data["escalated"],
            approved=data["approved"],
            hit_reasons=form.hit_reasons(),
        )
        if not data["approved"]:
            return "已退回修改，信息员可在草稿中修改后重新提交。"
        if data["publish"]:
            item = services.item_publish(item=item, by=request.user)
            return f"已发布，索引号 {item.index_number}。"
        return "已记录保密审查意见，尚未发布。"

    def attachment_view(self, request, pk, attachment):
        """An attachment shown inside the review page (PDF and images only), for staff who may
        see the item; everything else is downloaded through the public attachment URL."""
        item = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, item):
            raise PermissionDenied
        found = get_object_or_404(item.attachments.all(), pk=attachment)
        if found.content_type not in INLINE_PREVIEW:
            raise Http404
        try:
            handle = found.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=found.content_type)
        response["Content-Disposition"] = "inline"
        # Framed by our own review page only; the file itself may run nothing.
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def withdraw_view(self, request, pk):
        def act(item, data):
            services.item_withdraw(item=item, by=request.user, reason=data["reason"])
            return "已撤回。"

        return self._step(request, pk, WithdrawForm, "撤回信息", act)

    def validity_view(self, request, pk):
        def act(item, data):
            services.item_set_validity(
                item=item, by=request.user, validity=data["validity"], changed_on=data["changed_on"]
            )
            return "有效性已变更。"

        return self._step(request, pk, ValidityForm, "变更有效性", act)

    def attachments_view(self, request, pk):
        def act(item, data):
            services.item_correct_attachments(
                item=item,
                by=request.user,
                reason=data["reason"],
                remove=data.get("remove", ()),
                add=[data["new_attachment"]] if data.get("new_attachment") else [],
            )
            return "附件已更正，更正记录已保存。"

        return self._step(request, pk, AttachmentCorrectionForm, "更正附件", act, for_item=True)

    def import_view(self, request):
        """批量导入 in two steps: the upload is checked (the dry run: mapping table, findings, bad
        rows) and kept aside; staff confirm the mapping and import it, with a progress bar."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        agencies = access.scope(Agency.objects.all(), request.user, "pk")
        if request.method == "POST" and request.POST.get("token"):
            return self._import_confirm(request, agencies)
        form = ImportForm(request.POST or None, request.FILES or None, agencies=agencies)
        result = mapping_form = token = None
        if request.method == "POST" and form.is_valid():
            agency = form.cleaned_data["agency"]
            upload = form.cleaned_data["file"]
            try:
                # The role first: nobody else gets a file of theirs parsed (XLSX bombs, CPU).
                access.require_role(request.user, agency, *services.REVIEWERS)
                content = upload.read()
                result = importing.validate(agency, oldsite.read_upload(upload.name, content))
            except importing.ImportFileError as exc:
                form.add_error("file", str(exc))
            except PermissionDenied as exc:
                form.add_error(None, _messages_of(exc))
            else:
                token = staging.keep(
                    request,
                    name=upload.name,
                    content=content,
                    agency=agency,
                    only_good=form.cleaned_data["only_good"],
                )
                mapping_form = ImportMappingForm(mapping=result.mapping)
        return TemplateResponse(
            request,
            "admin/disclosure/item/import.html",
            self._import_context(request, form, result, mapping_form=mapping_form, token=token),
        )

    def _import_confirm(self, request, agencies):
        """Step 2: apply the confirmed mapping to the kept file, save the mapping, import."""
        token = request.POST["token"]
        kept = staging.load(request, token)
        form = ImportForm(agencies=agencies)
        if kept is None:
            return TemplateResponse(
                request,
                "admin/disclosure/item/import.html",
                self._import_context(
                    request, form, None, problems=["上传的文件已过期或已导入，请重新选择文件。"]
                ),
            )
        agency = get_object_or_404(agencies, pk=kept["agency"])
        form = ImportForm(
            initial={"agency": agency, "only_good": kept["only_good"]}, agencies=agencies
        )
        try:
            rows = oldsite.read_upload(kept["name"], kept["content"])
        except importing.ImportFileError as exc:
            return TemplateResponse(
                request,
                "admin/disclosure/item/import.html",
                self._import_context(request, form, None, problems=[str(exc)]),
            )
        mapping = import_mapping.build(agency, importing.vocabulary_values(rows))
        mapping_form = ImportMappingForm(request.POST, mapping=mapping)
        result, problems = None, []
        if mapping_form.is_valid():
            result = importing.validate(agency, rows, mapping=mapping_form.apply())
            try:
                if result.errors and not kept["only_good"]:
                    problems.append(
                        f"有 {len(result.errors)} 行存在错误，未导入任何数据。修正后重新上传，"
                        "或勾选“只导入校验通过的行”后重新上传。"
                    )
                else:
                    services.import_mapping_save(
                        agency=agency, by=request.user, mapping=result.mapping
                    )
                    staging.drop(request, token)
                    if len(result.rows) > services.IMPORT_BATCH:
                        return self._import_with_progress(request, form, agency, result)
                    count = services.items_import(agency=agency, by=request.user, rows=result.rows)
                    self.message_user(
                        request,
                        f"已导入 {count} 条公开信息，映射已保存，下次导入沿用。",
                        messages.SUCCESS,
                    )
                    return redirect("admin:disclosure_item_changelist")
            except (ValidationError, PermissionDenied) as exc:
                problems.append(_messages_of(exc))
        return TemplateResponse(
            request,
            "admin/disclosure/item/import.html",
            self._import_context(
                request, form, result, mapping_form=mapping_form, token=token, problems=problems
            ),
        )

    def _import_context(self, request, form, result, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "批量导入公开目录",
            "form": form,
            "result": result,
            "columns": [aliases[0] for aliases in importing.COLUMNS.values()],
            **extra,
        }

    def _import_with_progress(self, request, form, agency, result):
        """Large files: the page streams a progress bar while the batches go in, all or none.

        The page is rendered once with a marker where the progress goes; the batches run inside
        one transaction while the response is being sent, so leaving the page imports nothing.
        """
        page = render_to_string(
            "admin/disclosure/item/import.html",
            self._import_context(request, form, result, streaming=True),
            request=request,
        )
        before, after = page.split(PROGRESS_MARKER)

        chunks = import_progress_chunks(
            before, after, agency=agency, by=request.user, rows=result.rows
        )
        response = StreamingHttpResponse(chunks, content_type="text/html; charset=utf-8")
        response["X-Accel-Buffering"] = "no"  # nginx passes each batch's progress on at once
        response["Cache-Control"] = "no-store"
        return response
