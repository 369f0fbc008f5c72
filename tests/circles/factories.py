"""Plain factories for Circles, and one row of each kind for the isolation test."""

from django_scopes import scope

from roundtable.circles import actions
from roundtable.circles.models import CircleMember
from roundtable.ecosystem import actions as directory
from tests.ecosystem.factories import make_partner


def make_person(workspace, organization, first, last="", email=""):
    return directory.save_person(
        workspace, organization=organization, first_name=first, last_name=last, email=email
    )


def make_circle(workspace, owner, name="D2C Shopify EMEA", people=(), **fields):
    fields.setdefault("host", owner)
    return actions.create_circle(
        workspace, created_by=owner, name=name, people=list(people), **fields
    )


def member_of(circle, person) -> CircleMember:
    with scope(workspace=circle.workspace):
        return CircleMember.objects.current().get(circle=circle, person=person)


def populate_workspace(workspace, owner):
    """A Circle with one invited member: a Circle, a member and an invitation."""
    partner = make_partner(
        workspace, f"{workspace.name} Circle Partner", f"circle-{workspace.slug}.example"
    )
    person = make_person(
        workspace, partner, "Cora", "Circle", f"cora@circle-{workspace.slug}.example"
    )
    circle = make_circle(workspace, owner, name=f"{workspace.name} Circle", people=[person])
    issued = actions.invite(member_of(circle, person), inviter=owner)
    return circle, issued
