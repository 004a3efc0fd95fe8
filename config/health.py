from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config import routers


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers).

    With a read replica configured the answer also says whether it is in use; a replica that is
    down leaves the site working on the primary, so that is ``degraded``, still 200 (the load
    balancer must not take the app server out for it).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    if not routers.replica_configured():
        return JsonResponse({"status": "ok"})
    routers.replica_usable()  # tries the replica unless the breaker waits for its retry
    replica = routers.breaker.status()
    status = "ok" if replica["replica"] == "ok" else "degraded"
    return JsonResponse({"status": status, "database": "ok", **replica})
