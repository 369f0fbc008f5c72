"""Tenancy by construction: each request runs inside the scope of exactly one workspace.

Workspace pages live under /w/<ws>/…; the middleware resolves the slug, checks the signed-in
user's seat (on every request, so a removed teammate loses access at once) and runs the view
inside `scope(workspace=…)`, where queries of workspace-owned models are filtered to that
workspace and raise outside of it. API requests are scoped to their token's workspace.
Guests reach only views marked `@guest_allowed`; any other page answers them 404, as an object
they may not see does, so a guest cannot tell a page that is closed to them from one that does
not exist (a teammate whose role lacks a permission still gets 403 from the view).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from roundtable.workspaces.actions import authenticate_token
from roundtable.workspaces.models import Membership, Workspace

WORKSPACE_KWARG = "ws"


def guest_allowed(view):
    """Mark a workspace view that guests (people invited to a Circle) may open."""
    view.guest_allowed = True
    return view


def bearer_token(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


class TenancyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.workspace = None
        request.membership = None
        request.api_token = None
        if request.path_info.startswith("/api/"):
            return self._api_request(request)
        if request.path_info.startswith("/admin/"):
            # Site staff only (Django's admin checks is_staff); they see across tenants.
            with scopes_disabled():
                return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get(WORKSPACE_KWARG)
        if slug is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise Http404("No such workspace.")
        with scope(workspace=workspace):
            membership = Membership.objects.select_related("user").filter(user=request.user).first()
            if membership is None:
                raise Http404("No such workspace.")
            request.workspace = workspace
            request.membership = membership
            request.session["last_workspace"] = workspace.slug
            return self._scoped(self.get_response(request), workspace)

    def _api_request(self, request):
        authenticated = authenticate_token(bearer_token(request))
        if authenticated is None:
            # No scope: ninja's auth answers 401 before any handler runs.
            return self.get_response(request)
        token, membership = authenticated
        request.api_token = token
        request.membership = membership
        request.workspace = token.workspace
        request.user = token.user
        with scope(workspace=token.workspace):
            return self._scoped(self.get_response(request), token.workspace)

    @staticmethod
    def _scoped(response, workspace):
        """Streaming responses (CSV exports) run their queries after the view returns."""
        if getattr(response, "streaming", False):
            content = response.streaming_content

            def in_scope():
                with scope(workspace=workspace):
                    yield from content

            response.streaming_content = in_scope()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if WORKSPACE_KWARG not in view_kwargs:
            return
        # The middleware has resolved the slug into request.workspace; views never see it.
        view_kwargs.pop(WORKSPACE_KWARG)
        membership = request.membership
        if (
            membership is not None
            and membership.is_guest
            and not getattr(view_func, "guest_allowed", False)
        ):
            raise Http404("Guests can open only the Circles they were invited to.")
        return
