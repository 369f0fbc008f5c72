import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from roundtable.workspaces.demo import DEMO_OWNER, DEMO_PASSWORD, DEMO_SLUG
from roundtable.workspaces.models import Workspace


class Command(BaseCommand):
    help = "Run the web server and one background task worker together (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--noreload", action="store_true", help="do not reload on code changes")

    def handle(self, *args, host, port, noreload, **options):
        # The autoreloader re-runs this command in a child process (RUN_MAIN=true): only the
        # first process starts the worker, so there is exactly one.
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen(  # noqa: S603  (our own interpreter and command)
                [sys.executable, "-m", "roundtable.cli", "db_worker", "--no-startup-delay"]
            )
            url = f"http://{host}:{port}/"
            self.stdout.write(self.style.SUCCESS(f"Roundtable is starting on {url}"))
            if Workspace.objects.filter(slug=DEMO_SLUG).exists():
                self.stdout.write(f"Demo login: {DEMO_OWNER} / {DEMO_PASSWORD}")
            self.stdout.write("A task worker runs beside it. Press Ctrl-C to stop both.")
        # `kill` (SIGTERM) must stop the worker too, not only Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=not noreload)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
