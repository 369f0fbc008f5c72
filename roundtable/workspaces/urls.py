from django.urls import path

from roundtable.workspaces import views

# Mounted under /w/<ws>/settings/ by roundtable/urls.py.
workspace_urlpatterns = [
    path("", views.settings_index, name="settings"),
    path("teammates/", views.teammates, name="teammates"),
    path("teammates/<uuid:member>/role/", views.change_role, name="member_role"),
    path("teammates/<uuid:member>/remove/", views.remove_member, name="member_remove"),
    path(
        "invitations/<uuid:invitation>/resend/",
        views.resend_invitation,
        name="invitation_resend",
    ),
    path(
        "invitations/<uuid:invitation>/revoke/",
        views.revoke_invitation,
        name="invitation_revoke",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:token>/revoke/", views.revoke_token, name="token_revoke"),
    path("audit/", views.audit_log, name="audit_log"),
]

urlpatterns = [
    path("workspaces/", views.workspace_list, name="workspace_list"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
