"""Staff see subscriber counts per agency and per topic: no list, no addresses, no changes."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from subscriptions import selectors
from subscriptions.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The counts page only: a subscription's own page would show its address.
        return obj is None and super().has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/subscriptions/counts.html",
            {
                **self.admin_site.each_context(request),
                "title": "邮件订阅人数",
                "opts": self.opts,
                "agencies": selectors.counts_by_agency(request.user),
                "topics": selectors.counts_by_topic(),
            },
        )
