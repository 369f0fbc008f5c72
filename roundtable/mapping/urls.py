# Mounted under /w/<ws>/mapping/ by roundtable/urls.py.
workspace_urlpatterns: list = []
