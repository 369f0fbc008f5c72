# Mounted under /w/<ws>/imports/ by roundtable/urls.py.
workspace_urlpatterns: list = []
