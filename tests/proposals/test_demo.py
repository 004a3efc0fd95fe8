from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from proposals.models import Proposal, Session


class DemoTests(TestCase):
    def test_demo_has_no_2017_proposals_some_published_later_and_is_idempotent(self):
        call_command("seed_demo", stdout=StringIO())
        first = list(
            Proposal.objects.order_by("pk").values_list("pk", "status", "publication_status")
        )
        call_command("seed_demo", stdout=StringIO())
        self.assertEqual(
            list(Proposal.objects.order_by("pk").values_list("pk", "status", "publication_status")),
            first,
        )
        self.assertFalse(Proposal.objects.filter(assigned_date__year=2017).exists())
        self.assertTrue(Proposal.objects.published().filter(catalog_item__isnull=False).exists())
        self.assertTrue(Proposal.objects.open().exists())
        self.assertTrue(Session.objects.filter(name="利通区第十届人民代表大会第三次会议").exists())
        self.assertFalse(Proposal.objects.filter(is_demo=False).exists())
