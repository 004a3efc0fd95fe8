"""Every page links the site icon, so browsers do not ask for /favicon.ico on their own.

That request would pass the session middleware beside the page's requests and rewrite the
session (the cause of a flaky browser test on SQLite): public and staff pages alike link it.
"""

from django.test import TestCase


class SiteIconTests(TestCase):
    def test_public_and_staff_pages_link_the_icon(self):
        for url in ("/", "/admin/login/"):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), 'rel="icon"')
