from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from disclosure.documents import normalize_document_number
from disclosure.search import highlight, query_words, tokens


class TokenTests(SimpleTestCase):
    def test_cjk_runs_become_overlapping_bigrams(self):
        self.assertEqual(tokens("政务公开"), ["政务", "务公", "公开"])

    def test_single_characters_and_latin_words(self):
        self.assertEqual(
            tokens("吴利安监发〔2017〕12号 PDF"),
            ["吴利", "利安", "安监", "监发", "2017", "12", "号", "pdf"],
        )

    def test_query_words_are_cut_and_cleaned(self):
        self.assertEqual(query_words("  安全  ！！ 安全 生产 "), ["安全", "生产"])
        self.assertLessEqual(len("".join(query_words("安" * 1000))), 50)
        self.assertEqual(query_words("<>&;"), [])


class HighlightTests(SimpleTestCase):
    def test_marks_words_and_escapes_everything_else(self):
        html = str(highlight("<b>安全</b>生产安全", ["安全"]))
        self.assertEqual(html, "&lt;b&gt;<mark>安全</mark>&lt;/b&gt;生产<mark>安全</mark>")

    def test_without_words_only_escapes(self):
        self.assertEqual(str(highlight("<i>", [])), "&lt;i&gt;")


class DocumentNumberTests(SimpleTestCase):
    def test_mistyped_brackets_are_normalised(self):
        for raw in [
            "吴利政办发〔2017〕120号",
            "吴利政办发【2017】120号",
            "吴利政办发[2017]120号",
            "吴利政办发（2017）120号",
            "吴利政办发(2017)第0120号",
            " 吴利政办发 [2017] 120号 ",
        ]:
            with self.subTest(raw=raw):
                self.assertEqual(normalize_document_number(raw), "吴利政办发〔2017〕120号")

    def test_malformed_numbers_are_refused(self):
        for raw in [
            "吴利政办发2017120号",
            "〔2017〕120号",
            "吴利政办发〔17〕120号",
            "吴利政办发〔2017〕0号",
        ]:
            with self.subTest(raw=raw), self.assertRaises(ValidationError):
                normalize_document_number(raw)

    def test_blank_is_allowed(self):
        self.assertEqual(normalize_document_number("  "), "")
