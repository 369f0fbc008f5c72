from django.conf import settings
from django.core.management.base import BaseCommand

from roundtable.web.demo import load_demo
from roundtable.workspaces.demo import DEMO_OWNER, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load (or refresh) the demo workspace 'demo'. Safe to run again: it ends the same."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo users' password")

    def handle(self, *args, password, **options):
        workspace = load_demo(password)
        self.stdout.write(
            f"Demo workspace '{workspace.slug}' ({workspace.name}) is ready. "
            f"Sign in at {settings.SITE_URL}/ as {DEMO_OWNER} / {password}"
        )
