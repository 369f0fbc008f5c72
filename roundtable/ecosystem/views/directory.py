"""Directory pages: organizations, the people at them, their tags and partnerships, CSV export.

Views only translate HTTP: filters live in filters.py, changes in actions.py. List pages answer
an htmx request with the table fragment of the same view.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, When
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from roundtable.core.csv_export import csv_response
from roundtable.core.pagination import keyset_page
from roundtable.ecosystem import actions
from roundtable.ecosystem.access import get_organization, get_partnership, get_person, get_tag
from roundtable.ecosystem.choices import TagType
from roundtable.ecosystem.exports import export_organizations, export_people
from roundtable.ecosystem.filters import OrganizationFilter, PersonFilter
from roundtable.ecosystem.forms import (
    OrganizationForm,
    PartnershipForm,
    PersonForm,
    TagForm,
    TagRenameForm,
    existing_tag_names,
)
from roundtable.ecosystem.models import Partnership, Tag
from roundtable.ecosystem.queries import with_tag_lists

PAGE_SIZE = 50
ORGANIZATION_ORDER = ["name", "id"]
PERSON_ORDER = ["last_name", "first_name", "id"]
PAGING_PARAMS = ("after", "before")


def _cursor(request, name: str) -> UUID | None:
    try:
        return UUID(request.GET.get(name, ""))
    except ValueError:
        return None


def _filter_query(request) -> str:
    """The current filters as a query string, without the page cursor and empty fields."""
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name not in PAGING_PARAMS:
            query.setlist(name, [value for value in values if value])
    return query.urlencode()


def _list_response(request, template: str, fragment: str, context: dict):
    response = render(request, fragment if request.htmx else template, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _form_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form fields it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _tags_by_type(tags) -> list[tuple[str, list[Tag]]]:
    labels = dict(TagType.choices)
    grouped: dict[str, list[Tag]] = {}
    for tag in tags:
        grouped.setdefault(tag.type, []).append(tag)
    return [(labels[t], grouped[t]) for t in TagType.values if t in grouped]


def _tag_filter_groups(selected: set[str]) -> list[tuple[str, bool, list[tuple]]]:
    """(type label, open?, [(label, name, type, checked)]) for the filter panel: plain tuples,
    because the panel lists every tag and template lookups on objects cost ~30 µs each."""
    groups = []
    for type_label, tags in _tags_by_type(Tag.objects.all()):
        options = [(tag.label, tag.name, tag.type, tag.label in selected) for tag in tags]
        groups.append((type_label, any(option[3] for option in options), options))
    return groups


def _to_organization(organization, page: str = "partners_organization"):
    return redirect(page, ws=organization.workspace.slug, org=organization.uuid)


# Organizations


def organization_list(request):
    form = OrganizationFilter(request.GET)
    page = keyset_page(
        form.organizations(),
        ordering=ORGANIZATION_ORDER,
        after=_cursor(request, "after"),
        before=_cursor(request, "before"),
        size=PAGE_SIZE,
    )
    with_tag_lists(page.items)
    context = {
        "form": form,
        "page": page,
        "filter_query": _filter_query(request),
        "tag_groups": [] if request.htmx else _tag_filter_groups(form.selected_labels()),
    }
    return _list_response(
        request,
        "ecosystem/organization_list.html",
        "ecosystem/partials/organization_table.html",
        context,
    )


def organization_export(request):
    """The list's rows as CSV, with the filters the list shows."""
    form = OrganizationFilter(request.GET)
    if not form.is_valid():
        messages.error(request, "Fix the filters before exporting.")
        url = reverse("partners", kwargs={"ws": request.workspace.slug})
        return redirect(f"{url}?{_filter_query(request)}")
    header, rows = export_organizations(form)
    return csv_response(f"{request.workspace.slug}-organizations.csv", header, rows)


def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = actions.save_organization(request.workspace, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{organization.name} added to the directory.")
            return _to_organization(organization)
    return render(request, "ecosystem/organization_form.html", {"form": form})


def organization_detail(request, org):
    organization = get_organization(request, org)
    context = {
        "organization": organization,
        "tags": organization.tags.all(),
        "people": organization.people.all()[:10],
        "people_count": organization.people.count(),
        "tag_form": TagForm(),
        "tag_names": existing_tag_names(),
    }
    return render(request, "ecosystem/organization_detail.html", context)


def organization_edit(request, org):
    organization = get_organization(request, org)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_organization(request.workspace, organization, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{organization.name} saved.")
            return _to_organization(organization)
    return render(
        request, "ecosystem/organization_form.html", {"form": form, "organization": organization}
    )


@require_POST
def organization_delete(request, org):
    organization = get_organization(request, org)
    try:
        actions.delete_organization(organization)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_organization(organization)
    messages.success(request, f"{organization.name} deleted, with its people and partnerships.")
    return redirect("partners", ws=request.workspace.slug)


@require_POST
def organization_tag_add(request, org):
    organization = get_organization(request, org)
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            actions.set_tags(organization, [form.label], replace=False)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose a tag type and enter a value.")
    return _to_organization(organization)


@require_POST
def organization_tag_remove(request, org, tag):
    organization = get_organization(request, org)
    tag = get_tag(request, tag)
    actions.untag(organization, tag)
    messages.success(request, f"Tag {tag.label} removed from {organization.name}.")
    return _to_organization(organization)


# People


def organization_people(request, org):
    organization = get_organization(request, org)
    context = {"organization": organization, "people": organization.people.all()}
    return render(request, "ecosystem/organization_people.html", context)


def person_create(request, org):
    organization = get_organization(request, org)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.save_person(
                request.workspace, organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} added to {organization.name}.")
            return _to_organization(organization, "partners_people_of")
    context = {"form": form, "organization": organization}
    return render(request, "ecosystem/person_form.html", context)


def person_edit(request, person):
    person = get_person(request, person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_person(request.workspace, person, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} saved.")
            return _to_organization(person.organization, "partners_people_of")
    context = {"form": form, "organization": person.organization, "person": person}
    return render(request, "ecosystem/person_form.html", context)


@require_POST
def person_delete(request, person):
    person = get_person(request, person)
    actions.delete_person(person)
    messages.success(request, f"{person.full_name} deleted.")
    return _to_organization(person.organization, "partners_people_of")


def people_list(request):
    form = PersonFilter(request.GET)
    page = keyset_page(
        form.people(),
        ordering=PERSON_ORDER,
        after=_cursor(request, "after"),
        before=_cursor(request, "before"),
        size=PAGE_SIZE,
    )
    context = {"form": form, "page": page, "filter_query": _filter_query(request)}
    return _list_response(
        request, "ecosystem/people_list.html", "ecosystem/partials/people_table.html", context
    )


def people_export(request):
    form = PersonFilter(request.GET)
    if not form.is_valid():
        messages.error(request, "Fix the filters before exporting.")
        return redirect("partners_people", ws=request.workspace.slug)
    header, rows = export_people(form)
    return csv_response(f"{request.workspace.slug}-people.csv", header, rows)


# Partnerships


def organization_partnerships(request, org):
    organization = get_organization(request, org)
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _edge, created = actions.link_partners(
                request.workspace,
                organization,
                data["partner"],
                kind=data["kind"],
                source=data["source"],
                since=data["since"],
                note=data["note"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            verb = "now partners with" if created else "partnership updated with"
            messages.success(request, f"{organization.name} {verb} {data['partner'].name}.")
            return _to_organization(organization, "partners_partnerships")
    edges = (
        Partnership.objects.touching(organization)
        .select_related("org_a", "org_b")
        .annotate(
            partner_name=Case(
                When(org_a=organization, then=F("org_b__name")), default=F("org_a__name")
            )
        )
        .order_by("partner_name", "id")
    )
    page = Paginator(edges, 100).get_page(request.GET.get("page"))
    for edge in page:
        edge.partner = edge.other(organization)
    context = {"organization": organization, "page": page, "form": form}
    return render(request, "ecosystem/organization_partnerships.html", context)


@require_POST
def partnership_remove(request, org, partnership):
    organization = get_organization(request, org)
    edge = get_partnership(request, partnership)
    if organization.pk not in (edge.org_a_id, edge.org_b_id):
        messages.error(request, "That partnership is not one of this organization's.")
        return _to_organization(organization, "partners_partnerships")
    partner = edge.other(organization)
    actions.unlink_partners(edge)
    messages.success(request, f"{organization.name} no longer partners with {partner.name}.")
    return _to_organization(organization, "partners_partnerships")


# Tags


def tag_list(request):
    tags = Tag.objects.annotate(organization_count=Count("organizations")).order_by("type", "name")
    context = {"tag_groups": _tags_by_type(tags), "rename_form": TagRenameForm()}
    return render(request, "ecosystem/tag_list.html", context)


@require_POST
def tag_rename(request, tag):
    tag = get_tag(request, tag)
    form = TagRenameForm(request.POST)
    old = tag.label
    if not form.is_valid():
        messages.error(request, "Enter a new name of at most 100 characters.")
    else:
        try:
            actions.rename_tag(tag, form.cleaned_data["name"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Tag {old} renamed to {tag.label}.")
    return redirect("partners_tags", ws=request.workspace.slug)


@require_POST
def tag_delete(request, tag):
    tag = get_tag(request, tag)
    actions.delete_tag(tag)
    messages.success(request, f"Tag {tag.label} deleted.")
    return redirect("partners_tags", ws=request.workspace.slug)
