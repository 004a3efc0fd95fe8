import io
from datetime import date

from django.core.management import call_command
from django.test import TestCase
from docx import Document
from pypdf import PdfReader

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
        from disclosure.demo_catalog import AGENCY_OGI_RULES, INTERPRETATIONS, LATER
        from proposals.models import Proposal

        replies = Proposal.objects.filter(
            catalog_item__agency=self.agency
        ).count()  # published replies
        self.assertEqual(
            Item.objects.filter(is_demo=True, agency=self.agency).count(),
            71 + len(LATER) + 2 + replies + len(INTERPRETATIONS) + len(AGENCY_OGI_RULES),
        )
        before = Item.objects.count()
        call_command("seed_demo", stdout=io.StringIO())
        self.assertEqual(Item.objects.count(), before)

    def test_later_years_have_normative_documents_with_validity_changes(self):
        self.assertTrue(Item.objects.published().filter(published_date__year__gt=2017).exists())
        counts = normative_document_counts(agency_ids=[self.agency.pk], year=2019)
        # A district bureau makes no 规章 (《立法法》第九十三条): the 2019 document is normative.
        self.assertEqual(counts["rules"], {"issued": 0, "repealed": 0, "in_force": 0})
        self.assertEqual(counts["normative_docs"]["issued"], 1)
        self.assertEqual(counts["normative_docs"]["repealed"], 1)
        self.assertFalse(Item.objects.filter(doc_kind="rule").exists())

    def test_some_items_wait_for_publication(self):
        self.assertTrue(Item.objects.filter(status=ItemStatus.IN_REVIEW).exists())
        self.assertTrue(Item.objects.filter(status=ItemStatus.DRAFT).exists())


class DemoAttachmentsTests(TestCase):
    """The policy documents carry real PDF and DOCX files of their text, marked as demo data."""

    def setUp(self):
        # Seeded per test (not in setUpTestData): the files go to this test's media folder.
        call_command("seed_demo", stdout=io.StringIO())

    def test_every_policy_document_has_a_pdf_and_a_docx_with_its_text(self):
        policies = (
            Item.objects.published()
            .filter(is_demo=True, category="policy")
            .exclude(genre="interpretation")
        )
        self.assertGreaterEqual(policies.count(), 7)
        for item in policies:
            with self.subTest(item=item.title):
                files = list(item.attachments.all())
                self.assertEqual(sorted(f.name.rsplit(".", 1)[1] for f in files), ["docx", "pdf"])
                self.assertTrue(all(f.is_demo and len(f.sha256) == 64 for f in files))
                pdf = next(f for f in files if f.name.endswith(".pdf"))
                with pdf.file.open("rb") as handle:
                    text = "".join(p.extract_text() for p in PdfReader(handle).pages)
                self.assertIn("演示数据", text)
                self.assertIn(item.title[:8], text.replace("\n", ""))
                word = next(f for f in files if f.name.endswith(".docx"))
                with word.file.open("rb") as handle:
                    paragraphs = [p.text for p in Document(handle).paragraphs]
                self.assertIn(item.title, paragraphs)
                response = self.client.get(word.get_absolute_url())
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    b"".join(response.streaming_content)[:2], b"PK"
                )  # served as stored

    def test_the_demo_has_a_policy_with_its_interpretations(self):
        policy = Item.objects.get(document_number="吴利应急发〔2020〕15号")
        kinds = set(
            policy.interpretations.published().values_list("interpretation_kind", flat=True)
        )
        self.assertEqual(kinds, {"text", "graphic"})
        self.assertTrue(policy.interpretations.filter(is_demo=True).count() == 2)

    def test_both_demo_agencies_have_their_own_rules_with_text(self):
        for slug in ("ltq", "ltq-ajj"):
            with self.subTest(slug=slug):
                page = self.client.get(f"/rules/{slug}/").content.decode()
                self.assertNotIn("尚未发布", page)
                self.assertNotIn("本机关未单独制定", page)
                self.assertIn("保密审查", page)
