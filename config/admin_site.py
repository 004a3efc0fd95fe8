"""The staff workbench: the admin index shows every deadline the user is responsible for."""

from functools import wraps
from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone

from accounts import access
from agencies.models import Agency
from disclosure.dashboard import awaiting_interpretation
from disclosure.models import INTERPRETATION_WORKDAYS
from standards import monitor
from workdays.deadlines import classify
from workdays.models import CalendarYear

WORKBENCH_MONITOR_ROWS = 10  # the lowest scores; the district page lists every unit

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


def monitor_rows(user, today):
    """The 公开监测 block: the user's agencies that adopted a catalogue, lowest score first."""
    agencies = list(
        access.scope(Agency.objects.filter(catalogue_adoptions__isnull=False), user, "pk")
        .distinct()
        .order_by("sort_order", "id")
    )
    if not agencies:
        return [], 0
    results = monitor.monitor(agencies, as_of=today).values()
    rows = sorted(results, key=lambda m: (m.score is None, m.score or 0))
    return rows[:WORKBENCH_MONITOR_ROWS], len(rows)


def missing_calendar_year(today):
    """Next year, when it is late in the year and its holiday schedule is still missing."""
    year = today.year + 1
    if (
        today.month >= CALENDAR_REMINDER_MONTH
        and not CalendarYear.objects.filter(year=year).exists()
    ):
        return year
    return None


def calendar_alert(user, rows, today):
    """(missing year or None, how many of the user's deadlines it affects) for the workbench.

    Only those who can enter the calendar can act on the reminder; everyone else sees it only
    when one of their own deadlines is provisional or cannot be computed without that year.
    """
    year = missing_calendar_year(today)
    if year is None:
        return None, 0
    affected = sum(row["state"] == "unknown" or row["deadline"].provisional for row in rows)
    if affected or user.has_perm("workdays.change_calendaryear"):
        return year, affected
    return None, 0


class FilterSafeChangeList(ChangeList):
    """A change list whose query-string filters can be wrong but never cause a 500.

    Django turns a bad value into ``IncorrectLookupParameters`` only where it parses the remaining
    lookups itself; the date hierarchy lets ``OverflowError`` through (``?published_date__year=
    99999999999``) and a ``SimpleListFilter`` raises whatever its ``queryset`` raises. Every one
    of those is a visitor's typing, so each becomes ``IncorrectLookupParameters``: the change
    list page then shows the unfiltered list with Django's note, other views answer 400.
    """

    BAD_VALUE = (ValueError, TypeError, OverflowError, ValidationError)

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except self.BAD_VALUE as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except self.BAD_VALUE as exc:
            raise IncorrectLookupParameters(exc) from exc


def _filter_safe_changelist(request, **kwargs):
    return FilterSafeChangeList


class ZwgkAdminSite(admin.AdminSite):
    site_header = "政务公开管理"
    site_title = "政务公开管理"
    index_title = "工作台"
    index_template = "admin/workbench.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, whoever registers it, builds its lists with ``FilterSafeChangeList``."""
        super().register(model_or_iterable, admin_class, **options)
        for model_admin in self._registry.values():
            if type(model_admin).get_changelist is admin.ModelAdmin.get_changelist:
                model_admin.get_changelist = _filter_safe_changelist

    def admin_view(self, view, cacheable=False):
        """Admin views that read the change list's filters (exports) answer 400 to bad ones."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            try:
                return inner(request, *args, **kwargs)
            except IncorrectLookupParameters as exc:
                raise BadRequest("筛选条件无效，请去掉地址中的筛选参数后重试。") from exc

        return guarded

    def index(self, request, extra_context=None):
        today = timezone.localdate()
        rows = collect_deadlines(request.user, today)
        monitored, monitored_total = monitor_rows(request.user, today)
        missing_year, affected = calendar_alert(request.user, rows, today)
        context = {
            "monitor_rows": monitored,
            "monitor_total": monitored_total,
            "today": today,
            "deadline_rows": rows,
            "overdue_count": sum(row["state"] == "overdue" for row in rows),
            "soon_count": sum(row["state"] == "soon" for row in rows),
            "missing_calendar_year": missing_year,
            "calendar_affected_count": affected,
            "awaiting_interpretation": awaiting_interpretation(request.user, today),
            "interpretation_workdays": INTERPRETATION_WORKDAYS,
            **(extra_context or {}),
        }
        return super().index(request, context)
