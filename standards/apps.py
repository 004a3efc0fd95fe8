from django.apps import AppConfig
from django.db.models.signals import post_migrate

from standards import triggers  # no models: safe before the apps are loaded


class StandardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "standards"
    verbose_name = "基层政务公开标准目录"

    def ready(self):
        # The item import learns the 事项 column here: disclosure may not import this app.
        from standards import filing

        filing.register_import_column()

        post_migrate.connect(
            triggers.ensure_after_migrate, sender=self, dispatch_uid="standards-sqlite-triggers"
        )
