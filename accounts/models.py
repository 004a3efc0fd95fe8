from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A staff member (or the break-glass superuser). The public never logs in."""

    name = models.CharField("姓名", max_length=50, blank=True)
    password_changed_at = models.DateTimeField(
        "密码修改时间",
        null=True,
        blank=True,
        help_text="超过 PASSWORD_MAX_AGE_DAYS 天未修改时，登录后须先修改密码。",
    )
    created_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
        help_text="区级管理员可管理本人创建、尚未任职的账号。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        # The next save of an existing account records the change (accounts.audit, on post_save).
        self._password_set = True


class Role(models.TextChoices):
    """Business roles, held per agency. Each role's permissions live in the group of the same name."""

    CLERK = "clerk", "信息员"
    REVIEWER = "reviewer", "审核人"
    HEAD = "head", "负责人"
    DISTRICT_ADMIN = "district_admin", "区级管理员"


class AdminRole(models.TextChoices):
    """三权分立: the three administrator roles, held site-wide as groups of the same name.

    系统管理员 manages users and configuration but sees no applicant data; 安全管理员 manages
    roles and security settings; 审计管理员 only reads the audit log. Nobody holds both the
    system and the audit role (``accounts.duties``).
    """

    SYSTEM = "系统管理员", "系统管理员"
    SECURITY = "安全管理员", "安全管理员"
    AUDIT = "审计管理员", "审计管理员"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="用户",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        related_name="memberships",
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


class AuditEventQuerySet(models.QuerySet):
    """Append-only: bulk updates and deletes are refused before they reach the database."""

    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")

    def login_failures(self, *, since, ip, username=None):
        qs = self.filter(event=AuditEvent.Event.LOGIN_FAILED, ip=ip, created_at__gte=since)
        if username is not None:
            qs = qs.filter(actor_name=username)
        return qs


class AuditEvent(models.Model):
    """One security-relevant event. Never updated or deleted (a trigger enforces it on PostgreSQL).

    ``detail`` is short and never holds personal data (ID numbers, phones, addresses, names of
    applicants); ``accounts.audit.record`` masks ID and mobile patterns as a second line of defence.
    """

    class Event(models.TextChoices):
        LOGIN = "auth.login", "登录成功"
        LOGIN_FAILED = "auth.login_failed", "登录失败"
        LOCKED_OUT = "auth.locked_out", "登录锁定"
        LOGOUT = "auth.logout", "退出登录"
        SESSION_EXPIRED = "auth.session_expired", "会话超时"
        OTP_FAILED = "auth.otp_failed", "动态口令错误"
        OTP_ENROLLED = "auth.otp_enrolled", "绑定动态口令"
        PASSWORD_CHANGED = "auth.password_changed", "修改密码"
        NETWORK_REFUSED = "auth.network_refused", "非许可网络访问后台"
        PASSWORD_ADMIN_SET = "auth.password_admin_set", "应急账号设置他人密码"
        OTP_REMOVED = "auth.otp_removed", "解除动态口令绑定"
        ACCOUNT_NOTICE = "auth.account_notice", "登录时告知账号变动"
        RECOVERY_REQUESTED = "recovery.requested", "申请重置密码或解绑"
        RECOVERY_APPROVED = "recovery.approved", "批准重置密码或解绑"
        RECOVERY_REFUSED = "recovery.refused", "驳回重置密码或解绑"
        RECOVERY_CANCELLED = "recovery.cancelled", "作废重置密码或解绑"
        LINK_ISSUED = "recovery.link_issued", "发出设置密码链接"
        LINK_USED = "recovery.link_used", "通过链接设置密码"
        LINK_REFUSED = "recovery.link_refused", "设置密码链接无效或核对码错误"
        USER_CREATED = "user.created", "新建用户"
        USER_CHANGED = "user.changed", "修改用户"
        USER_DELETED = "user.deleted", "删除用户"
        ROLE_GRANTED = "role.granted", "授予角色"
        ROLE_REVOKED = "role.revoked", "撤销角色"
        SETTINGS_CHANGED = "settings.changed", "修改配置"
        OBJECT_CREATED = "object.created", "新建记录"
        OBJECT_CHANGED = "object.changed", "修改记录"
        OBJECT_DELETED = "object.deleted", "删除记录"
        ITEM_SUBMITTED = "item.submitted", "提交审核"
        ITEM_REVIEWED = "item.reviewed", "审核"
        ITEM_PUBLISHED = "item.published", "发布"
        ITEM_WITHDRAWN = "item.withdrawn", "撤回"
        ITEM_CORRECTED = "item.corrected", "更正"
        APPLICATION_CREATED = "application.created", "收到申请"
        APPLICATION_TRANSITION = "application.transition", "申请状态变更"
        PROPOSAL_TRANSITION = "proposal.transition", "建议提案状态变更"
        REPORT_PUBLISHED = "report.published", "发布年度报告"
        PII_VIEWED = "pii.viewed", "查看申请人信息"
        PII_EXPORTED = "pii.exported", "导出申请人信息"
        PII_DOWNLOADED = "pii.downloaded", "下载申请材料"
        PII_PURGED = "pii.purged", "清除过期申请人信息"
        AUDIT_READ = "audit.read", "查阅审计日志"
        AUDIT_EXPORTED = "audit.exported", "导出审计日志"
        INTEGRITY_CHECKED = "integrity.checked", "完整性校验"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # No database constraint: the row must outlive the account (users are deactivated, and the
    # name is kept next to the id so the log stays readable either way).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField(
        "操作人账号",
        max_length=150,
        blank=True,
        help_text="操作时的账号名；登录失败时为尝试的账号名。",
    )
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    event = models.CharField("事件", max_length=50, choices=Event.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    outcome = models.CharField(
        "结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["event", "ip", "created_at"], name="audit_throttle_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M:%S} {self.get_event_display()} {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")


class Recovery(models.Model):
    """A set-password link or a second-factor removal for one member (重置密码、解除动态口令).

    Nobody ever chooses or sees another person's password: a reset issues a one-time link to
    the member (by e-mail, or by a printed letter that a second administrator must approve and
    whose check code only the approver sees); a second-factor removal needs a second
    administrator's approval. See ``accounts.recovery`` for the rules.
    """

    class Kind(models.TextChoices):
        PASSWORD = "password", "重置密码"
        NEW_ACCOUNT = "new_account", "新账号设置密码"
        DEVICE = "device", "解除动态口令绑定"

    class Delivery(models.TextChoices):
        EMAIL = "email", "发送到本人电子邮箱"
        LETTER = "letter", "打印交接函（须另一名管理员批准）"
        NONE = "", "—"

    class Status(models.TextChoices):
        PENDING = "pending", "待批准"
        APPROVED = "approved", "已批准，待打印交接函"
        ISSUED = "issued", "链接已发出，待本人设置"
        DONE = "done", "已完成"
        REFUSED = "refused", "已驳回"
        CANCELLED = "cancelled", "已作废"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recoveries",
        verbose_name="账号",
    )
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    delivery = models.CharField("交付方式", max_length=10, choices=Delivery.choices, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    reason = models.CharField("原因", max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="申请人",
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="批准（驳回）人",
    )
    decided_at = models.DateTimeField("批准（驳回）时间", null=True, blank=True)
    # The link's secret and the letter's check code are stored as SHA-256 digests only.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    password_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    issued_at = models.DateTimeField("链接发出时间", null=True, blank=True)
    expires_at = models.DateTimeField("链接有效期至", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    notified_at = models.DateTimeField("已告知本人", null=True, blank=True)

    class Meta:
        verbose_name = "重置密码与解绑申请"
        verbose_name_plural = "重置密码与解绑申请"
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.get_status_display()}"

    @property
    def is_open(self):
        return self.status in (self.Status.PENDING, self.Status.APPROVED, self.Status.ISSUED)
