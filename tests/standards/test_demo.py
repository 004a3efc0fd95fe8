"""The demo: the 2017 items filed under the 2019 safety catalogue show a true picture of 2017."""

import io
from datetime import date

from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase

from agencies.models import Agency
from reports.narrative import problems_sentence
from standards.models import Filing
from standards.monitor import State, monitor_one


class Demo2017Tests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())
        cls.agency = Agency.objects.get(catalogue_adoptions__isnull=False)

    def test_items_are_filed_by_the_title_rules(self):
        filed = dict(
            Filing.objects.filter(item__published_date__year=2017)
            .values_list("entry__level2")
            .annotate(n=Count("id"))
        )
        assert filed == {"法律法规": 1, "其他政策文件": 6, "行政许可": 3, "行政处罚": 5}

    def test_the_monitor_names_what_had_nothing_in_2017(self):
        result = monitor_one(self.agency, as_of=date(2017, 12, 31))
        states = {row.entry.level2: row.state for row in result.rows}
        assert [k for k, v in states.items() if v == State.NEVER] == [
            "部门和地方规章",
            "标准",
            "重大决策草案",
            "重大政策解读",
        ]
        assert states["重要会议"] == states["行政强制"] == State.MANUAL
        assert result.incomplete and result.unfiled == 71 - 15
        # Seeding twice files nothing twice.
        call_command("seed_demo", stdout=io.StringIO())
        assert Filing.objects.count() == 15

    def test_the_report_draft_names_the_real_gaps(self):
        text = problems_sentence(self.agency, 2017)
        assert "部门和地方规章、标准、重大决策草案、重大政策解读" in text
        assert "目录尚不完整" in text
        assert "“人事、规划计划类”栏目没有信息" in text
        assert "公开内容不全" not in text  # not the reference report's template wording
