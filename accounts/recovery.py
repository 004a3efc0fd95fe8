"""Forgotten passwords, new accounts and lost phones, without anyone taking over an account.

The rules (issue 12: no single staff member can obtain a working session as another person):

- Nobody chooses or sees another person's password. A reset, and every new account, produces a
  one-time set-password link, valid ``SET_PASSWORD_LINK_HOURS``, for one use, and void as soon
  as the password changes in any other way.
- The link goes to the member's own e-mail address (Django mail). An administrator cannot change
  another member's address. Without an address, a printed hand-over letter is possible under a
  two-person rule: a 安全管理员 other than the requester approves, and only the approver sees the
  check code the member must type next to the link (split knowledge: the one who prints the
  link never has the code, the one who has the code never sees the link).
- Removing a member's second factor is requested by one 安全管理员 and approved by another,
  never the requester, never the member. The second factor still applies after a reset.
- Who may request a reset: 系统管理员 for any account but the emergency superuser, 区级管理员
  for the accounts wholly inside their district (``users_in_reach``). 安全管理员 approve letters
  and device removals; they cannot request resets.
- At the member's next login a notice says what happened, by whom and when. Everything is audited.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import access, audit
from accounts.models import AdminRole, AuditEvent, Membership, Recovery, Role, User

Event = AuditEvent.Event
Kind, Delivery, Status = Recovery.Kind, Recovery.Delivery, Recovery.Status
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or over the phone
CODE_LENGTH = 8
MAX_CODE_FAILURES = 5
ROLE_RANK = {Role.CLERK: 1, Role.REVIEWER: 2, Role.HEAD: 3, Role.DISTRICT_ADMIN: 4}


# Who may do what -----------------------------------------------------------------------------


def _district_ids(actor):
    """The agencies the actor reaches as 区级管理员 (empty for everyone else)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return frozenset()
    return access._access(actor).districts


def _district_reach(actor, queryset):
    """Accounts whose every membership lies in the actor's district and who hold no
    administrator role, plus accounts the actor created that hold no membership elsewhere."""
    ids = _district_ids(actor)
    if not ids:
        return queryset.none()
    outside = Membership.objects.filter(user=OuterRef("pk")).exclude(agency_id__in=ids)
    inside = Membership.objects.filter(user=OuterRef("pk"), agency_id__in=ids)
    return queryset.filter(
        Q(Exists(inside)) | Q(created_by=actor),
        ~Exists(outside),
        is_superuser=False,
        groups__isnull=True,
    )


def users_in_reach(actor, queryset=None):
    """The accounts an administrator sees in the user admin (and its autocomplete).

    The superuser, 系统管理员 and 安全管理员: all. 区级管理员: ``_district_reach``.
    """
    queryset = User.objects.all() if queryset is None else queryset
    if access.holds_admin_role(actor, AdminRole.SYSTEM, AdminRole.SECURITY):  # superuser too
        return queryset
    return _district_reach(actor, queryset)


def grantees(actor):
    """The accounts the actor may give a business role to."""
    if actor.is_superuser:
        return User.objects.filter(is_superuser=False)
    return _district_reach(actor, User.objects.all())


def may_manage(actor, target):
    """Edit the account, send it a reset link (never one's own account, nor the superuser's).

    系统管理员: any other account. 区级管理员: the accounts of ``_district_reach``.
    """
    if not actor.is_active or target.pk == actor.pk:
        return False
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    if access.holds_admin_role(actor, AdminRole.SYSTEM):
        return True
    return _district_reach(actor, User.objects.filter(pk=target.pk)).exists()


def may_reset(actor, target):
    return may_manage(actor, target)


def is_approver(actor):
    return access.holds_admin_role(actor, AdminRole.SECURITY)


def may_request_device_removal(actor, target):
    return (
        is_approver(actor)
        and target.pk != actor.pk
        and (actor.is_superuser or not target.is_superuser)
    )


def may_approve(actor, recovery):
    """A second administrator: a 安全管理员 (or the superuser), not the requester, not the member."""
    return (
        recovery.status == Status.PENDING
        and is_approver(actor)
        and actor.pk not in (recovery.requested_by_id, recovery.user_id)
    )


def may_refuse(actor, recovery):
    return recovery.status == Status.PENDING and (
        may_approve(actor, recovery) or actor.pk == recovery.requested_by_id
    )


def may_cancel(actor, recovery):
    return recovery.is_open and (actor.pk == recovery.requested_by_id or actor.is_superuser)


def may_print(actor, recovery):
    return recovery.status == Status.APPROVED and actor.pk == recovery.requested_by_id


def grantable_roles(actor, agency=None):
    """The roles the actor may grant (at or below the highest the actor holds; all for superuser)."""
    if actor.is_superuser:
        return list(Role)
    held = (
        access.roles_in(actor, agency)
        if agency is not None
        else {role for roles in access._access(actor).roles.values() for role in roles}
    )
    if _district_ids(actor) and agency is None:
        held.add(Role.DISTRICT_ADMIN)
    top = max((ROLE_RANK[Role(r)] for r in held), default=0)
    return [role for role in Role if ROLE_RANK[role] <= top]


# Services ------------------------------------------------------------------------------------


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _fingerprint(user):
    """Changes whenever the password does, which voids every link issued before."""
    return salted_hmac("zwgk.recovery.password", user.password or "-").hexdigest()


def _who(user):
    return f"{user.get_full_name()}（{user.get_username()}）" if user else "系统"


def _cancel_open(user, kinds, by, request):
    for old in user.recoveries.filter(
        kind__in=kinds,
        status__in=[
            Status.PENDING,
            Status.APPROVED,
            Status.ISSUED,
        ],
    ):
        old.status = Status.CANCELLED
        old.token_hash = ""
        old.save(update_fields=["status", "token_hash"])
        audit.record(
            event=Event.RECOVERY_CANCELLED,
            actor=by,
            obj=user,
            request=request,
            detail=f"申请 #{old.pk}：被新的申请取代",
        )


@transaction.atomic
def password_reset_request(*, user, by, delivery, reason="", request=None, new_account=False):
    """Start a reset (or a new account's first password); by e-mail the link goes out at once."""
    if not (may_reset(by, user) or (new_account and user.created_by_id == by.pk)):
        raise PermissionDenied("您不能为该账号重置密码。")
    if delivery == Delivery.EMAIL and not user.email:
        raise ValidationError(
            "该账号没有登记电子邮箱，只能打印交接函（须另一名管理员批准）。", code="no_email"
        )
    if delivery not in (Delivery.EMAIL, Delivery.LETTER):
        raise ValidationError("请选择交付方式。", code="delivery")
    kind = Kind.NEW_ACCOUNT if new_account else Kind.PASSWORD
    _cancel_open(user, [Kind.PASSWORD, Kind.NEW_ACCOUNT], by, request)
    recovery = Recovery.objects.create(
        user=user,
        kind=kind,
        delivery=delivery,
        status=Status.PENDING,
        reason=reason[:200],
        requested_by=by,
    )
    audit.record(
        event=Event.RECOVERY_REQUESTED,
        actor=by,
        obj=user,
        request=request,
        detail=f"申请 #{recovery.pk}：{recovery.get_kind_display()}，"
        f"{recovery.get_delivery_display()}",
    )
    if delivery == Delivery.EMAIL:
        token = _issue(recovery, by=by, request=request)
        url = link_url(token, request)
        transaction.on_commit(lambda: _mail_link(recovery, url))
    return recovery


def _issue(recovery, *, by, request):
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    recovery.token_hash = _digest(token)
    recovery.password_fingerprint = _fingerprint(recovery.user)
    recovery.issued_at = now
    recovery.expires_at = now + timedelta(hours=settings.SET_PASSWORD_LINK_HOURS)
    recovery.status = Status.ISSUED
    recovery.save()
    audit.record(
        event=Event.LINK_ISSUED,
        actor=by,
        obj=recovery.user,
        request=request,
        detail=f"申请 #{recovery.pk}：{recovery.get_delivery_display()}",
    )
    return token


def link_url(token, request=None):
    path = reverse("accounts:set_password", args=[token])
    return request.build_absolute_uri(path) if request is not None else path


def _mail_link(recovery, url):
    user = recovery.user
    what = "新账号" if recovery.kind == Kind.NEW_ACCOUNT else "重置密码"
    expires = timezone.localtime(recovery.expires_at).strftime("%Y-%m-%d %H:%M")
    send_mail(
        f"【政务公开管理后台】{what}：请设置您的密码",
        f"{user.get_full_name()}，您好：\n\n"
        f"{_who(recovery.requested_by)}于 {timezone.localtime(recovery.requested_at):%Y-%m-%d %H:%M} "
        f"为您的账号 {user.get_username()} 办理了{what}。请在 {expires} 前打开下面的链接，"
        f"由您本人设置密码（链接只能使用一次）：\n\n{url}\n\n"
        "管理员看不到这个链接，也看不到您的密码。登录时仍须输入手机认证器上的动态口令。\n"
        "如果这不是您本人要求的，请不要打开链接，并立即联系本单位的安全管理员。\n",
        None,
        [user.email],
    )


@transaction.atomic
def device_removal_request(*, user, by, reason, request=None):
    if not may_request_device_removal(by, user):
        raise PermissionDenied("只有安全管理员可以申请解除他人的动态口令绑定。")
    if not reason.strip():
        raise ValidationError("请写明原因（例如：手机遗失，本人当面申请）。", code="reason")
    if not TOTPDevice.objects.filter(user=user).exists():
        raise ValidationError("该账号没有绑定动态口令认证器。", code="no_device")
    _cancel_open(user, [Kind.DEVICE], by, request)
    recovery = Recovery.objects.create(
        user=user,
        kind=Kind.DEVICE,
        status=Status.PENDING,
        reason=reason.strip()[:200],
        requested_by=by,
    )
    audit.record(
        event=Event.RECOVERY_REQUESTED,
        actor=by,
        obj=user,
        request=request,
        detail=f"申请 #{recovery.pk}：解除动态口令绑定",
    )
    return recovery


def _locked(recovery):
    return Recovery.objects.select_for_update().select_related("user").get(pk=recovery.pk)


@transaction.atomic
def recovery_approve(*, recovery, by, request=None):
    """Approve as the second administrator. Returns the letter's check code (letters only)."""
    recovery = _locked(recovery)
    if not may_approve(by, recovery):
        raise PermissionDenied("须由申请人以外的另一名安全管理员批准，且不能批准自己账号的申请。")
    now = timezone.now()
    recovery.decided_by, recovery.decided_at = by, now
    code = None
    if recovery.kind == Kind.DEVICE:
        removed, _ = TOTPDevice.objects.filter(user=recovery.user).delete()
        recovery.status, recovery.completed_at = Status.DONE, now
        audit.record(
            event=Event.RECOVERY_APPROVED,
            actor=by,
            obj=recovery.user,
            request=request,
            detail=f"申请 #{recovery.pk}：解除动态口令绑定",
        )
        audit.record(
            event=Event.OTP_REMOVED,
            actor=by,
            obj=recovery.user,
            request=request,
            detail=f"申请 #{recovery.pk}，申请人 {recovery.requested_by.get_username()}，"
            f"{removed} 个认证器",
        )
    else:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        recovery.code_hash = _digest(code)
        recovery.status = Status.APPROVED
        audit.record(
            event=Event.RECOVERY_APPROVED,
            actor=by,
            obj=recovery.user,
            request=request,
            detail=f"申请 #{recovery.pk}：交接函，核对码已告知批准人",
        )
    recovery.save()
    return recovery, code


@transaction.atomic
def recovery_refuse(*, recovery, by, request=None):
    recovery = _locked(recovery)
    if not may_refuse(by, recovery):
        raise PermissionDenied("您不能驳回这项申请。")
    recovery.status, recovery.decided_by, recovery.decided_at = Status.REFUSED, by, timezone.now()
    recovery.save()
    audit.record(
        event=Event.RECOVERY_REFUSED,
        actor=by,
        obj=recovery.user,
        request=request,
        detail=f"申请 #{recovery.pk}",
    )
    return recovery


@transaction.atomic
def recovery_cancel(*, recovery, by, request=None):
    recovery = _locked(recovery)
    if not may_cancel(by, recovery):
        raise PermissionDenied("只有申请人可以作废这项申请。")
    recovery.status, recovery.token_hash = Status.CANCELLED, ""
    recovery.save()
    audit.record(
        event=Event.RECOVERY_CANCELLED,
        actor=by,
        obj=recovery.user,
        request=request,
        detail=f"申请 #{recovery.pk}",
    )
    return recovery


@transaction.atomic
def letter_issue(*, recovery, by, request=None):
    """The approved letter's link, produced once, for the requester to print."""
    recovery = _locked(recovery)
    if not may_print(by, recovery):
        raise PermissionDenied("交接函只能由申请人在另一名管理员批准后打印一次。")
    token = _issue(recovery, by=by, request=request)
    return recovery, token


def link_find(token):
    """The open recovery a link belongs to, or None when it is unknown, used, expired or void."""
    if not token or len(token) > 100:
        return None
    recovery = (
        Recovery.objects.select_related("user", "requested_by", "decided_by")
        .filter(token_hash=_digest(token), status=Status.ISSUED)
        .first()
    )
    if recovery is None or not _still_valid(recovery):
        return None
    return recovery


def _still_valid(recovery):
    return (
        recovery.expires_at is not None
        and timezone.now() < recovery.expires_at
        and recovery.user.is_active
        and constant_time_compare(recovery.password_fingerprint, _fingerprint(recovery.user))
    )


LINK_INVALID = "此链接无效、已使用或已过期。请联系管理员重新发送设置密码链接。"


def password_set_by_link(*, token, password, code="", request=None):
    """Set the member's password through the link. Raises ValidationError with a message to show."""
    failed = None
    with transaction.atomic():
        recovery = link_find(token)
        if recovery is not None:
            recovery = _locked(recovery)
        if recovery is None or recovery.status != Status.ISSUED or not _still_valid(recovery):
            audit.record(
                event=Event.LINK_REFUSED,
                outcome=AuditEvent.Outcome.DENIED,
                request=request,
                detail="链接无效、已使用或已过期",
            )
            failed = "invalid"
        elif recovery.code_hash and not constant_time_compare(
            _digest(code.strip().upper().replace(" ", "")), recovery.code_hash
        ):
            recovery.code_failures += 1
            failed = "code"
            if recovery.code_failures >= MAX_CODE_FAILURES:
                recovery.status, recovery.token_hash, failed = Status.CANCELLED, "", "locked"
            recovery.save(update_fields=["code_failures", "status", "token_hash"])
            audit.record(
                event=Event.LINK_REFUSED,
                actor=recovery.user,
                obj=recovery.user,
                request=request,
                outcome=AuditEvent.Outcome.FAILURE,
                detail=f"申请 #{recovery.pk}：核对码错误 {recovery.code_failures} 次",
            )
    # Raised after the block so that the refusal and the failure count are kept.
    if failed == "invalid":
        raise ValidationError(LINK_INVALID, code="link_invalid")
    if failed == "locked":
        raise ValidationError(
            "核对码错误次数过多，此链接已作废。请联系管理员重新办理。", code="code_locked"
        )
    if failed == "code":
        raise ValidationError("核对码不正确。请核对批准人告知您的 8 位核对码。", code="code")
    user = recovery.user
    password_validation.validate_password(password, user)
    with transaction.atomic():
        recovery = _locked(recovery)
        if recovery.status != Status.ISSUED or not _still_valid(recovery):
            raise ValidationError(LINK_INVALID, code="link_invalid")
        user.set_password(password)
        user.save()
        recovery.status, recovery.completed_at, recovery.token_hash = (
            Status.DONE,
            timezone.now(),
            "",
        )
        recovery.save()
        audit.record(
            event=Event.LINK_USED,
            actor=user,
            obj=user,
            request=request,
            detail=f"申请 #{recovery.pk}：{recovery.get_kind_display()}",
        )
    return recovery


@transaction.atomic
def email_change_own(*, user, email, password, request=None):
    """The member changes their own address (where reset links go), confirming with the password."""
    if not user.check_password(password):
        raise ValidationError("当前密码不正确。", code="password")
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    audit.record(
        event=Event.USER_CHANGED,
        actor=user,
        obj=user,
        request=request,
        detail="本人修改电子邮箱" if old else "本人登记电子邮箱",
    )
    return user


# The notice at the member's next login ---------------------------------------------------------


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def notice_text(recovery):
    requester, decider = _who(recovery.requested_by), _who(recovery.decided_by)
    if recovery.kind == Kind.DEVICE:
        return (
            f"您的动态口令认证器已于 {_when(recovery.completed_at)} 解除绑定："
            f"由{requester}申请（原因：{recovery.reason}），{decider}批准。"
            "如果这不是您本人要求的，请立即联系安全管理员。"
        )
    what = "您的账号由" if recovery.kind == Kind.NEW_ACCOUNT else "您的密码由"
    via = f"，交接函经{decider}批准" if recovery.delivery == Delivery.LETTER else ""
    return (
        f"{what}{requester}于 {_when(recovery.requested_at)} 发出设置密码链接{via}，"
        f"已于 {_when(recovery.completed_at)} 通过该链接设置密码。"
        "如果这不是您本人操作的，请立即联系安全管理员。"
    )


@transaction.atomic
def notices_for_login(user, request=None):
    """The completed resets and removals the member has not been told about; marks them told."""
    rows = list(
        user.recoveries.select_related("requested_by", "decided_by")
        .filter(status=Status.DONE, notified_at__isnull=True)
        .order_by("completed_at")
    )
    texts = [notice_text(row) for row in rows]
    if rows:
        Recovery.objects.filter(pk__in=[row.pk for row in rows]).update(notified_at=timezone.now())
        audit.record(
            event=Event.ACCOUNT_NOTICE,
            actor=user,
            obj=user,
            request=request,
            detail="申请 " + "、".join(f"#{row.pk}" for row in rows),
        )
    return texts


@receiver(user_logged_in, dispatch_uid="zwgk_recovery_notice")
def _tell_at_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "_messages"):
        return  # no page to show it on (e.g. a test client's login): told at the next real login
    for text in notices_for_login(user, request):
        messages.warning(request, text)
