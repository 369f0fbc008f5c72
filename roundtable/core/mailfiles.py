"""Development email backend: one .eml file per message under var/mail/, its path in the log."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger("roundtable.mail")


class LoggingFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = folder / f"{stamp}.eml"
            path.write_bytes(message.message().as_bytes())
            logger.info("Email to %s written to %s", ", ".join(message.to), path)
        return len(email_messages)
