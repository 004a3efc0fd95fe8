from django.conf import settings
from django.utils.functional import SimpleLazyObject

from agencies.models import Agency


def site(request):
    """The site's own body (the district, or the single agency) for the header and footer."""
    return {
        "site_agency": SimpleLazyObject(lambda: Agency.objects.roots().first()),
        "demo_mode": settings.DEMO_MODE,
    }
