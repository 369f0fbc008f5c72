"""One helper per mapping object: the object of the current workspace, or 404."""

from django.shortcuts import get_object_or_404

from roundtable.mapping.models import DomainAlias, MappingPair, MappingRun


def get_run(request, uuid) -> MappingRun:
    return get_object_or_404(MappingRun.objects.select_related("workspace"), uuid=uuid)


def get_pair(request, run: MappingRun, uuid) -> MappingPair:
    return get_object_or_404(MappingPair.objects.select_related("workspace"), run=run, uuid=uuid)


def get_alias(request, uuid) -> DomainAlias:
    return get_object_or_404(DomainAlias.objects.select_related("workspace"), uuid=uuid)
