from django.urls import path

from roundtable.imports import views

# Mounted under /w/<ws>/imports/ by roundtable/urls.py.
workspace_urlpatterns = [
    path("", views.imports, name="imports"),
    path("<uuid:job>/", views.import_job, name="imports_job"),
    path("<uuid:job>/resume/", views.resume_job, name="imports_job_resume"),
    path("<uuid:job>/problems.csv", views.job_problems, name="imports_job_problems"),
]
