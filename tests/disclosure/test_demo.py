import io
from datetime import date

from django.core.management import call_command
from django.test import TestCase

from disclosure.models import Item, ItemStatus
from disclosure.selectors import normative_document_counts, proactive_counts


class CatalogDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())
        cls.agency = Item.objects.get(title="区安监局召开2017年全区安全生产工作会议").agency

    def test_2017_matches_the_reference_report(self):
        counts = proactive_counts(
            agency_ids=[self.agency.pk], start=date(2017, 1, 1), end=date(2017, 12, 31)
        )
        self.assertEqual(counts["total"], 71)
        self.assertEqual(counts["by_category"], {"policy": 4, "work": 40, "other": 27})
        names = {name for name, _ in counts["by_channel"]}
        self.assertEqual(
            names,
            {
                "宁夏日报",
                "吴忠日报",
                "利通区政府门户网站",
                "新华·利通政务通手机报",
                "“多彩利通”微信平台",
                "利通周讯报刊",
                "局政务公开栏",
            },
        )
        self.assertTrue(all(counts["by_month"][month] for month in range(1, 13)))

    def test_everything_is_demo_data_and_seeding_twice_changes_nothing(self):
        from disclosure.demo_catalog import LATER
        from proposals.models import Proposal

        replies = Proposal.objects.filter(
            catalog_item__agency=self.agency
        ).count()  # published replies
        self.assertEqual(
            Item.objects.filter(is_demo=True, agency=self.agency).count(),
            71 + len(LATER) + 2 + replies,
        )
        before = Item.objects.count()
        call_command("seed_demo", stdout=io.StringIO())
        self.assertEqual(Item.objects.count(), before)

    def test_later_years_have_normative_documents_with_validity_changes(self):
        self.assertTrue(Item.objects.published().filter(published_date__year__gt=2017).exists())
        counts = normative_document_counts(agency_ids=[self.agency.pk], year=2019)
        self.assertEqual(counts["rules"]["issued"], 1)
        self.assertEqual(counts["normative_docs"]["repealed"], 1)

    def test_some_items_wait_for_publication(self):
        self.assertTrue(Item.objects.filter(status=ItemStatus.IN_REVIEW).exists())
        self.assertTrue(Item.objects.filter(status=ItemStatus.DRAFT).exists())
