from django_tasks import task

from roundtable.imports.actions import execute_job


@task()
def run_import_job(job_uuid: str) -> str:
    return execute_job(job_uuid)
