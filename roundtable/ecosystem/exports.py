"""What the directory's CSV exports hold: the columns the import engine reads back, row by row.

The column names are a contract with `roundtable import` (an export re-imports cleanly) and with
users' scripts: keep them stable. Querysets are read in chunks, so exports of any size stream.
"""

from collections.abc import Iterator

from roundtable.ecosystem.filters import OrganizationFilter, PartnershipFilter, PersonFilter
from roundtable.ecosystem.models import Organization
from roundtable.ecosystem.queries import in_chunks_with_tags

CHUNK = 2000

ORGANIZATION_COLUMNS = [
    "name", "website", "kind", "city", "country", "description", "status", "tier",
    "partner_manager", "partner_since", "tags", "external_id",
]  # fmt: skip
PERSON_COLUMNS = [
    "first_name", "last_name", "email", "title", "city", "linkedin_url", "phone",
    "organization", "organization_website", "external_id",
]  # fmt: skip
PARTNERSHIP_COLUMNS = [
    "organization", "organization_website", "partner", "partner_website", "kind", "source",
    "since", "note",
]  # fmt: skip


def tags_cell(organization: Organization) -> str:
    return "; ".join(tag.label for tag in organization.tag_list)


def organization_rows(queryset) -> Iterator[list]:
    for org in in_chunks_with_tags(queryset, CHUNK):
        yield [
            org.name,
            org.website or org.domain,
            org.kind,
            org.city,
            org.country,
            org.description,
            org.status,
            org.tier,
            org.partner_manager.email if org.partner_manager else "",
            org.partner_since.isoformat() if org.partner_since else "",
            tags_cell(org),
            org.external_id,
        ]


def person_rows(queryset) -> Iterator[list]:
    for person in queryset.iterator(chunk_size=CHUNK):
        org = person.organization
        yield [
            person.first_name,
            person.last_name,
            person.email,
            person.title,
            person.city,
            person.linkedin_url,
            person.phone,
            org.name,
            org.website or org.domain,
            person.external_id,
        ]


def partnership_rows(queryset, organization_uuid=None) -> Iterator[list]:
    """One row per edge; with `organization_uuid`, that organization is always the first one."""
    for edge in queryset.iterator(chunk_size=CHUNK):
        first, second = edge.org_a, edge.org_b
        if organization_uuid is not None and second.uuid == organization_uuid:
            first, second = second, first
        yield [
            first.name,
            first.website or first.domain,
            second.name,
            second.website or second.domain,
            edge.kind,
            edge.source,
            edge.since.isoformat() if edge.since else "",
            edge.note,
        ]


def export_organizations(form: OrganizationFilter):
    queryset = form.organizations().order_by("name", "id")
    return ORGANIZATION_COLUMNS, organization_rows(queryset)


def export_people(form: PersonFilter):
    return PERSON_COLUMNS, person_rows(form.people().order_by("last_name", "first_name", "id"))


def export_partnerships(form: PartnershipFilter):
    queryset = form.partnerships().order_by("id")
    organization = form.cleaned_data.get("organization") if form.is_valid() else None
    return PARTNERSHIP_COLUMNS, partnership_rows(queryset, organization)


# KIND of `roundtable export KIND` → (filter form, rows builder).
EXPORTS = {
    "organizations": (OrganizationFilter, export_organizations),
    "people": (PersonFilter, export_people),
    "partnerships": (PartnershipFilter, export_partnerships),
}
