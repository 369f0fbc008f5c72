from datetime import datetime
from uuid import UUID

from ninja import Schema


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class ImportJobOut(Schema):
    uuid: UUID
    kind: str
    filename: str
    status: str
    source_format: str
    encoding: str
    headers: list[str]
    mapping: dict[str, str]
    dry_run: bool
    total_rows: int
    processed_rows: int
    percent: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    problem_count: int
    problems: list[ProblemOut]
    message: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_created(job) -> int:
        return job.created_count

    @staticmethod
    def resolve_updated(job) -> int:
        return job.updated_count

    @staticmethod
    def resolve_unchanged(job) -> int:
        return job.unchanged_count

    @staticmethod
    def resolve_skipped(job) -> int:
        return job.skipped_count
