"""Staff see how many addresses follow their agencies (counts only, never the addresses)."""

from accounts.models import Role

ROLE_PERMISSIONS = {
    Role.HEAD: ["subscriptions.view_subscription"],
    Role.DISTRICT_ADMIN: ["subscriptions.view_subscription"],
}
