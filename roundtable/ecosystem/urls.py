from django.urls import path

from roundtable.ecosystem.views import directory, konnections

# Mounted under /w/<ws>/ by roundtable/urls.py.
# Directory pages (organizations, people, tags, partnerships, export) — views/directory.py.
directory_urlpatterns: list = [
    path("partners/", directory.organization_list, name="partners"),
    path("partners/export.csv", directory.organization_export, name="partners_export"),
    path("partners/new/", directory.organization_create, name="partners_new"),
    path("partners/<uuid:org>/", directory.organization_detail, name="partners_organization"),
    path("partners/<uuid:org>/edit/", directory.organization_edit, name="partners_edit"),
    path("partners/<uuid:org>/delete/", directory.organization_delete, name="partners_delete"),
    path("partners/<uuid:org>/tags/", directory.organization_tag_add, name="partners_tag_add"),
    path(
        "partners/<uuid:org>/tags/<uuid:tag>/remove/",
        directory.organization_tag_remove,
        name="partners_tag_remove",
    ),
    path("partners/<uuid:org>/people/", directory.organization_people, name="partners_people_of"),
    path("partners/<uuid:org>/people/new/", directory.person_create, name="partners_person_new"),
    path(
        "partners/<uuid:org>/partnerships/",
        directory.organization_partnerships,
        name="partners_partnerships",
    ),
    path(
        "partners/<uuid:org>/partnerships/<uuid:partnership>/remove/",
        directory.partnership_remove,
        name="partners_partnership_remove",
    ),
    path("people/", directory.people_list, name="partners_people"),
    path("people/export.csv", directory.people_export, name="partners_people_export"),
    path("people/<uuid:person>/edit/", directory.person_edit, name="partners_person_edit"),
    path("people/<uuid:person>/delete/", directory.person_delete, name="partners_person_delete"),
    path("tags/", directory.tag_list, name="partners_tags"),
    path("tags/<uuid:tag>/rename/", directory.tag_rename, name="partners_tag_rename"),
    path("tags/<uuid:tag>/delete/", directory.tag_delete, name="partners_tag_delete"),
]
# Konnections, candidate finder, ecosystem map — views/konnections.py.
konnections_urlpatterns: list = [
    path(
        "partners/<uuid:org>/konnections/",
        konnections.konnections,
        name="partners_konnections",
    ),
    path(
        "partners/<uuid:org>/konnections/export.csv",
        konnections.konnections_export,
        name="partners_konnections_export",
    ),
    path(
        "partners/<uuid:org>/mutual/<uuid:other>/",
        konnections.mutual,
        name="partners_mutual",
    ),
    path("partners/candidates/", konnections.candidates, name="partners_candidates"),
    path(
        "partners/candidates/export.csv",
        konnections.candidates_export,
        name="partners_candidates_export",
    ),
    path("partners/map/", konnections.ecosystem_map, name="partners_map"),
    path("partners/map.svg", konnections.ecosystem_map_svg, name="partners_map_svg"),
]

workspace_urlpatterns = [*directory_urlpatterns, *konnections_urlpatterns]
