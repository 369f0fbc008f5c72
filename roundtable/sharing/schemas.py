"""API shapes of populations, overlap matrices, overlapping records, connections and sharing.
Everything another workspace sends is shaped by roundtable.sharing.policy before it gets here."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from roundtable.ecosystem.schemas import Input, UuidText
from roundtable.sharing.choices import Level


class PopulationOut(Schema):
    uuid: UUID
    name: str
    kind: str
    status: str
    countries: list[str]
    industry: str
    min_amount: float | None
    description: str


class PopulationIn(Input):
    name: str = Field(..., min_length=1, max_length=120)
    status: Literal["", "customer", "prospect", "opportunity"] = Field("", description="Blank: any")
    countries: list[str] = Field(default_factory=list, max_length=100, description="ISO codes")
    industry: str = Field("", max_length=120, description="contains, any case")
    min_amount: float = Field(None, ge=0, description="Amount at least (blank: any)")


class PrivateIn(Schema):
    accounts: list[UuidText] = Field(..., max_length=10000, description="Account uuids")
    private: bool = True


class PrivateOut(Schema):
    changed: int


class CounterpartOut(Schema):
    uuid: UUID
    name: str
    kind: str = Field(description="partner (accounts we uploaded) or connection")


class HeadlineOut(CounterpartOut):
    """A counterpart with its headline figures, each as its matrix may show it."""

    customers_in_common: str = Field(description="our customers that are their customers")
    deals_with_their_customers: str = Field(description="our open deals with their customers")
    potential_revenue: float | None = Field(description="what those deals are worth")
    computed_at: datetime | None


class PopulationRef(Schema):
    uuid: UUID
    name: str


class ColumnOut(Schema):
    uuid: UUID
    name: str
    level: Level
    fields: list[str]


class CellOut(Schema):
    ours: UUID
    theirs: UUID
    text: str = Field(description="What the page shows: a count, 'fewer than N' or '…'")
    count: int | None = Field(description="Null when the number may not be shown")
    openable: bool = Field(description="Whether the overlapping records can be listed")


class MatrixOut(Schema):
    other: CounterpartOut
    rows: list[PopulationRef]
    columns: list[ColumnOut]
    cells: list[CellOut]
    hidden: int = Field(description="Their populations not shared with us")
    min_count: int | None
    computed_at: datetime | None
    pending: bool
    potential_revenue: float | None


class RecordOut(Schema):
    ours: dict[str, str | None]
    theirs: list[dict[str, str | None]]


class RecordsOut(Schema):
    total: int
    fields: list[str]
    items: list[RecordOut]


class ConnectionOut(Schema):
    uuid: UUID
    other: str
    other_domain: str
    direction: str = Field(description="sent or received")
    state: str = Field(description="pending, accepted, declined, revoked or expired")
    message: str
    created_at: datetime
    expires_at: datetime


class ConnectionIn(Input):
    domain: str = Field(..., min_length=1, max_length=253, description="The other company's domain")
    message: str = Field("", max_length=500)


class LinkIn(Input):
    message: str = Field("", max_length=500)


class LinkOut(Schema):
    connection: ConnectionOut
    url: str = Field(description="The invitation link: shown once")


class ShareIn(Input):
    population: UuidText
    level: Level
    fields: list[str] = Field(default_factory=list, max_length=20)


class ShareOut(Schema):
    population: UUID
    name: str
    level: Level
    fields: list[str]


class SettingsIn(Schema):
    min_count: int = Field(..., ge=1, le=100)


class SettingsOut(Schema):
    min_count: int


class RequestMoreOut(Schema):
    hidden: int
