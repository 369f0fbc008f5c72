from django.urls import path

from roundtable.sharing import views

# Mounted under /w/<ws>/overlaps/ by roundtable/urls.py.
workspace_urlpatterns = [
    path("", views.overview, name="overlaps"),
    path("populations/", views.populations, name="overlaps_populations"),
    path("populations/<uuid:population>/", views.population_edit, name="overlaps_population"),
    path(
        "populations/<uuid:population>/delete",
        views.population_delete,
        name="overlaps_population_delete",
    ),
    path("private/", views.private, name="overlaps_private"),
    path("connections/", views.connections, name="overlaps_connections"),
    path("connections/<uuid:connection>/", views.connection_detail, name="overlaps_connection"),
    path(
        "connections/<uuid:connection>/sharing",
        views.connection_share,
        name="overlaps_connection_share",
    ),
    path(
        "connections/<uuid:connection>/request-more",
        views.request_more,
        name="overlaps_request_more",
    ),
    *[
        path(
            f"connections/<uuid:connection>/{answer}",
            views.connection_answer,
            {"answer": answer},
            name=f"overlaps_connection_{answer}",
        )
        for answer in ("accept", "decline", "revoke")
    ],
    path("with/<uuid:other>/", views.matrix, name="overlaps_matrix"),
    path("with/<uuid:other>/export.csv", views.matrix_export, name="overlaps_matrix_export"),
    path("with/<uuid:other>/<uuid:ours>/<uuid:theirs>/", views.cell, name="overlaps_cell"),
    path(
        "with/<uuid:other>/<uuid:ours>/<uuid:theirs>/export.csv",
        views.cell_export,
        name="overlaps_cell_export",
    ),
]

# Outside any workspace: the invitation link carries a secret, not an object id.
urlpatterns = [
    path("connect/<str:token>/", views.connect, name="sharing_connect"),
]
