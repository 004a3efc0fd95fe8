"""What each business role may do with proposals; rows are limited by ``proposals.access``."""

from accounts.models import Role

_VIEW = [
    "proposals.view_session",
    "proposals.view_answerclass",
    "proposals.view_proposal",
    "proposals.view_opinion",
    "proposals.view_event",
]
_HANDLE = [*_VIEW, "proposals.add_proposal", "proposals.change_proposal", "proposals.add_opinion"]

ROLE_PERMISSIONS = {
    Role.CLERK: _HANDLE,
    Role.REVIEWER: _HANDLE,
    Role.HEAD: _HANDLE,
    Role.DISTRICT_ADMIN: [
        *_HANDLE,
        # The district's people's congress and CPPCC sessions and the local answer classes are
        # kept by the district (usually its government office's 督查室).
        "proposals.add_session",
        "proposals.change_session",
        "proposals.add_answerclass",
        "proposals.change_answerclass",
    ],
}
