from datetime import datetime
from uuid import UUID

from ninja import Schema

from roundtable.mapping.models import AccountStatus, Decision


class RunOut(Schema):
    uuid: UUID
    created_at: datetime
    kind: str
    left_label: str
    right_label: str
    fuzzy: bool
    left_rows: int
    right_rows: int
    left_matched: int
    right_matched: int
    left_unmatched: int
    right_unmatched: int
    pair_count: int
    by_method: dict[str, int]
    seconds: float


class AccountSetsIn(Schema):
    """Two stored populations: each an organization (by uuid) and optionally a status."""

    left_owner: UUID
    left_status: AccountStatus | None = None
    right_owner: UUID
    right_status: AccountStatus | None = None
    fuzzy: bool = True


class PairOut(Schema):
    uuid: UUID
    left_row: int
    right_row: int
    left_name: str
    right_name: str
    method: str
    score: float
    why: str


class PairPage(Schema):
    count: int
    items: list[PairOut]


class DecisionIn(Schema):
    decision: Decision


class DecisionOut(Schema):
    decision: Decision
    first_name: str
    second_name: str


class AliasIn(Schema):
    alias: str
    domain: str


class AliasOut(Schema):
    uuid: UUID
    alias: str
    domain: str
