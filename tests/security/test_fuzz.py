"""Bad input on the public surface: never a 500, never a partial write.

Hypothesis throws huge strings, control characters, NUL bytes, lone surrogates (as they arrive
percent-encoded), wrong types and repeated keys at the public forms and filters.
"""

import string
from unittest import mock

from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from applications import throttling
from applications.models import Applicant, Application
from tests.applications.test_public import FormData
from tests.factories import make_agency

FILTER_URLS = ["/catalog/", "/api/items/", "/proposals/", "/proposals/api/", "/reports/", "/guide/"]
FILTER_KEYS = [
    "q",
    "agency",
    "category",
    "topic",
    "channel",
    "year",
    "validity",
    "sort",
    "page",
    "session",
    "kind",
    "answer_class",
    "format",
    "per_page",
]

nasty_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=5000),
    st.sampled_from(
        [
            "\x00",
            "-1",
            "0",
            "99999999999999999999",
            "1e309",
            "NaN",
            "' OR 1=1 --",
            "<script>",
            "%",
            "\\",
            "../../etc/passwd",
            "\u202e",
            "１２３",
            "2017-02-30",
            "[]",
            "{}",
            "None",
            "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
        ]
    ),
)
# WSGI hands the query string over as latin-1 text: bytes above 0x7f are invalid UTF-8 here.
raw_query = st.text(alphabet=string.printable + "%\x00\x7f\xc0\xff", max_size=200).map(
    lambda s: s.replace(" ", "+")
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@override_settings(ZWGK_APPLY_MIN_SECONDS=0)
class PublicFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agency = make_agency(name="某区应急管理局")

    def setUp(self):
        # Throttles would turn later examples into 429s and hide what the forms do.
        unlimited = {scope: (10**9, window) for scope, (_, window) in throttling.LIMITS.items()}
        patcher = mock.patch.dict(throttling.LIMITS, unlimited)
        patcher.start()
        self.addCleanup(patcher.stop)

    def assert_processed(self, response):
        self.assert_handled(response)
        self.assertNotEqual(response.status_code, 429)

    def assert_handled(self, response):
        self.assertLess(response.status_code, 500, response.content[:300])

    @FUZZ
    @given(
        url=st.sampled_from(FILTER_URLS),
        params=st.dictionaries(
            st.sampled_from(FILTER_KEYS),
            st.one_of(nasty_text, st.lists(nasty_text, max_size=3)),
            max_size=5,
        ),
    )
    def test_filters_never_fail(self, url, params):
        self.assert_handled(self.client.get(url, params))

    @FUZZ
    @given(url=st.sampled_from(FILTER_URLS + ["/apply/", "/apply/status/", "/"]), query=raw_query)
    def test_raw_and_invalid_utf8_query_strings_never_fail(self, url, query):
        self.assert_handled(self.client.get(url, QUERY_STRING=query + "&x=%FF%FE%C0%AF\xff"))

    @FUZZ
    @given(
        changes=st.dictionaries(
            st.sampled_from(
                [
                    "agency",
                    "applicant_type",
                    "name",
                    "org_name",
                    "credit_code",
                    "id_type",
                    "id_number",
                    "phone",
                    "email",
                    "address",
                    "description",
                    "form",
                    "delivery",
                    "purpose",
                    "consent",
                    "token",
                    "website",
                ]
            ),
            st.one_of(nasty_text, st.lists(nasty_text, max_size=2)),
            min_size=1,
            max_size=4,
        )
    )
    def test_the_application_form_never_fails_and_never_writes_half(self, changes):
        before = Application.objects.count()
        data = FormData(self.agency).data
        data.update(changes)
        response = self.client.post("/apply/", data)
        self.assert_processed(response)
        after = Application.objects.count()
        self.assertEqual(after, Applicant.objects.count())
        if response.status_code != 302:
            self.assertEqual(after, before, "a refused submission left rows behind")

    @FUZZ
    @given(number=nasty_text, code=nasty_text)
    def test_the_status_lookup_never_fails(self, number, code):
        response = self.client.post("/apply/status/", {"tracking_number": number, "code": code})
        self.assert_processed(response)

    def test_posts_without_csrf_are_refused_with_a_page_not_an_error(self):
        strict = Client(enforce_csrf_checks=True)
        for url in ("/apply/", "/apply/status/", "/admin/login/"):
            response = strict.post(url, {"x": "1"})
            self.assertEqual(response.status_code, 403, url)

    def test_wrong_methods_and_huge_bodies_are_handled(self):
        self.assert_handled(self.client.put("/apply/", "x"))
        self.assert_handled(self.client.delete("/catalog/"))
        response = Client(raise_request_exception=False).post(
            "/apply/status/", {"tracking_number": "A" * (3 * 1024 * 1024)}
        )
        self.assertLess(response.status_code, 500)
