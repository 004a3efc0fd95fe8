from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "依申请公开"

    def ready(self):
        # Imported here: models are not loaded yet when the app configs are imported.
        from applications.services.recompute import on_schedule_entered

        # (the calendar's signal, imported with it)
        from workdays.signals import schedule_entered

        schedule_entered.connect(on_schedule_entered, dispatch_uid="applications.recompute")
