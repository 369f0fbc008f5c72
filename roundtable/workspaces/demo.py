"""The demo workspace's company and teammates (other apps add partners, Circles, leads)."""

from django_scopes import scope

from roundtable.workspaces import actions
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User, Workspace

DEMO_SLUG = "demo"
DEMO_OWNER = "owner@demo.example"
DEMO_PASSWORD = "roundtable-demo"  # noqa: S105  (published in the README on purpose)

TEAMMATES = [
    ("Olivia Owner", DEMO_OWNER, Role.OWNER),
    ("Adam Admin", "admin@demo.example", Role.ADMIN),
    ("Priya Partner", "priya@demo.example", Role.PARTNER_MANAGER),
    ("Sam Sales", "sam@demo.example", Role.SALES),
    ("Cara Success", "cara@demo.example", Role.CUSTOMER_SUCCESS),
]


def load_workspace(password: str = DEMO_PASSWORD) -> Workspace:
    """Create or refresh the demo company and its teammates; every run ends in the same state."""
    users = {}
    for name, email, _role in TEAMMATES:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, name=name)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        actions._mark_email_verified(user)
        users[email] = user
    workspace = Workspace.objects.filter(slug=DEMO_SLUG).first()
    if workspace is None:
        workspace = actions.create_workspace(
            name="Northwind Commerce",
            domain="northwind-commerce.example",
            slug=DEMO_SLUG,
            owner=users[DEMO_OWNER],
        )
    with scope(workspace=workspace):
        for _name, email, role in TEAMMATES:
            Membership.objects.update_or_create(
                workspace=workspace, user=users[email], defaults={"role": role}
            )
    return workspace
