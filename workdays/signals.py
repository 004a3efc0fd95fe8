"""Signals of the calendar, so that apps with deadlines can react without ``workdays`` knowing them."""

from django.dispatch import Signal

# Sent inside the entry's transaction after a year's schedule has been entered or corrected, with
# ``year`` and ``by`` (the user). Receivers recompute the deadlines that reach that year and
# return how many records changed.
schedule_entered = Signal()
