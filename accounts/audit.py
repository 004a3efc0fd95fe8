"""The audit trail: ``record(...)`` writes one ``AuditEvent`` in the caller's transaction.

Call it inside the service that does the action, so that a failed audit write raises and rolls
the action back with it (等保: no unaudited change)::

    audit.record(event=AuditEvent.Event.ITEM_PUBLISHED, actor=by, obj=item, request=request)

``request`` is optional: during a request the middleware below remembers the request id, the
client IP and the user, so services that never see the request still log them.
"""

import contextvars
import re
import uuid

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.masking import mask_text
from accounts.models import AuditEvent, User
from accounts.network import client_ip

Event = AuditEvent.Event
Outcome = AuditEvent.Outcome

_current = contextvars.ContextVar("zwgk_audit_request", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def record(*, event, actor=None, obj=None, outcome="success", detail="", request=None):
    """Append one audit event and return it. ``detail`` must not hold personal data."""
    request = request if request is not None else _current.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            actor = user
    actor_name = ""
    if actor is not None:
        actor_name = actor_label(actor.get_username() if hasattr(actor, "get_username") else actor)
    object_type = object_id = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk or "")
    return AuditEvent.objects.create(
        event=str(event),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name,
        ip=client_ip(request) if request is not None else None,
        object_type=object_type,
        object_id=object_id[:64],
        outcome=str(outcome),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        detail=mask_text(str(detail))[:300],
    )


@receiver(post_save, sender=User, dispatch_uid="zwgk_password_changed")
def _password_changed(sender, instance, created, **kwargs):
    """A saved password change of an existing account (``User.set_password`` marks it)."""
    if instance.__dict__.pop("_password_set", False) and not created:
        # The actor is whoever is logged in (the user or an administrator), not the account.
        record(event=Event.PASSWORD_CHANGED, obj=instance)


def actor_label(name):
    """The account name as the log keeps it: a mistyped ID or mobile number is masked (PIPL).

    Failed logins are counted by this label (``accounts.lockout``), so look-ups use it too.
    """
    return mask_text(str(name))[:150]


def request_id(request=None):
    request = request if request is not None else _current.get()
    return getattr(request, "request_id", "")


class RequestIdMiddleware:
    """Gives every request an id (shown in ``X-Request-ID`` and on audit rows) and remembers it.

    An id coming from the proxy is kept when well-formed, so proxy and application logs match.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers["X-Request-ID"] = request.request_id
        return response
