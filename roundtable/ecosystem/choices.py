from django.db import models


class OrgKind(models.TextChoices):
    AGENCY = "agency", "Agency"
    TECHNOLOGY = "technology", "Technology partner"
    PLATFORM = "platform", "Platform"
    CUSTOMER = "customer", "Customer"
    OTHER = "other", "Other"


class PartnerStatus(models.TextChoices):
    NONE = "", "Not a partner"
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    CHURNED = "churned", "Churned"


class TagType(models.TextChoices):
    ECOSYSTEM = "ecosystem", "Ecosystem"
    SIZE = "size", "Size band"
    VERTICAL = "vertical", "Vertical"
    REGION = "region", "Region / city"
    ICP = "icp", "ICP"
    CUSTOM = "custom", "Custom"


class PartnershipKind(models.TextChoices):
    INTEGRATION = "integration", "Integration"
    REFERRAL = "referral", "Referral"
    RESELLER = "reseller", "Reseller"
    SERVICES = "services", "Services"
    UNKNOWN = "unknown", "Unknown"


class PartnershipSource(models.TextChoices):
    OWN = "own", "Own"
    IMPORT = "import", "Imported"
    SHARED = "shared", "Shared by a connected workspace"
    MANUAL = "manual", "Manual"
