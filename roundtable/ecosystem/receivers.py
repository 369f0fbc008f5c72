from django.db.models.signals import post_save
from django.dispatch import receiver

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.workspaces.models import Workspace


@receiver(post_save, sender=Workspace)
def give_each_workspace_its_own_organization(sender, instance, created, **kwargs):
    if created:
        ensure_our_organization(instance)
