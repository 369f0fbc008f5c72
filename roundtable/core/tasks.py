import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone
from django_tasks import task

from roundtable.core.emails import build_message
from roundtable.core.models import OutboundEmail

logger = logging.getLogger("roundtable.mail")


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


@task()
def deliver_email(email_uuid: str) -> str:
    email = OutboundEmail.objects.filter(uuid=email_uuid).first()
    if email is None or email.status in {OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED}:
        return "skipped"
    email.attempts += 1
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([build_message(email)])
    except Exception as exc:  # SMTP errors, refused connections, timeouts: retry them all
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status", "updated_at"])
            logger.error("Email %s failed after %s attempts: %s", email.uuid, email.attempts, exc)
            return "failed"
        email.status = OutboundEmail.Status.RETRYING
        email.save(update_fields=["attempts", "last_error", "status", "updated_at"])
        retry = deliver_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + retry_delay(email.attempts))
        retry.enqueue(email_uuid)
        return "retrying"
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "last_error", "status", "sent_at", "updated_at"])
    return "sent"
