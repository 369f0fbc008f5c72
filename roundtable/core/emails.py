"""Every email leaves through here: rendered now, recorded, delivered by the task queue."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from roundtable.core.models import OutboundEmail


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` into subject and bodies."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
    subject = " ".join(subject.splitlines())
    text = render_to_string(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    return subject, text, html


def queue_message(
    message: EmailMultiAlternatives, *, workspace=None, kind: str = ""
) -> OutboundEmail:
    """Record a rendered message and hand its delivery to the task queue."""
    from roundtable.core.tasks import deliver_email

    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    attachments = [
        {"filename": name, "content": content, "mimetype": mimetype}
        for name, content, mimetype in message.attachments
        if isinstance(content, str)
    ]
    email = OutboundEmail.objects.create(
        workspace=workspace,
        kind=kind,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        reply_to=list(message.reply_to),
        headers=dict(message.extra_headers),
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        attachments=attachments,
    )
    deliver_email.enqueue(str(email.uuid))
    return email


def queue_email(
    *,
    to: list[str],
    template_prefix: str,
    context: dict,
    workspace=None,
    kind: str = "",
    reply_to: list[str] | None = None,
    from_email: str | None = None,
    headers: dict | None = None,
) -> OutboundEmail:
    subject, text, html = render_email(template_prefix, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or [],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return queue_message(message, workspace=workspace, kind=kind)


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        reply_to=email.reply_to,
        headers=email.headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message
