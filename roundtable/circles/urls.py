# Mounted under /w/<ws>/circles/ by roundtable/urls.py; the list page keeps the name "circles".
workspace_urlpatterns: list = []
# Outside any workspace: the personal accept/decline links of Circle invitations.
urlpatterns: list = []
