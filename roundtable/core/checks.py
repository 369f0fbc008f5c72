"""System checks of our own settings, run by `roundtable check --deploy` like Django's."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Emailed links (invitations, password resets) are built from SITE_URL: in production it
    must be the public https address, or every link points at a developer's machine."""
    url = urlsplit(settings.SITE_URL)
    if url.scheme == "https" and url.hostname not in (None, "127.0.0.1", "localhost", "::1"):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: emailed links would point there.",
            hint="Set SITE_URL to the public https address, e.g. https://roundtable.example.com.",
            id="roundtable.W001",
        )
    ]
