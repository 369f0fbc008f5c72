from roundtable.workspaces.models import Workspace

SECTIONS = [
    ("dashboard", "Dashboard"),
    ("partners", "Partners"),
    ("mapping", "Mapping"),
    ("overlaps", "Overlaps"),
    ("imports", "Imports"),
    ("circles", "Circles"),
    ("leads", "Leads"),
    ("settings", "Settings"),
]


def navigation(request):
    workspace = getattr(request, "workspace", None)
    if workspace is None or not request.user.is_authenticated:
        return {}
    membership = request.membership
    sections = [
        (name, label) for name, label in SECTIONS if not membership.is_guest or name in {"circles"}
    ]
    return {
        "workspace": workspace,
        "membership": membership,
        "nav_sections": sections,
        "nav_current": getattr(request.resolver_match, "url_name", ""),
        "my_workspaces": Workspace.objects.of_user(request.user).only("name", "slug"),
    }
