"""Rate-limit counters for the public pages (see ``applications.throttling``)."""

from django.db import models


class Throttle(models.Model):
    """A fixed-window counter in the database, so the limit holds across gunicorn workers."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"

    def __str__(self):
        return self.key
