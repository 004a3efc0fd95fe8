from datetime import date

from django.test import TestCase

from proposals import services
from proposals.models import Kind, Satisfaction
from proposals.selectors import proposal_counts, session_summaries
from tests.proposals.records import Unit, make_session, publish, register, reply

YEAR = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}


class ProposalCountsTests(TestCase):
    def setUp(self):
        self.unit, self.co = Unit(), Unit()
        self.session = make_session()

    def build(self, n):
        """n proposals of every shape, so that the figures scale with n."""
        for _ in range(n):
            on_time = register(self.unit, session=self.session, assigned=date(2024, 1, 31))
            reply(self.unit, on_time, on=date(2024, 4, 30), code="A")
            services.proposal_feedback(
                proposal=on_time,
                by=self.unit.clerk,
                satisfaction=Satisfaction.SATISFIED,
                feedback_date=date(2024, 5, 2),
            )
            publish(self.unit, on_time, on=date(2024, 5, 6))
            late = register(
                self.unit,
                session=self.session,
                kind=Kind.CPPCC_PROPOSAL,
                assigned=date(2024, 1, 31),
                co_units=[self.co],
            )
            services.proposal_add_opinion(
                proposal=late,
                by=self.co.clerk,
                agency=self.co.agency,
                text="同意",
                given_on=date(2024, 2, 1),
            )
            reply(self.unit, late, on=date(2024, 5, 6), code="B")
            publish(self.unit, late, mode="summary", summary="已列入计划。", on=date(2024, 5, 7))
            withheld = register(self.unit, session=self.session, assigned=date(2024, 3, 1))
            reply(self.unit, withheld, on=date(2024, 5, 6), code="C")
            publish(self.unit, withheld, mode="withheld", on=date(2024, 5, 8))
            register(
                self.unit, session=self.session, kind=Kind.NPC_MOTION, assigned=date(2023, 12, 1)
            )

    def test_figures_for_the_report(self):
        self.build(2)
        counts = proposal_counts(agency_ids=[self.unit.agency.pk], **YEAR)
        self.assertEqual(
            counts["received_lead"],
            {"npc_suggestion": 4, "cppcc_proposal": 2, "npc_motion": 0, "total": 6},
        )
        self.assertEqual(counts["received_co"]["total"], 0)
        self.assertEqual(counts["replied"], 6)
        self.assertEqual(counts["replied_on_time"], 4)  # the 5/6 replies to 1/31 are late
        self.assertEqual(counts["by_class"], {"A": 2, "B": 2, "C": 2})
        self.assertEqual(
            counts["by_satisfaction"], {"none": 4, "satisfied": 2, "basic": 0, "unsatisfied": 0}
        )
        self.assertEqual(
            (counts["published_full"], counts["published_summary"], counts["not_published"]),
            (2, 2, 2),
        )
        as_co_unit = proposal_counts(agency_ids=[self.co.agency.pk], **YEAR)
        self.assertEqual(
            as_co_unit["received_co"],
            {"npc_suggestion": 0, "cppcc_proposal": 2, "npc_motion": 0, "total": 2},
        )
        self.assertEqual(as_co_unit["replied"], 0)

    def test_other_periods_and_agencies_count_nothing(self):
        self.build(1)
        counts = proposal_counts(
            agency_ids=[self.unit.agency.pk], start=date(2017, 1, 1), end=date(2017, 12, 31)
        )
        self.assertEqual(counts["received_lead"]["total"], 0)
        self.assertEqual(counts["replied"], 0)
        self.assertEqual(proposal_counts(agency_ids=[Unit().agency.pk], **YEAR)["replied"], 0)

    def test_each_event_counts_in_its_own_year(self):
        """Assigned, replied and published in three years: each year reads its own event."""
        proposal = register(self.unit, session=self.session, assigned=date(2023, 11, 20))
        reply(self.unit, proposal, on=date(2024, 2, 1), code="B")
        publish(self.unit, proposal, on=date(2025, 1, 6))

        def year(y):
            return proposal_counts(
                agency_ids=[self.unit.agency.pk], start=date(y, 1, 1), end=date(y, 12, 31)
            )

        first, second, third = year(2023), year(2024), year(2025)
        self.assertEqual([c["received_lead"]["total"] for c in (first, second, third)], [1, 0, 0])
        self.assertEqual([c["replied"] for c in (first, second, third)], [0, 1, 0])
        self.assertEqual([c["by_class"]["B"] for c in (first, second, third)], [0, 1, 0])
        self.assertEqual(second["by_class"], {"A": 0, "B": 1, "C": 0})
        self.assertEqual([c["published_full"] for c in (first, second, third)], [0, 0, 1])

    def test_query_count_does_not_grow_with_the_data(self):
        self.build(1)
        with self.assertNumQueries(3):
            proposal_counts(agency_ids=[self.unit.agency.pk, self.co.agency.pk], **YEAR)
        self.build(3)
        with self.assertNumQueries(3):
            proposal_counts(agency_ids=[self.unit.agency.pk, self.co.agency.pk], **YEAR)


class SessionSummaryTests(TestCase):
    def test_received_on_time_satisfaction_rate_and_published_per_session(self):
        unit = Unit()
        session, empty = make_session(), make_session()
        proposals = [register(unit, session=session, assigned=date(2024, 1, 31)) for _ in range(4)]
        for proposal, satisfaction in zip(
            proposals[:3], ["satisfied", "basic", "unsatisfied"], strict=True
        ):
            reply(unit, proposal, on=date(2024, 4, 1))
            services.proposal_feedback(
                proposal=proposal,
                by=unit.clerk,
                satisfaction=satisfaction,
                feedback_date=date(2024, 4, 2),
            )
        publish(unit, proposals[0])
        with self.assertNumQueries(1):
            rows = {row.pk: row for row in session_summaries()}
        row = rows[session.pk]
        self.assertEqual((row.received, row.replied, row.on_time, row.published), (4, 3, 3, 1))
        self.assertEqual(row.satisfaction_rate, 66.7)
        self.assertIsNone(rows[empty.pk].satisfaction_rate)
