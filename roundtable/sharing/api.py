"""Overlaps and sharing API: populations and private marks, the overlap matrix and its records,
connections and what each side shares. What another workspace's data may show is decided by
policy.py, exactly as on the pages."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django_scopes import scope
from ninja import Router, Status

from roundtable.mapping.models import Account
from roundtable.sharing import actions, policy
from roundtable.sharing.access import get_connection, get_population, require_manager
from roundtable.sharing.choices import ConnectionStatus, Level
from roundtable.sharing.models import Connection, Share
from roundtable.sharing.schemas import (
    ConnectionIn,
    ConnectionOut,
    HeadlineOut,
    LinkIn,
    LinkOut,
    MatrixOut,
    PopulationIn,
    PopulationOut,
    PrivateIn,
    PrivateOut,
    RecordsOut,
    RequestMoreOut,
    SettingsIn,
    SettingsOut,
    ShareIn,
    ShareOut,
)
from roundtable.workspaces.api import require_team
from roundtable.workspaces.schemas import Error, ValidationErrors

router = Router(tags=["overlaps"])

READ_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrors}
LIST_ERRORS = {401: Error, 403: Error, 422: ValidationErrors}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: ValidationErrors}


def population_out(p) -> dict:
    return {
        "uuid": p.uuid,
        "name": p.name,
        "kind": p.kind,
        "status": p.status,
        "countries": p.country_list,
        "industry": p.industry,
        "min_amount": float(p.min_amount) if p.min_amount is not None else None,
        "description": p.describe(),
    }


@router.get("/overlaps/populations", response={200: list[PopulationOut], **LIST_ERRORS})
def list_populations(request):
    """Our populations: the standard three, then custom ones."""
    require_team(request)
    return [population_out(p) for p in actions.our_populations(request.workspace)]


@router.post("/overlaps/populations", response={201: PopulationOut, **WRITE_ERRORS})
def create_population(request, payload: PopulationIn):
    """A custom population of our accounts, e.g. EMEA customers over 50k."""
    require_team(request)
    require_manager(request)
    population = actions.save_population(
        request.workspace, user=request.user, **_population_values(payload)
    )
    return Status(201, population_out(population))


def _population_values(payload: PopulationIn) -> dict:
    return {
        "name": payload.name,
        "status": payload.status,
        "countries": ",".join(payload.countries),
        "industry": payload.industry,
        "min_amount": payload.min_amount,
    }


@router.put("/overlaps/populations/{uuid}", response={200: PopulationOut, **WRITE_ERRORS})
def update_population(request, uuid: UUID, payload: PopulationIn):
    require_team(request)
    require_manager(request)
    population = get_population(request, uuid)
    population = actions.save_population(
        request.workspace, population=population, user=request.user,
        **_population_values(payload),
    )  # fmt: skip
    return population_out(population)


@router.delete("/overlaps/populations/{uuid}", response={204: None, **WRITE_ERRORS})
def delete_population(request, uuid: UUID):
    require_team(request)
    require_manager(request)
    actions.delete_population(get_population(request, uuid), user=request.user)
    return Status(204, None)


@router.post("/overlaps/private", response={200: PrivateOut, **WRITE_ERRORS})
def mark_private(request, payload: PrivateIn):
    """Mark accounts of this workspace private (never shared, by any path) or shareable."""
    require_team(request)
    require_manager(request)
    try:
        accounts = Account.objects.filter(uuid__in=payload.accounts)
        list(accounts.values_list("pk", flat=True)[:1])
    except ValidationError:
        raise ValidationError({"accounts": "Account uuids, please."}) from None
    changed = actions.set_private(request.workspace, accounts, payload.private, user=request.user)
    return {"changed": changed}


@router.get("/overlaps/settings", response={200: SettingsOut, **LIST_ERRORS})
def get_settings(request):
    require_team(request)
    return {"min_count": actions.min_count_of(request.workspace)}


@router.put("/overlaps/settings", response={200: SettingsOut, **WRITE_ERRORS})
def put_settings(request, payload: SettingsIn):
    """The minimum count: smaller counts show to connected workspaces as "fewer than N"."""
    require_team(request)
    require_manager(request)
    return {"min_count": actions.set_min_count(request.workspace, payload.min_count,
                                               user=request.user)}  # fmt: skip


@router.get("/overlaps", response={200: list[HeadlineOut], **LIST_ERRORS})
def list_counterparts(request):
    """Everyone we have a matrix with (partners whose accounts we hold, connected workspaces)
    and its headline figures, each as its matrix may show it: a count, "fewer than N", "…"
    while counting, or "not shared"."""
    require_team(request)
    return [
        {
            "uuid": h.counterpart.uuid,
            "name": h.counterpart.label,
            "kind": h.counterpart.kind,
            "customers_in_common": h.customers_text,
            "deals_with_their_customers": h.deals_text,
            "potential_revenue": h.potential_revenue,
            "computed_at": h.computed_at,
        }
        for h in policy.headlines(request.workspace)
    ]


@router.get("/overlaps/{uuid}", response={200: MatrixOut, **READ_ERRORS})
def get_matrix(request, uuid: UUID):
    """Our populations × theirs (a partner organization's uuid, or a connection's)."""
    require_team(request)
    cp = policy.counterpart(request.workspace, uuid)
    m = policy.matrix(request.workspace, cp)
    return {
        "other": {"uuid": cp.uuid, "name": cp.label, "kind": cp.kind},
        "rows": [{"uuid": p.uuid, "name": p.name} for p in m.rows],
        "columns": [
            {
                "uuid": c.uuid,
                "name": c.name,
                "level": c.level,
                "fields": c.fields if c.level == Level.RECORDS else [],
            }
            for c in m.columns
        ],  # fmt: skip
        "cells": [
            {
                "ours": cell.ours.uuid,
                "theirs": cell.theirs.uuid,
                "text": cell.text,
                "count": cell.count,
                "openable": cell.openable,
            }
            for _ours, cells in m.grid
            for cell in cells
        ],  # fmt: skip
        "hidden": m.hidden,
        "min_count": m.min_count,
        "computed_at": m.computed_at,
        "pending": m.pending,
        "potential_revenue": float(m.potential_revenue)
        if m.potential_revenue is not None
        else None,
    }


@router.get("/overlaps/{uuid}/cells/{ours}/{theirs}", response={200: RecordsOut, **READ_ERRORS})
def get_records(request, uuid: UUID, ours: UUID, theirs: UUID, offset: int = 0, limit: int = 100):
    """The overlapping accounts of one cell, with the fields the other side shares (audited)."""
    require_team(request)
    cp = policy.counterpart(request.workspace, uuid)
    page = policy.records(
        request.workspace, cp, ours, theirs, user=request.user, request=request,
        offset=max(0, offset), limit=max(1, min(limit, 1000)),
    )  # fmt: skip
    return {
        "total": page.total,
        "fields": page.fields,
        "items": [{"ours": r["ours"], "theirs": r["theirs"]} for r in page.rows],
    }


def connection_out(request, connection: Connection) -> dict:
    return policy.describe_connection(request.workspace, connection)


@router.get("/connections", response={200: list[ConnectionOut], **LIST_ERRORS})
def list_connections(request):
    require_team(request)
    found = Connection.objects.involving(request.workspace).select_related("requester", "recipient")
    return [connection_out(request, c) for c in found[:500]]


@router.post("/connections", response={201: ConnectionOut, **WRITE_ERRORS})
def request_connection(request, payload: ConnectionIn):
    """Ask the workspace of the company at `domain` to connect."""
    require_team(request)
    require_manager(request)
    connection = actions.request_connection(
        request.workspace, domain=payload.domain, message=payload.message, user=request.user
    )
    return Status(201, connection_out(request, connection))


@router.post("/connections/links", response={201: LinkOut, **WRITE_ERRORS})
def create_link(request, payload: LinkIn):
    """An invitation link for a company whose domain we do not know on Roundtable."""
    require_team(request)
    require_manager(request)
    issued = actions.create_invitation_link(
        request.workspace, user=request.user, message=payload.message
    )
    return Status(
        201, {"connection": connection_out(request, issued.connection), "url": issued.url}
    )


@router.get("/connections/{uuid}", response={200: ConnectionOut, **READ_ERRORS})
def get_connection_api(request, uuid: UUID):
    require_team(request)
    return connection_out(request, get_connection(request, uuid))


def _answer(request, uuid: UUID, do) -> dict:
    require_team(request)
    require_manager(request)
    connection = do(get_connection(request, uuid), request.workspace, user=request.user)
    return connection_out(request, connection)


@router.post("/connections/{uuid}/accept", response={200: ConnectionOut, **WRITE_ERRORS})
def accept(request, uuid: UUID):
    return _answer(request, uuid, actions.accept_connection)


@router.post("/connections/{uuid}/decline", response={200: ConnectionOut, **WRITE_ERRORS})
def decline(request, uuid: UUID):
    return _answer(request, uuid, actions.decline_connection)


@router.post("/connections/{uuid}/revoke", response={200: ConnectionOut, **WRITE_ERRORS})
def revoke(request, uuid: UUID):
    """End a connection (or withdraw a request): effective from the next request on."""
    return _answer(request, uuid, actions.revoke_connection)


def _shares_out(request, connection) -> list[dict]:
    with scope(workspace=request.workspace):
        shares = {s.population_id: s for s in Share.objects.filter(connection=connection)}
    out = []
    for p in actions.our_populations(request.workspace):
        share = shares.get(p.pk)
        out.append({
            "population": p.uuid, "name": p.name,
            "level": share.level if share else Level.HIDDEN,
            "fields": share.fields if share else [],
        })  # fmt: skip
    return out


@router.get("/connections/{uuid}/sharing", response={200: list[ShareOut], **READ_ERRORS})
def get_sharing(request, uuid: UUID):
    """What we send over this connection, per population (what they send is in the matrix)."""
    require_team(request)
    return _shares_out(request, get_connection(request, uuid))


@router.put("/connections/{uuid}/sharing", response={200: list[ShareOut], **WRITE_ERRORS})
def put_sharing(request, uuid: UUID, payload: ShareIn):
    """Set what we share about one of our populations: hidden, counts or records (with
    fields)."""
    require_team(request)
    require_manager(request)
    connection = get_connection(request, uuid)
    actions.set_share(request.workspace, connection, payload.population, payload.level,
                      payload.fields, user=request.user)  # fmt: skip
    return _shares_out(request, connection)


@router.post("/connections/{uuid}/request-more", response={200: RequestMoreOut, **WRITE_ERRORS})
def request_more(request, uuid: UUID):
    """Ask the other side to share more populations (emails their admins)."""
    require_team(request)
    connection = get_connection(request, uuid)
    if connection.status != ConnectionStatus.ACCEPTED:
        raise Http404("No such connection.")
    return {"hidden": actions.request_more(request.workspace, connection, user=request.user)}
