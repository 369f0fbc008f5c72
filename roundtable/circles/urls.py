from django.urls import path

from roundtable.circles import views

# Mounted under /w/<ws>/circles/ by roundtable/urls.py; the list page keeps the name "circles".
workspace_urlpatterns: list = [
    path("", views.circle_list, name="circles"),
    path("export.csv", views.circle_export, name="circles_export"),
    path("new/", views.circle_new, name="circle_new"),
    path("<uuid:circle>/", views.circle_detail, name="circle_detail"),
    path("<uuid:circle>/edit/", views.circle_edit, name="circle_edit"),
    path("<uuid:circle>/sheet.csv", views.circle_sheet_export, name="circle_sheet_export"),
    path("<uuid:circle>/invite/", views.circle_invite, name="circle_invite"),
    path("<uuid:circle>/members/add/", views.member_add, name="circle_member_add"),
    path(
        "<uuid:circle>/members/<uuid:member>/invite/",
        views.member_invite,
        name="circle_member_invite",
    ),
    path(
        "<uuid:circle>/members/<uuid:member>/replace/",
        views.member_replace,
        name="circle_member_replace",
    ),
    path(
        "<uuid:circle>/members/<uuid:member>/remove/",
        views.member_remove,
        name="circle_member_remove",
    ),
    path(
        "<uuid:circle>/members/<uuid:member>/role/",
        views.member_role,
        name="circle_member_role",
    ),
    path(
        "<uuid:circle>/invitations/<uuid:invitation>/resend/",
        views.invitation_resend,
        name="circle_invitation_resend",
    ),
]
# Outside any workspace: the personal accept / decline link of a Circle invitation.
urlpatterns: list = [
    path("circles/invitations/<str:token>/", views.invitation_answer, name="circle_invitation"),
]
