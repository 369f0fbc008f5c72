"""One helper per directory object: the object of the current workspace, or 404.

The scoped managers already limit every query to request.workspace, so another workspace's uuid
finds nothing and answers 404, exactly like a uuid that never existed.
"""

from django.shortcuts import get_object_or_404

from roundtable.ecosystem.models import Organization, Partnership, Person, Tag


def get_organization(request, uuid) -> Organization:
    return get_object_or_404(
        Organization.objects.select_related("workspace", "partner_manager"), uuid=uuid
    )


def get_person(request, uuid) -> Person:
    return get_object_or_404(Person.objects.select_related("workspace", "organization"), uuid=uuid)


def get_tag(request, uuid) -> Tag:
    return get_object_or_404(Tag.objects.select_related("workspace"), uuid=uuid)


def get_partnership(request, uuid) -> Partnership:
    return get_object_or_404(
        Partnership.objects.select_related("workspace", "org_a", "org_b"), uuid=uuid
    )
