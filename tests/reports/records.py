"""Catalog, application and proposal rows for report tests, written straight through the models.

The report only reads these tables, so the tests build exactly the rows they need.
"""

import itertools
from datetime import date, timedelta

from applications.models import Appeal, Application
from disclosure.models import Category, Channel, ChannelKind, DocKind, Item, ItemStatus, Validity

_seq = itertools.count(1)


def make_channel(agency, name, kind=ChannelKind.NEWSPAPER, sort_order=100):
    return Channel.objects.create(agency=agency, name=name, kind=kind, sort_order=sort_order)


def make_item(
    agency,
    *,
    published,
    category=Category.WORK,
    channels=(),
    doc_kind=DocKind.NONE,
    formed=None,
    validity=Validity.VALID,
    validity_changed_on=None,
    status=ItemStatus.PUBLISHED,
):
    n = next(_seq)
    item = Item.objects.create(
        agency=agency,
        title=f"测试信息{n}",
        category=category,
        published_date=published,
        formed_date=formed or published,
        doc_kind=doc_kind,
        validity=validity,
        validity_changed_on=validity_changed_on,
        status=status,
        index_number=f"T{agency.pk}-{n:06d}",
    )
    if channels:
        item.channels.set(channels)
    return item


def make_application(
    agency, *, received, closed=None, outcome="", applicant_type="natural_person", fee_paid=None
):
    n = next(_seq)
    return Application.objects.create(
        agency=agency,
        tracking_number=f"TEST{n:08d}",
        query_code_hash="x" * 64,
        applicant_type=applicant_type,
        channel="online",
        submitted_on=received,
        received_on=received,
        clock_start=received,
        description="测试申请",
        form="electronic",
        delivery="email",
        outcome=outcome,
        closed_on=closed,
        due_date=received + timedelta(days=28),
        privacy_notice_version="test",
        status="replied" if closed else "handling",
        fee_paid_amount=fee_paid,
        fee_paid_on=closed if fee_paid else None,
    )


def make_appeal(application, *, kind, filed, decided=None, result="pending"):
    return Appeal.objects.create(
        application=application, kind=kind, filed_on=filed, decided_on=decided, result=result
    )


def year(y):
    return date(y, 1, 1), date(y, 12, 31)
