"""The digest run of ``manage.py send_subscriptions``: each confirmed subscriber gets, once, the
items published since their last mail.

"Since" is counted in 发布 events, not dates: each subscription keeps ``sent_upto``, the id of the
last publication it was told about, and a run mails the items whose publication event lies
between that mark and the newest one when the run began. Imported history (导入) has no 发布
event and is never mailed as news; items withdrawn in the meantime are left out.

Twice or concurrently, nobody gets a mail twice: each subscription is locked
(``select_for_update(skip_locked=True)``, so a concurrent run passes over it) and its mark moved
by a compare-and-set in the transaction that sends the mail; the mark only moves when the mail
has been handed to the mail server, and a failed send leaves it for the next run.
"""

import logging
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from accounts.masking import mask_email
from disclosure.filters import CatalogFilter
from disclosure.models import Item, ItemEvent, ItemEventKind
from subscriptions import mails
from subscriptions.models import Subscription
from subscriptions.services import latest_publication, purge_unconfirmed

log = logging.getLogger(__name__)

BATCH_SIZE = 200  # subscriptions read, and mails sent over one SMTP connection, at a time
MAX_ITEMS = 50  # items listed in one mail; the rest are counted, with a link to the catalog


@dataclass
class Run:
    upto: int = 0
    sent: int = 0
    nothing_new: int = 0
    failed: int = 0
    purged: int = 0


def new_items(subscription, after, upto, cache):
    """(items, more): the subscription's items published in (after, upto], newest first.

    Selected by the catalog's own filters (agency, topic with its sub-topics, category); the
    result is shared by every subscription of the same content and mark within one run.
    """
    query = mails.catalog_query(subscription)
    key = (tuple(sorted(query.items())), after)
    if key not in cache:
        published = ItemEvent.objects.filter(
            kind=ItemEventKind.PUBLISHED, id__gt=after, id__lte=upto
        ).values("item_id")
        data = QueryDict(mutable=True)
        data.update({name: str(value) for name, value in query.items()})
        filterset = CatalogFilter(data, queryset=Item.objects.published().filter(pk__in=published))
        if not filterset.is_valid():  # its agency or topic was deleted since (rows cascade)
            cache[key] = ([], 0)
        else:
            rows = list(
                filterset.qs.select_related("agency")
                .only("id", "title", "published_date", "agency__name", "agency__short_name")
                .order_by("-published_date", "-id")[: MAX_ITEMS + 1]
            )
            more = filterset.qs.count() - MAX_ITEMS if len(rows) > MAX_ITEMS else 0
            cache[key] = (rows[:MAX_ITEMS], more)
    return cache[key]


def send_due(*, site_url, batch_size=BATCH_SIZE):
    """Mail every confirmed subscription whose mark is behind the newest publication."""
    run = Run(upto=latest_publication(), purged=purge_unconfirmed())
    cache = {}
    last_pk = 0
    while True:
        batch = list(
            Subscription.objects.confirmed()
            .filter(sent_upto__lt=run.upto, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return run
        last_pk = batch[-1]
        connection = get_connection()
        try:
            connection.open()
        except Exception:
            # Nothing was sent and no mark moved: the next run sends all of it.
            log.exception("mail server unreachable; subscriptions left for the next run")
            run.failed += len(batch)
            return run
        try:
            for pk in batch:
                _send_one(pk, run, cache, connection, site_url)
        finally:
            connection.close()


def _send_one(pk, run, cache, connection, site_url):
    try:
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("agency", "topic__parent")
                .filter(pk=pk, confirmed_at__isnull=False, sent_upto__lt=run.upto)
                .first()
            )
            if subscription is None:  # another run has it, or sent it, or it was cancelled
                return
            after = subscription.sent_upto
            # Compare-and-set: on a database without row locks (SQLite) a concurrent run that
            # read the same mark finds it moved and sends nothing.
            claimed = Subscription.objects.filter(pk=pk, sent_upto=after).update(sent_upto=run.upto)
            if not claimed:
                return
            items, more = new_items(subscription, after, run.upto, cache)
            if not items:
                run.nothing_new += 1
                return
            message = mails.digest(subscription, items=items, more=more, site_url=site_url)
            message.connection = connection
            message.send()
            Subscription.objects.filter(pk=pk).update(last_sent_at=timezone.now())
            run.sent += 1
    except Exception:
        run.failed += 1
        log.exception(
            "subscription mail to %s (#%s) failed; it is retried by the next run",
            mask_email(_address(pk)),
            pk,
        )


def _address(pk):
    return Subscription.objects.filter(pk=pk).values_list("email", flat=True).first() or ""
