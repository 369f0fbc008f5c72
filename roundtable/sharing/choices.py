from django.db import models

from roundtable.mapping.models import AccountStatus


class Level(models.TextChoices):
    """What one side sends about one population over one connection."""

    HIDDEN = "hidden", "Hidden (nothing, not even counts)"
    COUNTS = "counts", "Counts only"
    RECORDS = "records", "Overlapping records"


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Connected"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"


# The fields of an overlapping record a side may choose to send; name is always among them.
SHAREABLE_FIELDS = {
    "name": "Name",
    "domain": "Domain",
    "owner": "Owner (salesperson)",
    "status": "Status",
    "country": "Country",
    "industry": "Industry",
    "amount": "Amount",
}
DEFAULT_FIELDS = ["name", "domain", "status"]

# The standard three populations, derived from the imported status, in this order.
STANDARD_POPULATIONS = [
    (AccountStatus.CUSTOMER, "Customers"),
    (AccountStatus.PROSPECT, "Prospects"),
    (AccountStatus.OPPORTUNITY, "Open opportunities"),
]

# Audit actions of this app (the audit log shows the raw value when it has no label).
AUDIT_CONNECTION_REQUESTED = "connection.requested"
AUDIT_CONNECTION_ACCEPTED = "connection.accepted"
AUDIT_CONNECTION_DECLINED = "connection.declined"
AUDIT_CONNECTION_REVOKED = "connection.revoked"
AUDIT_SHARING_CHANGED = "sharing.changed"
AUDIT_SHARING_MORE_REQUESTED = "sharing.more_requested"
AUDIT_RECORDS_VIEWED = "overlap.records_viewed"
AUDIT_EXPORTED = "overlap.exported"
AUDIT_PRIVATE_CHANGED = "accounts.private_changed"
AUDIT_POPULATION_CHANGED = "population.changed"
AUDIT_MIN_COUNT_CHANGED = "sharing.min_count_changed"

DEFAULT_MIN_COUNT = 3
