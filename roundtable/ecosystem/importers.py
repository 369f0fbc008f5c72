"""Organizations, people and partnerships as import kinds of the one import engine.

Records are matched to what the directory already holds — organizations by registrable domain,
else by normalized name; people by email, else by name at their organization; partnerships by
their two ends — so importing the same file twice updates instead of duplicating. Empty cells
never erase what is stored. Writes are bulk (bulk_create / bulk_update) on values loaded once.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models.functions import Lower
from django.utils import timezone

from roundtable.core.bulk import insert_rows
from roundtable.core.domains import registrable_domain
from roundtable.core.names import normalize_company_name
from roundtable.ecosystem.choices import (
    OrgKind,
    PartnershipKind,
    PartnershipSource,
    PartnerStatus,
    TagType,
)
from roundtable.ecosystem.graph import bump_graph_version
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag
from roundtable.imports.headers import FieldSpec
from roundtable.imports.kinds import Counts, ImportKind, RowError, register
from roundtable.workspaces.models import Membership

# --- values people type -------------------------------------------------------------------------

KIND_WORDS = {
    OrgKind.AGENCY: {"agency", "agencies", "solutions partner", "services", "service partner",
                     "consultancy", "consulting", "reseller", "channel partner / reseller",
                     "channel partner", "installation partner", "integrator", "si"},
    OrgKind.TECHNOLOGY: {"technology", "technology partner", "tech", "tech partner", "app",
                         "app partner", "integration", "isv", "software", "saas", "vendor"},
    OrgKind.PLATFORM: {"platform", "marketplace", "ecosystem"},
    OrgKind.CUSTOMER: {"customer", "client", "customer - direct", "customer - channel"},
    OrgKind.OTHER: {"other", "partner", "prospect", "unknown"},
}  # fmt: skip
STATUS_WORDS = {
    PartnerStatus.PROSPECT: {"prospect", "prospective", "new", "onboarding", "pending"},
    PartnerStatus.ACTIVE: {"active", "live", "current"},
    PartnerStatus.INACTIVE: {"inactive", "dormant", "paused"},
    PartnerStatus.CHURNED: {"churned", "former", "lost", "ended", "terminated"},
}
PARTNERSHIP_KIND_WORDS = {
    PartnershipKind.INTEGRATION: {"integration", "technology", "tech", "app"},
    PartnershipKind.REFERRAL: {"referral", "affiliate"},
    PartnershipKind.RESELLER: {"reseller", "resale", "channel"},
    PartnershipKind.SERVICES: {"services", "service", "implementation", "agency", "solutions"},
    PartnershipKind.UNKNOWN: {"unknown", "other", "partner"},
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y", "%d %b %Y", "%b %d, %Y", "%Y-%m")
TAG_SPLIT = re.compile(r"[;|\n]")


def _choice(value: str, words: dict, field_name: str, what: str) -> str:
    wanted = value.strip().lower()
    for choice, synonyms in words.items():
        if wanted == choice or wanted in synonyms:
            return choice
    allowed = ", ".join(str(c) for c in words if c)
    raise RowError(field_name, f"'{value}' is not a {what}; use one of: {allowed}")


def parse_date(value: str, field_name: str) -> date:
    text = value.strip()
    if "T" in text and len(text) > 10:
        text = text.split("T")[0]
    elif " " in text and text[:4].isdigit():
        text = text.split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(field_name, f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01")


_HOST_LIKE = re.compile(r"^(\S+://)?[^\s/@]+\.[^\s/@]+")


def website_domain(value: str, field_name: str) -> str:
    """The registrable domain of a website cell. A real host that names no company (gmail.com,
    a myshopify.com store, a LinkedIn page) gives ''; text that is no address is an error."""
    if not value:
        return ""
    domain = registrable_domain(value)
    if not domain and not _HOST_LIKE.match(value.strip()):
        raise RowError(field_name, f"'{value}' is not a website address (expected e.g. acme.com)")
    return domain


def parse_tag_cell(value: str, default_type: str | None = None) -> list[tuple[str, str]]:
    tags = []
    for part in TAG_SPLIT.split(value or ""):
        part = part.strip()
        if not part:
            continue
        if default_type:
            tags.append((default_type, part[:100]))
            continue
        tag_type, sep, name = part.partition(":")
        if not sep:
            tag_type, name = TagType.CUSTOM, part
        tag_type = tag_type.strip().lower().replace("size band", "size")
        if tag_type not in TagType.values:
            raise RowError(
                "tags",
                f"'{part}' has an unknown tag type '{tag_type}'; write type:value with a type "
                f"from {', '.join(TagType.values)} (e.g. ecosystem:Shopify)",
            )
        if not name.strip():
            raise RowError("tags", f"'{part}' has no value after the colon")
        tags.append((tag_type, name.strip()[:100]))
    return tags


# --- shared lookups -----------------------------------------------------------------------------


@dataclass
class Directory:
    """What the workspace holds, loaded once per import and kept current as batches write."""

    workspace: object
    by_domain: dict[str, int] = field(default_factory=dict)
    domain_of: dict[int, str] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    tag_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def load(cls, workspace) -> "Directory":
        directory = cls(workspace)
        for pk, domain, name in Organization.objects.values_list("pk", "domain", "normalized_name"):
            directory.remember(pk, domain, name)
        for pk, tag_type, name in Tag.objects.values_list("pk", "type", Lower("name")):
            directory.tag_ids[(tag_type, name)] = pk
        return directory

    def find(self, domain: str, normalized_name: str, column: str) -> int | None:
        """The organization a (domain, name) pair means, or None; RowError when ambiguous."""
        if domain and domain in self.by_domain:
            return self.by_domain[domain]
        candidates = self.by_name.get(normalized_name, []) if normalized_name else []
        if domain:
            # Same name, another website: a different company. One without a website may be
            # this one, its website not known yet.
            candidates = [pk for pk in candidates if not self.domain_of.get(pk)]
        if len(candidates) > 1:
            raise RowError(
                column,
                f"the name matches {len(candidates)} organizations; add their website to choose",
            )
        return candidates[0] if candidates else None

    def resolve(self, refs: list["OrgRef"]) -> dict[int, RowError]:
        """Point each ref at the organization it means (`pk`; None: one to create), writing
        nothing. Returns the refs that cannot be placed, by id(ref), with why."""
        errors = {}
        for ref in refs:
            try:
                ref.pk = self.find(ref.domain, ref.normalized_name, ref.column)
            except RowError as error:
                errors[id(ref)] = error
        # A ref by name alone means the new organization of that name another ref gives a
        # website to, as it would once that one is stored.
        new_domains: dict[str, set[str]] = {}
        for ref in refs:
            if ref.pk is None and ref.domain and ref.normalized_name and id(ref) not in errors:
                new_domains.setdefault(ref.normalized_name, set()).add(ref.domain)
        for ref in refs:
            if ref.pk is not None or ref.domain or id(ref) in errors:
                continue
            domains = new_domains.get(ref.normalized_name, set())
            if len(domains) > 1:
                errors[id(ref)] = RowError(
                    ref.column,
                    f"the name matches {len(domains)} organizations; add their website to choose",
                )
            elif domains:
                ref.domain = next(iter(domains))
        return errors

    def remember(self, pk: int, domain: str, normalized_name: str) -> None:
        if domain:
            self.by_domain[domain] = pk
            self.domain_of[pk] = domain
        ids = self.by_name.setdefault(normalized_name, [])
        if pk not in ids:
            ids.append(pk)

    def tag_id(self, tag_type: str, name: str) -> int:
        key = (tag_type, name.lower())
        if key not in self.tag_ids:
            tag = Tag.objects.create(workspace=self.workspace, type=tag_type, name=name)
            self.tag_ids[key] = tag.pk
        return self.tag_ids[key]

    def create_missing(self, refs: list["OrgRef"]) -> int:
        """Create the organizations that resolved refs name but we don't hold (pk None): one
        per key, which every ref with that key then points at."""
        new = {}
        for ref in refs:
            if ref.pk is None:
                new.setdefault(ref.key, ref)
        created = Organization.objects.bulk_create(
            [
                Organization(
                    workspace=self.workspace,
                    name=ref.name or ref.domain,
                    normalized_name=ref.normalized_name,
                    website=ref.domain,
                    domain=ref.domain,
                )
                for ref in new.values()
            ]
        )
        pk_of = {}
        for key, org in zip(new, created, strict=True):
            self.remember(org.pk, org.domain, org.normalized_name)
            pk_of[key] = org.pk
        for ref in refs:
            if ref.pk is None:
                ref.pk = pk_of[ref.key]
        return len(created)


@dataclass
class OrgRef:
    """An organization named in a row by name and/or website."""

    name: str
    domain: str
    column: str
    pk: int | None = None

    @property
    def normalized_name(self) -> str:
        return normalize_company_name(self.name) if self.name else ""

    @property
    def key(self):
        return ("domain", self.domain) if self.domain else ("name", self.normalized_name)

    def means_the_same_as(self, other: "OrgRef") -> bool:
        """Resolved refs to one organization, stored or new, though their cells differ (a name
        and the website it has)."""
        if self.pk is not None or other.pk is not None:
            return self.pk == other.pk
        return self.key == other.key


def _org_ref(name: str, website: str, name_field: str, website_field: str) -> OrgRef:
    domain = website_domain(website, website_field)
    if not name and not domain:
        raise RowError(name_field, "missing: give the organization's name or website")
    return OrgRef(name=name, domain=domain, column=name_field)


def _set_tags(directory: Directory, org_tags: dict[int, list[tuple[str, str]]]) -> None:
    """Add tags (never remove: a file that lacks a tag column must not strip tags)."""
    rows = {
        (org_id, directory.tag_id(tag_type, name))
        for org_id, tags in org_tags.items()
        for tag_type, name in tags
    }
    through = Organization.tags.through
    insert_rows(through, ("organization_id", "tag_id"), sorted(rows), ignore_conflicts=True)


# --- organizations ------------------------------------------------------------------------------

# max_length (here and below): the width of the column a cell is stored in, so that a longer
# cell is a row problem, not a database error (PostgreSQL refuses what SQLite would keep).
ORG_FIELDS = [
    FieldSpec("name", "Name", True, ("Company name", "Account Name", "Organization",
                                      "Organisation", "Company", "Organization name"),
              max_length=255),
    FieldSpec("website", "Website", False, ("Website URL", "Web site", "URL", "Company website")),
    FieldSpec("domain", "Domain", False, ("Company Domain Name", "Domain name", "Email domain")),
    FieldSpec("kind", "Kind", False, ("Type", "Partner type", "Company type", "Account Type",
                                      "Organization type")),
    FieldSpec("city", "City", False, ("Billing City", "Town"), max_length=120),
    FieldSpec("country", "Country", False, ("Country/Region", "Billing Country", "Country Code"),
              max_length=80),
    FieldSpec("description", "Description", False, ("About Us", "About", "Account Description")),
    FieldSpec("status", "Partner status", False, ("Status", "Partnership status")),
    FieldSpec("tier", "Tier", False, ("Partner tier", "Partner level", "Level"), max_length=40),
    FieldSpec("partner_manager", "Partner manager", False, ("Partner manager email", "PAM")),
    FieldSpec("partner_since", "Partner since", False, ("Partnership start", "Since")),
    FieldSpec("tags", "Tags", False, ("Labels",)),
    FieldSpec("ecosystem", "Ecosystem", False, ("Ecosystems",)),
    FieldSpec("size", "Size band", False, ("Size", "Company size")),
    FieldSpec("vertical", "Vertical", False, ("Industry", "Verticals")),
    FieldSpec("region", "Region", False, ("Regions", "Territory")),
    FieldSpec("icp", "ICP", False, ("Ideal customer profile",)),
    FieldSpec("external_id", "External id", False, ("Record ID", "Account ID", "Company ID", "ID"),
              max_length=100),
]  # fmt: skip
ORG_TEXT_FIELDS = ("name", "website", "city", "country", "description", "tier", "external_id")
TAG_COLUMNS = {
    "ecosystem": TagType.ECOSYSTEM,
    "size": TagType.SIZE,
    "vertical": TagType.VERTICAL,
    "region": TagType.REGION,
    "icp": TagType.ICP,
}


@dataclass
class OrgContext:
    directory: Directory
    teammates: dict[str, int]
    current: dict[int, dict]


def prepare_organizations(workspace, options) -> OrgContext:
    directory = Directory.load(workspace)
    teammates = {
        email.lower(): pk for pk, email in Membership.objects.values_list("user_id", "user__email")
    }
    return OrgContext(directory, teammates, {})


def clean_organization(values: dict[str, str], context: OrgContext):
    name = values.get("name", "")
    website = values.get("website", "") or values.get("domain", "")
    website_field = "website" if values.get("website") else "domain"
    domain = website_domain(website, website_field)
    if not name:
        raise RowError("name", "missing: every organization needs a name")
    record = {"name": name[:255], "domain": domain, "normalized_name": normalize_company_name(name)}
    if website:
        record["website"] = website[:500]
    for text_field in ("city", "country", "description", "tier", "external_id"):
        if values.get(text_field):
            record[text_field] = values[text_field]
    if values.get("kind"):
        record["kind"] = _choice(values["kind"], KIND_WORDS, "kind", "kind of organization")
    if values.get("status"):
        record["status"] = _choice(values["status"], STATUS_WORDS, "status", "partner status")
    if values.get("partner_manager"):
        email = values["partner_manager"].lower()
        if email not in context.teammates:
            raise RowError(
                "partner_manager",
                f"no teammate has the email {values['partner_manager']}; invite them first "
                "or leave the cell empty",
            )
        record["partner_manager_id"] = context.teammates[email]
    if values.get("partner_since"):
        record["partner_since"] = parse_date(values["partner_since"], "partner_since")
    tags = parse_tag_cell(values.get("tags", ""))
    for column, tag_type in TAG_COLUMNS.items():
        tags += parse_tag_cell(values.get(column, ""), default_type=tag_type)
    record["tags"] = tags
    key = ("domain", domain) if domain else ("name", record["normalized_name"])
    return key, record


NEW_ORG_COLUMNS = (
    "workspace_id", "name", "normalized_name", "website", "domain", "kind", "city", "country",
    "description", "status", "status_changed_at", "tier", "partner_manager_id", "partner_since",
    "is_us", "external_id",
)  # fmt: skip


def write_organizations(records: list[dict], context: OrgContext, dry_run: bool) -> Counts:
    directory = context.directory
    counts = Counts()
    matched = {}
    for record in records:
        try:
            matched[id(record)] = directory.find(
                record["domain"], record["normalized_name"], "name"
            )
        except RowError as error:
            counts.rejected.append((record, error))
    if counts.rejected:
        records = [r for r in records if id(r) in matched]
    existing_ids = [pk for pk in matched.values() if pk is not None]
    current = {
        org.pk: org
        for org in Organization.objects.filter(pk__in=existing_ids).only(
            "pk", "status", "kind", "partner_manager_id", "partner_since", "domain",
            "normalized_name", *ORG_TEXT_FIELDS,
        )
    }  # fmt: skip
    now = timezone.now()
    new, changed, org_tags = [], {}, {}
    for record in records:
        pk = matched[id(record)]
        fields = {k: v for k, v in record.items() if k != "tags" and not (k == "domain" and not v)}
        if pk is None:
            new.append(record)
            continue
        org = current[pk]
        diff = {k: v for k, v in fields.items() if getattr(org, k) != v}
        if "status" in diff:
            diff["status_changed_at"] = now
        if diff:
            for name, value in diff.items():
                setattr(org, name, value)
            changed[pk] = (org, set(diff))
            counts.updated += 1
        else:
            counts.unchanged += 1
        if record["tags"]:
            org_tags[pk] = record["tags"]
    counts.created = len(new)
    if dry_run:
        for record in new:  # later rows of the file may name these organizations
            directory.remember(-1, record["domain"], record["normalized_name"])
        return counts
    workspace_id = directory.workspace.pk
    rows = [
        (
            workspace_id, r["name"], r["normalized_name"], r.get("website", ""), r["domain"],
            r.get("kind", OrgKind.OTHER), r.get("city", ""), r.get("country", ""),
            r.get("description", ""), r.get("status", ""), now if r.get("status") else None,
            r.get("tier", ""), r.get("partner_manager_id"), r.get("partner_since"), False,
            r.get("external_id", ""),
        )
        for r in new
    ]  # fmt: skip
    for pk, record in zip(insert_rows(Organization, NEW_ORG_COLUMNS, rows), new, strict=True):
        directory.remember(pk, record["domain"], record["normalized_name"])
        if record["tags"]:
            org_tags[pk] = record["tags"]
    if changed:
        update_fields = sorted(set().union(*(f for _, f in changed.values())) | {"updated_at"})
        for org, _ in changed.values():
            org.updated_at = now
            directory.remember(org.pk, org.domain, org.normalized_name)
        Organization.objects.bulk_update(
            [org for org, _ in changed.values()], update_fields, batch_size=1000
        )
    _set_tags(directory, org_tags)
    # Bulk writes skip model signals: tell Konnections and candidates the directory changed.
    bump_graph_version(directory.workspace, edges=False)
    return counts


ORGANIZATIONS = register(
    ImportKind(
        name="organizations",
        label="Organizations",
        fields=ORG_FIELDS,
        prepare=prepare_organizations,
        clean=clean_organization,
        write=write_organizations,
        key_description="same website domain, or same name when there is no website",
    )
)


# --- people -------------------------------------------------------------------------------------

PEOPLE_FIELDS = [
    FieldSpec("first_name", "First name", False, ("Firstname", "Given name")),
    FieldSpec("last_name", "Last name", False, ("Lastname", "Surname", "Family name")),
    FieldSpec("name", "Full name", False, ("Name", "Contact name", "Contact")),
    FieldSpec("email", "Email", False, ("Email Address", "E-mail", "Email address", "Work email"),
              max_length=254),
    FieldSpec("title", "Title", False, ("Job Title", "Job title", "Position", "Role")),
    FieldSpec("city", "City", False, ("Mailing City", "Town")),
    FieldSpec("linkedin_url", "LinkedIn URL", False, ("LinkedIn", "LinkedIn profile",
                                                      "Linkedin Url", "LinkedIn Bio")),
    FieldSpec("phone", "Phone", False, ("Phone Number", "Mobile Phone", "Mobile", "Telephone")),
    FieldSpec("organization", "Organization", False, ("Company Name", "Associated Company",
                                                      "Account Name", "Company", "Organisation"),
              max_length=255),
    FieldSpec("organization_website", "Organization website", False,
              ("Company Domain Name", "Website URL", "Website", "Company website")),
    FieldSpec("external_id", "External id", False, ("Record ID", "Contact ID", "ID")),
]  # fmt: skip
PERSON_TEXT_FIELDS = ("first_name", "last_name", "email", "title", "city", "linkedin_url",
                      "phone", "external_id")  # fmt: skip
_url = URLValidator(schemes=["http", "https"])


@dataclass
class PeopleContext:
    directory: Directory
    by_email: dict[str, int]
    by_name: dict[tuple, int]


def prepare_people(workspace, options) -> PeopleContext:
    by_email, by_name = {}, {}
    for pk, email, first, last, org_id in Person.objects.values_list(
        "pk", "email", "first_name", "last_name", "organization_id"
    ):
        if email:
            by_email[email.lower()] = pk
        by_name[(first.lower(), last.lower(), org_id)] = pk
    return PeopleContext(Directory.load(workspace), by_email, by_name)


def clean_person(values: dict[str, str], context: PeopleContext):
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if not (first or last) and values.get("name"):
        first, _, last = values["name"].strip().partition(" ")
    email = values.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError("email", f"'{values['email']}' is not an email address") from None
    if not (first or last or email):
        raise RowError("first_name", "missing: a person needs a name or an email address")
    linkedin = values.get("linkedin_url", "")
    if linkedin:
        if not linkedin.lower().startswith(("http://", "https://")):
            linkedin = "https://" + linkedin
        try:
            _url(linkedin)
        except ValidationError:
            raise RowError(
                "linkedin_url", f"'{values['linkedin_url']}' is not a web address"
            ) from None
    website = values.get("organization_website", "")
    if not website and email:
        website = registrable_domain(email)  # '' for gmail.com and other free mail
    organization = _org_ref(
        values.get("organization", ""), website, "organization", "organization_website"
    )
    record = {
        "first_name": first[:100], "last_name": last[:100], "email": email,
        "title": values.get("title", "")[:200], "city": values.get("city", "")[:120],
        "linkedin_url": linkedin[:500], "phone": values.get("phone", "")[:50],
        "external_id": values.get("external_id", "")[:100], "organization": organization,
    }  # fmt: skip
    key = ("email", email) if email else ("name", first.lower(), last.lower(), organization.key)
    return key, record


def write_people(records: list[dict], context: PeopleContext, dry_run: bool) -> Counts:
    counts = Counts()
    errors = context.directory.resolve([r["organization"] for r in records])
    if errors:
        counts.rejected = [
            (r, errors[id(r["organization"])]) for r in records if id(r["organization"]) in errors
        ]
        records = [r for r in records if id(r["organization"]) not in errors]
    if not dry_run:
        context.directory.create_missing([r["organization"] for r in records])
    matched = {}
    for record in records:
        org_id = record["organization"].pk
        pk = context.by_email.get(record["email"]) if record["email"] else None
        if pk is None and org_id is not None:
            pk = context.by_name.get(
                (record["first_name"].lower(), record["last_name"].lower(), org_id)
            )
        matched[id(record)] = pk
    current = Person.objects.in_bulk([pk for pk in matched.values() if pk])
    now = timezone.now()
    new, changed, update_fields = [], [], {"updated_at"}
    for record in records:
        pk = matched[id(record)]
        fields = {k: record[k] for k in PERSON_TEXT_FIELDS if record[k]}
        fields["organization_id"] = record["organization"].pk
        if pk is None:
            new.append(Person(workspace=context.directory.workspace, **fields))
            continue
        person = current[pk]
        diff = {k: v for k, v in fields.items() if getattr(person, k) != v}
        if diff:
            for name, value in diff.items():
                setattr(person, name, value)
            person.updated_at = now
            update_fields |= set(diff)
            changed.append(person)
            counts.updated += 1
        else:
            counts.unchanged += 1
    counts.created = len(new)
    if dry_run:
        return counts
    for person in Person.objects.bulk_create(new, batch_size=1000):
        if person.email:
            context.by_email[person.email] = person.pk
        context.by_name[
            (person.first_name.lower(), person.last_name.lower(), person.organization_id)
        ] = person.pk
    if changed:
        Person.objects.bulk_update(changed, sorted(update_fields), batch_size=1000)
    bump_graph_version(context.directory.workspace, edges=False)
    return counts


PEOPLE = register(
    ImportKind(
        name="people",
        label="People",
        fields=PEOPLE_FIELDS,
        prepare=prepare_people,
        clean=clean_person,
        write=write_people,
        key_description="same email, or same name at the same organization",
    )
)


# --- partnerships -------------------------------------------------------------------------------

PARTNERSHIP_FIELDS = [
    FieldSpec("organization", "Organization", False, ("Company", "Company name", "Partner of",
                                                      "Organisation", "Account Name"),
              max_length=255),
    FieldSpec("organization_website", "Organization website", False,
              ("Organization domain", "Company website", "Company domain", "Website")),
    FieldSpec("partner", "Partner", False, ("Partner name", "Partner company",
                                            "Connected company", "Konnection"), max_length=255),
    FieldSpec("partner_website", "Partner website", False, ("Partner domain", "Partner URL")),
    FieldSpec("kind", "Kind", False, ("Partnership kind", "Partnership type", "Type")),
    FieldSpec("source", "Source", False, ()),
    FieldSpec("since", "Since", False, ("Partner since", "Start date", "Partnership start")),
    FieldSpec("note", "Note", False, ("Notes", "Comment")),
]  # fmt: skip


def prepare_partnerships(workspace, options) -> Directory:
    return Directory.load(workspace)


def clean_partnership(values: dict[str, str], directory: Directory):
    org = _org_ref(
        values.get("organization", ""),
        values.get("organization_website", ""),
        "organization",
        "organization_website",
    )
    partner = _org_ref(
        values.get("partner", ""), values.get("partner_website", ""), "partner", "partner_website"
    )
    if org.key == partner.key:
        raise RowError(
            "partner", "is the same organization: an organization cannot partner with itself"
        )
    record = {
        "org": org,
        "partner": partner,
        "kind": _choice(values["kind"], PARTNERSHIP_KIND_WORDS, "kind", "partnership kind")
        if values.get("kind")
        else PartnershipKind.UNKNOWN,
        "source": PartnershipSource.IMPORT,
        "since": parse_date(values["since"], "since") if values.get("since") else None,
        "note": values.get("note", ""),
    }
    if values.get("source"):
        source = values["source"].strip().lower()
        if source not in PartnershipSource.values:
            raise RowError(
                "source", f"'{values['source']}' is not a source; use own, import, shared or manual"
            )
        record["source"] = source
    return frozenset({org.key, partner.key}), record


def write_partnerships(records: list[dict], directory: Directory, dry_run: bool) -> Counts:
    counts = Counts()
    errors = directory.resolve([r["org"] for r in records] + [r["partner"] for r in records])
    kept = []
    for record in records:
        org, partner = record["org"], record["partner"]
        error = errors.get(id(org)) or errors.get(id(partner))
        if error is None and org.means_the_same_as(partner):
            error = RowError(
                "partner",
                f"'{partner.name or partner.domain}' is the same organization as "
                f"'{org.name or org.domain}': an organization cannot partner with itself",
            )
        if error is None:
            kept.append(record)
        else:
            counts.rejected.append((record, error))
    records = kept
    if not dry_run:
        directory.create_missing([r["org"] for r in records] + [r["partner"] for r in records])
    pairs = {}
    for record in records:
        a, b = record["org"].pk, record["partner"].pk
        if a is None or b is None:  # dry run: a new organization, so a new partnership
            counts.created += 1
            continue
        pairs[(min(a, b), max(a, b))] = record
    existing = {
        (e.org_a_id, e.org_b_id): e
        for e in Partnership.objects.filter(
            org_a_id__in={a for a, _ in pairs}, org_b_id__in={b for _, b in pairs}
        )
    }
    new, changed = [], []
    for (a, b), record in pairs.items():
        fields = {"kind": record["kind"], "source": record["source"]}
        if record["since"]:
            fields["since"] = record["since"]
        if record["note"]:
            fields["note"] = record["note"]
        edge = existing.get((a, b))
        if edge is None:
            new.append(Partnership(workspace=directory.workspace, org_a_id=a, org_b_id=b, **fields))
            continue
        diff = {k: v for k, v in fields.items() if getattr(edge, k) != v}
        if diff:
            for name, value in diff.items():
                setattr(edge, name, value)
            edge.updated_at = timezone.now()
            changed.append(edge)
            counts.updated += 1
        else:
            counts.unchanged += 1
    counts.created += len(new)
    if not dry_run:
        Partnership.objects.bulk_create(new, batch_size=2000)
        Partnership.objects.bulk_update(
            changed, ["kind", "source", "since", "note", "updated_at"], batch_size=2000
        )
        bump_graph_version(directory.workspace)
    return counts


PARTNERSHIPS = register(
    ImportKind(
        name="partnerships",
        label="Partnerships",
        fields=PARTNERSHIP_FIELDS,
        prepare=prepare_partnerships,
        clean=clean_partnership,
        write=write_partnerships,
        key_description="the same two organizations",
    )
)
