from django.urls import path

from roundtable.mapping import views

# Mounted under /w/<ws>/mapping/ by roundtable/urls.py.
workspace_urlpatterns = [
    path("", views.mapping, name="mapping"),
    path("runs/<uuid:run>/", views.run_detail, name="mapping_run"),
    path("runs/<uuid:run>/export.csv", views.run_export, name="mapping_run_export"),
    path("runs/<uuid:run>/pairs/<uuid:pair>/decide", views.decide_pair, name="mapping_decide"),
    path("aliases/", views.aliases, name="mapping_aliases"),
    path("aliases/<uuid:alias>/delete", views.delete_alias, name="mapping_alias_delete"),
]
