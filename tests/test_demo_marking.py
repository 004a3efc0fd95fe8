"""Demo data is marked as demo data: every row the demo creates carries ``is_demo``."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.test import TestCase


class DemoMarkingTests(TestCase):
    def test_every_row_of_a_model_with_is_demo_is_marked_after_seeding(self):
        call_command("seed_demo", stdout=StringIO())
        marked = [
            model
            for model in apps.get_models()
            if any(f.name == "is_demo" for f in model._meta.fields)
        ]
        self.assertGreaterEqual(len(marked), 5)
        for model in marked:
            with self.subTest(model=model._meta.label):
                self.assertTrue(model.objects.exists())
                self.assertFalse(model.objects.filter(is_demo=False).exists())
