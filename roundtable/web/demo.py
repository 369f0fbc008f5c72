"""`roundtable demo`: each app contributes the part of the demo workspace it owns, in order."""

from django.db import transaction
from django_scopes import scopes_disabled

from roundtable.workspaces import demo as workspaces_demo


@transaction.atomic
def load_demo(password: str):
    with scopes_disabled():
        return workspaces_demo.load_workspace(password)
