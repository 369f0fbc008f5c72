import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from roundtable.core.emails import queue_email
from roundtable.core.models import OutboundEmail
from roundtable.core.tasks import retry_delay
from roundtable.workspaces import actions
from roundtable.workspaces.choices import Role
from tests.mail import text_of

pytestmark = pytest.mark.django_db


def test_a_temporary_smtp_refusal_is_retried_until_the_message_goes_through(cast, mailbox):
    mailbox.refuse_next = 2

    # The immediate test backend retries at once; the database queue backs off (retry_delay).
    actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.SALES, inviter=cast.alice
    )

    assert mailbox.wait_for("nora@acme.example")
    with scopes_disabled():
        sent = OutboundEmail.objects.get()
    assert (sent.status, sent.attempts, sent.last_error) == (OutboundEmail.Status.SENT, 3, "")


def test_a_lasting_refusal_gives_up_after_the_last_attempt_and_keeps_the_error(
    cast, mailbox, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 4
    mailbox.refuse = True

    actions.invite_teammate(
        cast.acme, email="nora@acme.example", role=Role.SALES, inviter=cast.alice
    )

    with scopes_disabled():
        failed = OutboundEmail.objects.get()
    assert (failed.status, failed.attempts, mailbox.refused) == (OutboundEmail.Status.FAILED, 4, 4)
    assert "451" in failed.last_error
    assert not mailbox.messages


def test_backoff_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


# The worker closes database connections between tasks, as it must in production: that needs
# real transactions rather than the test's wrapping one.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers_queued_email(mailbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    email = queue_email(
        to=["ops@acme.example"],
        template_prefix="workspaces/email/invitation",
        context={
            "inviter": type("U", (), {"display_name": "Ops", "email": "ops@acme.example"})(),
            "workspace": {"name": "Acme"},
            "url": "http://testserver/x",
            "role": "Sales",
            "ttl_days": 14,
        },
    )
    assert not mailbox.messages  # queued, not sent: the web request does not wait for SMTP

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    message = mailbox.wait_for("ops@acme.example")
    assert "http://testserver/x" in text_of(message)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
