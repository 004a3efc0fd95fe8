"""Admin changes in every app reach the audit log, not only those of the accounts' admin classes.

Admin classes built on ``accounts.admin.AuditedAdminMixin`` (``AgencyScopedAdmin`` and the
accounts admins) record their own, more specific events; for every other admin the admin's own
``LogEntry`` is copied into the audit log in the same transaction.
"""

import json

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts import audit
from accounts.admin import AuditedAdminMixin, _fields
from accounts.models import AuditEvent

EVENTS = {
    ADDITION: AuditEvent.Event.OBJECT_CREATED,
    CHANGE: AuditEvent.Event.OBJECT_CHANGED,
    DELETION: AuditEvent.Event.OBJECT_DELETED,
}


@receiver(post_save, sender=LogEntry, dispatch_uid="zwgk_admin_log_to_audit")
def _copy_log_entry(sender, instance, created, **kwargs):
    if not created or instance.content_type_id is None:
        return
    model = instance.content_type.model_class()
    if isinstance(admin.site._registry.get(model), AuditedAdminMixin):
        return
    audit.record(
        event=EVENTS.get(instance.action_flag, AuditEvent.Event.OBJECT_CHANGED),
        actor=instance.user,
        # A stand-in carrying type and id: after a deletion the object itself is gone.
        obj=model(pk=instance.object_id) if model is not None else None,
        detail=_fields(_message(instance)),
    )


def _message(entry):
    try:
        return json.loads(entry.change_message)
    except (TypeError, ValueError):
        return []
