from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A staff member (or the break-glass superuser). The public never logs in."""

    name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username


class Role(models.TextChoices):
    """Business roles, held per agency. Each role's permissions live in the group of the same name."""

    CLERK = "clerk", "信息员"
    REVIEWER = "reviewer", "审核人"
    HEAD = "head", "负责人"
    DISTRICT_ADMIN = "district_admin", "区级管理员"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name="用户",
    )
    agency = models.ForeignKey(
        "disclosure.Agency", on_delete=models.CASCADE, related_name="memberships",
        verbose_name="机构",
        help_text="区级管理员在区级机构上任职时，可管理该区的全部下属机构。",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("设立时间", auto_now_add=True)

    class Meta:
        verbose_name = "机构任职"
        verbose_name_plural = "机构任职"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role_per_agency"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.agency} · {self.get_role_display()}"
