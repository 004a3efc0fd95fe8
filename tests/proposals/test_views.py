import json
from datetime import date

from django.test import TestCase
from django.urls import reverse

from accounts.models import Role
from proposals import services
from proposals.dashboard import deadlines
from proposals.models import Kind, Proposal, Status
from tests.factories import make_staff
from tests.proposals.records import (
    CONTACT,
    Unit,
    answer_class,
    make_session,
    published_proposal,
    register,
    reply,
)

SECRETS = ["13912345678", "胜利路88号", "0953-1111111"]  # the deputy's and the handler's contacts


class PublicPagesTests(TestCase):
    def setUp(self):
        self.unit = Unit()
        self.session = make_session(
            name="利通区第十届人民代表大会第三次会议", short_name="区十届人大三次会议"
        )
        self.proposal = published_proposal(
            self.unit, session=self.session, title="关于燃气安全的建议"
        )

    def assert_private(self, response):
        text = response.content.decode()
        for secret in SECRETS:
            self.assertNotIn(secret, text)

    def test_list_detail_sessions_and_api_show_the_reply_but_never_contact_details(self):
        for url in [
            "/proposals/",
            f"/proposals/?session={self.session.pk}",
            self.proposal.get_absolute_url(),
            "/proposals/sessions/",
            "/proposals/api/",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assert_private(response)
        detail = self.client.get(self.proposal.get_absolute_url())
        self.assertContains(detail, "经研究，已经解决。")
        self.assertContains(detail, "马代表")
        self.assertContains(detail, "答复后第 13 个工作日公开")

    def test_unpublished_replies_are_not_public(self):
        draft = register(self.unit, session=self.session, title="尚未公开的建议")
        reply(self.unit, draft)
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/proposals/"), "尚未公开的建议")

    def test_filters_by_session_kind_agency_and_answer_class(self):
        other = published_proposal(kind=Kind.CPPCC_PROPOSAL, title="关于培训的提案")
        cases = {
            f"session={self.session.pk}": True,
            f"session={other.session_id}": False,
            "kind=npc_suggestion": True,
            "kind=cppcc_proposal": False,
            f"agency={self.unit.agency.slug}": True,
            f"agency={other.lead_unit.slug}": False,
            "answer_class=A": True,
            "answer_class=B": False,
        }
        for query, shown in cases.items():
            with self.subTest(query=query):
                response = self.client.get(f"/proposals/?{query}")
                (self.assertContains if shown else self.assertNotContains)(
                    response, "关于燃气安全的建议"
                )

    def test_session_filter_shows_the_session_summary(self):
        response = self.client.get(f"/proposals/?session={self.session.pk}")
        self.assertContains(response, "利通区第十届人民代表大会第三次会议办理情况")
        self.assertContains(response, "满意率")

    def test_bad_filters_and_pages_are_reported_not_500(self):
        for query in [
            "session=abc",
            "session=999999",
            "kind=xyz",
            "agency=nope",
            "answer_class=Z",
            "page=999",
            "page=-1",
            "page=x",
        ]:
            with self.subTest(query=query):
                response = self.client.get(f"/proposals/?{query}")
                self.assertEqual(response.status_code, 200)
        self.assertContains(self.client.get("/proposals/?kind=xyz"), "部分筛选条件无效")
        self.assertEqual(self.client.get("/proposals/api/?kind=xyz").status_code, 200)
        self.assertEqual(self.client.get("/proposals/999999/").status_code, 404)

    def test_api_lists_the_public_fields_only(self):
        data = json.loads(self.client.get("/proposals/api/").content)
        self.assertEqual(data["count"], 1)
        item = data["results"][0]
        self.assertEqual(item["title"], "关于燃气安全的建议")
        self.assertNotIn("proposer_contact", item)
        self.assertNotIn("reply_contact", item)

    def test_query_counts_do_not_grow_with_rows(self):
        # Pages: 1 for the site's agency (base template), the filter form's three choice lists,
        # the count and the page. Session filter: + the session and its summary.
        budgets = {
            "/proposals/": 6,
            f"/proposals/?session={self.session.pk}": 8,
            self.proposal.get_absolute_url(): 3,
            "/proposals/sessions/": 2,
            "/proposals/api/": 2,
        }
        for round_ in range(2):
            for _ in range(5):
                published_proposal(self.unit, session=self.session)
            for url, budget in budgets.items():
                with self.subTest(url=url, round=round_), self.assertNumQueries(budget):
                    self.client.get(url)


class StaffAdminTests(TestCase):
    def setUp(self):
        self.unit, self.co, self.stranger = Unit(), Unit(), Unit()
        self.session = make_session()

    def add_form(self, **overrides):
        data = {
            "session": self.session.pk,
            "kind": "npc_suggestion",
            "timing": "during",
            "number": "7",
            "title": "关于加强校园周边安全的建议",
            "content": "建议加强巡查。",
            "proposer": "李代表",
            "co_signers": "",
            "proposer_contact": CONTACT,
            "lead_unit": self.unit.agency.pk,
            "co_units": [self.co.agency.pk],
            "handling_mode": "lead",
            "assigned_date": "2024-01-31",
        }
        for prefix in ("opinions", "events"):
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        data.update(overrides)
        return data

    def test_clerk_registers_through_the_admin_with_the_service(self):
        self.client.force_login(self.unit.clerk)
        response = self.client.post("/admin/proposals/proposal/add/", self.add_form())
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        proposal = Proposal.objects.get()
        self.assertEqual(proposal.due_date, date(2024, 4, 30))
        self.assertEqual(list(proposal.co_units.all()), [self.co.agency])
        self.assertEqual(proposal.events.count(), 1)

    def test_duplicate_number_keeps_what_was_typed(self):
        register(self.unit, session=self.session, number="7")
        self.client.force_login(self.unit.clerk)
        response = self.client.post("/admin/proposals/proposal/add/", self.add_form())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已有编号为「7」的建议提案")
        self.assertContains(response, "关于加强校园周边安全的建议")
        self.assertEqual(Proposal.objects.count(), 1)

    def test_reply_step_refuses_a_date_before_assignment_and_keeps_the_text(self):
        proposal = register(self.unit, assigned=date(2024, 1, 31))
        self.client.force_login(self.unit.head)
        url = reverse("admin:proposals_proposal_step", args=[proposal.pk, "reply"])
        data = {
            "reply_date": "2024-01-02",
            "reply_number": "",
            "answer_class": answer_class().pk,
            "reply_text": "这是答复内容。",
            "signatory": "朱局长",
            "contact": "",
        }
        response = self.client.post(url, data)
        self.assertContains(response, "答复日期不能早于交办日期")
        self.assertContains(response, "这是答复内容。")
        data["reply_date"] = "2024-03-01"
        self.assertRedirects(
            self.client.post(url, data),
            reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        )
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, Status.REPLIED)

    def test_review_step_shows_the_content_check_masked_with_a_reason_per_hit(self):
        proposal = register(self.unit, assigned=date(2024, 1, 31))
        reply(self.unit, proposal, on=date(2024, 3, 1))
        services.proposal_submit_publication(
            proposal=proposal,
            by=self.unit.clerk,
            mode="summary",
            summary="经核实，申请人身份证号11010519491231002X。",
        )
        self.client.force_login(self.unit.head)
        url = reverse("admin:proposals_proposal_step", args=[proposal.pk, "review"])
        page = self.client.get(url)
        self.assertContains(page, "内容检查：1 处提示")
        self.assertContains(page, "按原样公开的理由（身份证号码）")
        data = {"approved": "1", "opinion": "", "publish_now": "on"}
        refused = self.client.post(url, data)
        self.assertContains(refused, "内容检查有 1 处提示未处理")
        proposal.refresh_from_db()
        self.assertFalse(proposal.is_published)
        name = next(n for n in page.context["form"].fields if n.startswith("hit_"))
        response = self.client.post(url, {**data, name: "申请人书面同意公开"})
        self.assertRedirects(
            response, reverse("admin:proposals_proposal_change", args=[proposal.pk])
        )
        proposal.refresh_from_db()
        self.assertTrue(proposal.is_published)

    def test_staff_page_lists_the_steps_the_user_may_take(self):
        proposal = register(self.unit, co_units=[self.co])
        change = reverse("admin:proposals_proposal_change", args=[proposal.pk])
        self.client.force_login(self.unit.head)
        page = self.client.get(change)
        self.assertContains(page, "延期办理")
        self.assertContains(page, "录入答复")
        self.assertContains(page, "答复期限")
        self.client.force_login(self.unit.clerk)
        page = self.client.get(change)
        reply_step = reverse("admin:proposals_proposal_step", args=[proposal.pk, "reply"])
        self.assertNotContains(page, reply_step)  # no button to press …
        self.assertContains(page, "录入答复：待主办单位的审核人或负责人处理")  # … who does it

    def test_co_unit_staff_see_the_proposal_and_add_only_their_opinion(self):
        proposal = register(self.unit, co_units=[self.co])
        self.client.force_login(self.co.clerk)
        self.assertContains(self.client.get("/admin/proposals/proposal/"), proposal.title)
        page = self.client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
        self.assertContains(page, "录入会办意见")
        self.assertNotContains(
            page, reverse("admin:proposals_proposal_step", args=[proposal.pk, "reply"])
        )
        step = reverse("admin:proposals_proposal_step", args=[proposal.pk, "opinion"])
        response = self.client.post(
            step, {"agency": self.co.agency.pk, "text": "同意。", "given_on": "2024-02-10"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(proposal.opinions.get().agency, self.co.agency)
        reply_step = reverse("admin:proposals_proposal_step", args=[proposal.pk, "reply"])
        self.assertEqual(self.client.get(reply_step).status_code, 403)

    def test_staff_of_other_agencies_do_not_see_it(self):
        proposal = register(self.unit)
        self.client.force_login(self.stranger.head)
        self.assertNotContains(self.client.get("/admin/proposals/proposal/"), proposal.title)
        self.assertNotEqual(
            self.client.get(
                reverse("admin:proposals_proposal_change", args=[proposal.pk])
            ).status_code,
            200,
        )
        step = reverse("admin:proposals_proposal_step", args=[proposal.pk, "reply"])
        self.assertEqual(self.client.get(step).status_code, 404)

    def test_publication_through_the_steps(self):
        proposal = register(self.unit)
        reply(self.unit, proposal)
        self.client.force_login(self.unit.head)
        step = lambda name: reverse("admin:proposals_proposal_step", args=[proposal.pk, name])  # noqa: E731
        self.assertEqual(self.client.get(step("publish")).status_code, 403)  # not reviewed yet
        response = self.client.post(
            step("submit"), {"mode": "summary", "summary": "", "withheld_reason": ""}
        )
        self.assertContains(response, "摘要公开时请填写公开摘要")
        self.client.post(step("submit"), {"mode": "full", "summary": "", "withheld_reason": ""})
        # Four eyes: who submitted it does not approve it; another decider does.
        response = self.client.post(step("review"), {"approved": "1", "opinion": ""})
        self.assertContains(response, "双人审核：提交公开审核的人不能审核同意本人的提交")
        self.client.force_login(self.unit.reviewer)
        self.client.post(step("review"), {"approved": "1", "opinion": ""})
        self.client.post(step("publish"), {"published_date": "2024-05-06"})
        proposal.refresh_from_db()
        self.assertTrue(proposal.is_published)
        self.assertContains(
            self.client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])),
            "答复后第 13 个工作日公开，未超过一般要求的20个工作日",
        )

    def test_answer_classes_are_edited_in_the_admin(self):

        admin = make_staff(self.unit.agency, Role.DISTRICT_ADMIN)
        self.client.force_login(admin)
        response = self.client.post(
            "/admin/proposals/answerclass/add/",
            {
                "code": "D",
                "name": "留作参考",
                "description": "",
                "sort_order": 40,
                "is_active": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(answer_class("D").is_active)


class DashboardTests(TestCase):
    def test_open_proposals_of_lead_and_co_units_in_one_query(self):
        unit, co, other = Unit(), Unit(), Unit()
        first = register(unit, assigned=date(2024, 1, 31), co_units=[co])
        register(unit, assigned=date(2024, 2, 15))
        done = register(unit, assigned=date(2024, 1, 31))
        reply(unit, done)
        register(other)
        fresh = type(unit.clerk).objects.get(pk=unit.clerk.pk)
        with self.assertNumQueries(2):  # the user's memberships, then the proposals
            rows = deadlines(fresh, date(2024, 4, 1))
        self.assertEqual([r.due for r in rows], [date(2024, 4, 30), date(2024, 5, 15)])
        self.assertEqual(rows[0].kind, "人大代表建议")
        self.assertEqual(rows[0].url, reverse("admin:proposals_proposal_change", args=[first.pk]))
        self.assertEqual([r.title for r in deadlines(co.clerk, date(2024, 4, 1))], [rows[0].title])
        services.proposal_extend(proposal=first, by=unit.head, reason="复杂")
        self.assertEqual(deadlines(unit.clerk, date(2024, 4, 1))[-1].due, date(2024, 7, 31))

    def test_the_workbench_shows_them(self):
        unit = Unit()
        register(unit, title="期限提醒中的建议")
        self.client.force_login(unit.clerk)
        self.assertContains(self.client.get("/admin/"), "期限提醒中的建议")
