"""Circle pieces other apps' pages show without importing Circles: `{% load circles %}`.

The organization page (ecosystem) lists the Circles its people are in through this tag, so the
dependency stays one way (circles → ecosystem) in Python code.
"""

from django import template

from roundtable.circles.models import CircleMember

register = template.Library()


@register.inclusion_tag("circles/partials/organization_circles.html", takes_context=True)
def circles_of_organization(context, organization):
    """The current Circle seats of `organization`'s people, by Circle."""
    seats = (
        CircleMember.objects.current()
        .filter(person__organization=organization)
        .select_related("circle", "person")
        .order_by("circle__name", "name", "id")
    )
    return {
        "organization": organization,
        "seats": list(seats),
        "workspace": context.get("workspace"),
    }
