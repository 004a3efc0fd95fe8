"""What each business role may do with the catalog's models (shipped as groups by migration)."""

from accounts.models import Role

_READ = [
    "disclosure.view_item",
    "disclosure.view_topic",
    "disclosure.view_channel",
    "disclosure.view_attachment",
    "disclosure.view_review",
    "disclosure.view_itemevent",
]
# The back-catalogue content check's reports (内容检查报告): for those who review and publish.
_AUDIT_REPORTS = ["disclosure.view_contentaudit"]
_DRAFT = [
    "disclosure.add_item",
    "disclosure.change_item",
    "disclosure.add_attachment",
    "disclosure.change_attachment",
    "disclosure.delete_attachment",
]

ROLE_PERMISSIONS = {
    Role.CLERK: _READ + _DRAFT,
    Role.REVIEWER: _READ + _DRAFT + _AUDIT_REPORTS + ["disclosure.add_review"],
    Role.HEAD: _READ
    + _DRAFT
    + _AUDIT_REPORTS
    + [
        "disclosure.add_review",
        "disclosure.add_channel",
        "disclosure.change_channel",
    ],
    Role.DISTRICT_ADMIN: _READ
    + _DRAFT
    + _AUDIT_REPORTS
    + [
        "disclosure.add_review",
        "disclosure.add_channel",
        "disclosure.change_channel",
        "disclosure.add_topic",
        "disclosure.change_topic",
        "disclosure.view_sensitiveword",
        "disclosure.add_sensitiveword",
        "disclosure.change_sensitiveword",
        "disclosure.delete_sensitiveword",
    ],
}
