from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from roundtable.imports.actions import resume_stalled_jobs
from roundtable.imports.models import ImportJob


class Command(BaseCommand):
    help = "Import jobs: `list` the recent ones, or `resume` those whose worker stopped."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "resume"])
        parser.add_argument("--workspace", help="only this workspace's jobs (list)")

    def handle(self, *args, action, workspace, **options):
        if action == "resume":
            count = resume_stalled_jobs()
            self.stdout.write(f"{count} stalled import job{'s' if count != 1 else ''} re-queued.")
            return
        with scopes_disabled():
            jobs = ImportJob.objects.select_related("workspace").order_by("-created_at")
            if workspace:
                jobs = jobs.filter(workspace__slug=workspace)
            for job in jobs[:50]:
                self.stdout.write(
                    f"{job.created_at:%Y-%m-%d %H:%M}  {job.workspace.slug:<20} {job.kind:<14} "
                    f"{job.status:<10} {job.rows_read:>9} rows  {job.filename}"
                )
