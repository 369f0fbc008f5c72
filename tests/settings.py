"""Test settings: the real settings with fast hashing and tasks run on the spot."""

from roundtable.settings import *  # noqa: F403

# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
# Tasks run when enqueued, in the same process: tests see their effect at once. One test drives
# the real database worker (tests/web/test_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Mail goes over real SMTP to the aiosmtpd server of the `mailbox` fixture, which sets the port.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = 1  # replaced per test run by the mailbox fixture
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 5
SITE_URL = "http://testserver"
WHITENOISE_AUTOREFRESH = True
LOGGING["loggers"]["mail.log"] = {"level": "WARNING"}  # noqa: F405  (aiosmtpd's chatter)
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}  # noqa: F405  (expected 4xx in tests)
