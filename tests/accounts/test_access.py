from django.core.exceptions import ValidationError
from django.test import TestCase

from accounts import access
from accounts.models import Role
from accounts.passwords import CharacterClassValidator
from tests.factories import PASSWORD, make_agency, make_staff


class RoleGroupsTests(TestCase):
    def test_permissions_follow_the_roles_a_user_holds(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        self.assertTrue(clerk.has_perm("agencies.view_agency"))
        self.assertFalse(clerk.has_perm("agencies.change_agency"))
        head = make_staff(agency, Role.HEAD)
        self.assertTrue(head.has_perm("agencies.change_agency"))


class ScopeTests(TestCase):
    def setUp(self):
        self.district = make_agency(name="某区人民政府")
        self.a = make_agency(parent=self.district)
        self.b = make_agency(parent=self.district)
        self.other_district = make_agency()

    def test_clerk_sees_only_own_agency(self):
        clerk = make_staff(self.a, Role.CLERK)
        self.assertEqual(access.agency_ids(clerk), {self.a.pk})
        self.assertTrue(access.has_role(clerk, self.a, Role.CLERK))
        self.assertFalse(access.has_role(clerk, self.a, Role.REVIEWER))
        self.assertFalse(access.can_access(clerk, self.b))

    def test_district_admin_reaches_the_district_and_its_units_only(self):
        admin = make_staff(self.district, Role.DISTRICT_ADMIN)
        self.assertEqual(access.agency_ids(admin), {self.district.pk, self.a.pk, self.b.pk})
        self.assertTrue(access.has_role(admin, self.a, Role.REVIEWER))
        self.assertFalse(access.can_access(admin, self.other_district))

    def test_access_is_loaded_once_per_user_object(self):
        clerk = make_staff(self.a, Role.CLERK)
        with self.assertNumQueries(1):
            access.agency_ids(clerk)
            access.roles_in(clerk, self.a)
            access.has_role(clerk, self.b, Role.CLERK)

    def test_access_is_loaded_once_through_the_requests_lazy_user(self):
        """``request.user`` is a lazy proxy: the cache must land where it is read again."""
        from django.utils.functional import SimpleLazyObject

        clerk = make_staff(self.a, Role.CLERK)
        lazy = SimpleLazyObject(lambda: clerk)
        with self.assertNumQueries(2):  # memberships once, the 三权分立 groups once
            for _ in range(3):
                access.agency_ids(lazy)
                access.holds_admin_role(lazy, "security")

    def test_anonymous_and_inactive_users_reach_nothing(self):
        from django.contrib.auth.models import AnonymousUser

        self.assertEqual(access.agency_ids(AnonymousUser()), frozenset())
        clerk = make_staff(self.a, Role.CLERK)
        clerk.is_active = False
        self.assertEqual(access.agency_ids(clerk), frozenset())


class AdminScopeTests(TestCase):
    """A clerk of agency A cannot see or change agency B's records, in the admin or by URL."""

    def setUp(self):
        self.district = make_agency(name="某区人民政府")
        self.a = make_agency(parent=self.district, name="甲局")
        self.b = make_agency(parent=self.district, name="乙局")

    def login(self, user):
        self.client.force_login(user)

    def test_head_of_a_sees_a_not_b(self):
        self.login(make_staff(self.a, Role.HEAD))
        response = self.client.get("/admin/agencies/agency/")
        self.assertContains(response, "甲局")
        self.assertNotContains(response, "乙局")
        self.assertEqual(
            self.client.get(f"/admin/agencies/agency/{self.a.pk}/change/").status_code, 200
        )
        self.assertEqual(
            self.client.get(f"/admin/agencies/agency/{self.b.pk}/change/").status_code, 302
        )

    def test_head_of_a_cannot_change_b_by_posting(self):
        self.login(make_staff(self.a, Role.HEAD))
        response = self.client.post(
            f"/admin/agencies/agency/{self.b.pk}/change/",
            {
                "name": "被篡改",
                "slug": self.b.slug,
                "code": self.b.code,
                "index_pattern": "{seq}",
                "sort_order": 1,
            },
        )
        self.assertIn(response.status_code, (302, 403, 404))
        self.b.refresh_from_db()
        self.assertEqual(self.b.name, "乙局")

    def test_clerk_may_view_but_not_change_own_agency(self):
        self.login(make_staff(self.a, Role.CLERK))
        response = self.client.get(f"/admin/agencies/agency/{self.a.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')

    def test_district_admin_sees_both(self):
        self.login(make_staff(self.district, Role.DISTRICT_ADMIN))
        response = self.client.get("/admin/agencies/agency/")
        self.assertContains(response, "甲局")
        self.assertContains(response, "乙局")

    def test_user_list_is_scoped(self):
        make_staff(self.b, Role.CLERK, username="clerk_of_b")
        self.login(make_staff(self.district, Role.DISTRICT_ADMIN))
        self.assertContains(self.client.get("/admin/accounts/user/"), "clerk_of_b")
        other = make_agency()
        self.login(make_staff(other, Role.DISTRICT_ADMIN))
        self.assertNotContains(self.client.get("/admin/accounts/user/"), "clerk_of_b")

    def test_login_through_the_admin_form(self):
        make_staff(self.a, Role.CLERK, username="clerk_a")
        response = self.client.post(
            "/admin/login/?next=/admin/", {"username": "clerk_a", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)


class PasswordPolicyTests(TestCase):
    def test_three_of_four_character_classes(self):
        validator = CharacterClassValidator(min_classes=3)
        with self.assertRaises(ValidationError):
            validator.validate("alllowercaseletters")
        with self.assertRaises(ValidationError):
            validator.validate("lowercase12345")
        validator.validate("Lowercase12345")
        validator.validate("公开lower123")
