"""The fields of an account row and the headers that mean them in HubSpot company exports,
Salesforce account exports and plain files. The import engine and `roundtable map` both read
columns through this one list."""

from roundtable.imports.headers import FieldSpec

ACCOUNT_FIELDS: list[FieldSpec] = [
    FieldSpec(
        "name",
        "Name",
        aliases=(
            "Company name",
            "Account Name",
            "Company",
            "Account",
            "Organization",
            "Organisation",
            "Organization name",
            "Customer",
            "Customer name",
        ),
        help="The company's name as your CRM holds it.",
    ),  # fmt: skip
    FieldSpec(
        "domain",
        "Domain",
        aliases=("Company Domain Name", "Domain name", "Company domain", "Email domain"),
        help="The company's domain (acme.com); used before the website when both are given.",
    ),
    FieldSpec(
        "website",
        "Website",
        aliases=("Website URL", "Web site", "URL", "Company website", "Homepage", "Site"),
        help="Any form: https://www.acme.com/about, acme.com, info@acme.com …",
    ),
    FieldSpec(
        "country",
        "Country",
        aliases=(
            "Country/Region",
            "Billing Country",
            "Shipping Country",
            "Country code",
            "Mailing Country",
        ),
        help="Name or ISO code: 'United States', 'USA', 'US', 'Deutschland' …",
    ),  # fmt: skip
    FieldSpec(
        "status",
        "Status",
        aliases=("Lifecycle Stage", "Type", "Account Type", "Relationship", "Customer status"),
        help="customer, prospect or opportunity; HubSpot lifecycle stages and Salesforce "
        "account types are understood.",
    ),
    FieldSpec(
        "salesperson",
        "Owner",
        aliases=(
            "Company owner",
            "Account Owner",
            "Salesperson",
            "Sales rep",
            "Account manager",
            "HubSpot Owner",
            "Owner name",
        ),
        help="The salesperson who owns the account.",
    ),  # fmt: skip
    FieldSpec(
        "amount",
        "Amount",
        aliases=(
            "Opportunity Amount",
            "Deal Amount",
            "Open opportunity amount",
            "Pipeline",
            "Open deal amount",
        ),
        help="Amount of the open opportunity, if any.",
    ),  # fmt: skip
    FieldSpec(
        "stage",
        "Stage",
        aliases=("Opportunity Stage", "Deal Stage", "Open deal stage"),
        help="Stage of the open opportunity, if any.",
    ),
    FieldSpec("industry", "Industry", aliases=("Sector", "Vertical")),
    FieldSpec(
        "employees",
        "Employees",
        aliases=("Number of Employees", "Employee count", "Company size", "Headcount"),
    ),
    FieldSpec(
        "external_id",
        "External ID",
        aliases=("Record ID", "Account ID", "Company ID", "ID", "CRM ID", "Object ID"),
        help="The CRM's record id: re-imports keep unchanged accounts by it.",
    ),
]

FIELD_NAMES = [field.name for field in ACCOUNT_FIELDS]
