"""E-mail subscriptions: double opt-in, expiry, one-click unsubscribe, throttling, and a digest
run that mails each subscriber once, however often and however concurrently it runs."""

import re
import socket
import threading
import time
from datetime import date, timedelta
from io import StringIO

from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client, TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from disclosure import services as catalog
from disclosure.models import Topic
from subscriptions import sending, services, tokens
from subscriptions.models import Subscription
from tests.disclosure.builders import Desk
from tests.factories import PASSWORD, make_staff

SITE = "https://gongkai.example.gov.cn"


def link(message, name):
    """The path of the ``name`` link (confirm, unsubscribe) in a mail's body."""
    return re.search(rf"https?://[^/\s]+(/subscriptions/{name}/[^\s]+/)", message.body).group(1)


def subscribe(client, **data):
    """Post the form; the mails, sent after the commit, are sent (TestCase never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/subscriptions/", data, REMOTE_ADDR=data.pop("ip", "10.0.0.1"))


def run_command(**options):
    out = StringIO()
    call_command("send_subscriptions", site_url=SITE, stdout=out, **options)
    return out.getvalue()


class SubscriptionFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区应急管理局", slug="yjj", code="000014349")
        cls.other = Desk(name="某区教育局", slug="jyj", code="000014350")
        cls.old = cls.desk.publish("订阅之前发布的通知", published_date=date(2024, 1, 2))

    def publish(self, title, desk=None, **fields):
        return (desk or self.desk).publish(title, published_date=timezone.localdate(), **fields)

    def confirmed(self, email="zhang@example.com", **what):
        what = what or {"agency": self.desk.agency.pk}
        self.assertRedirects(
            subscribe(self.client, email=email, **what),
            "/subscriptions/requested/",
            fetch_redirect_response=False,
        )
        confirm = link(mail.outbox[-1], "confirm")
        self.client.post(confirm)
        mail.outbox.clear()
        return Subscription.objects.get(email=email, **what)

    def test_double_opt_in_sends_nothing_before_confirmation(self):
        form = self.client.get(f"/subscriptions/?agency={self.desk.agency.pk}&category=policy")
        self.assertContains(form, f'<option value="{self.desk.agency.pk}" selected>')
        self.assertContains(form, "个人信息处理告知")
        response = subscribe(
            self.client, email="Zhang@Example.com", agency=self.desk.agency.pk, category="policy"
        )
        self.assertRedirects(response, "/subscriptions/requested/")
        (confirmation,) = mail.outbox
        self.assertEqual(confirmation.to, ["Zhang@Example.com"])
        self.assertIn("某区应急管理局 · 政策类", confirmation.body)
        self.assertIn("/subscriptions/unsubscribe/", confirmation.extra_headers["List-Unsubscribe"])
        self.assertEqual(
            confirmation.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )
        # Not yet confirmed: a publication mails nobody.
        self.publish("关于汛期值班的通知", category="policy")
        mail.outbox.clear()
        self.assertIn("发送 0 封", run_command())
        self.assertEqual(mail.outbox, [])

        confirm = link(confirmation, "confirm")
        page = self.client.get(confirm)
        self.assertContains(page, "确认订阅")
        self.assertIsNone(Subscription.objects.get().confirmed_at)  # a GET confirms nothing
        self.assertContains(self.client.post(confirm), "订阅成功")
        subscription = Subscription.objects.get()
        self.assertIsNotNone(subscription.confirmed_at)
        # Only what is published after the confirmation is mailed.
        self.assertIn("发送 0 封", run_command())
        self.publish("关于防汛抗旱的通知", category="policy")
        self.publish("区应急局开展汛前检查", category="work")
        self.publish("关于校园安全的通知", desk=self.other, category="policy")
        run_command()
        (digest,) = mail.outbox
        self.assertEqual(digest.to, ["Zhang@Example.com"])
        self.assertIn("关于防汛抗旱的通知", digest.body)
        for absent in ("关于汛期值班的通知", "区应急局开展汛前检查", "校园安全", "订阅之前"):
            self.assertNotIn(absent, digest.body)
        self.assertIn(f"{SITE}/catalog/", digest.body)
        unsubscribe = digest.extra_headers["List-Unsubscribe"]
        self.assertTrue(unsubscribe.startswith(f"<{SITE}/subscriptions/unsubscribe/"))
        self.assertIn(unsubscribe[1:-1], digest.body)

    def test_running_twice_sends_once(self):
        first = self.confirmed()
        second = self.confirmed("li@example.com")
        self.publish("关于安全生产检查的通知")
        run_command()
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["li@example.com", "zhang@example.com"]
        )
        mail.outbox.clear()
        self.assertIn("发送 0 封", run_command())
        self.assertEqual(mail.outbox, [])
        self.publish("关于第二次检查的通知")
        run_command()
        self.assertEqual(len(mail.outbox), 2)
        self.assertNotIn("关于安全生产检查的通知", mail.outbox[0].body)
        for subscription in (first, second):
            subscription.refresh_from_db()
            self.assertEqual(subscription.sent_upto, services.latest_publication())
            self.assertIsNotNone(subscription.last_sent_at)

    def test_a_failed_send_is_retried_by_the_next_run(self):
        self.confirmed()
        self.publish("关于安全生产检查的通知")
        # A real SMTP connection to a loopback port nobody listens on.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": closed_port,
        }
        with (
            self.settings(**smtp),
            self.assertLogs("subscriptions.sending", "ERROR"),
            self.assertRaisesMessage(CommandError, "1 封邮件发送失败"),
        ):
            run_command()
        self.assertEqual(mail.outbox, [])
        run_command()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("关于安全生产检查的通知", mail.outbox[0].body)

    def test_addresses_are_masked_in_the_log(self):
        with self.assertLogs("subscriptions.services", "INFO") as logs:
            subscribe(self.client, email="zhang@example.com", agency=self.desk.agency.pk)
        self.assertIn("z***@example.com", logs.output[0])
        self.assertNotIn("zhang@example.com", "".join(logs.output))

    def test_topic_subscription_follows_sub_topics_across_agencies(self):
        parent = self.desk.topic.parent
        self.confirmed(topic=parent.pk)
        other_topic, _ = Topic.objects.get_or_create(parent=None, name="财政预决算")
        self.publish("安全生产检查通报")  # the Desk's topic: 监督检查 › 安全生产
        self.publish("教育局安全检查通报", desk=self.other)
        self.publish("年度部门预算", topic=other_topic)
        run_command()
        (digest,) = mail.outbox
        self.assertIn("安全生产检查通报", digest.body)
        self.assertIn("教育局安全检查通报", digest.body)
        self.assertNotIn("年度部门预算", digest.body)

    def test_withdrawn_items_are_not_mailed_and_long_lists_are_cut(self):
        self.confirmed()
        gone = self.publish("发布后撤回的通知")
        catalog.item_withdraw(item=gone, by=self.desk.reviewer, reason="内容有误")
        for n in range(sending.MAX_ITEMS + 3):
            self.publish(f"第{n}号检查通报")
        run_command()
        (digest,) = mail.outbox
        self.assertNotIn("发布后撤回的通知", digest.body)
        self.assertEqual(digest.body.count("/catalog/"), sending.MAX_ITEMS + 1)
        self.assertIn("另有 3 条", digest.body)
        self.assertIn("53 条新发布的信息", digest.subject)

    def test_batches_share_one_item_query_per_content(self):
        for n in range(4):
            self.confirmed(f"reader{n}@example.com")
        self.publish("关于安全生产检查的通知")

        def queries(batch_size):
            Subscription.objects.update(sent_upto=0)
            mail.outbox.clear()
            with CaptureQueriesContext(connection) as captured:
                sending.send_due(site_url=SITE, batch_size=batch_size)
            self.assertEqual(len(mail.outbox), 4)
            return len(captured)

        one_batch, two_batches = queries(4), queries(2)
        # A second batch costs one more read of the ids; items are read once per content, so
        # each further subscriber costs the same few statements (lock, mark, sent time).
        self.assertEqual(two_batches, one_batch + 1)
        Subscription.objects.filter(email="reader3@example.com").delete()
        Subscription.objects.update(sent_upto=0)
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as three:
            sending.send_due(site_url=SITE, batch_size=4)
        per_subscriber = one_batch - len(three)
        self.assertLessEqual(per_subscriber, 6)
        self.assertEqual(len(three), one_batch - per_subscriber)

    def test_unsubscribe_is_one_post_without_login_and_deletes_the_address(self):
        subscription = self.confirmed()
        self.publish("关于安全生产检查的通知")
        run_command()
        path = link(mail.outbox[0], "unsubscribe")
        page = self.client.get(path)
        self.assertContains(page, "退订")
        self.assertTrue(Subscription.objects.filter(pk=subscription.pk).exists())
        # A mail program's RFC 8058 one-click POST: no cookie, no CSRF token.
        strict = Client(enforce_csrf_checks=True)
        response = strict.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        self.assertContains(response, "已退订")
        self.assertFalse(Subscription.objects.filter(email="zhang@example.com").exists())
        self.assertContains(strict.post(path), "已退订")  # twice is harmless
        self.assertEqual(self.client.get("/subscriptions/unsubscribe/forged/").status_code, 400)

    def test_confirmation_links_expire_and_old_requests_are_deleted(self):
        subscribe(self.client, email="zhang@example.com", agency=self.desk.agency.pk)
        subscription = Subscription.objects.get()
        hours = tokens.link_lifetime().total_seconds() / 3600

        class Earlier(signing.TimestampSigner):
            def timestamp(self):
                return signing.b62_encode(int(time.time() - (hours + 1) * 3600))

        stale = Earlier(salt=tokens.CONFIRM_SALT).sign_object([subscription.pk, subscription.nonce])
        response = self.client.post(f"/subscriptions/confirm/{stale}/")
        self.assertContains(response, "确认链接已过期", status_code=400)
        self.assertIsNone(Subscription.objects.get().confirmed_at)
        # A fresh request replaces the nonce: the first mail's link stops working.
        first = link(mail.outbox[0], "confirm")
        subscribe(self.client, email="zhang@example.com", agency=self.desk.agency.pk)
        self.assertContains(self.client.post(first), "链接已失效", status_code=400)
        self.assertContains(self.client.post(link(mail.outbox[1], "confirm")), "订阅成功")
        # Unconfirmed requests past the link's lifetime are deleted by the next run.
        subscribe(self.client, email="wang@example.com", agency=self.desk.agency.pk)
        Subscription.objects.filter(email="wang@example.com").update(
            requested_at=timezone.now() - timedelta(hours=hours + 1)
        )
        self.assertIn("删除过期未确认的申请 1 个", run_command())
        self.assertEqual(
            list(Subscription.objects.values_list("email", flat=True)), ["zhang@example.com"]
        )

    def test_the_answer_never_tells_who_is_subscribed(self):
        self.confirmed()
        again = subscribe(self.client, email="zhang@example.com", agency=self.desk.agency.pk)
        new = subscribe(self.client, email="zhao@example.com", agency=self.desk.agency.pk)
        self.assertEqual(again["Location"], new["Location"])
        already, confirmation = mail.outbox
        self.assertIn("已经订阅", already.body)
        self.assertIn("/subscriptions/unsubscribe/", already.body)
        self.assertIn("/subscriptions/confirm/", confirmation.body)
        self.assertEqual(Subscription.objects.count(), 2)

    def test_throttled_per_address_and_per_client(self):
        for _ in range(4):
            response = subscribe(
                self.client, email="zhang@example.com", agency=self.desk.agency.pk, ip="10.0.0.2"
            )
            self.assertRedirects(
                response, "/subscriptions/requested/", fetch_redirect_response=False
            )
        # The fourth request for one address in a day looks the same but mails nothing.
        self.assertEqual(len(mail.outbox), 3)
        for n in range(6):
            subscribe(
                self.client, email=f"p{n}@example.com", agency=self.desk.agency.pk, ip="10.0.0.2"
            )
        refused = subscribe(
            self.client, email="last@example.com", agency=self.desk.agency.pk, ip="10.0.0.2"
        )
        self.assertContains(refused, "提交次数过多", status_code=429)
        self.assertContains(refused, 'value="last@example.com"', status_code=429)
        other = subscribe(self.client, email="last@example.com", agency=self.desk.agency.pk)
        self.assertEqual(other.status_code, 302)

    def test_the_form_says_what_is_wrong(self):
        response = subscribe(self.client, email="不是邮箱", category="policy")
        self.assertContains(response, "电子邮箱格式不正确", status_code=400)
        response = subscribe(self.client, email="zhang@example.com", category="policy")
        self.assertContains(response, "请至少选择一个发布机构或主题分类", status_code=400)
        self.assertEqual(mail.outbox, [])

    def test_catalog_views_link_to_the_form_with_their_agency_topic_and_category(self):
        page = self.client.get(f"/catalog/agency/yjj/?topic={self.desk.topic.pk}&category=work")
        self.assertContains(
            page,
            f'href="/subscriptions/?agency={self.desk.agency.pk}&amp;topic={self.desk.topic.pk}'
            '&amp;category=work">邮件订阅</a>',
        )


class StaffCountTests(TestCase):
    def test_heads_see_counts_of_their_agencies_and_no_address(self):
        desk = Desk(name="某区应急管理局", slug="yjj")
        other = Desk(name="某区教育局", slug="jyj")
        now = timezone.now()
        for n, (agency, confirmed) in enumerate(
            [(desk.agency, True), (desk.agency, True), (desk.agency, False), (other.agency, True)]
        ):
            Subscription.objects.create(
                email=f"reader{n}@example.com",
                agency=agency,
                key=f"k{n}",
                nonce="n",
                requested_at=now,
                confirmed_at=now if confirmed else None,
            )
        make_staff(desk.agency, Role.HEAD, username="head")
        make_staff(desk.agency, Role.CLERK, username="clerk")
        self.client.login(username="head", password=PASSWORD)
        with self.settings(ZWGK_STAFF_2FA=False):
            page = self.client.get("/admin/subscriptions/subscription/")
            self.assertContains(page, "某区应急管理局")
            self.assertContains(page, '<td class="num">2</td><td class="num">1</td>', html=False)
            self.assertNotContains(page, "某区教育局")
            self.assertNotContains(page, "@example.com")
            pk = Subscription.objects.first().pk
            self.assertIn(
                self.client.get(f"/admin/subscriptions/subscription/{pk}/change/").status_code,
                (403, 404, 302),
            )
            self.client.login(username="clerk", password=PASSWORD)
            self.assertEqual(self.client.get("/admin/subscriptions/subscription/").status_code, 403)


class ConcurrentRunTests(TransactionTestCase):
    """Two runs at once, then a third: every subscriber has exactly one mail."""

    def test_concurrent_runs_send_each_mail_once(self):
        desk = Desk(name="某区应急管理局", slug="yjj")
        now = timezone.now()
        for n in range(12):
            Subscription.objects.create(
                email=f"reader{n}@example.com",
                agency=desk.agency,
                key=f"k{n}",
                nonce="n",
                requested_at=now,
                confirmed_at=now,
            )
        desk.publish("关于安全生产检查的通知", published_date=timezone.localdate())
        start = threading.Barrier(2)
        errors = []

        def run():
            start.wait()
            try:
                sending.send_due(site_url=SITE, batch_size=3)
            except OperationalError as error:
                # SQLite has one writer at a time: a run that waited past the timeout
                # ("database is locked") stops there.
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sending.send_due(site_url=SITE)  # anything a lock error refused is sent now, once
        addresses = sorted(message.to[0] for message in mail.outbox)
        self.assertEqual(addresses, sorted(f"reader{n}@example.com" for n in range(12)))
        if connection.vendor == "postgresql":
            self.assertEqual(errors, [])  # row locks: both runs finish, skipping each other's rows
