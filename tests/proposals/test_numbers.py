"""Proposal numbers: stored alone, printed as 第56号 on every page, whatever staff typed."""

from importlib import import_module

from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import TestCase

from proposals.models import Proposal
from proposals.numbers import normalize_proposal_number, proposal_number_label
from tests.proposals import test_views  # not the class itself: pytest would run its tests here too
from tests.proposals.records import Unit, make_session, published_proposal, register


class NormalizeTests(TestCase):
    def test_every_usual_spelling_becomes_the_number_alone(self):
        for typed, stored in [
            ("第56号", "56"),
            ("56", "56"),
            ("５６", "56"),
            ("56号", "56"),
            ("第５６号", "56"),
            (" 第 56 号 ", "56"),
            ("0056", "56"),
            ("第12-1号", "12-1"),
            ("No.8", "8"),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(normalize_proposal_number(typed), stored)
                self.assertEqual(proposal_number_label(typed), f"第{stored}号")

    def test_a_number_in_words_is_refused_with_what_to_type(self):
        unit = Unit()
        with self.assertRaises(ValidationError) as caught:
            register(unit, number="五十六")
        self.assertEqual(caught.exception.code, "number_invalid")
        self.assertIn("阿拉伯数字", caught.exception.messages[0])
        self.assertFalse(Proposal.objects.exists())


class StoredAloneTests(TestCase):
    def setUp(self):
        self.unit = Unit()
        self.session = make_session()

    def test_registration_stores_the_number_alone_and_finds_duplicates_in_any_spelling(self):
        proposal = register(self.unit, session=self.session, number="第56号")
        self.assertEqual(proposal.number, "56")
        with self.assertRaises(ValidationError) as caught:
            register(self.unit, session=self.session, number="５６")
        self.assertEqual(caught.exception.code, "duplicate_number")

    def test_public_reply_catalog_title_and_list_print_one_format(self):
        proposal = published_proposal(self.unit, session=self.session, number="第56号")
        other = published_proposal(self.unit, session=self.session, number="8")
        detail = self.client.get(proposal.get_absolute_url()).content.decode()
        self.assertIn("第56号", detail)
        self.assertNotIn("第第", detail)
        self.assertNotIn("号号", detail)
        proposal.refresh_from_db()
        self.assertEqual(
            proposal.catalog_item.title,
            f"关于{self.session.label}第56号人大代表建议的答复",
        )
        listing = self.client.get("/proposals/").content.decode()
        self.assertIn('class="nowrap">第56号</td>', listing)
        self.assertIn('class="nowrap">第8号</td>', listing)
        self.assertIn(other.title, listing)

    def test_admin_list_prints_the_label(self):
        register(self.unit, session=self.session, number="56号")
        self.client.force_login(self.unit.clerk)
        page = self.client.get("/admin/proposals/proposal/").content.decode()
        self.assertIn("第56号", page)
        self.assertNotIn("第第", page)

    def test_migration_normalises_stored_values_and_leaves_collisions(self):
        first = register(self.unit, session=self.session, number="3")
        second = register(self.unit, session=self.session, number="4")
        third = register(self.unit, session=self.session, number="9")
        # As typed before the rule: written past the service.
        Proposal.objects.filter(pk=first.pk).update(number="第５号")
        Proposal.objects.filter(pk=second.pk).update(number="第9号")  # 9 is taken
        migration = import_module("proposals.migrations.0005_proposal_number_alone")
        migration.forwards(apps, None)
        numbers = dict(Proposal.objects.values_list("pk", "number"))
        self.assertEqual(numbers[first.pk], "5")
        self.assertEqual(numbers[second.pk], "第9号")
        self.assertEqual(numbers[third.pk], "9")


class AdminFormTests(TestCase):
    """The admin's add form stores what staff type as the number alone."""

    setUp = test_views.StaffAdminTests.setUp
    add_form = test_views.StaffAdminTests.add_form

    def test_typed_label_is_stored_alone(self):
        self.client.force_login(self.unit.clerk)
        response = self.client.post(
            "/admin/proposals/proposal/add/", self.add_form(number="第５６号")
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        self.assertEqual(Proposal.objects.get().number, "56")
