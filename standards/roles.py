"""What each business role may do with the standard catalogues (synced into the role groups)."""

from accounts.models import Role

_READ = [
    "standards.view_catalogue",
    "standards.view_entry",
    "standards.view_adoption",
    "standards.view_filing",
]
_FILE = ["standards.add_filing", "standards.delete_filing"]

ROLE_PERMISSIONS = {
    Role.CLERK: _READ + _FILE,
    Role.REVIEWER: _READ + _FILE,
    Role.HEAD: _READ + _FILE + ["standards.add_adoption", "standards.add_entry"],
    Role.DISTRICT_ADMIN: _READ
    + _FILE
    + [
        "standards.add_catalogue",
        "standards.change_catalogue",
        "standards.add_entry",
        "standards.change_entry",
        "standards.add_adoption",
        "standards.change_adoption",
        "standards.delete_adoption",
    ],
}
