"""Account mapping API: map two files or two stored account sets, read the pairs with their
explanation, confirm or reject pairs, manage domain aliases."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from roundtable.ecosystem.models import Organization
from roundtable.mapping import actions
from roundtable.mapping.explain import explain
from roundtable.mapping.filters import METHOD_CHOICES
from roundtable.mapping.models import DomainAlias, MappingPair, MappingRun
from roundtable.mapping.schemas import (
    AccountSetsIn,
    AliasIn,
    AliasOut,
    DecisionIn,
    DecisionOut,
    PairPage,
    RunOut,
)
from roundtable.workspaces.api import require_team
from roundtable.workspaces.schemas import Error, ValidationErrors

router = Router(tags=["mapping"])

READ_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrors}
LIST_ERRORS = {401: Error, 403: Error, 422: ValidationErrors}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: ValidationErrors}
METHODS = [value for value, _ in METHOD_CHOICES if value]


@router.get("/mapping/runs", response={200: list[RunOut], **LIST_ERRORS})
def list_runs(request, limit: int = 50):
    """The latest mapping runs, newest first."""
    require_team(request)
    return list(MappingRun.objects.all()[: max(1, min(limit, 500))])


@router.post("/mapping/runs", response={201: RunOut, **WRITE_ERRORS})
def map_account_sets(request, payload: AccountSetsIn):
    """Map two stored populations (e.g. our customers × a partner's prospects)."""
    require_team(request)
    left = get_object_or_404(Organization, uuid=payload.left_owner)
    right = get_object_or_404(Organization, uuid=payload.right_owner)
    run = actions.map_account_sets(
        request.workspace,
        left,
        payload.left_status or "",
        right,
        payload.right_status or "",
        fuzzy=payload.fuzzy,
        user=request.user,
    )
    return Status(201, run)


@router.post("/mapping/files", response={201: RunOut, **WRITE_ERRORS})
def map_files(
    request, left: File[UploadedFile], right: File[UploadedFile], fuzzy: Form[bool] = True
):
    """Map two uploaded CSV exports (multipart fields `left` and `right`)."""
    require_team(request)
    run = actions.map_files(request.workspace, left, right, fuzzy=fuzzy, user=request.user)
    return Status(201, run)


@router.get("/mapping/runs/{uuid}", response={200: RunOut, **READ_ERRORS})
def get_run(request, uuid: UUID):
    require_team(request)
    return get_object_or_404(MappingRun, uuid=uuid)


@router.get("/mapping/runs/{uuid}/pairs", response={200: PairPage, **READ_ERRORS})
def list_pairs(request, uuid: UUID, method: str = "", offset: int = 0, limit: int = 100):
    """A run's pairs in row order with why each matched; `method` filters (domain, name,
    fuzzy, confirmed)."""
    require_team(request)
    run = get_object_or_404(MappingRun, uuid=uuid)
    pairs = run.pairs.all()
    if method:
        if method not in METHODS:
            raise ValidationError({"method": f"Use one of {', '.join(METHODS)}."})
        pairs = pairs.filter(method=method)
    offset, limit = max(0, offset), max(1, min(limit, 1000))
    items = [
        {
            "uuid": p.uuid,
            "left_row": p.left_ref,
            "right_row": p.right_ref,
            "left_name": p.left_name,
            "right_name": p.right_name,
            "method": p.method,
            "score": p.score,
            "why": explain(p.rule, p.evidence, p.country, p.score),
        }
        for p in pairs[offset : offset + limit]
    ]
    return {"count": pairs.count(), "items": items}


@router.post(
    "/mapping/runs/{uuid}/pairs/{pair_uuid}/decision", response={200: DecisionOut, **WRITE_ERRORS}
)
def decide_pair(request, uuid: UUID, pair_uuid: UUID, payload: DecisionIn):
    """Confirm or reject a pair; later runs remember it."""
    require_team(request)
    run = get_object_or_404(MappingRun, uuid=uuid)
    pair = get_object_or_404(
        MappingPair.objects.select_related("workspace"), run=run, uuid=pair_uuid
    )
    return actions.decide(pair, payload.decision, user=request.user)


@router.get("/mapping/aliases", response={200: list[AliasOut], **LIST_ERRORS})
def list_aliases(request):
    require_team(request)
    return list(DomainAlias.objects.all())


@router.post("/mapping/aliases", response={201: AliasOut, **WRITE_ERRORS})
def add_alias(request, payload: AliasIn):
    """Records at `alias` match records at `domain` (one company, several domains)."""
    require_team(request)
    alias = actions.add_domain_alias(
        request.workspace, payload.alias, payload.domain, user=request.user
    )
    return Status(201, alias)


@router.delete("/mapping/aliases/{uuid}", response={204: None, **WRITE_ERRORS})
def delete_alias(request, uuid: UUID):
    require_team(request)
    actions.remove_domain_alias(
        get_object_or_404(DomainAlias.objects.select_related("workspace"), uuid=uuid)
    )
    return Status(204, None)
