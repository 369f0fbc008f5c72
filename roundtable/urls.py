from django.contrib import admin
from django.urls import include, path
from ninja.openapi.views import openapi_view

from roundtable.api import api
from roundtable.circles import urls as circles_urls
from roundtable.ecosystem import urls as ecosystem_urls
from roundtable.imports import urls as imports_urls
from roundtable.mapping import urls as mapping_urls
from roundtable.sharing import urls as sharing_urls
from roundtable.web import urls as web_urls
from roundtable.workspaces import urls as workspace_urls

# Everything a workspace owns lives under /w/<ws>/; TenancyMiddleware resolves <ws>.
workspace_patterns = [
    *web_urls.workspace_urlpatterns,
    path("settings/", include(workspace_urls.workspace_urlpatterns)),
    *ecosystem_urls.workspace_urlpatterns,
    path("imports/", include(imports_urls.workspace_urlpatterns)),
    path("mapping/", include(mapping_urls.workspace_urlpatterns)),
    path("circles/", include(circles_urls.workspace_urlpatterns)),
    path("overlaps/", include(sharing_urls.workspace_urlpatterns)),
]

urlpatterns = [
    *web_urls.urlpatterns,
    *workspace_urls.urlpatterns,
    *circles_urls.urlpatterns,
    *sharing_urls.urlpatterns,
    path("w/<slug:ws>/", include(workspace_patterns)),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("api/docs", openapi_view, {"api": api}, name="api_docs"),
    path("admin/", admin.site.urls),
]

# Unknown paths and unreadable requests under /api/ answer in the API's JSON error format.
handler404 = "roundtable.web.views.not_found"
handler400 = "roundtable.web.views.bad_request_here"
