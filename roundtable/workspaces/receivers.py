"""Sign-ins, sign-outs and password resets go to the audit log of every workspace involved."""

from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from roundtable.workspaces.actions import record
from roundtable.workspaces.choices import AuditAction
from roundtable.workspaces.models import User, Workspace


def _record_for_user(user, action, request, data=None):
    for workspace in Workspace.objects.of_user(user):
        record(workspace, action, actor=user, target=user.email, request=request, data=data)


@receiver(user_logged_in)
def on_signed_in(sender, request, user, **kwargs):
    _record_for_user(user, AuditAction.SIGNED_IN, request)


@receiver(user_logged_out)
def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        _record_for_user(user, AuditAction.SIGNED_OUT, request)


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        _record_for_user(user, AuditAction.SIGN_IN_FAILED, request)


@receiver(password_reset)
def on_password_reset(sender, request, user, **kwargs):
    _record_for_user(user, AuditAction.PASSWORD_RESET, request)
