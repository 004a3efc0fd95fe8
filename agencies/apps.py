from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    """The ground floor: the agencies (the tenants) that every other app belongs to."""

    name = "agencies"
    verbose_name = "机构"
