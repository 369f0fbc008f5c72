from django.urls import path  # noqa: F401

# Mounted under /w/<ws>/ by roundtable/urls.py.
# Directory pages (organizations, people, tags, partnerships, export) — views/directory.py.
directory_urlpatterns: list = []
# Konnections, candidate finder, ecosystem map — views/konnections.py.
konnections_urlpatterns: list = []

workspace_urlpatterns = [*directory_urlpatterns, *konnections_urlpatterns]
