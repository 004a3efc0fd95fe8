"""Catalog search inside attachments' text: found, ranked after title hits, marked 附件中."""

from datetime import date

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import TestCase

from disclosure import services
from disclosure.models import Attachment, Item
from disclosure.search import ATTACHMENT_SEARCH_CHARS
from tests.disclosure import files
from tests.disclosure.builders import Desk


def with_attachment(desk, title, content, name="附件.pdf", **fields):
    item = desk.draft(title, **fields)
    attachment = Attachment(item=item, name=name, content_type="application/pdf")
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    services.attachment_text_store(attachment=attachment)
    services.item_submit(item=item, by=desk.clerk)
    services.item_review(item=item, by=desk.reviewer, opinion="同意公开。")
    return services.item_publish(item=item, by=desk.reviewer, published_date=date(2017, 3, 9))


class AttachmentSearchTests(TestCase):
    def setUp(self):
        cache.clear()
        self.desk = Desk(code="000014349")
        self.in_attachment = with_attachment(
            self.desk,
            "关于印发年度工作要点的通知",
            files.pdf(["封面", "附表：尾矿库闭库治理进度"]),
        )
        self.in_title = self.desk.publish("尾矿库闭库治理验收办法", published_date=date(2017, 3, 1))
        self.in_body = self.desk.publish(
            "关于开展专项整治的通知",
            published_date=date(2017, 3, 5),
            body="全面推进尾矿库闭库治理。",
        )
        self.neither = self.desk.publish("关于安全生产月的通知", published_date=date(2017, 3, 7))

    def test_words_only_in_an_attachment_are_found_after_title_hits(self):
        response = self.client.get("/catalog/", {"q": "闭库治理"})
        found = [item.pk for item in response.context["page_obj"]]
        self.assertEqual(found[0], self.in_title.pk)  # title hits first
        self.assertEqual(set(found), {self.in_title.pk, self.in_body.pk, self.in_attachment.pk})
        self.assertNotIn(self.neither.pk, found)
        marked = {item.pk: item.in_attachment for item in list(response.context["page_obj"])[1:]}
        self.assertEqual(marked, {self.in_body.pk: False, self.in_attachment.pk: True})
        self.assertContains(response, '<span class="in-attachment">附件中</span>', count=1)

    def test_a_phrase_is_matched_as_a_phrase_in_attachments_too(self):
        response = self.client.get("/catalog/", {"q": "治理闭库"})
        self.assertEqual(list(response.context["page_obj"]), [])

    def test_saving_the_item_keeps_the_attachment_tokens(self):
        item = Item.objects.get(pk=self.in_attachment.pk)
        services.item_set_validity(item=item, by=self.desk.reviewer, validity="expired")
        cache.clear()
        response = self.client.get("/catalog/", {"q": "尾矿库闭库"})
        self.assertIn(self.in_attachment.pk, [i.pk for i in response.context["page_obj"]])

    def test_only_the_first_characters_of_long_attachments_are_indexed(self):
        line = "各单位要认真落实安全生产责任制度，切实加强隐患排查治理工作，"  # 30 characters
        lines = ["开篇词语丙丁"] + [line] * (ATTACHMENT_SEARCH_CHARS // len(line) + 20)
        pages = ["\n".join(lines[i : i + 45]) for i in range(0, len(lines), 45)]
        with_attachment(self.desk, "长附件", files.pdf([*pages, "深埋词语甲乙"]))
        cache.clear()
        found = self.client.get("/catalog/", {"q": "丙丁"}).context["page_obj"]
        self.assertEqual([item.title for item in found], ["长附件"])
        cache.clear()
        self.assertEqual(list(self.client.get("/catalog/", {"q": "甲乙"}).context["page_obj"]), [])
