from django.shortcuts import get_object_or_404, render

from disclosure.models import Agency


def home(request):
    """The disclosure column (国办公开办函〔2019〕61号): guide, rules, catalog, reports, applications."""
    return render(request, "disclosure/home.html", {"agencies": Agency.objects.all()})


def guide_index(request):
    return render(
        request, "disclosure/agency_list.html",
        {"agencies": Agency.objects.all(), "title": "政府信息公开指南", "url_name": "disclosure:guide",
         "nav": "guide"},
    )


def guide(request, slug):
    agency = get_object_or_404(Agency.objects.select_related("parent"), slug=slug)
    return render(request, "disclosure/guide.html", {"agency": agency, "nav": "guide"})


def rules_index(request):
    return render(
        request, "disclosure/agency_list.html",
        {"agencies": Agency.objects.all(), "title": "政府信息公开制度", "url_name": "disclosure:rules",
         "nav": "rules"},
    )


def rules(request, slug):
    agency = get_object_or_404(Agency, slug=slug)
    return render(request, "disclosure/rules.html", {"agency": agency, "nav": "rules"})
