"""索引号 (index numbers): rendered from the agency's pattern, allocated from a locked counter."""

import re

from django.apps import apps

from agencies.models import render_index_number


def allocate(agency, year):
    """The next (seq, index number) of ``agency`` for ``year``; call inside the publishing transaction.

    The counter row is locked with SELECT … FOR UPDATE, so two reviewers publishing at the same
    moment are served one after the other; a rolled-back publication rolls its serial back too,
    which keeps the sequence free of gaps.
    """
    IndexCounter = apps.get_model("disclosure", "IndexCounter")
    IndexCounter.objects.get_or_create(agency=agency, year=year)
    counter = IndexCounter.objects.select_for_update().get(agency=agency, year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    number = render_index_number(
        agency.index_pattern, code=agency.code, year=year, seq=counter.last_seq
    )
    return counter.last_seq, number


def parse_index_number(pattern, code, number):
    """(year, seq) when ``number`` follows the agency's pattern, else None (used by imports)."""
    regex = re.escape(pattern)
    regex = regex.replace(re.escape("{code}"), re.escape(code))
    regex = regex.replace(re.escape("{year}"), r"(?P<year>\d{4})")
    regex = re.sub(r"\\\{seq[^}]*\\\}", r"(?P<seq>\\d+)", regex)
    found = re.fullmatch(regex, number or "")
    if not found or "year" not in found.groupdict():
        return None
    return int(found["year"]), int(found["seq"])


def reserve(agency, year, seq):
    """Move the counter past a serial that came from elsewhere (an imported catalog)."""
    IndexCounter = apps.get_model("disclosure", "IndexCounter")
    IndexCounter.objects.get_or_create(agency=agency, year=year)
    counter = IndexCounter.objects.select_for_update().get(agency=agency, year=year)
    if seq > counter.last_seq:
        counter.last_seq = seq
        counter.save(update_fields=["last_seq"])


def allocate_many(agency, year, count):
    """``count`` consecutive serials in one locked step (bulk imports)."""
    IndexCounter = apps.get_model("disclosure", "IndexCounter")
    IndexCounter.objects.get_or_create(agency=agency, year=year)
    counter = IndexCounter.objects.select_for_update().get(agency=agency, year=year)
    first = counter.last_seq + 1
    counter.last_seq += count
    counter.save(update_fields=["last_seq"])
    return [
        (seq, render_index_number(agency.index_pattern, code=agency.code, year=year, seq=seq))
        for seq in range(first, first + count)
    ]
