from django.db import models


class PurposeKind(models.TextChoices):
    ICP = "icp", "ICP persona"
    CONFERENCE = "conference", "Conference"
    CITY = "city", "City"
    OTHER = "other", "Other"


class CircleStatus(models.TextChoices):
    FORMING = "forming", "Forming"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class MemberRole(models.TextChoices):
    HOST = "host", "Host"
    MEMBER = "member", "Member"


class MemberStatus(models.TextChoices):
    # Chosen for the Circle but not emailed yet: building a Circle and inviting it are two steps
    # (the host checks the list, then sends one thread to everyone).
    PROPOSED = "proposed", "Proposed"
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    LEFT = "left", "Left"
    REPLACED = "replaced", "Replaced"


# Members who are in the Circle now or on their way in; the others are history.
CURRENT_STATUSES = (MemberStatus.PROPOSED, MemberStatus.INVITED, MemberStatus.ACTIVE)
