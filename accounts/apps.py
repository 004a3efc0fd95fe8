from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        # Imported here, not at the top: these modules use the models, which are not loaded yet
        # when the app configs are imported.
        from accounts import admin_audit, audit, checks, recovery, roles, sessions  # noqa: F401

        post_migrate.connect(
            roles.sync_after_migrate, sender=self, dispatch_uid="accounts-role-groups"
        )
