from django.dispatch import receiver

from roundtable.core.signals import accounts_changed


@receiver(accounts_changed, dispatch_uid="sharing-accounts-changed")
def refresh_after_import(sender, workspace, owner, **kwargs):
    from roundtable.sharing.actions import accounts_changed_for

    accounts_changed_for(workspace, owner)
