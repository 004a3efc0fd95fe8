"""No staff page shows Django's English defaults: every role's reachable admin pages are crawled."""

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from accounts.models import User

# Words and phrases of Django's admin, auth and django-otp that reach the screen (or a screen
# reader) when a translation is missing or a template shows a raw name. Matched as whole words.
ENGLISH_DEFAULTS = [
    "Error:",
    "Model name",
    "Add link",
    "Change or view list link",
    "Welcome",
    "View site",
    "Log out",
    "Change password",
    "Home",
    "Add",
    "Change",
    "Delete",
    "Save",
    "Save and continue editing",
    "Save and add another",
    "History",
    "Filter",
    "Search",
    "Go",
    "Action",
    "Recent actions",
    "My actions",
    "None available",
    "Select",
    "Django",
    "administration",
    "Otp_Totp",
    "OTP_TOTP",
    "TOTP device",
    "TOTP devices",
    "Toggle theme",
    "Skip to main content",
    "Breadcrumbs",
    "Show counts",
    "Hide counts",
    "Clear all filters",
    "Today",
    "Choose",
    "Remove",
    "Unknown",
    "Yes",
    "No",
    "Close",
    "Currently",
    "Clear",
    "Chosen",
    "Available",
    "Sidebar",
    "Start typing to filter",
    "Please correct",
    "results",
    "selected",
    "Run the selected action",
    "Authentication and Authorization",
    "Groups",
    "Users",
    "Permissions",
    "Last login",
    "Superuser status",
    "Staff status",
    "Active",
    "Date joined",
    "Name",
    "User",
    "Confirmed",
    "Created at",
    "Last used at",
    "Email address",
    "Username",
    "Password",
    "Documentation",
    "Object",
]
PATTERN = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(w) for w in sorted(ENGLISH_DEFAULTS, key=len, reverse=True))
    + r")(?![\w-])"
)
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
MAX_PAGES = 60  # per role: every list, add form and one record of each, the step pages


class _Page(HTMLParser):
    """The text a member sees or hears, and the admin links on the page."""

    def __init__(self):
        super().__init__()
        self.texts, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name in READ_ATTRIBUTES & attrs.keys():
            self.texts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.texts.append(attrs.get("value") or "")
        if tag == "a" and (attrs.get("href") or "").startswith("/admin/"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def _worth_visiting(url):
    # Filters and sort orders repeat their list; logging out, exports and the inline file view
    # are not pages; the audit log is read-audited (crawled once, from its list).
    return not (
        "?" in url
        or "#" in url
        or "/logout" in url
        or "/export" in url
        or url.endswith("/view/")
        or "/delete/" in url
        or "/r/" in url
    )


class StaffPagesAreChineseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())

    def crawl(self, username):
        self.client.force_login(User.objects.get(username=username))
        seen, found, queue = set(), {}, deque(["/admin/"])
        while queue and len(seen) < MAX_PAGES:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            response = self.client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            page = _Page()
            page.feed(response.content.decode())
            words = sorted({m.group(1) for t in page.texts for m in PATTERN.finditer(t)})
            if words:
                found[url] = words
            queue.extend(link for link in page.links if _worth_visiting(link))
        return seen, found

    def test_every_role_reads_only_chinese(self):
        for username in (
            "ajj_clerk",
            "ajj_reviewer",
            "ajj_head",
            "ltq_admin",
            "xitong_demo",
            "anquan_demo",
            "shenji_demo",
        ):
            with self.subTest(username):
                seen, found = self.crawl(username)
                self.assertGreater(len(seen), 5, "the crawl reached the role's pages")
                self.assertEqual(found, {})

    def test_the_check_finds_an_english_leak(self):
        """Guards the test above: Django's untranslated defaults are recognised."""
        page = _Page()
        page.feed(
            '<h1>Error: 修改</h1><th><span class="visually-hidden">Model name</span></th>'
            '<a href="/admin/x/" title="Add link">增加</a><input type="submit" value="Save">'
        )
        words = {m.group(1) for t in page.texts for m in PATTERN.finditer(t)}
        self.assertEqual(words, {"Error:", "Model name", "Add link", "Save"})
        self.assertEqual(page.links, ["/admin/x/"])
