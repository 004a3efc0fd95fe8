"""Applications for disclosure (依申请公开, Regulations Art. 27–45).

``status`` and ``due_date`` are written only by ``applications.services``; ``choices.TRANSITIONS``
says which status may follow which.
"""

from applications.models.applicant import Applicant
from applications.models.application import Application, ApplicationQuerySet
from applications.models.choices import (
    OPEN_STATUSES,
    OUTCOME_GROUPS,
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
    outcome_group,
)
from applications.models.records import (
    Appeal,
    ApplicationEvent,
    ClockPause,
    Notice,
    NoticeCounter,
)
from applications.models.tally import ApplicationBalance, ApplicationTally
from applications.models.throttle import Throttle

__all__ = [
    "OPEN_STATUSES",
    "OUTCOME_GROUPS",
    "TRANSITIONS",
    "Appeal",
    "AppealKind",
    "AppealResult",
    "Applicant",
    "ApplicantType",
    "Application",
    "ApplicationBalance",
    "ApplicationEvent",
    "ApplicationQuerySet",
    "ApplicationTally",
    "Channel",
    "ClockPause",
    "Delivery",
    "EventKind",
    "FeeMethod",
    "Form",
    "IdType",
    "Notice",
    "NoticeCounter",
    "NoticeKind",
    "NoticeStatus",
    "Outcome",
    "PauseKind",
    "Status",
    "Throttle",
    "outcome_group",
]
