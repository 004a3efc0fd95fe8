"""Public pages of the annual reports: archive, the published report (HTML, JSON, CSV).

Published pages read the frozen snapshot only, never the records: one query per page.
"""

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import Max, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from accounts import spreadsheets
from disclosure.models import ItemStatus
from reports.documents import csv_rows, document_context, json_document
from reports.models import AnnualReport, ReportStatus, ReportVersion


@dataclass
class ArchiveEntry:
    """One year of an agency in the archive: a published report, or only its catalog item."""

    year: int
    url: str
    covers_units: bool = False
    number: int = 1
    catalog_only: bool = False
    published_on: date | None = None


def archive(request):
    """Every year an agency has a report for, newest first. One query.

    A report published here links to its current version; a report published only as a
    catalog item (the platform does not hold its text yet) links to that item and says so.
    """
    reports = (
        AnnualReport.objects.filter(
            Q(status=ReportStatus.PUBLISHED)
            | Q(status=ReportStatus.DRAFT, catalog_item__status=ItemStatus.PUBLISHED)
        )
        .annotate(latest=Max("versions__number"))
        .select_related("agency", "catalog_item")
        .only(
            "year",
            "covers_units",
            "status",
            "agency__name",
            "agency__slug",
            "agency__sort_order",
            "catalog_item__published_date",
        )
        .order_by("agency__sort_order", "agency_id", "-year")
    )
    agencies = []
    for agency, rows in groupby(reports, key=lambda report: report.agency):
        entries = []
        for report in rows:
            if report.status == ReportStatus.PUBLISHED:
                entries.append(
                    ArchiveEntry(
                        year=report.year,
                        covers_units=report.covers_units,
                        number=report.latest,
                        url=reverse("reports:detail", args=[agency.slug, report.year]),
                    )
                )
            else:
                entries.append(
                    ArchiveEntry(
                        year=report.year,
                        covers_units=report.covers_units,
                        catalog_only=True,
                        url=report.catalog_item.get_absolute_url(),
                        published_on=report.catalog_item.published_date,
                    )
                )
        agencies.append((agency, entries))
    return render(
        request, "reports/annualreport_list.html", {"agencies": agencies, "nav": "reports"}
    )


def _versions(slug, year):
    versions = list(
        ReportVersion.objects.filter(report__agency__slug=slug, report__year=year).order_by(
            "number"
        )
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
    context.update(
        {
            "version": version,
            "versions": versions,
            "latest": versions[-1],
            "nav": "reports",
            "json_url": f"/reports/{slug}/{year}.json",
            "csv_url": f"/reports/{slug}/{year}.csv",
        }
    )
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
    writer = spreadsheets.writer(response)
    for row in csv_rows(version.snapshot):
        writer.writerow(row)
    return response
