"""One helper per Circle object: the object the current seat may see, or 404.

Guests (partner people invited into a Circle) reach only the Circles they are active members
of: every page and API handler that names a Circle goes through `get_circle`, so another
Circle answers 404 exactly like one that never existed.
"""

from django.shortcuts import get_object_or_404

from roundtable.circles.models import Circle, CircleInvitation, CircleMember


def visible_circles(request):
    return Circle.objects.visible_to(request.membership)


def visible_cursor(request, uuid):
    """A list page's cursor, or None (the first page) when it names a Circle the reader may not
    see: the pager finds its row among all Circles, so a hidden Circle would still move a
    guest's page and tell them it exists."""
    if uuid is None or not request.membership.is_guest:
        return uuid
    return uuid if visible_circles(request).filter(uuid=uuid).exists() else None


def get_circle(request, uuid) -> Circle:
    return get_object_or_404(
        visible_circles(request).select_related("workspace", "core_partner", "host"), uuid=uuid
    )


def get_member(request, circle: Circle, uuid) -> CircleMember:
    return get_object_or_404(
        CircleMember.objects.select_related(
            "workspace", "circle__workspace", "person__organization", "user"
        ),
        circle=circle,
        uuid=uuid,
    )


def get_invitation(request, circle: Circle, uuid) -> CircleInvitation:
    return get_object_or_404(
        CircleInvitation.objects.select_related(
            "workspace", "circle__workspace", "circle__host", "member__person"
        ),
        circle=circle,
        uuid=uuid,
    )
