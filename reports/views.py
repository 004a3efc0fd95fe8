"""Public pages of the annual reports: archive, the published report (HTML, JSON, CSV).

Published pages read the frozen snapshot only, never the records: one query per page.
"""

import csv
from itertools import groupby

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from reports.documents import csv_rows, document_context, json_document
from reports.models import ReportVersion


def archive(request):
    """Every published report, by agency and year (the current version of each)."""
    versions = (
        ReportVersion.objects.current()
        .select_related("report__agency")
        .only("number", "published_at", "report__year", "report__covers_units",
              "report__agency__name", "report__agency__slug", "report__agency__sort_order")
        .order_by("report__agency__sort_order", "report__agency_id", "-report__year")
    )
    agencies = [
        (agency, list(rows)) for agency, rows in groupby(versions, key=lambda v: v.report.agency)
    ]
    return render(request, "reports/annualreport_list.html", {"agencies": agencies, "nav": "reports"})


def _versions(slug, year):
    versions = list(
        ReportVersion.objects.filter(report__agency__slug=slug, report__year=year).order_by("number")
    )
    if not versions:
        raise Http404("该机构该年度的报告尚未发布。")
    return versions


def _pick(versions, number=None):
    if number is None:
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise Http404("没有这个版本。")


def detail(request, slug, year, number=None):
    versions = _versions(slug, year)
    version = _pick(versions, number)
    context = document_context(version.snapshot)
    context.update({
        "version": version, "versions": versions, "latest": versions[-1], "nav": "reports",
        "json_url": f"/reports/{slug}/{year}.json", "csv_url": f"/reports/{slug}/{year}.csv",
    })
    return render(request, "reports/annualreport_detail.html", context)


def detail_json(request, slug, year):
    versions = _versions(slug, year)
    version = versions[-1]
    response = JsonResponse(
        json_document(version.snapshot, version=version, versions=versions),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def detail_csv(request, slug, year):
    version = _versions(slug, year)[-1]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{year}-annual-report.csv"'
    response.write("\ufeff")  # Excel on Windows needs the BOM to read UTF-8
    writer = csv.writer(response)
    for row in csv_rows(version.snapshot):
        writer.writerow(row)
    return response
