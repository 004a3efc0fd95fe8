from django.db import transaction

from workdays.models import CalendarYear, DayKind, ScheduleEntry, Source, SpecialDay
from workdays.schedule import parse_schedule
from workdays.signals import schedule_entered


@transaction.atomic
def schedule_enter(*, year, holidays_text, workdays_text="", note="", by=None):
    """Enter (or correct) a year's holiday schedule; replaces that year's days, keeps the entry.

    Raises ValidationError, changing nothing, when any line cannot be understood. Sends
    ``schedule_entered``; ``entry.recomputed`` is the number of records whose deadline moved.
    """
    holidays, workdays = parse_schedule(year, holidays_text, workdays_text)
    SpecialDay.objects.filter(date__year=year).delete()
    days = [
        SpecialDay(date=day, kind=DayKind.HOLIDAY, name=name, source=Source.STAFF)
        for day, name in holidays.items()
    ] + [
        SpecialDay(date=day, kind=DayKind.WORKDAY, name=name or "调休", source=Source.STAFF)
        for day, name in workdays.items()
    ]
    # Dates a notice sets in the neighbouring year replace what was there for those dates.
    SpecialDay.objects.filter(date__in=[d.date for d in days]).delete()
    SpecialDay.objects.bulk_create(days)
    CalendarYear.objects.update_or_create(
        year=year, defaults={"source": Source.STAFF, "note": note, "entered_by": by}
    )
    entry = ScheduleEntry.objects.create(
        year=year,
        holidays_text=holidays_text,
        workdays_text=workdays_text,
        note=note,
        entered_by=by,
    )
    # Provisional deadlines that reached this year are recomputed now, in the same transaction.
    responses = schedule_entered.send(sender=ScheduleEntry, year=year, by=by)
    entry.recomputed = sum(count for _receiver, count in responses if isinstance(count, int))
    return entry
