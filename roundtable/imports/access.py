from django.shortcuts import get_object_or_404

from roundtable.imports.models import ImportJob


def get_job(request, uuid) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("created_by", "workspace"), uuid=uuid)
