"""Every state change of populations, private marks, connections and sharing settings, and the
refresh of the cached overlap counts: views, API, CLI, tasks and the demo all call these."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from roundtable.core.emails import queue_email
from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.ecosystem.models import Organization
from roundtable.mapping.models import Account, AccountStatus
from roundtable.sharing import choices
from roundtable.sharing.choices import (
    SHAREABLE_FIELDS,
    STANDARD_POPULATIONS,
    ConnectionStatus,
    Level,
)
from roundtable.sharing.models import (
    Connection,
    OverlapCell,
    Population,
    Share,
    SharingProfile,
)
from roundtable.sharing.overlaps import count_cells
from roundtable.workspaces.actions import normalize_domain, record
from roundtable.workspaces.models import Membership, Workspace, hash_secret

CONNECTION_TTL_DAYS = 14
REFRESH_LOCK_SECONDS = 600


# --- Populations ---------------------------------------------------------------------------------


def ensure_standard_populations(workspace: Workspace, owner: Organization) -> list[Population]:
    """The standard three populations of `owner` (customers, prospects, open opportunities)."""
    with scope(workspace=workspace):
        found = {
            p.status: p
            for p in Population.objects.filter(owner=owner, kind=Population.Kind.STANDARD)
        }
        missing = [
            Population(
                workspace=workspace,
                owner=owner,
                name=label,
                kind=Population.Kind.STANDARD,
                position=position,
                status=status,
            )
            for position, (status, label) in enumerate(STANDARD_POPULATIONS)
            if status not in found
        ]
        if missing:
            try:
                with transaction.atomic():
                    Population.objects.bulk_create(missing)
            except IntegrityError:
                pass  # created at the same moment by another request: read them back
        return list(Population.objects.filter(owner=owner, kind=Population.Kind.STANDARD))


def our_populations(workspace: Workspace) -> list[Population]:
    """Our own organization's populations: the standard three, then custom ones."""
    ours = ensure_our_organization(workspace)
    ensure_standard_populations(workspace, ours)
    with scope(workspace=workspace):
        return list(Population.objects.filter(owner=ours).select_related("owner", "workspace"))


def _clean_population(name: str, status: str, countries: str, industry: str, min_amount) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the population a name."
    elif len(name) > 120:
        errors["name"] = "At most 120 characters."
    status = (status or "").strip().lower()
    if status and status not in AccountStatus.values:
        errors["status"] = f"Use one of {', '.join(AccountStatus.values)}, or leave it blank."
    codes = [c.strip().upper() for c in (countries or "").replace(";", ",").split(",") if c.strip()]
    if any(len(c) != 2 or not c.isalpha() for c in codes):
        errors["countries"] = "Two-letter country codes separated by commas, e.g. DE, FR, GB."
    industry = (industry or "").strip()[:120]
    amount = None
    if min_amount not in (None, ""):
        try:
            amount = Decimal(str(min_amount).replace(",", "").strip())
        except InvalidOperation:
            errors["min_amount"] = "A number, e.g. 50000."
        else:
            if amount < 0 or amount >= Decimal("1e14"):
                errors["min_amount"] = "A number from 0 to 10^14."
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "status": status,
        "countries": ",".join(dict.fromkeys(codes)),
        "industry": industry,
        "min_amount": amount,
    }


@transaction.atomic
def save_population(
    workspace: Workspace,
    *,
    name: str,
    status: str = "",
    countries: str = "",
    industry: str = "",
    min_amount=None,
    user=None,
    population: Population | None = None,
) -> Population:
    """Create a custom population of our accounts, or change one (its counts are recomputed)."""
    values = _clean_population(name, status, countries, industry, min_amount)
    ours = ensure_our_organization(workspace)
    with scope(workspace=workspace):
        if population is not None and population.kind == Population.Kind.STANDARD:
            raise ValidationError("The standard populations follow the imported status.")
        clash = Population.objects.filter(owner=ours, name__iexact=values["name"])
        if population is not None:
            clash = clash.exclude(pk=population.pk)
        if clash.exists():
            raise ValidationError({"name": "There is already a population with this name."})
        if population is None:
            population = Population(workspace=workspace, owner=ours, kind=Population.Kind.CUSTOM)
        for field, value in values.items():
            setattr(population, field, value)
        population.created_by = population.created_by or user
        population.save()
        _forget_cells([population.pk])
    record(
        workspace,
        choices.AUDIT_POPULATION_CHANGED,
        actor=user,
        target=population.name,
        data={"filter": population.describe()},
    )
    schedule_refresh_for(workspace, ours)
    return population


@transaction.atomic
def delete_population(population: Population, *, user=None) -> None:
    if population.kind == Population.Kind.STANDARD:
        raise ValidationError("The standard populations cannot be deleted.")
    name, workspace = population.name, population.workspace
    with scopes_disabled():
        population.delete()
    record(workspace, choices.AUDIT_POPULATION_CHANGED, actor=user, target=name,
           data={"deleted": True})  # fmt: skip


# --- Private marks -------------------------------------------------------------------------------


@transaction.atomic
def set_private(workspace: Workspace, accounts, private: bool, *, user=None) -> int:
    """Mark accounts (a queryset of this workspace's accounts) private or not. Counts that
    involve their owner are recomputed."""
    with scope(workspace=workspace):
        owners = list(accounts.values_list("owner_id", flat=True).distinct())
        changed = accounts.exclude(private=private).update(private=private)
    if changed:
        record(
            workspace,
            choices.AUDIT_PRIVATE_CHANGED,
            actor=user,
            target=f"{changed} account{'s' if changed != 1 else ''}",
            data={"private": private},
        )
        with scope(workspace=workspace):
            for owner in Organization.objects.filter(pk__in=owners):
                accounts_changed_for(workspace, owner)
    return changed


# --- Settings ------------------------------------------------------------------------------------


def min_count_of(workspace: Workspace) -> int:
    with scope(workspace=workspace):
        profile = SharingProfile.objects.filter(workspace=workspace).first()
    return profile.min_count if profile else choices.DEFAULT_MIN_COUNT


@transaction.atomic
def set_min_count(workspace: Workspace, value, *, user=None) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"min_count": "A whole number from 1 to 100."}) from None
    if not 1 <= value <= 100:
        raise ValidationError({"min_count": "A whole number from 1 to 100."})
    with scope(workspace=workspace):
        profile, _ = SharingProfile.objects.get_or_create(workspace=workspace)
        before = profile.min_count
        profile.min_count = value
        profile.save(update_fields=["min_count", "updated_at"])
    record(workspace, choices.AUDIT_MIN_COUNT_CHANGED, actor=user, target=str(value),
           data={"before": before, "after": value})  # fmt: skip
    return value


# --- Connections ---------------------------------------------------------------------------------


def _admins_emails(workspace: Workspace) -> list[str]:
    with scope(workspace=workspace):
        return list(
            Membership.objects.admins().select_related("user").values_list("user__email", flat=True)
        )


def connection_invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("sharing_connect", kwargs={"token": token})


def _notify(workspace: Workspace, template: str, context: dict, *, kind: str) -> None:
    to = _admins_emails(workspace)
    if to:
        queue_email(
            to=to,
            template_prefix=f"sharing/email/{template}",
            context={"site_url": settings.SITE_URL, **context},
            workspace=workspace,
            kind=kind,
        )


def _connection_url(workspace: Workspace, connection: Connection) -> str:
    return settings.SITE_URL + reverse(
        "overlaps_connection", kwargs={"ws": workspace.slug, "connection": connection.uuid}
    )


def _open_between(a: Workspace, b: Workspace):
    return Connection.objects.open().filter(requester__in=[a, b], recipient__in=[a, b])


@transaction.atomic
def request_connection(workspace: Workspace, *, domain: str, user, message: str = "") -> Connection:
    """Ask the workspace whose company uses `domain` to connect. Nothing is shared until each
    side chooses what to send."""
    domain = normalize_domain(domain)
    if not domain or "." not in domain:
        raise ValidationError({"domain": "Give the other company's website domain, e.g. acme.com."})
    if workspace.domain and domain == normalize_domain(workspace.domain):
        raise ValidationError({"domain": "That is your own workspace: connect to another company."})
    others = list(Workspace.objects.filter(domain__iexact=domain).exclude(pk=workspace.pk)[:2])
    if not others:
        raise ValidationError(
            {"domain": f"No workspace on Roundtable uses {domain}. Send them an invitation link "
             "instead."}
        )  # fmt: skip
    if len(others) > 1:
        raise ValidationError(
            {"domain": f"Several workspaces use {domain}; send an invitation link instead."}
        )
    other = others[0]
    # Lock both workspaces in a fixed order, so two crossing requests cannot both pass the check.
    list(
        Workspace.objects.select_for_update().filter(pk__in=[workspace.pk, other.pk]).order_by("pk")
    )
    existing = _open_between(workspace, other).first()
    if existing is not None:
        word = "are already connected" if existing.status == "accepted" else "have an open request"
        raise ValidationError({"domain": f"You and {other.name} {word}."})
    connection = Connection.objects.create(
        requester=workspace,
        recipient=other,
        requested_by=user,
        message=(message or "").strip()[:500],
        expires_at=timezone.now() + timedelta(days=CONNECTION_TTL_DAYS),
    )
    record(workspace, choices.AUDIT_CONNECTION_REQUESTED, actor=user, target=other.name,
           data={"connection": str(connection.uuid)})  # fmt: skip
    record(other, choices.AUDIT_CONNECTION_REQUESTED, actor=user, target=workspace.name,
           data={"connection": str(connection.uuid), "from": workspace.name})  # fmt: skip
    _notify(
        other,
        "request",
        {"connection": connection, "requester": workspace, "user": user,
         "url": settings.SITE_URL + reverse("overlaps_connections", kwargs={"ws": other.slug})},
        kind="connection_request",
    )  # fmt: skip
    return connection


@dataclass
class IssuedLink:
    connection: Connection
    token: str
    url: str


@transaction.atomic
def create_invitation_link(workspace: Workspace, *, user, message: str = "") -> IssuedLink:
    """A link any other workspace's admin can open to accept; works once, for 14 days."""
    token = secrets.token_urlsafe(32)
    connection = Connection.objects.create(
        requester=workspace,
        recipient=None,
        requested_by=user,
        message=(message or "").strip()[:500],
        token_hash=hash_secret(token),
        expires_at=timezone.now() + timedelta(days=CONNECTION_TTL_DAYS),
    )
    record(workspace, choices.AUDIT_CONNECTION_REQUESTED, actor=user, target="invitation link",
           data={"connection": str(connection.uuid)})  # fmt: skip
    return IssuedLink(connection, token, connection_invitation_url(token))


def find_link(token: str) -> Connection:
    """The connection an invitation link stands for, or a ValidationError saying why not."""
    connection = (
        Connection.objects.select_related("requester", "recipient")
        .filter(token_hash=hash_secret(token or ""))
        .first()
    )
    if connection is None:
        raise ValidationError("This invitation link is not valid.")
    _check_answerable(connection)
    if connection.recipient_id is not None:
        raise ValidationError("This invitation link has already been used.")
    return connection


def _check_answerable(connection: Connection) -> None:
    if connection.status == ConnectionStatus.REVOKED:
        raise ValidationError("This request was withdrawn: it can no longer be answered.")
    if connection.status == ConnectionStatus.DECLINED:
        raise ValidationError("This request was declined already.")
    if connection.status == ConnectionStatus.ACCEPTED:
        raise ValidationError("This request was accepted already.")
    if connection.is_expired:
        raise ValidationError("This request has expired: ask for a new one.")


def _lock(connection: Connection) -> Connection:
    return (
        # Lock the connection row only: the recipient may still be empty (an outer join).
        Connection.objects.select_for_update(of=("self",))
        .select_related("requester", "recipient")
        .get(pk=connection.pk)
    )


@transaction.atomic
def accept_connection(connection: Connection, workspace: Workspace, *, user) -> Connection:
    """`workspace` accepts a request made to it (or an invitation link it opened)."""
    connection = _lock(connection)
    _check_answerable(connection)
    if connection.requester_id == workspace.pk:
        raise ValidationError("A workspace cannot accept its own request.")
    if connection.recipient_id is None:
        existing = _open_between(connection.requester, workspace).exclude(pk=connection.pk)
        if existing.exists():
            raise ValidationError(f"You and {connection.requester.name} are already connected "
                                  "or have an open request.")  # fmt: skip
        connection.recipient = workspace
    elif connection.recipient_id != workspace.pk:
        raise ValidationError("This request was made to another workspace.")
    connection.status = ConnectionStatus.ACCEPTED
    connection.answered_by, connection.answered_at = user, timezone.now()
    connection.save()
    for side in (connection.requester, workspace):
        record(side, choices.AUDIT_CONNECTION_ACCEPTED, actor=user,
               target=connection.other_side(side).name,
               data={"connection": str(connection.uuid)})  # fmt: skip
    _notify(
        connection.requester,
        "accepted",
        {"connection": connection, "other": workspace, "user": user,
         "url": _connection_url(connection.requester, connection)},
        kind="connection_accepted",
    )  # fmt: skip
    schedule_connection_refresh(connection)
    return connection


@transaction.atomic
def decline_connection(connection: Connection, workspace: Workspace, *, user) -> Connection:
    connection = _lock(connection)
    _check_answerable(connection)
    if connection.recipient_id != workspace.pk:
        raise ValidationError("Only the workspace asked can decline; withdraw your own request.")
    connection.status = ConnectionStatus.DECLINED
    connection.answered_by, connection.answered_at = user, timezone.now()
    connection.save()
    for side in (connection.requester, workspace):
        record(side, choices.AUDIT_CONNECTION_DECLINED, actor=user,
               target=connection.other_side(side).name,
               data={"connection": str(connection.uuid)})  # fmt: skip
    return connection


@transaction.atomic
def revoke_connection(connection: Connection, workspace: Workspace, *, user) -> Connection:
    """Either side ends a connection (or withdraws its request): from the next request on,
    nothing of either side is shown to the other."""
    connection = _lock(connection)
    if workspace.pk not in (connection.requester_id, connection.recipient_id):
        raise ValidationError("This connection is not yours.")
    if connection.status in (ConnectionStatus.REVOKED, ConnectionStatus.DECLINED):
        raise ValidationError("This connection has already ended.")
    connection.status = ConnectionStatus.REVOKED
    connection.revoked_by, connection.revoked_at = user, timezone.now()
    connection.save()
    with scopes_disabled():
        OverlapCell.objects.filter(
            population__workspace_id=workspace.pk,
            other__workspace_id=connection.other_side_id(workspace),
        ).delete()
        OverlapCell.objects.filter(
            population__workspace_id=connection.other_side_id(workspace),
            other__workspace_id=workspace.pk,
        ).delete()
    sides = [s for s in (connection.requester, connection.recipient) if s is not None]
    for side in sides:
        other = connection.other_side(side)
        record(side, choices.AUDIT_CONNECTION_REVOKED, actor=user,
               target=other.name if other else "invitation link",
               data={"connection": str(connection.uuid), "by": workspace.name})  # fmt: skip
    return connection


# --- Sharing settings ----------------------------------------------------------------------------


@transaction.atomic
def set_share(
    workspace: Workspace,
    connection: Connection,
    population_uuid,
    level: str,
    fields: list[str] | None = None,
    *,
    user=None,
) -> Share:
    """What `workspace` sends about one of its own populations over `connection`."""
    if workspace.pk not in (connection.requester_id, connection.recipient_id):
        raise ValidationError("This connection is not yours.")
    if connection.status not in (ConnectionStatus.ACCEPTED, ConnectionStatus.PENDING):
        raise ValidationError("This connection has ended: there is nothing to share.")
    if level not in Level.values:
        raise ValidationError({"level": f"Use one of {', '.join(Level.values)}."})
    fields = list(dict.fromkeys(fields or []))
    unknown = [f for f in fields if f not in SHAREABLE_FIELDS]
    if unknown:
        raise ValidationError(
            {"fields": f"Unknown field {unknown[0]!r}: use {', '.join(SHAREABLE_FIELDS)}."}
        )
    # Records always carry the name; counts and hidden carry no fields.
    fields = ["name", *[f for f in fields if f != "name"]] if level == Level.RECORDS else []
    ours = ensure_our_organization(workspace)
    with scope(workspace=workspace):
        population = Population.objects.filter(uuid=population_uuid, owner=ours).first()
        if population is None:
            raise ValidationError(
                {"population": "No such population among yours: you can only choose what your "
                 "own populations share."}
            )  # fmt: skip
        share, _ = Share.objects.get_or_create(
            workspace=workspace, connection=connection, population=population
        )
        before = (share.level, list(share.fields))
        share.level, share.fields, share.changed_by = level, fields, user
        share.save()
    if before != (level, fields):
        record(
            workspace,
            choices.AUDIT_SHARING_CHANGED,
            actor=user,
            target=f"{population.name} → {connection.other_side(workspace) or 'invitation link'}",
            data={"connection": str(connection.uuid), "population": population.name,
                  "before": before[0], "level": level, "fields": ",".join(fields)},
        )  # fmt: skip
    return share


def request_more(workspace: Workspace, connection: Connection, *, user) -> int:
    """One click on "N populations not shared": tell the other side's admins we would like to
    see more. Returns how many populations were hidden from us when we asked."""
    from roundtable.sharing import policy

    other = connection.other_side(workspace)
    hidden = policy.hidden_count(workspace, connection)
    if other is None or connection.status != ConnectionStatus.ACCEPTED:
        raise ValidationError("This connection has ended.")
    key = f"sharing-more:{connection.pk}:{workspace.pk}"
    if not cache.add(key, 1, timeout=3600):
        raise ValidationError("You asked within the last hour; they have been told.")
    record(workspace, choices.AUDIT_SHARING_MORE_REQUESTED, actor=user, target=other.name,
           data={"hidden": hidden})  # fmt: skip
    record(other, choices.AUDIT_SHARING_MORE_REQUESTED, actor=user, target=workspace.name,
           data={"hidden": hidden})  # fmt: skip
    _notify(
        other,
        "more",
        {"asker": workspace, "user": user, "hidden": hidden,
         "url": _connection_url(other, connection)},
        kind="sharing_more",
    )  # fmt: skip
    return hidden


# --- Overlap counts ------------------------------------------------------------------------------


def _forget_cells(population_ids: list[int]) -> None:
    with scopes_disabled():
        OverlapCell.objects.filter(population_id__in=population_ids).delete()
        OverlapCell.objects.filter(other_id__in=population_ids).delete()


def side_populations(workspace: Workspace, owner: Organization) -> list[Population]:
    ensure_standard_populations(workspace, owner)
    with scope(workspace=workspace):
        return list(Population.objects.filter(owner=owner))


def refresh_overlaps(left_ws: Workspace, left_owner, right_ws: Workspace, right_owner) -> int:
    """Recompute every cell between two sides (a side: one workspace's populations of one
    owner), in both directions. Returns the number of cells written."""
    left_pops = side_populations(left_ws, left_owner)
    right_pops = side_populations(right_ws, right_owner)
    seen_left, seen_right = count_cells(left_pops, right_pops)
    now = timezone.now()
    cells = [
        OverlapCell(workspace=left_ws, population_id=lp, other_id=rp, count=c.count,
                    amount=Decimal(str(round(c.amount, 2))), computed_at=now)
        for (lp, rp), c in seen_left.items()
    ] + [
        OverlapCell(workspace=right_ws, population_id=rp, other_id=lp, count=c.count,
                    amount=Decimal(str(round(c.amount, 2))), computed_at=now)
        for (rp, lp), c in seen_right.items()
    ]  # fmt: skip
    with transaction.atomic(), scopes_disabled():
        ids = [p.pk for p in left_pops]
        others = [p.pk for p in right_pops]
        OverlapCell.objects.filter(population_id__in=ids, other_id__in=others).delete()
        OverlapCell.objects.filter(population_id__in=others, other_id__in=ids).delete()
        OverlapCell.objects.bulk_create(cells, batch_size=500)
    return len(cells)


def _refresh_key(left_ws_id, left_owner_id, right_ws_id, right_owner_id) -> str:
    return f"sharing-refresh:{left_ws_id}:{left_owner_id}:{right_ws_id}:{right_owner_id}"


def schedule_refresh(left_ws: Workspace, left_owner, right_ws: Workspace, right_owner) -> None:
    """Queue one recomputation of the cells between two sides (once, however often asked while
    it waits)."""
    from roundtable.sharing.tasks import refresh_overlaps_task

    args = (left_ws.pk, left_owner.pk, right_ws.pk, right_owner.pk)
    # The database backend stores the task in the current transaction: a worker sees it (and
    # the accounts it counts) only once that commits.
    if cache.add(_refresh_key(*args), 1, timeout=REFRESH_LOCK_SECONDS):
        refresh_overlaps_task.enqueue(*args)


def run_refresh(left_ws_id: int, left_owner_id: int, right_ws_id: int, right_owner_id: int) -> int:
    cache.delete(_refresh_key(left_ws_id, left_owner_id, right_ws_id, right_owner_id))
    with scopes_disabled():
        left_ws = Workspace.objects.filter(pk=left_ws_id).first()
        right_ws = Workspace.objects.filter(pk=right_ws_id).first()
        left_owner = Organization.objects.filter(pk=left_owner_id).first()
        right_owner = Organization.objects.filter(pk=right_owner_id).first()
    if None in (left_ws, right_ws, left_owner, right_owner):
        return 0
    return refresh_overlaps(left_ws, left_owner, right_ws, right_owner)


def schedule_connection_refresh(connection: Connection) -> None:
    if connection.status != ConnectionStatus.ACCEPTED or connection.recipient is None:
        return
    left, right = connection.requester, connection.recipient
    schedule_refresh(left, ensure_our_organization(left), right, ensure_our_organization(right))


def schedule_refresh_for(workspace: Workspace, owner: Organization) -> None:
    """Recompute what involves `owner`'s accounts: our own organization's against every partner
    we have cells with and every connected workspace; a partner's against our own."""
    ours = ensure_our_organization(workspace)
    if owner.pk != ours.pk:
        schedule_refresh(workspace, ours, workspace, owner)
        return
    with scopes_disabled():
        partner_ids = set(
            OverlapCell.objects.filter(population__owner=ours, other__workspace=workspace)
            .values_list("other__owner_id", flat=True)
            .distinct()
        )
        partners = list(Organization.objects.filter(pk__in=partner_ids))
    for partner in partners:
        schedule_refresh(workspace, ours, workspace, partner)
    for connection in (
        Connection.objects.involving(workspace).accepted().select_related("requester", "recipient")
    ):
        schedule_connection_refresh(connection)


def accounts_changed_for(workspace: Workspace, owner: Organization) -> None:
    """After an import (or private marks) changed `owner`'s accounts."""
    schedule_refresh_for(workspace, owner)


def accounts_of(workspace: Workspace):
    """Our accounts (the private-marks page lists them)."""
    with scope(workspace=workspace):
        return Account.objects.filter(owner=ensure_our_organization(workspace))
