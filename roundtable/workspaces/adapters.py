from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from roundtable.core.emails import queue_message


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account emails (password reset, address confirmation) go through the task queue."""
        message = self.render_mail(template_prefix, email, context)
        queue_message(message, kind=template_prefix.rsplit("/", 1)[-1])

    def is_open_for_signup(self, request):
        return settings.SIGNUP_OPEN

    def get_login_redirect_url(self, request):
        return reverse("home")
