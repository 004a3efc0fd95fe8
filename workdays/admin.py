from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from workdays.forms import ScheduleEntryForm
from workdays.models import CalendarYear, ScheduleEntry, Source, SpecialDay
from workdays.services import schedule_enter
from workdays.signals import schedule_entered


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "note", "entered_by", "entered_at")
    list_filter = ("source",)
    readonly_fields = ("source", "entered_by", "entered_at")
    change_list_template = "admin/workdays/calendaryear_change_list.html"

    def has_add_permission(self, request):
        return False  # years are added through the schedule entry form, which parses the notice

    def get_urls(self):
        return [
            path(
                "enter/",
                self.admin_site.admin_view(self.enter_view),
                name="workdays_schedule_enter",
            ),
        ] + super().get_urls()

    def enter_view(self, request):
        if not request.user.has_perm("workdays.change_calendaryear"):
            raise PermissionDenied
        form = ScheduleEntryForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                entry = schedule_enter(
                    year=data["year"],
                    holidays_text=data["holidays_text"],
                    workdays_text=data["workdays_text"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                recomputed = (
                    f"已按新日历重算{entry.recomputed}件的期限（见各件办理记录）。"
                    if entry.recomputed
                    else ""
                )
                messages.success(
                    request, f"已录入{data['year']}年放假安排，此后的期限按新日历计算。{recomputed}"
                )
                return redirect("admin:workdays_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "录入年度放假安排",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workdays/schedule_enter.html", context)


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "source", "note")
    list_filter = ("kind", "source")
    date_hierarchy = "date"
    search_fields = ("name", "note")

    def save_model(self, request, obj, form, change):
        obj.source = Source.STAFF
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            # A corrected day moves the deadlines that cross it, like a re-entered schedule.
            schedule_entered.send(sender=SpecialDay, year=obj.date.year, by=request.user)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            schedule_entered.send(sender=SpecialDay, year=obj.date.year, by=request.user)


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin):
    list_display = ("year", "note", "entered_by", "entered_at")
    readonly_fields = [f.name for f in ScheduleEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
