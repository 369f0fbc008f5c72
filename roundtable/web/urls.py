from django.urls import path

from roundtable.web import views

# Mounted under /w/<ws>/ by roundtable/urls.py.
workspace_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("leads/", views.section("web/leads.html"), name="leads"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
