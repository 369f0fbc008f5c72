"""Konnections tab, mutual partners, the Circle candidate finder and the ecosystem map.

The work happens in roundtable.ecosystem.graph (shared with the API and the CLI); these views
read the query string through its filters, ask it, and render.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from roundtable.core.csv_export import csv_response
from roundtable.ecosystem import graph
from roundtable.ecosystem.access import get_organization
from roundtable.ecosystem.choices import (
    OrgKind,
    PartnershipKind,
    PartnershipSource,
    PartnerStatus,
    TagType,
)
from roundtable.ecosystem.models import Organization, Person, Tag

PAGE_SIZE = 50
FILTER_TAG_TYPES = [TagType.ECOSYSTEM, TagType.SIZE, TagType.VERTICAL, TagType.REGION]
PARTNER_CHOICES_LIMIT = 500

KONNECTION_COLUMNS = [
    "organization", "website", "kind", "tags", "status", "you_partner_too", "our_partner_since",
    "partnership_kind", "partnership_source", "partnership_since", "our_partners_in_common",
]  # fmt: skip
SELECTION_COLUMNS = [
    "name", "email", "title", "organization", "organization_website", "score", "reasons",
]  # fmt: skip


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _tag_choices(types) -> list[tuple[str, str, list[Tag]]]:
    """(type, label, tags) for each tag type that has tags, for the filter selects."""
    labels = dict(TagType.choices)
    grouped: dict[str, list[Tag]] = {}
    for tag in Tag.objects.filter(type__in=types):
        grouped.setdefault(tag.type, []).append(tag)
    return [(t, labels[t], grouped[t]) for t in types if t in grouped]


def _selected_labels(form) -> set[str]:
    if form.is_valid():
        return {tag.label.casefold() for tag in form.cleaned_data.get("tag", [])}
    return set()


def _respond(request, template: str, fragment: str, context: dict):
    response = render(request, fragment if request.htmx else template, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _sort_links(request, form) -> dict[str, dict]:
    """Per column: the query string that sorts by it (flipping the direction when it is the
    current sort) and the current direction, for the table headers."""
    current = form.sort_key
    links = {}
    for column in graph.KONNECTION_SORTS:
        query = request.GET.copy()
        query.pop("page", None)
        if current == column:
            query["sort"], direction = f"-{column}", "ascending"
        elif current == f"-{column}":
            query["sort"], direction = column, "descending"
        else:
            default_descending = column in {"common", "mutual", "since"}
            query["sort"], direction = (f"-{column}" if default_descending else column), ""
        links[column] = {"query": query.urlencode(), "direction": direction}
    return links


# Rows are plain dicts with links built from one reversed URL: a page of a hundred rows renders
# in a few milliseconds instead of resolving hundreds of template lookups and {% url %} tags.
PLACEHOLDER = UUID(int=0)
# Short words for a narrow column (the choices' labels are sentences).
SOURCE_WORDS = {
    PartnershipSource.OWN: "Own",
    PartnershipSource.IMPORT: "Imported",
    PartnershipSource.SHARED: "Shared",
    PartnershipSource.MANUAL: "Manual",
}


def _month(day) -> str:
    return day.strftime("%b %Y") if day else ""


def _display(request, rows, organization, other) -> list[dict]:
    slug = request.workspace.slug
    page_of = reverse("partners_organization", kwargs={"ws": slug, "org": PLACEHOLDER})
    in_common = reverse(
        "partners_mutual", kwargs={"ws": slug, "org": organization.uuid, "other": PLACEHOLDER}
    )
    kinds, statuses = dict(OrgKind.choices), dict(PartnerStatus.choices)
    link_kinds = dict(PartnershipKind.choices)
    shown = []
    for row in rows:
        org = row.organization
        link_with_other = row.other or ("", "", None)
        shown.append(
            {
                "name": org.name,
                "domain": org.domain,
                "url": page_of.replace(str(PLACEHOLDER), str(org.uuid)),
                "in_common_url": in_common.replace(str(PLACEHOLDER), str(org.uuid)),
                "kind": kinds.get(org.kind, org.kind),
                "tags": row.tags,
                "status": org.status,
                "status_label": statuses.get(org.status, org.status),
                "mutual": row.mutual,
                "our_since": _month(row.our_since),
                "link_kind": link_kinds.get(row.kind, ""),
                "source": SOURCE_WORDS.get(row.source, row.source),
                "since": _month(row.since),
                "other_kind": link_kinds.get(link_with_other[0], ""),
                "other_since": _month(link_with_other[2]),
                "common": row.common,
            }
        )
    return shown


def _list_context(request, organization, nodes, form, *, other=None) -> dict:
    paginator = Paginator(range(len(nodes) if nodes is not None else 0), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    if nodes is not None and len(nodes):
        start, stop = page.start_index() - 1, page.end_index()
        rows = graph.konnection_rows(organization, nodes, start, stop, other=other)
    return {
        "organization": organization,
        "other": other,
        "form": form,
        "nodes": nodes,
        "rows": _display(request, rows, organization, other),
        "page": page,
        "errors": graph.form_errors(form) if form.is_bound and not form.is_valid() else [],
        "tag_choices": _tag_choices(FILTER_TAG_TYPES),
        "selected_tags": _selected_labels(form),
        "sort_links": _sort_links(request, form),
        "filter_query": _query_without(request, "page"),
    }


def konnections(request, org):
    """The partner's own partners, marked where we partner with them too."""
    organization = get_organization(request, org)
    form = graph.KonnectionsFilter(request.GET)
    nodes = graph.konnections(request.workspace, organization, form) if form.is_valid() else None
    context = _list_context(request, organization, nodes, form)
    return _respond(
        request,
        "ecosystem/konnections.html",
        "ecosystem/partials/konnections_table.html",
        context,
    )


def konnections_export(request, org):
    """The Konnections list as CSV, with the filters and order the page shows."""
    organization = get_organization(request, org)
    form = graph.KonnectionsFilter(request.GET)
    if not form.is_valid():
        for _field, message in graph.form_errors(form):
            messages.error(request, message)
        return redirect("partners_konnections", ws=request.workspace.slug, org=organization.uuid)
    nodes = graph.konnections(request.workspace, organization, form)
    rows = (konnection_cells(row) for row in graph.konnection_rows(organization, nodes))
    filename = f"{request.workspace.slug}-konnections-{organization.domain or organization.pk}.csv"
    return csv_response(filename, KONNECTION_COLUMNS, rows)


def konnection_cells(row: graph.KonnectionRow) -> list:
    organization = row.organization
    return [
        organization.name,
        organization.website or organization.domain,
        organization.kind,
        "; ".join(row.tag_labels),
        organization.status,
        "yes" if row.mutual else "no",
        row.our_since.isoformat() if row.our_since else "",
        row.kind,
        row.source,
        row.since.isoformat() if row.since else "",
        row.common,
    ]


def mutual(request, org, other):
    """What two organizations have in common: the partners of both."""
    organization = get_organization(request, org)
    second = get_organization(request, other)
    form = graph.KonnectionsFilter(request.GET)
    nodes = None
    if form.is_valid():
        try:
            nodes = graph.mutual_partners(request.workspace, organization, second, form)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
    context = _list_context(request, organization, nodes, form, other=second)
    return _respond(
        request,
        "ecosystem/konnections_mutual.html",
        "ecosystem/partials/konnections_table.html",
        context,
    )


# Candidates


def _partner_names() -> list[str]:
    """Names offered in the core-partner field: our partners first, then anyone."""
    partners = Organization.objects.partners().order_by("name").values_list("name", flat=True)
    return list(partners[:PARTNER_CHOICES_LIMIT])


def candidates(request):
    """Choose a core partner and an ICP; get ranked candidates and their people."""
    form = graph.CandidateFilter(request.GET if "core" in request.GET else None)
    ranked = rows = None
    if form.is_bound and form.is_valid():
        ranked = graph.rank_candidates(request.workspace, form)
        rows = graph.candidate_details(ranked)
    context = {
        "form": form,
        "ranked": ranked,
        "rows": rows,
        "errors": graph.form_errors(form) if form.is_bound and not form.is_valid() else [],
        "tag_choices": _tag_choices([t for t in TagType.values if t != TagType.CUSTOM]),
        "selected_tags": _selected_labels(form),
        "weights": [
            (f"weight_{name}", label, form[f"weight_{name}"])
            for name, (label, _default) in graph.WEIGHTS.items()
        ],
        "partner_names": _partner_names(),
        "core": form.cleaned_data.get("core") if ranked else None,
        "kinds": [c for c in OrgKind.choices if c[0] != OrgKind.CUSTOMER],
    }
    return _respond(
        request, "ecosystem/candidates.html", "ecosystem/partials/candidates_results.html", context
    )


def _uuids(values: list[str]) -> list[UUID] | None:
    try:
        return [UUID(value) for value in values if value]
    except ValueError:
        return None


def candidates_export(request):
    """The selected people as CSV, for whoever works from a spreadsheet; the page's other button
    builds a Circle from them."""
    chosen = _uuids(request.GET.getlist("person"))
    url = reverse("partners_candidates", kwargs={"ws": request.workspace.slug})
    back = redirect(f"{url}?{_query_without(request, 'person')}")
    if chosen is None:
        messages.error(request, "The selection holds something that is not a person.")
        return back
    if not chosen:
        messages.error(request, "Select at least one person to export.")
        return back
    people = (
        Person.objects.filter(uuid__in=chosen)
        .select_related("organization")
        .order_by("organization__name", "last_name", "first_name", "id")
    )
    form = graph.CandidateFilter(request.GET)
    ranked = graph.rank_candidates(request.workspace, form) if form.is_valid() else None
    scores = {row.organization_id: row for row in ranked.rows} if ranked else {}

    def cells(person):
        candidate = scores.get(person.organization_id)
        return [
            person.full_name,
            person.email,
            person.title,
            person.organization.name,
            person.organization.website or person.organization.domain,
            f"{candidate.score:.0f}" if candidate else "",
            candidate.reasons if candidate else "",
        ]

    filename = f"{request.workspace.slug}-circle-candidates.csv"
    return csv_response(filename, SELECTION_COLUMNS, (cells(person) for person in people))


# The ecosystem map

PALETTE = [
    "#2f5bea", "#e07b39", "#2e9e6a", "#b34fd1", "#d9485f", "#1f9bb3", "#a67c00", "#5d6b7a",
]  # fmt: skip
OTHER_COLOUR, NO_TAG_COLOUR = "#9aa5b1", "#dfe3e8"
KIND_COLOURS = dict(zip(OrgKind.values, PALETTE, strict=False))
ROLE_WORDS = {
    "us": "your company",
    "core": "the core partner",
    "mutual": "mutual partner: partners with the core partner and with you",
    "core_partner": "partner of the core partner",
    "our_partner": "your partner",
}
COLOUR_BY = [("kind", "Kind"), *[(t, label) for t, label in TagType.choices if t != "custom"]]


def _map_picture(request):
    """(map, organizations by id, colour legend, colour_by, core, error) for the page and SVG."""
    core_text = request.GET.get("core", "").strip()
    colour_by = request.GET.get("colour", "kind")
    core = error = None
    if colour_by not in dict(COLOUR_BY):
        error = (
            f"Colour by “{colour_by}” is not a choice: use "
            f"{', '.join(dict(COLOUR_BY))}. The map is coloured by kind."
        )
        colour_by = "kind"
    if core_text:
        try:
            core = graph.find_organization(core_text)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            if core is None:
                error = f"No organization “{core_text}” in this workspace."
            elif core.is_us:
                error = "That is your own company: choose a partner as the core."
                core = None
    picture = graph.ecosystem_map(request.workspace, core)
    ids = [node.organization_id for node in picture.nodes]
    organizations = Organization.objects.filter(id__in=ids)
    if colour_by != "kind":
        organizations = organizations.prefetch_related("tags")
    found = {organization.pk: organization for organization in organizations}
    legend = _colour(picture, found, colour_by)
    return picture, found, legend, colour_by, core, error


def _colour(picture, found, colour_by) -> list[tuple[str, str]]:
    """Give each node a colour; return the legend (colour, label) pairs in use."""
    if colour_by == "kind":
        labels = dict(OrgKind.choices)
        for node in picture.nodes:
            kind = found[node.organization_id].kind if node.organization_id in found else "other"
            node.colour, node.colour_label = KIND_COLOURS.get(kind, OTHER_COLOUR), labels[kind]
        used = {node.colour_label for node in picture.nodes}
        return [(KIND_COLOURS[k], labels[k]) for k in OrgKind.values if labels[k] in used]
    values = {}
    for node in picture.nodes:
        organization = found.get(node.organization_id)
        names = (
            sorted(
                (tag.name for tag in organization.tags.all() if tag.type == colour_by),
                key=str.casefold,
            )
            if organization
            else []
        )
        node.colour_label = names[0] if names else ""
        if names:
            values[names[0]] = values.get(names[0], 0) + 1
    common = sorted(values, key=lambda name: (-values[name], name.casefold()))[: len(PALETTE)]
    colours = dict(zip(common, PALETTE, strict=False))
    for node in picture.nodes:
        if not node.colour_label:
            node.colour, node.colour_label = NO_TAG_COLOUR, "no tag"
        else:
            node.colour = colours.get(node.colour_label, OTHER_COLOUR)
            if node.colour_label not in colours:
                node.colour_label = "other"
    legend = [(colours[name], name) for name in common]
    if any(node.colour == OTHER_COLOUR for node in picture.nodes):
        legend.append((OTHER_COLOUR, "other"))
    if any(node.colour == NO_TAG_COLOUR for node in picture.nodes):
        legend.append((NO_TAG_COLOUR, "no tag"))
    return legend


def _svg(request, picture, found, legend, colour_by, core) -> str:
    nodes = [
        {
            "node": node,
            "organization": found.get(node.organization_id),
            "role_words": ROLE_WORDS[node.role],
        }
        for node in picture.nodes
    ]
    lines = [(picture.nodes[a], picture.nodes[b]) for a, b in picture.edges]
    height = graph.MAP_HEIGHT + 30 + 22 * ((len(legend) + 3) // 4)
    context = {
        "picture": picture,
        "nodes": nodes,
        "lines": lines,
        "legend": [
            {
                "colour": colour,
                "label": label,
                "x": 20 + 240 * (k % 4),
                "y": graph.MAP_HEIGHT + 12 + 22 * (k // 4),
            }
            for k, (colour, label) in enumerate(legend)
        ],
        "width": graph.MAP_WIDTH,
        "height": height,
        "core": core,
        "colour_by": dict(COLOUR_BY)[colour_by],
        "workspace": request.workspace,
    }
    return render_to_string("ecosystem/partials/map_svg.html", context, request=request)


def ecosystem_map(request):
    """Us, the core partner, its partners and ours; mutual ones highlighted."""
    picture, found, legend, colour_by, core, error = _map_picture(request)
    context = {
        "picture": picture,
        "svg": _svg(request, picture, found, legend, colour_by, core),
        "core": core,
        "core_text": request.GET.get("core", ""),
        "error": error,
        "colour_by": colour_by,
        "colour_choices": COLOUR_BY,
        "partner_names": _partner_names(),
        "download_query": request.GET.urlencode(),
        "limit": graph.MAP_LIMIT,
    }
    return render(request, "ecosystem/map.html", context)


def ecosystem_map_svg(request):
    """The same picture as a standalone SVG file."""
    picture, found, legend, colour_by, core, _error = _map_picture(request)
    svg = _svg(request, picture, found, legend, colour_by, core)
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml"
    )
    name = (
        f"{request.workspace.slug}-ecosystem-map{'-' + core.domain if core and core.domain else ''}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
    return response
