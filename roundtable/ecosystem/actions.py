"""Every change to the directory goes through here: pages, API, CLI, imports and the demo."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope

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

ORGANIZATION_FIELDS = {
    "name", "website", "kind", "city", "country", "description", "status", "tier",
    "partner_manager", "partner_since", "external_id",
}  # fmt: skip
PERSON_FIELDS = {
    "organization", "first_name", "last_name", "email", "title", "city", "linkedin_url",
    "phone", "external_id",
}  # fmt: skip


def _apply(instance, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field does not exist."))
    for name, value in fields.items():
        setattr(instance, name, "" if value is None and name not in _NULLABLE else value)


_NULLABLE = {"partner_manager", "partner_since", "organization"}


@transaction.atomic
def save_organization(
    workspace, organization: Organization | None = None, **fields
) -> Organization:
    """Create (organization=None) or update an organization; website → domain, name → key."""
    with scope(workspace=workspace):
        organization = organization or Organization(workspace=workspace)
        previous_status = organization.status if organization.pk else None
        _apply(organization, fields, ORGANIZATION_FIELDS)
        organization.name = (organization.name or "").strip()
        if not organization.name:
            raise ValidationError({"name": "An organization needs a name."})
        if "website" in fields:
            organization.website = (organization.website or "").strip()
            organization.domain = registrable_domain(organization.website)
        organization.normalized_name = normalize_company_name(organization.name)
        if organization.status != previous_status:
            organization.status_changed_at = timezone.now()
        if organization.kind not in OrgKind.values:
            raise ValidationError(
                {"kind": f"Unknown kind. Choose one of {', '.join(OrgKind.values)}."}
            )
        if organization.status not in PartnerStatus.values:
            raise ValidationError(
                {"status": "Unknown status. Choose prospect, active, inactive or churned."}
            )
        if organization.domain:
            clash = (
                Organization.objects.filter(domain=organization.domain)
                .exclude(pk=organization.pk)
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    {"website": f"{clash.name} already has the domain {organization.domain}."}
                )
        organization.save()
    return organization


def ensure_our_organization(workspace) -> Organization:
    """The workspace's own company in its directory (created with the workspace)."""
    with scope(workspace=workspace):
        ours = Organization.objects.ours().first()
        if ours is not None:
            return ours
        clash = Organization.objects.filter(domain=registrable_domain(workspace.domain)).first()
        if clash is not None and workspace.domain:
            clash.is_us = True
            clash.save(update_fields=["is_us", "updated_at"])
            return clash
        organization = save_organization(
            workspace, name=workspace.name, website=workspace.domain, kind=OrgKind.OTHER
        )
        organization.is_us = True
        organization.save(update_fields=["is_us", "updated_at"])
        return organization


@transaction.atomic
def delete_organization(organization: Organization) -> None:
    if organization.is_us:
        raise ValidationError("Your own company cannot be deleted from the directory.")
    organization.delete()


def parse_tag(label: str) -> tuple[str, str]:
    """'ecosystem:Shopify' → ('ecosystem', 'Shopify'); a bare name is a custom tag."""
    tag_type, sep, name = (label or "").partition(":")
    if not sep:
        tag_type, name = TagType.CUSTOM, tag_type
    tag_type, name = tag_type.strip().lower(), name.strip()
    aliases = {"size band": TagType.SIZE, "region/city": TagType.REGION, "city": TagType.REGION}
    tag_type = aliases.get(tag_type, tag_type)
    if tag_type not in TagType.values:
        raise ValidationError(
            {"tags": f"Unknown tag type '{tag_type}'. Use one of {', '.join(TagType.values)}."}
        )
    if not name:
        raise ValidationError({"tags": f"The tag '{label}' has no value after '{tag_type}:'."})
    return tag_type, name[:100]


def get_or_create_tag(workspace, tag_type: str, name: str) -> Tag:
    with scope(workspace=workspace):
        tag = Tag.objects.filter(type=tag_type, name__iexact=name).first()
        return tag or Tag.objects.create(workspace=workspace, type=tag_type, name=name)


def set_tags(organization: Organization, labels: list[str], *, replace: bool = True) -> list[Tag]:
    """Tag an organization with TYPE:VALUE labels (creating tags as needed)."""
    tags = [
        get_or_create_tag(organization.workspace, *parse_tag(label)) for label in labels if label
    ]
    with scope(workspace=organization.workspace):
        if replace:
            organization.tags.set(tags)
        else:
            organization.tags.add(*tags)
    return tags


@transaction.atomic
def save_person(workspace, person: Person | None = None, **fields) -> Person:
    with scope(workspace=workspace):
        person = person or Person(workspace=workspace)
        _apply(person, fields, PERSON_FIELDS)
        person.email = (person.email or "").strip().lower()
        if person.organization_id is None:
            raise ValidationError({"organization": "A person belongs to an organization."})
        if person.organization.workspace_id != workspace.pk:
            raise ValidationError({"organization": "No such organization."})
        if not (person.first_name or person.last_name or person.email):
            raise ValidationError({"first_name": "A person needs a name or an email address."})
        if person.email:
            clash = Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk).first()
            if clash is not None:
                raise ValidationError(
                    {"email": f"{clash.full_name} at {clash.organization} already has this email."}
                )
        person.save()
    return person


def ordered_pair(a: Organization, b: Organization) -> tuple[Organization, Organization]:
    if a.pk == b.pk:
        raise ValidationError("An organization cannot partner with itself.")
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def link_partners(
    workspace,
    a: Organization,
    b: Organization,
    *,
    kind: str = PartnershipKind.UNKNOWN,
    source: str = PartnershipSource.MANUAL,
    since=None,
    note: str = "",
) -> tuple[Partnership, bool]:
    """Record that a and b partner: one row per pair, in either order. Returns (edge, created)."""
    if kind not in PartnershipKind.values:
        raise ValidationError(
            {"kind": f"Unknown kind. Choose one of {', '.join(PartnershipKind.values)}."}
        )
    if source not in PartnershipSource.values:
        raise ValidationError({"source": "Unknown source."})
    if a.workspace_id != workspace.pk or b.workspace_id != workspace.pk:
        raise ValidationError("No such organization.")
    org_a, org_b = ordered_pair(a, b)
    with scope(workspace=workspace):
        edge, created = Partnership.objects.update_or_create(
            workspace=workspace,
            org_a=org_a,
            org_b=org_b,
            defaults={"kind": kind, "source": source, "since": since, "note": note or ""},
        )
    # Konnections read an in-memory copy of the graph in every process: tell them it moved (a
    # changed edge keeps the adjacency; its `since` is read with the cheap directory layer).
    bump_graph_version(workspace, edges=created, directory=not created)
    return edge, created


@transaction.atomic
def unlink_partners(partnership: Partnership) -> None:
    partnership.delete()
    bump_graph_version(partnership.workspace_id, directory=False)


def partners_of(organization: Organization):
    """Organizations that partner with `organization` (either end of an edge)."""
    edges = Partnership.objects.touching(organization)
    ids_a = edges.filter(org_b=organization).values("org_a")
    ids_b = edges.filter(org_a=organization).values("org_b")
    return Organization.objects.filter(Q(pk__in=ids_a) | Q(pk__in=ids_b))


def untag(organization: Organization, tag: Tag) -> None:
    with scope(workspace=organization.workspace):
        organization.tags.remove(tag)


@transaction.atomic
def rename_tag(tag: Tag, name: str) -> Tag:
    """Rename a tag everywhere it is used; a tag of the same type and name must not exist."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A tag needs a name."})
    if len(name) > 100:
        raise ValidationError({"name": "A tag name has at most 100 characters."})
    with scope(workspace=tag.workspace):
        clash = Tag.objects.filter(type=tag.type, name__iexact=name).exclude(pk=tag.pk).first()
        if clash is not None:
            raise ValidationError({"name": f"The tag {clash.label} already exists."})
        tag.name = name
        tag.save(update_fields=["name", "updated_at"])
    return tag


@transaction.atomic
def delete_tag(tag: Tag) -> None:
    """Remove a tag from every organization that carries it."""
    tag.delete()


@transaction.atomic
def delete_person(person: Person) -> None:
    person.delete()
