"""Applications for disclosure (依申请公开, Regulations Art. 27–45).

``status`` and ``due_date`` are written only by ``applications.services``; ``choices.TRANSITIONS``
says which status may follow which.
"""

from applications.models.applicant import Applicant
from applications.models.application import Application, ApplicationQuerySet
from applications.models.choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    AppealKind,
    AppealResult,
    ApplicantType,
    Channel,
    Delivery,
    EventKind,
    FeeMethod,
    Form,
    IdType,
    NoticeKind,
    NoticeStatus,
    Outcome,
    PauseKind,
    Status,
)
from applications.models.records import Appeal, ApplicationEvent, ClockPause, Notice
from applications.models.tally import ApplicationTally
from applications.models.throttle import Throttle

__all__ = [
    "OPEN_STATUSES", "TRANSITIONS", "Appeal", "AppealKind", "AppealResult",
    "Applicant", "ApplicantType", "Application", "ApplicationEvent", "ApplicationQuerySet",
    "ApplicationTally", "Channel", "ClockPause", "Delivery", "EventKind", "FeeMethod", "Form",
    "IdType", "Notice", "NoticeKind", "NoticeStatus", "Outcome", "PauseKind", "Status", "Throttle",
]
