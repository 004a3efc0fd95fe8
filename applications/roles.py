"""What each business role may do with applications (shipped by migration 0002_role_groups).

Model permissions only open the admin pages; which actions a user may take on one application,
and who may read the applicant's full personal data, is decided per agency in ``services``.
"""

from accounts.models import Role

_READ = [
    "applications.view_application",
    "applications.view_notice",
    "applications.view_appeal",
    "applications.view_applicationevent",
]
_WORK = [
    *_READ,
    "applications.add_application",
    "applications.change_application",
    "applications.change_notice",
    "applications.add_appeal",
    "applications.change_appeal",
]

ROLE_PERMISSIONS = {
    Role.CLERK: _WORK,
    Role.REVIEWER: _READ,
    Role.HEAD: _WORK,
    Role.DISTRICT_ADMIN: _READ,
}
