from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "主动公开"

    def ready(self):
        # Imported here: the check module uses the models, not loaded when configs are imported.
        from disclosure import checks  # noqa: F401
