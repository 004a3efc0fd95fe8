from django.contrib.admin.apps import AdminConfig


class ZwgkAdminConfig(AdminConfig):
    """The admin with the staff workbench (工作台) as its index page."""

    default_site = "config.admin_site.ZwgkAdminSite"
