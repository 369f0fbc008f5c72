"""Konnections, mutual partners and Circle candidates over the API.

The same filters as the pages (graph.KonnectionsFilter, graph.CandidateFilter) read the query
string; a bad or contradictory filter answers 422 naming the parameter, an organization outside
the token's workspace answers 404 like one that never existed.
"""

from datetime import date
from typing import Literal
from uuid import UUID

from django.http import QueryDict
from ninja import Field, Query, Router, Schema, Status

from roundtable.ecosystem import graph
from roundtable.ecosystem.access import get_organization
from roundtable.workspaces.api import require_team
from roundtable.workspaces.schemas import Error, ValidationErrors

# Konnections, mutual partners, candidate ranking.
router = Router(tags=["konnections"])

READ_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrors}
MAX_PAGE = 1000
TAG_HELP = (
    "TYPE:VALUE, e.g. ecosystem:Shopify, size:under $25M; repeat for several (all must match)"
)
SORT_KEYS = ("", *graph.KONNECTION_SORTS, *(f"-{key}" for key in graph.KONNECTION_SORTS))
SortKey = Literal[SORT_KEYS]


class OrganizationRef(Schema):
    uuid: UUID
    name: str
    domain: str


class PartnershipDetails(Schema):
    kind: str
    source: str
    since: date | None


class KonnectionOut(Schema):
    uuid: UUID
    name: str
    domain: str
    kind: str
    tags: list[str]
    status: str = Field(description="Our partner status with them ('' if none)")
    you_partner_too: bool
    our_partner_since: date | None = Field(description="When our own partnership began")
    partnership: PartnershipDetails = Field(description="Their partnership with the organization")
    our_partners_in_common: int = Field(
        description="How many of our other partners also partner with them"
    )


class MutualOut(KonnectionOut):
    partnership_with_other: PartnershipDetails


class KonnectionsPage(Schema):
    organization: OrganizationRef
    total: int = Field(description="All its partners (our own company left out)")
    total_mutual: int = Field(description="…of which we partner with too")
    count: int = Field(description="Partners matching the filters")
    offset: int
    items: list[KonnectionOut]


class MutualPage(Schema):
    organization: OrganizationRef
    other: OrganizationRef
    count: int
    offset: int
    items: list[MutualOut]


class KonnectionFilters(Schema):
    tag: list[str] = Field(default_factory=list, description=TAG_HELP)
    kind: str = Field("", description="Organization kind: agency, technology, platform …")
    link_kind: str = Field("", description="Partnership kind: integration, referral …")
    source: str = Field("", description="Partnership source: own, import, shared, manual")
    mutual: Literal["", "only", "none"] = Field(
        "", description="only: partners we partner with too; none: the others"
    )
    sort: SortKey = Field("", description="A column; a leading '-' sorts descending")
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class PersonOut(Schema):
    uuid: UUID
    name: str
    email: str
    title: str


class CandidateOut(Schema):
    rank: int
    uuid: UUID
    name: str
    domain: str
    kind: str
    status: str
    tags: list[str]
    score: float = Field(description="0–100: the weighted mean of the parts")
    reasons: str
    partners_with_core: bool
    shared_partners_with_core: int
    our_partners_in_common: int
    icp_tags_matched: int
    activity: float
    people: list[PersonOut]


class CandidatesOut(Schema):
    core: OrganizationRef
    icp: list[str]
    weights: dict[str, float]
    pool: int = Field(description="Organizations connected to the core partner or our partners")
    candidates: list[CandidateOut]


class CandidateQuery(Schema):
    core: str = Field(..., max_length=500, description="The core partner: uuid, website or name")
    tag: list[str] = Field(default_factory=list, description=f"The ICP. {TAG_HELP}")
    kind: str = Field("", description="Only this organization kind (customers never)")
    weight_core: float | None = Field(None, ge=0, le=graph.MAX_WEIGHT)
    weight_common: float | None = Field(None, ge=0, le=graph.MAX_WEIGHT)
    weight_tags: float | None = Field(None, ge=0, le=graph.MAX_WEIGHT)
    weight_status: float | None = Field(None, ge=0, le=graph.MAX_WEIGHT)
    weight_activity: float | None = Field(None, ge=0, le=graph.MAX_WEIGHT)
    limit: int = Field(25, ge=1, le=graph.MAX_CANDIDATES)


def _invalid(form) -> Status:
    detail = [
        {"loc": ["query", field], "msg": message, "type": "value_error"}
        for field, message in graph.form_errors(form)
    ]
    return Status(422, {"detail": detail})


def _form_data(params: Schema, request=None):
    """The filter form's data from the parsed parameters; a one-value parameter the query
    names several times keeps all its values, so the form can say they contradict."""
    data = QueryDict(mutable=True)
    for key, value in params.dict().items():
        if value in (None, "", []):
            continue
        data.setlist(key, value if isinstance(value, list) else [value])
        raw = request.GET.getlist(key) if request is not None else []
        if not isinstance(value, list) and len(set(raw)) > 1:
            data.setlist(key, raw)
    return data


def _ref(organization) -> dict:
    return {"uuid": organization.uuid, "name": organization.name, "domain": organization.domain}


def _details(kind, source, since) -> dict:
    return {"kind": kind, "source": source, "since": since}


def _konnection(row: graph.KonnectionRow) -> dict:
    organization = row.organization
    return {
        "uuid": organization.uuid,
        "name": organization.name,
        "domain": organization.domain,
        "kind": organization.kind,
        "tags": row.tag_labels,
        "status": organization.status,
        "you_partner_too": row.mutual,
        "our_partner_since": row.our_since,
        "partnership": _details(row.kind, row.source, row.since),
        "our_partners_in_common": row.common,
    }


@router.get("/organizations/{uuid}/konnections", response={200: KonnectionsPage, **READ_ERRORS})
def organization_konnections(request, uuid: UUID, filters: Query[KonnectionFilters]):
    """The organization's partners, marked where we partner with them too."""
    require_team(request)
    organization = get_organization(request, uuid)
    form = graph.KonnectionsFilter(_form_data(filters, request))
    if not form.is_valid():
        return _invalid(form)
    nodes = graph.konnections(request.workspace, organization, form)
    start = min(filters.offset, len(nodes))
    rows = graph.konnection_rows(organization, nodes, start, start + filters.limit)
    return {
        "organization": _ref(organization),
        "total": nodes.total,
        "total_mutual": nodes.total_mutual,
        "count": len(nodes),
        "offset": start,
        "items": [_konnection(row) for row in rows],
    }


@router.get("/organizations/{uuid}/mutual/{other}", response={200: MutualPage, **READ_ERRORS})
def organization_mutual_partners(
    request, uuid: UUID, other: UUID, filters: Query[KonnectionFilters]
):
    """Organizations that partner with both: what do these two have in common?"""
    require_team(request)
    organization = get_organization(request, uuid)
    second = get_organization(request, other)
    form = graph.KonnectionsFilter(_form_data(filters, request))
    if not form.is_valid():
        return _invalid(form)
    nodes = graph.mutual_partners(request.workspace, organization, second, form)
    start = min(filters.offset, len(nodes))
    rows = graph.konnection_rows(organization, nodes, start, start + filters.limit, other=second)
    return {
        "organization": _ref(organization),
        "other": _ref(second),
        "count": len(nodes),
        "offset": start,
        "items": [
            {**_konnection(row), "partnership_with_other": _details(*(row.other or ("", "", None)))}
            for row in rows
        ],
    }


@router.get(
    "/candidates", response={200: CandidatesOut, 401: Error, 403: Error, 422: ValidationErrors}
)
def circle_candidates(request, query: Query[CandidateQuery]):
    """Ranked Circle candidates around a core partner for an ICP, with their people and the
    reasons for each rank. Weights (0–10) default to core 3, common 3, tags 3, status 1,
    activity 1."""
    require_team(request)
    form = graph.CandidateFilter(_form_data(query))
    if not form.is_valid():
        return _invalid(form)
    ranked = graph.rank_candidates(request.workspace, form)
    candidates = [
        {
            "rank": rank,
            "uuid": organization.uuid,
            "name": organization.name,
            "domain": organization.domain,
            "kind": organization.kind,
            "status": organization.status,
            "tags": [tag.label for tag in organization.tags.all()],
            "score": round(row.score, 2),
            "reasons": row.reasons,
            "partners_with_core": row.partners_with_core,
            "shared_partners_with_core": row.shared_with_core,
            "our_partners_in_common": row.common,
            "icp_tags_matched": row.tag_hits,
            "activity": round(row.activity, 3),
            "people": [
                {"uuid": p.uuid, "name": p.full_name, "email": p.email, "title": p.title}
                for p in people
            ],
        }
        for rank, (row, organization, people) in enumerate(graph.candidate_details(ranked), 1)
    ]
    return {
        "core": _ref(form.cleaned_data["core"]),
        "icp": [tag.label for tag in ranked.tags],
        "weights": ranked.weights,
        "pool": ranked.pool,
        "candidates": candidates,
    }
