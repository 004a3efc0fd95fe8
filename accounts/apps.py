from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from accounts import admin_audit, checks, sessions  # noqa: F401  (receivers, checks)
