import json
from datetime import date

from django.core.exceptions import ValidationError
from django.test import TestCase

from disclosure.models import Channel, ChannelKind, Item, ItemStatus
from proposals import services
from tests.proposals.records import Unit, answer_class, publish, published_proposal, register, reply

SECRETS = ["13912345678", "胜利路88号", "0953-1111111"]


class CatalogLinkTests(TestCase):
    def setUp(self):
        self.unit = Unit()

    def test_publishing_creates_a_reviewed_published_catalog_item(self):
        proposal = published_proposal(self.unit, title="关于燃气安全的建议")
        item = Item.objects.published().get()
        self.assertEqual(proposal.catalog_item, item)
        self.assertEqual(item.status, ItemStatus.PUBLISHED)
        self.assertEqual(item.agency, self.unit.agency)
        self.assertEqual(item.published_date, date(2024, 5, 6))
        self.assertEqual(item.formed_date, date(2024, 4, 15))
        self.assertEqual(item.document_number, "利安监函〔2024〕3号")
        self.assertTrue(item.index_number)
        self.assertIn("关于燃气安全的建议", item.body)
        self.assertEqual(item.reviews.get().reviewer, self.unit.reviewer)

    def test_the_reply_goes_out_on_the_lead_units_website_channels(self):
        portal = Channel.objects.create(
            agency=self.unit.agency, name="区政府门户网站", kind=ChannelKind.PORTAL
        )
        Channel.objects.create(agency=self.unit.agency, name="政务微博", kind=ChannelKind.WEIBO)
        published_proposal(self.unit)
        self.assertEqual(list(Item.objects.published().get().channels.all()), [portal])

    def test_the_catalog_never_carries_contact_details(self):
        proposal = published_proposal(self.unit)
        item = proposal.catalog_item
        stored = " ".join(str(getattr(item, f.attname)) for f in Item._meta.concrete_fields)
        for url in [item.get_absolute_url(), "/catalog/", "/api/items/", "/catalog/feed/"]:
            text = self.client.get(url).content.decode()
            for secret in SECRETS:
                with self.subTest(url=url, secret=secret):
                    self.assertNotIn(secret, text)
                    self.assertNotIn(secret, stored)
        data = json.loads(self.client.get("/api/items/").content)
        self.assertIn(item.title, json.dumps(data, ensure_ascii=False))

    def test_the_detail_page_links_the_catalog_entry(self):
        proposal = published_proposal(self.unit)
        self.assertContains(
            self.client.get(proposal.get_absolute_url()), proposal.catalog_item.index_number
        )

    def test_withheld_and_unpublished_replies_create_no_item(self):
        withheld = register(self.unit)
        reply(self.unit, withheld)
        publish(self.unit, withheld, mode="withheld")
        draft = register(self.unit)
        reply(self.unit, draft)
        self.assertFalse(Item.objects.exists())

    def test_a_malformed_reply_number_is_refused_at_reply_time(self):
        proposal = register(self.unit)
        with self.assertRaises(ValidationError) as caught:
            services.proposal_reply(
                proposal=proposal,
                by=self.unit.head,
                reply_date=date(2024, 3, 1),
                reply_number="第三号",
                reply_text="答复",
                signatory="朱",
                answer_class=answer_class(),
            )
        self.assertEqual(caught.exception.code, "invalid_document_number")
        services.proposal_reply(
            proposal=proposal,
            by=self.unit.head,
            reply_date=date(2024, 3, 1),
            reply_number="利安监函【2024】003号",
            reply_text="答复",
            signatory="朱",
            answer_class=answer_class(),
        )
        proposal.refresh_from_db()
        self.assertEqual(proposal.reply_number, "利安监函〔2024〕3号")
