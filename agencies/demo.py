"""Demo data: the agency of the 2017 reference report, under its district.

Everything created here is marked as demo data (``is_demo``); running it twice changes nothing.
``seed_demo`` runs each app's ``demo.seed(ctx)`` in the order of INSTALLED_APPS, this one first.
"""

from agencies.models import Agency, AgencyKind

# The remedy clause of the notices names these: since the 2023 行政复议法 (in force 2024-01-01) a
# county department's reconsideration body is the county people's government.
NOTICE_SETTINGS = {
    "reconsideration_body": "吴忠市利通区人民政府",
    "litigation_court": "吴忠市利通区人民法院",
    "notice_number_pattern": "吴利安公开〔{year}〕第{seq}号",
}


def seed(ctx):
    district, _ = Agency.objects.get_or_create(
        slug="ltq",
        defaults={
            "name": "吴忠市利通区人民政府",
            "short_name": "利通区政府",
            "code": "11640302MB0000001A",
            "ogi_office": "利通区人民政府办公室",
            "address": "宁夏回族自治区吴忠市利通区",
            "phone": "0953-2000000",
            "sort_order": 1,
            "is_demo": True,
            "kind": AgencyKind.GOVERNMENT,
        },
    )
    agency, _ = Agency.objects.get_or_create(
        slug="ltq-ajj",
        defaults={
            "name": "吴忠市利通区安全生产监督管理局",
            "short_name": "利通区安监局",
            "code": "11640302MB0000002B",
            "parent": district,
            "ogi_office": "利通区安全生产监督管理局办公室",
            "address": "宁夏回族自治区吴忠市利通区",
            "postcode": "751100",
            "phone": "0953-2666295",
            "email": "ltqaqjdj@126.com",
            "guide_notes": "本局设立了政府信息公开查阅点，公众可在办公时间到局办公室查阅已公开的政府信息。",
            "sort_order": 10,
            "is_demo": True,
            **NOTICE_SETTINGS,
        },
    )
    # A demo agency created before these settings existed gets them too (only where empty).
    Agency.objects.filter(pk=agency.pk, reconsideration_body="").update(**NOTICE_SETTINGS)
    agency.refresh_from_db()
    ctx.district, ctx.agency = district, agency
