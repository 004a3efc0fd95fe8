"""The content check's rules, on plain texts (disclosure.contentcheck is pure)."""

from datetime import date

from django.test import SimpleTestCase

from disclosure.contentcheck import (
    HitKind,
    Source,
    check,
    links,
    luhn,
    mask_personal,
    valid_id_number,
)


def kinds(text, **options):
    return [(hit.kind, hit.matched) for hit in check([Source("正文", text)], **options)]


class PersonalNumberTests(SimpleTestCase):
    def test_id_numbers_need_a_valid_checksum_and_birth_date(self):
        self.assertTrue(valid_id_number("11010519491231002X"))
        self.assertFalse(valid_id_number("110105194912310021"))  # wrong check character
        self.assertFalse(valid_id_number("110105194913310026"))  # month 13
        self.assertEqual(
            kinds("身份证号11010519491231002X，另110105194912310021"),
            [(HitKind.ID_NUMBER, "11010519491231002X")],
        )

    def test_mobile_numbers_with_or_without_separators(self):
        self.assertEqual(
            kinds("电话13912345678、139-1234-5678、139 1234 5678，座机0953-2012345"),
            [
                (HitKind.MOBILE, "13912345678"),
                (HitKind.MOBILE, "139-1234-5678"),
                (HitKind.MOBILE, "139 1234 5678"),
            ],
        )

    def test_bank_cards_need_luhn_and_an_issuer_prefix(self):
        self.assertTrue(luhn("6222021234567890128"))
        text = "卡号6222 0212 3456 7890 128；流水号6222021234567890129；编号1234567812345670"
        self.assertEqual(kinds(text), [(HitKind.BANK_CARD, "6222 0212 3456 7890 128")])

    def test_digits_of_an_id_number_are_not_also_a_phone_or_card(self):
        self.assertEqual(kinds("11010519491231002X"), [(HitKind.ID_NUMBER, "11010519491231002X")])

    def test_index_numbers_and_dates_are_not_flagged(self):
        self.assertEqual(kinds("索引号 000014349/2018-00222，文号 吴利政办发〔2017〕120号"), [])

    def test_masking_for_logs(self):
        hit = check([Source("正文", "联系人张三 11010519491231002X 电话13912345678")])[0]
        self.assertEqual(hit.masked, "110105********002X")
        self.assertNotIn("13912345678", hit.masked_context)
        self.assertNotIn("19491231", hit.masked_context)
        self.assertEqual(mask_personal("卡号 6222021234567890128"), "卡号 6222***********0128")

    def test_context_never_cuts_a_number_in_two(self):
        text = "先进个人：张三（身份证号 11010519491231002X），联系电话 13912345678。"
        mobile = [h for h in check([Source("正文", text)]) if h.kind == HitKind.MOBILE][0]
        self.assertIn("110105********002X", mobile.masked_context)
        self.assertNotIn("1949", mobile.masked_context)


class SecrecyMarkTests(SimpleTestCase):
    def test_marks_with_star_on_their_line_or_after_miji(self):
        text = "机密★1年\n秘密\n密级：绝密\n内部资料 注意保存\n此件不公开。不得外传。"
        found = [matched for kind, matched in kinds(text) if kind == HitKind.SECRECY]
        self.assertEqual(
            found,
            ["机密★1年", "密级：绝密", "秘密", "内部资料", "注意保存", "此件不公开", "不得外传"],
        )

    def test_secret_as_an_ordinary_word_is_no_mark(self):
        self.assertEqual(kinds("经审查，不涉及国家秘密、商业秘密和个人隐私，同意公开。"), [])


class RenamedOrganTests(SimpleTestCase):
    def test_flagged_only_in_items_formed_after_the_change(self):
        text = "吴忠市利通区安全生产监督管理局关于开展检查的通知"
        self.assertEqual(kinds(text, formed_on=date(2017, 3, 1)), [])
        hits = check([Source("正文", text)], formed_on=date(2019, 6, 1))
        self.assertEqual(
            [(h.kind, h.matched) for h in hits], [(HitKind.OLD_ORGAN, "安全生产监督管理局")]
        )
        self.assertIn("应急管理局", hits[0].detail)

    def test_national_name_wins_over_the_local_one_it_contains(self):
        hits = check([Source("正文", "国家卫生和计划生育委员会印发")], formed_on=date(2018, 5, 1))
        self.assertEqual([h.matched for h in hits], ["国家卫生和计划生育委员会"])

    def test_former_names_said_as_such_are_fine(self):
        text = "利通区应急管理局（原利通区安全生产监督管理局）"
        self.assertEqual(kinds(text, formed_on=date(2020, 1, 1)), [])


class WordingAndLinkTests(SimpleTestCase):
    def test_default_and_district_words(self):
        found = check(
            [Source("名称", "中华人民共合国政府信息公开条例")],
            words=[("中华人民共合国", "中华人民共和国")],
        )
        self.assertEqual(found[0].kind, HitKind.WORDING)
        self.assertEqual(found[0].location, "名称")
        self.assertIn("中华人民共和国", found[0].detail)

    def test_dead_links_are_those_the_checker_marked(self):
        body = "详见 http://127.0.0.1:9/old.html 和 https://www.gov.cn/。"
        self.assertEqual(links(body), ["http://127.0.0.1:9/old.html", "https://www.gov.cn/"])
        found = check(
            [Source("正文", body)], dead_links={"http://127.0.0.1:9/old.html": "连接被拒绝"}
        )
        self.assertEqual([(h.kind, h.detail) for h in found], [(HitKind.DEAD_LINK, "连接被拒绝")])


class LocationTests(SimpleTestCase):
    def test_attachment_pages_and_repeats(self):
        text = "第一页文字\n第二页：身份证 11010519491231002X 再次 11010519491231002X\n"
        source = Source("附件《名单.pdf》", text, (("第1页", 0), ("第2页", 6)))
        (hit,) = check([source])
        self.assertEqual(hit.location, "附件《名单.pdf》第2页")
        self.assertEqual(hit.occurrences, 2)

    def test_fingerprint_follows_text_and_place(self):
        a = check([Source("正文", "电话13912345678")])[0]
        b = check([Source("正文", "请拨打13912345678")])[0]
        c = check([Source("内容概述", "电话13912345678")])[0]
        self.assertEqual(a.fingerprint, b.fingerprint)
        self.assertNotEqual(a.fingerprint, c.fingerprint)
