from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.defaults import bad_request, page_not_found
from django_tasks_db.models import DBTaskResult

from roundtable.workspaces.middleware import guest_allowed
from roundtable.workspaces.models import Invitation, Membership, Workspace


def home(request):
    """Signed in: the last workspace used, else the list. Signed out: the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    workspaces = Workspace.objects.of_user(request.user)
    last = request.session.get("last_workspace")
    if last and workspaces.filter(slug=last).exists():
        return redirect("dashboard", ws=last)
    if workspaces.count() == 1:
        return redirect("dashboard", ws=workspaces.get().slug)
    return redirect("workspace_list")


@guest_allowed
def dashboard(request):
    if request.membership.is_guest:
        return redirect("circles", ws=request.workspace.slug)
    context = {
        "teammate_count": Membership.objects.count(),
        "pending_invitations": Invitation.objects.pending().count(),
    }
    return render(request, "web/dashboard.html", context)


def section(template: str):
    """A section whose capability lands with a later release: the page says what it will hold."""

    def view(request):
        return render(request, template)

    return view


@never_cache
def healthz(request):
    """Database and task-queue health for load balancers and monitors: 200 or 503."""
    checks = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any database failure makes the service unhealthy
        healthy = False
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    if checks["database"]["ok"]:
        try:
            ready = DBTaskResult.objects.ready()
            oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
            waited = (timezone.now() - oldest).total_seconds() if oldest else 0.0
            queue_ok = waited <= settings.TASK_QUEUE_MAX_WAIT_SECONDS
            checks["tasks"] = {
                "ok": queue_ok,
                "ready": ready.count(),
                "oldest_ready_seconds": round(waited, 1),
                "failed": DBTaskResult.objects.failed().count(),
            }
            if not queue_ok:
                checks["tasks"]["error"] = "tasks are waiting: is a `roundtable db_worker` running?"
            healthy = healthy and queue_ok
        except Exception as exc:  # a missing table means migrations did not run
            healthy = False
            checks["tasks"] = {"ok": False, "error": type(exc).__name__}
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )


def not_found(request, exception=None):
    """404 in the API's own format under /api/ (scripts parse `detail`), the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found: no such API route."}, status=404)
    return page_not_found(request, exception)


def bad_request_here(request, exception=None):
    """400 in the API's format under /api/ (e.g. more query parameters than Django accepts)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request: the request could not be read."}, status=400)
    return bad_request(request, exception)
