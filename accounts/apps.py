from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from accounts import checks, sessions  # noqa: F401  (signal receivers and system checks)
