"""The agency form and list in the admin.

Registered by ``accounts.admin`` (``ScopedAgencyAdmin``), which adds what depends on staff
accounts: each member sees only the agencies they work for, and every change is audited. This
app is the ground floor and imports no other app of the project.
"""

from django.contrib import admin


class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "code", "parent", "kind", "phone", "sort_order")
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ["parent"]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "parent", "sort_order")}),
        ("索引号", {"fields": ("code", "index_pattern")}),
        (
            "公开指南信息",
            {
                "fields": (
                    "ogi_office",
                    "address",
                    "postcode",
                    "office_hours",
                    "phone",
                    "fax",
                    "email",
                    "guide_notes",
                )
            },
        ),
        ("公开制度", {"fields": ("rules_text",)}),
        (
            "依申请公开告知书",
            {"fields": ("reconsideration_body", "litigation_court", "notice_number_pattern")},
        ),
        ("年度报告", {"fields": ("kind", "report_deadline", "handles_proposals")}),
        ("规章制定权", {"fields": ("can_make_rules",)}),
        ("双人审核", {"fields": ("self_review_allowed",)}),
    )
