"""Directory API: organizations, people, tags and partnerships of the token's workspace.

Lists take the same filters as the pages (filters.py) and page by cursor: pass `next_after` back
as `after`. Objects are named by uuid; another workspace's uuid answers 404 like an unknown one.
"""

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Count
from ninja import Query, Router, Status

from roundtable.core.pagination import keyset_page
from roundtable.ecosystem import actions
from roundtable.ecosystem.access import get_organization, get_partnership, get_person, get_tag
from roundtable.ecosystem.filters import OrganizationFilter, PartnershipFilter, PersonFilter
from roundtable.ecosystem.forms import teammates
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag
from roundtable.ecosystem.queries import with_tag_lists
from roundtable.ecosystem.schemas import (
    OrganizationFilters,
    OrganizationIn,
    OrganizationOut,
    OrganizationPage,
    OrganizationPatch,
    PartnershipFilters,
    PartnershipIn,
    PartnershipOut,
    PartnershipPage,
    PartnershipPatch,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    TagIn,
    TagOut,
    TagPatch,
)
from roundtable.workspaces.api import require_team
from roundtable.workspaces.schemas import Error, ValidationErrors

# Directory routes: organizations, people, tags, partnerships.
router = Router(tags=["ecosystem"])

READ_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrors}
LIST_ERRORS = {401: Error, 403: Error, 422: ValidationErrors}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 422: ValidationErrors}
MAX_PAGE = 500


def _page_size(limit: int) -> int:
    return max(1, min(limit, MAX_PAGE))


def _filter_or_422(form):
    if not form.is_valid():
        detail = [
            {"loc": ["query", field], "msg": " ".join(errors), "type": "value_error"}
            for field, errors in form.errors.items()
        ]
        return Status(422, {"detail": detail})
    return None


def _date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError({field: "Write the date as YYYY-MM-DD, e.g. 2024-03-01."}) from None


def _teammate(email: str | None):
    if not email:
        return None
    user = teammates().filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError({"partner_manager": f"No teammate with the email {email}."})
    return user


def _organization_in_body(uuid, field: str) -> Organization:
    try:
        return Organization.objects.get(uuid=UUID(str(uuid)))
    except (ValueError, Organization.DoesNotExist):
        raise ValidationError({field: "No such organization in this workspace."}) from None


def _check_person_fields(fields: dict) -> None:
    if fields.get("email"):
        try:
            validate_email(fields["email"].strip())
        except ValidationError:
            raise ValidationError({"email": "Enter a valid email address."}) from None
    if fields.get("linkedin_url"):
        try:
            URLValidator(schemes=["http", "https"])(fields["linkedin_url"].strip())
        except ValidationError:
            raise ValidationError({"linkedin_url": "Enter an http(s) address."}) from None


def organization_out(org: Organization) -> dict:
    return {
        **{
            name: getattr(org, name)
            for name in (
                "uuid",
                "name",
                "website",
                "domain",
                "kind",
                "city",
                "country",
                "description",
                "status",
                "status_changed_at",
                "tier",
                "partner_since",
                "is_us",
                "external_id",
                "created_at",
                "updated_at",
            )
        },  # fmt: skip
        "partner_manager": org.partner_manager.email if org.partner_manager else None,
        "tags": [tag.label for tag in org.tag_list],
    }


def _ref(org: Organization) -> dict:
    return {"uuid": org.uuid, "name": org.name, "domain": org.domain}


def person_out(person: Person) -> dict:
    return {
        **{
            name: getattr(person, name)
            for name in (
                "uuid",
                "first_name",
                "last_name",
                "email",
                "title",
                "city",
                "linkedin_url",
                "phone",
                "external_id",
                "created_at",
                "updated_at",
            )
        },  # fmt: skip
        "organization": _ref(person.organization),
    }


def partnership_out(edge: Partnership, seen_from: UUID | None = None) -> dict:
    first, second = edge.org_a, edge.org_b
    if seen_from is not None and second.uuid == seen_from:
        first, second = second, first
    return {
        "uuid": edge.uuid,
        "organization": _ref(first),
        "partner": _ref(second),
        "kind": edge.kind,
        "source": edge.source,
        "since": edge.since,
        "note": edge.note,
        "created_at": edge.created_at,
    }


def _reloaded(org: Organization) -> Organization:
    (fresh,) = with_tag_lists(
        [Organization.objects.select_related("partner_manager").get(pk=org.pk)]
    )
    return fresh


# Organizations


@router.get("/organizations", response={200: OrganizationPage, **LIST_ERRORS})
def list_organizations(
    request, filters: Query[OrganizationFilters], after: UUID | None = None, limit: int = 50
):
    """Organizations in name order, filtered like the Partners page (tags: all must match)."""
    require_team(request)
    form = OrganizationFilter(filters.model_dump(mode="json"))
    if (invalid := _filter_or_422(form)) is not None:
        return invalid
    page = keyset_page(
        form.organizations(), ordering=["name", "id"], after=after, size=_page_size(limit)
    )
    return {
        "items": [organization_out(org) for org in with_tag_lists(page.items)],
        "count": page.count,
        "count_capped": page.count_capped,
        "next_after": page.next_cursor,
    }


@router.post("/organizations", response={201: OrganizationOut, **WRITE_ERRORS})
def create_organization(request, payload: OrganizationIn):
    require_team(request)
    fields = payload.dict()
    labels = fields.pop("tags")
    for label in labels:
        actions.parse_tag(label)
    fields["partner_manager"] = _teammate(fields["partner_manager"])
    fields["partner_since"] = _date(fields["partner_since"], "partner_since")
    with transaction.atomic():
        org = actions.save_organization(request.workspace, **fields)
        actions.set_tags(org, labels)
    return Status(201, organization_out(_reloaded(org)))


@router.get("/organizations/{uuid}", response={200: OrganizationOut, **READ_ERRORS})
def get_organization_by_uuid(request, uuid: UUID):
    require_team(request)
    return organization_out(_reloaded(get_organization(request, uuid)))


@router.patch("/organizations/{uuid}", response={200: OrganizationOut, 404: Error, **WRITE_ERRORS})
def update_organization(request, uuid: UUID, payload: OrganizationPatch):
    """Change the fields given; `tags`, when given, replaces every tag."""
    require_team(request)
    org = get_organization(request, uuid)
    fields = payload.dict(exclude_unset=True)
    labels = fields.pop("tags", None)
    for label in labels or []:
        actions.parse_tag(label)
    if "partner_manager" in fields:
        fields["partner_manager"] = _teammate(fields["partner_manager"])
    if "partner_since" in fields:
        fields["partner_since"] = _date(fields["partner_since"], "partner_since")
    for name, value in fields.items():
        if value is None and name not in ("partner_manager", "partner_since"):
            raise ValidationError({name: "This field cannot be null."})
    with transaction.atomic():
        actions.save_organization(request.workspace, org, **fields)
        if labels is not None:
            actions.set_tags(org, labels)
    return organization_out(_reloaded(org))


@router.delete("/organizations/{uuid}", response={204: None, 404: Error, **WRITE_ERRORS})
def delete_organization(request, uuid: UUID):
    """Delete an organization with its people and partnerships (never your own company: 422)."""
    require_team(request)
    actions.delete_organization(get_organization(request, uuid))
    return Status(204, None)


# People


@router.get("/people", response={200: PersonPage, **LIST_ERRORS})
def list_people(request, filters: Query[PersonFilters], after: UUID | None = None, limit: int = 50):
    require_team(request)
    form = PersonFilter(filters.model_dump(mode="json"))
    if (invalid := _filter_or_422(form)) is not None:
        return invalid
    page = keyset_page(
        form.people(),
        ordering=["last_name", "first_name", "id"],
        after=after,
        size=_page_size(limit),
    )
    return {
        "items": [person_out(person) for person in page.items],
        "count": page.count,
        "count_capped": page.count_capped,
        "next_after": page.next_cursor,
    }


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS})
def create_person(request, payload: PersonIn):
    require_team(request)
    fields = payload.dict()
    fields["organization"] = _organization_in_body(fields["organization"], "organization")
    _check_person_fields(fields)
    person = actions.save_person(request.workspace, **fields)
    return Status(201, person_out(person))


@router.get("/people/{uuid}", response={200: PersonOut, **READ_ERRORS})
def get_person_by_uuid(request, uuid: UUID):
    require_team(request)
    return person_out(get_person(request, uuid))


@router.patch("/people/{uuid}", response={200: PersonOut, 404: Error, **WRITE_ERRORS})
def update_person(request, uuid: UUID, payload: PersonPatch):
    require_team(request)
    person = get_person(request, uuid)
    fields = payload.dict(exclude_unset=True)
    for name, value in fields.items():
        if value is None:
            raise ValidationError({name: "This field cannot be null."})
    if "organization" in fields:
        fields["organization"] = _organization_in_body(fields["organization"], "organization")
    _check_person_fields(fields)
    actions.save_person(request.workspace, person, **fields)
    return person_out(get_person(request, uuid))


@router.delete("/people/{uuid}", response={204: None, 404: Error, **WRITE_ERRORS})
def delete_person(request, uuid: UUID):
    require_team(request)
    actions.delete_person(get_person(request, uuid))
    return Status(204, None)


# Tags


def _tags_with_counts():
    return Tag.objects.annotate(organization_count=Count("organizations"))


def tag_out(tag: Tag) -> dict:
    count = getattr(tag, "organization_count", None)
    if count is None:
        count = tag.organizations.count()
    return {
        "uuid": tag.uuid,
        "type": tag.type,
        "name": tag.name,
        "label": tag.label,
        "organizations": count,
    }


@router.get("/tags", response={200: list[TagOut], 401: Error, 403: Error})
def list_tags(request):
    """Every tag by type and name, with how many organizations carry it."""
    require_team(request)
    return [tag_out(tag) for tag in _tags_with_counts()]


@router.post("/tags", response={201: TagOut, 200: TagOut, **WRITE_ERRORS})
def create_tag(request, payload: TagIn):
    """Create a TYPE:VALUE tag (200 with the existing one when it already exists)."""
    require_team(request)
    tag_type, name = actions.parse_tag(payload.label)
    existing = Tag.objects.filter(type=tag_type, name__iexact=name).first()
    tag = existing or actions.get_or_create_tag(request.workspace, tag_type, name)
    return Status(200 if existing else 201, tag_out(tag))


@router.patch("/tags/{uuid}", response={200: TagOut, 404: Error, **WRITE_ERRORS})
def rename_tag(request, uuid: UUID, payload: TagPatch):
    require_team(request)
    tag = actions.rename_tag(get_tag(request, uuid), payload.name)
    return tag_out(tag)


@router.delete("/tags/{uuid}", response={204: None, 404: Error, **WRITE_ERRORS})
def delete_tag(request, uuid: UUID):
    """Delete a tag and remove it from every organization."""
    require_team(request)
    actions.delete_tag(get_tag(request, uuid))
    return Status(204, None)


# Partnerships


@router.get("/partnerships", response={200: PartnershipPage, **LIST_ERRORS})
def list_partnerships(
    request, filters: Query[PartnershipFilters], after: UUID | None = None, limit: int = 50
):
    """Partnership edges; with `organization`, that organization is always `organization`."""
    require_team(request)
    form = PartnershipFilter(filters.model_dump(mode="json"))
    if (invalid := _filter_or_422(form)) is not None:
        return invalid
    page = keyset_page(form.partnerships(), ordering=["id"], after=after, size=_page_size(limit))
    seen_from = form.cleaned_data.get("organization")
    return {
        "items": [partnership_out(edge, seen_from) for edge in page.items],
        "count": page.count,
        "count_capped": page.count_capped,
        "next_after": page.next_cursor,
    }


@router.post("/partnerships", response={201: PartnershipOut, 200: PartnershipOut, **WRITE_ERRORS})
def create_partnership(request, payload: PartnershipIn):
    """Record that two organizations partner (200 and updated when they already do)."""
    require_team(request)
    org = _organization_in_body(payload.organization, "organization")
    partner = _organization_in_body(payload.partner, "partner")
    if org.pk == partner.pk:
        raise ValidationError({"partner": "An organization cannot partner with itself."})
    edge, created = actions.link_partners(
        request.workspace,
        org,
        partner,
        kind=payload.kind,
        source=payload.source,
        since=_date(payload.since, "since"),
        note=payload.note,
    )
    return Status(201 if created else 200, partnership_out(edge, org.uuid))


@router.get("/partnerships/{uuid}", response={200: PartnershipOut, **READ_ERRORS})
def get_partnership_by_uuid(request, uuid: UUID):
    require_team(request)
    return partnership_out(get_partnership(request, uuid))


@router.patch("/partnerships/{uuid}", response={200: PartnershipOut, 404: Error, **WRITE_ERRORS})
def update_partnership(request, uuid: UUID, payload: PartnershipPatch):
    require_team(request)
    edge = get_partnership(request, uuid)
    fields = payload.dict(exclude_unset=True)
    for name in ("kind", "source", "note"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    edge, _created = actions.link_partners(
        request.workspace,
        edge.org_a,
        edge.org_b,
        kind=fields.get("kind", edge.kind),
        source=fields.get("source", edge.source),
        since=_date(fields["since"], "since") if "since" in fields else edge.since,
        note=fields.get("note", edge.note),
    )
    return partnership_out(get_partnership(request, uuid))


@router.delete("/partnerships/{uuid}", response={204: None, 404: Error, **WRITE_ERRORS})
def delete_partnership(request, uuid: UUID):
    require_team(request)
    actions.unlink_partners(get_partnership(request, uuid))
    return Status(204, None)
