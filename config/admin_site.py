"""The staff workbench: the admin index shows every deadline the user is responsible for."""

from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.utils import timezone

from workdays.deadlines import classify
from workdays.models import CalendarYear

# From this date on, the workbench reminds staff to enter next year's holiday schedule
# (the State Council usually publishes it in late October or November).
CALENDAR_REMINDER_MONTH = 10


def collect_deadlines(user, today):
    """Deadlines from every app that provides ``<app>.dashboard.deadlines(user, today)``."""
    rows = []
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.dashboard":
                raise
            continue
        rows.extend(module.deadlines(user, today))
    return classify(rows, today)


def missing_calendar_year(today):
    """Next year, when it is late in the year and its holiday schedule is still missing."""
    year = today.year + 1
    if today.month >= CALENDAR_REMINDER_MONTH and not CalendarYear.objects.filter(year=year).exists():
        return year
    return None


class ZwgkAdminSite(admin.AdminSite):
    site_header = "政务公开管理后台"
    site_title = "政务公开管理后台"
    index_title = "工作台"
    index_template = "admin/workbench.html"

    def index(self, request, extra_context=None):
        today = timezone.localdate()
        rows = collect_deadlines(request.user, today)
        context = {
            "today": today,
            "deadline_rows": rows,
            "overdue_count": sum(row["state"] == "overdue" for row in rows),
            "soon_count": sum(row["state"] == "soon" for row in rows),
            "missing_calendar_year": missing_calendar_year(today),
            **(extra_context or {}),
        }
        return super().index(request, context)
