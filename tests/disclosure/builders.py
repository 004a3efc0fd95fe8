"""Catalog items for tests, made through the real services."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from disclosure import services
from disclosure.models import Channel, Topic
from tests.factories import make_agency, make_staff


class Desk:
    """An agency with a clerk, a reviewer and two channels."""

    def __init__(self, **agency_fields):
        self.agency = make_agency(**agency_fields)
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.reviewer = make_staff(self.agency, Role.REVIEWER)
        self.portal = Channel.objects.create(agency=self.agency, name="门户网站", kind="portal")
        self.board = Channel.objects.create(agency=self.agency, name="政务公开栏", kind="bulletin")
        # Seeded by migration; re-made when a transactional test's flush has emptied the table.
        parent, _ = Topic.objects.get_or_create(parent=None, name="监督检查")
        self.topic, _ = Topic.objects.get_or_create(parent=parent, name="安全生产")

    def draft(self, title="关于开展安全生产大检查的通知", **fields):
        fields.setdefault("summary", "部署全区安全生产大检查。")
        fields.setdefault("formed_date", date(2017, 3, 1))
        fields.setdefault("topic", self.topic)
        fields.setdefault("genre", "notice")
        fields.setdefault("channels", [self.portal])
        return services.item_create(agency=self.agency, by=self.clerk, title=title, **fields)

    def publish(
        self, title="关于开展安全生产大检查的通知", published_date=date(2017, 3, 8), **fields
    ):
        item = self.draft(title, **fields)
        services.item_submit(item=item, by=self.clerk)
        services.item_review(item=item, by=self.reviewer, opinion="不涉密，同意公开。")
        return services.item_publish(item=item, by=self.reviewer, published_date=published_date)

    def upload(self, client, item, name, content):
        """Post ``item``'s admin change form unchanged but for one new attachment file."""
        return client.post(
            f"/admin/disclosure/item/{item.pk}/change/",
            {
                "title": item.title,
                "summary": item.summary,
                "formed_date": "2017-03-01",
                "category": "work",
                "topic": item.topic_id,
                "genre": "notice",
                "channels": [self.portal.pk],
                "disclosure_mode": "proactive",
                "doc_kind": "",
                "validity": "valid",
                "document_number": "",
                "keywords": "",
                "body": "",
                "attachments-TOTAL_FORMS": "1",
                "attachments-INITIAL_FORMS": "0",
                "attachments-0-file": SimpleUploadedFile(name, content),
                "attachments-0-name": "",
                "attachments-0-sort_order": "100",
                "reviews-TOTAL_FORMS": "0",
                "reviews-INITIAL_FORMS": "0",
                "events-TOTAL_FORMS": "0",
                "events-INITIAL_FORMS": "0",
            },
        )
