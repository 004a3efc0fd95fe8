from django.db import models

from agencies.models import Agency
from disclosure.models import Category, Topic


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)


class Subscription(models.Model):
    """One address following the new items of an agency or a 主题分类 (optionally one category).

    The address is personal data: it is kept only to send these mails, never shown to staff,
    and the row is deleted when its owner unsubscribes, or when a request is not confirmed in
    time. Nothing but the confirmation is sent before ``confirmed_at`` is set (double opt-in).
    """

    email = models.EmailField("电子邮箱", max_length=254)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name="发布机构",
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="主题分类",
    )
    category = models.CharField("信息类别", max_length=10, choices=Category.choices, blank=True)
    key = models.CharField(
        "订阅键",
        max_length=64,
        unique=True,
        editable=False,
        help_text="地址与订阅内容的带密钥摘要：同一地址对同一内容只有一条订阅。",
    )
    nonce = models.CharField(
        "链接随机数",
        max_length=32,
        editable=False,
        help_text="确认和退订链接都带着它；重新申请会更换，旧的确认链接随即失效。",
    )
    requested_at = models.DateTimeField("申请时间")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    sent_upto = models.BigIntegerField(
        "已发送至",
        default=0,
        editable=False,
        help_text="已通知到的最后一个“发布”事件编号：下一封邮件只含其后发布的信息。",
    )
    last_sent_at = models.DateTimeField("最近发送时间", null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "邮件订阅"
        verbose_name_plural = "邮件订阅"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(topic__isnull=False),
                name="subscription_agency_or_topic",
            ),
        ]
        indexes = [
            models.Index(fields=["confirmed_at", "sent_upto"], name="subscription_due"),
        ]

    def __str__(self):
        return f"订阅 #{self.pk}"
