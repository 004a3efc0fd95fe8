"""A reviewer brings an old portal's catalog over: dry run, mapping confirmed once, progress bar."""

import csv
import io

import pytest

from accounts.models import Role
from disclosure.models import Channel, ImportMapping, Item, Topic
from disclosure.services import IMPORT_BATCH
from tests.factories import PASSWORD, make_agency, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TOPICS = ["应急管理", "人事工作", "已归档", "综合政务-文秘工作", "民政、乡村振兴、救灾"]
DATES = [
    "2022-03-26 09:32",
    "2020-10-10 19:48:26",
    "2024年04月06日 16:40",
    "2023/12/1",
    "2023.12.01",
]


def old_catalog(path, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["标题", "发布日期", "主题分类", "文号", "有效性", "发布渠道"])
    for n in range(rows):
        writer.writerow(
            [
                f"历史信息{n}",
                DATES[n % 5],
                TOPICS[n % 5],
                ["无", "-", "null"][n % 3],
                ["现行有效", "已修订", ""][n % 3],
                "政府门户网站",
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(path)


def _login(page, username):
    page.goto("/admin/login/?next=/admin/disclosure/item/import/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/import/")


def test_dry_run_mapping_and_a_large_import_with_its_progress_bar(page, tmp_path):
    agency = make_agency(name="某区应急管理局", slug="yjj", code="000014349")
    Channel.objects.create(agency=agency, name="政府门户网站", kind="portal")
    make_staff(agency, Role.REVIEWER, username="reviewer1")
    rows = IMPORT_BATCH + 100
    _login(page, "reviewer1")
    page.select_option("#id_agency", label="某区应急管理局")
    page.set_input_files("#id_file", old_catalog(tmp_path / "old.csv", rows))
    page.click("input[value='上传并校验']")
    page.wait_for_selector("text=主题分类映射")
    assert page.locator(".import-map tr.pending").count() >= 5
    assert Item.objects.count() == 0
    archived = page.locator(".import-map tr", has_text="已归档").locator("select")
    planning = Topic.objects.get(name="规划计划")
    archived.select_option(str(planning.pk))
    page.click(f"input[value='确认映射并导入 {rows} 条']")
    page.wait_for_selector(f"text=已导入 {rows} 条公开信息")
    assert (
        page.locator(".import-progress progress").count() == 2
    )  # one bar per batch, the last shown
    assert page.locator(".import-progress progress").last.get_attribute("value") == str(rows)
    assert Item.objects.filter(imported=True).count() == rows
    assert Item.objects.filter(topic=planning).count() == rows // 5
    assert ImportMapping.objects.get(source="已归档").topic == planning

    # The next file reuses the mapping: nothing waits for confirmation.
    page.goto("/admin/disclosure/item/import/")
    page.select_option("#id_agency", label="某区应急管理局")
    page.set_input_files("#id_file", old_catalog(tmp_path / "next.csv", 10))
    page.click("input[value='上传并校验']")
    page.wait_for_selector("text=主题分类映射")
    assert page.locator(".import-map tr.pending").count() == 0
    assert not page.js_errors


def test_the_mapping_page_fits_a_phone(phone_page, tmp_path):
    agency = make_agency(name="某区应急管理局", slug="yjj", code="000014349")
    Channel.objects.create(agency=agency, name="政府门户网站", kind="portal")
    make_staff(agency, Role.REVIEWER, username="reviewer1")
    _login(phone_page, "reviewer1")
    phone_page.select_option("#id_agency", label="某区应急管理局")
    phone_page.set_input_files("#id_file", old_catalog(tmp_path / "old.csv", 20))
    phone_page.click("input[value='上传并校验']")
    phone_page.wait_for_selector("text=主题分类映射")
    width = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1]
    select = phone_page.locator(".import-map select").first.bounding_box()
    assert select["x"] >= 0 and select["x"] + select["width"] <= 390
