"""Overlap pages: who we have a matrix with, the matrix, a cell's overlapping records, our
populations and private marks, connections and what we share. Views only translate HTTP: what
may be shown comes from policy.py, every change from actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django_scopes import scope

from roundtable.core.csv_export import csv_response
from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.ecosystem.models import Organization
from roundtable.mapping.models import Account, AccountStatus
from roundtable.sharing import actions, policy
from roundtable.sharing.access import can_manage, get_connection, get_population, require_manager
from roundtable.sharing.choices import SHAREABLE_FIELDS, ConnectionStatus, Level
from roundtable.sharing.forms import MinCountForm, PopulationForm, PrivateFilterForm, RequestForm
from roundtable.sharing.models import Connection, Population, Share
from roundtable.workspaces.models import Membership, Workspace

PAGE_SIZE = 50


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _int(value, default: int = 0) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


# The overview's orderings: biggest first, figures that may not be shown last.
HEADLINE_SORTS = {
    "customers": lambda h: -(h.customers.count or 0) if h.customers else 1,
    "deals": lambda h: -(h.deals.count or 0) if h.deals else 1,
    "revenue": lambda h: -(h.potential_revenue or 0) if h.potential_revenue is not None else 1,
}


def overview(request):
    """Everyone we have a matrix with and its headline figures (sortable: the partner with the
    most potential revenue first), and where to change what we share."""
    headlines = policy.headlines(request.workspace)
    sort = request.GET.get("sort", "")
    if sort in HEADLINE_SORTS:
        headlines.sort(key=HEADLINE_SORTS[sort])
    context = {
        "headlines": headlines,
        "sort": sort if sort in HEADLINE_SORTS else "",
        "populations": actions.our_populations(request.workspace),
        "pending": Connection.objects.involving(request.workspace)
        .filter(status=ConnectionStatus.PENDING, recipient=request.workspace)
        .count(),
        "can_manage": can_manage(request.membership),
    }
    return render(request, "sharing/overview.html", context)


def matrix(request, other):
    """Our populations × theirs; each cell a count that opens the overlapping records as far
    as they are shared. While counts are computed, htmx polls the matrix fragment."""
    cp = policy.counterpart(request.workspace, other)
    result = policy.matrix(request.workspace, cp)
    context = {"m": result, "cp": cp, "can_manage": can_manage(request.membership)}
    template = "sharing/partials/matrix.html" if request.htmx else "sharing/matrix.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def matrix_export(request, other):
    cp = policy.counterpart(request.workspace, other)
    result = policy.matrix(request.workspace, cp)
    header, rows = policy.matrix_rows(result)
    policy.audit_matrix_export(request.workspace, cp, user=request.user, request=request)
    return csv_response(f"overlaps-{cp.uuid}.csv", header, rows)


def cell(request, other, ours, theirs):
    """The overlapping accounts of one cell: ours, and theirs with the fields they share."""
    cp = policy.counterpart(request.workspace, other)
    offset = _int(request.GET.get("offset"))
    page = policy.records(
        request.workspace, cp, ours, theirs, user=request.user, request=request,
        offset=offset, limit=PAGE_SIZE,
    )  # fmt: skip
    with scope(workspace=request.workspace):
        ours_population = Population.objects.get(uuid=ours)
    theirs_name = next(c.name for c in policy.columns(request.workspace, cp)[0] if c.uuid == theirs)
    context = {
        "cp": cp,
        "page": page,
        "ours": ours_population,
        "theirs_uuid": theirs,
        "theirs_name": theirs_name,
        "field_labels": [SHAREABLE_FIELDS[f] for f in page.fields],
        "offset": offset,
        "next_offset": offset + PAGE_SIZE if offset + PAGE_SIZE < page.total else None,
        "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
    }
    template = "sharing/partials/records.html" if request.htmx else "sharing/cell.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def cell_export(request, other, ours, theirs):
    cp = policy.counterpart(request.workspace, other)
    page = policy.records(
        request.workspace, cp, ours, theirs, user=request.user, request=request,
        limit=None, export=True,
    )  # fmt: skip
    header = [f"our {f}" for f in policy.OUR_FIELDS] + [f"their {f}" for f in page.fields]

    def rows():
        for row in page.rows:
            ours_cells = [row["ours"][f] for f in policy.OUR_FIELDS]
            for theirs_row in row["theirs"] or [{}]:
                yield ours_cells + [theirs_row.get(f, "") for f in page.fields]

    return csv_response(f"overlap-{ours}-{theirs}.csv", header, rows())


# --- Populations and private marks ---------------------------------------------------------------


def populations(request):
    form = PopulationForm(request.POST or None)
    if request.method == "POST":
        require_manager(request)
        if form.is_valid():
            try:
                population = actions.save_population(
                    request.workspace, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, f"Population “{population.name}” saved.")
                return redirect("overlaps_populations", ws=request.workspace.slug)
    rows = actions.our_populations(request.workspace)
    ours = ensure_our_organization(request.workspace)
    for population in rows:
        population.size = Account.objects.filter(population.account_filter(), owner=ours).count()
        population.private_size = Account.objects.filter(
            population.account_filter(), owner=ours, private=True
        ).count()
    context = {"form": form, "populations": rows, "can_manage": can_manage(request.membership)}
    return render(request, "sharing/populations.html", context)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def population_edit(request, population):
    population = get_population(request, population)
    if population.kind == Population.Kind.STANDARD:
        raise Http404("The standard populations follow the imported status.")
    initial = {
        "name": population.name,
        "status": population.status,
        "countries": population.countries,
        "industry": population.industry,
        "min_amount": population.min_amount,
    }
    form = PopulationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_manager(request)
        if form.is_valid():
            try:
                actions.save_population(
                    request.workspace, population=population, user=request.user,
                    **form.cleaned_data,
                )  # fmt: skip
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Population saved; its counts are being recomputed.")
                return redirect("overlaps_populations", ws=request.workspace.slug)
    return render(request, "sharing/population_edit.html", {"form": form, "population": population})


@require_POST
def population_delete(request, population):
    require_manager(request)
    population = get_population(request, population)
    try:
        actions.delete_population(population, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Population “{population.name}” deleted.")
    return redirect("overlaps_populations", ws=request.workspace.slug)


def _filtered_accounts(request, data):
    form = PrivateFilterForm(data)
    accounts = Account.objects.select_related("owner")
    if form.is_valid():
        values = form.cleaned_data
        if values["q"]:
            accounts = accounts.filter(
                Q(name__icontains=values["q"]) | Q(domain__icontains=values["q"])
            )
        if values["owner"]:
            accounts = accounts.filter(owner__uuid=values["owner"])
        if values["status"]:
            accounts = accounts.filter(status=values["status"])
        if values["country"]:
            accounts = accounts.filter(country_code=values["country"].upper())
        if values["private"] == "yes":
            accounts = accounts.filter(private=True)
        elif values["private"] == "no":
            accounts = accounts.filter(private=False)
    return form, accounts


def private(request):
    """Our accounts (and those we hold for partners), to mark private one by one or by filter."""
    if request.method == "POST":
        require_manager(request)
        make_private = request.POST.get("make") == "private"
        if request.POST.get("scope") == "filter":
            _form, accounts = _filtered_accounts(request, request.POST)
        else:
            uuids = request.POST.getlist("account")
            accounts = Account.objects.filter(uuid__in=[u for u in uuids if _is_uuid(u)])
        changed = actions.set_private(request.workspace, accounts, make_private, user=request.user)
        word = "private" if make_private else "shareable again"
        messages.success(request, f"{changed:,} account{'s' if changed != 1 else ''} {word}.")
        query = request.POST.get("query", "")
        url = redirect("overlaps_private", ws=request.workspace.slug).url
        return redirect(f"{url}?{query}" if query else url)
    form, accounts = _filtered_accounts(request, request.GET)
    offset = _int(request.GET.get("offset"))
    page = list(accounts.order_by("name", "id")[offset : offset + PAGE_SIZE + 1])
    context = {
        "form": form,
        "accounts": page[:PAGE_SIZE],
        "offset": offset,
        "next_offset": offset + PAGE_SIZE if len(page) > PAGE_SIZE else None,
        "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "private_total": Account.objects.filter(private=True).count(),
        "query": request.GET.urlencode(),
        "query_without_offset": _without(request.GET, "offset"),
        "can_manage": can_manage(request.membership),
        "owners": Organization.objects.filter(accounts__isnull=False).distinct().order_by("name"),
        "statuses": AccountStatus.choices,
    }
    template = "sharing/partials/private_table.html" if request.htmx else "sharing/private.html"
    return render(request, template, context)


def _without(query, name: str) -> str:
    copy = query.copy()
    copy.pop(name, None)
    return copy.urlencode()


def _is_uuid(text: str) -> bool:
    from uuid import UUID

    try:
        UUID(text)
    except ValueError:
        return False
    return True


# --- Connections ---------------------------------------------------------------------------------


def connections(request):
    """Our connections and requests; ask a company by its domain, or make an invitation link;
    the minimum count."""
    request_form = RequestForm(prefix="req")
    min_form = MinCountForm(
        prefix="min", initial={"min_count": actions.min_count_of(request.workspace)}
    )
    link = None
    if request.method == "POST":
        require_manager(request)
        what = request.POST.get("form")
        try:
            if what == "request":
                request_form = RequestForm(request.POST, prefix="req")
                if request_form.is_valid():
                    connection = actions.request_connection(
                        request.workspace, user=request.user, **request_form.cleaned_data
                    )
                    messages.success(request, f"Request sent to {connection.recipient.name}.")
                    return redirect("overlaps_connections", ws=request.workspace.slug)
            elif what == "link":
                link = actions.create_invitation_link(
                    request.workspace, user=request.user, message=request.POST.get("message", "")
                )
            elif what == "min":
                min_form = MinCountForm(request.POST, prefix="min")
                if min_form.is_valid():
                    value = actions.set_min_count(
                        request.workspace, min_form.cleaned_data["min_count"], user=request.user
                    )
                    messages.success(
                        request, f"Counts below {value} now show as “fewer than {value}”."
                    )
                    return redirect("overlaps_connections", ws=request.workspace.slug)
        except ValidationError as error:
            _form_errors(min_form if what == "min" else request_form, error)
    rows = [
        (c, policy.describe_connection(request.workspace, c))
        for c in Connection.objects.involving(request.workspace).select_related(
            "requester", "recipient"
        )[:200]
    ]
    context = {
        "rows": rows,
        "request_form": request_form,
        "min_form": min_form,
        "link": link,
        "can_manage": can_manage(request.membership),
    }
    return render(request, "sharing/connections.html", context)


def connection_detail(request, connection):
    """A connection: its state, answers, and (once accepted) what we share per population."""
    connection = get_connection(request, connection)
    info = policy.describe_connection(request.workspace, connection)
    shares = {}
    with scope(workspace=request.workspace):
        for share in Share.objects.filter(connection=connection):
            shares[share.population_id] = share
    settings_rows = [(p, shares.get(p.pk)) for p in actions.our_populations(request.workspace)]
    hidden = (
        policy.hidden_count(request.workspace, connection)
        if connection.status == ConnectionStatus.ACCEPTED
        else 0
    )
    context = {
        "connection": connection,
        "info": info,
        "settings_rows": settings_rows,
        "levels": Level.choices,
        "fields": SHAREABLE_FIELDS,
        "hidden": hidden,
        "can_manage": can_manage(request.membership),
        "min_count": actions.min_count_of(request.workspace),
    }
    return render(request, "sharing/connection.html", context)


@require_POST
def connection_answer(request, connection, answer):
    require_manager(request)
    connection = get_connection(request, connection)
    do = {
        "accept": actions.accept_connection,
        "decline": actions.decline_connection,
        "revoke": actions.revoke_connection,
    }.get(answer)
    if do is None:
        raise Http404("No such answer.")
    try:
        do(connection, request.workspace, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        done = {"accept": "Connected.", "decline": "Request declined.",
                "revoke": "Connection ended: nothing more is shared either way."}  # fmt: skip
        messages.success(request, done[answer])
    return redirect("overlaps_connection", ws=request.workspace.slug, connection=connection.uuid)


@require_POST
def connection_share(request, connection):
    """Save what we share over this connection, one population at a time or all at once."""
    require_manager(request)
    connection = get_connection(request, connection)
    try:
        for population in actions.our_populations(request.workspace):
            key = str(population.uuid)
            level = request.POST.get(f"level-{key}")
            if level is None:
                continue
            fields = request.POST.getlist(f"fields-{key}")
            actions.set_share(
                request.workspace, connection, population.uuid, level, fields, user=request.user
            )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "Sharing saved: it applies from their next request.")
    return redirect("overlaps_connection", ws=request.workspace.slug, connection=connection.uuid)


@require_POST
def request_more(request, connection):
    connection = get_connection(request, connection)
    if connection.status != ConnectionStatus.ACCEPTED:
        raise Http404("No such connection.")
    try:
        hidden = actions.request_more(request.workspace, connection, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        other = connection.other_side(request.workspace)
        plural = "s" if hidden != 1 else ""
        messages.success(
            request,
            f"{other.name} has been asked to share more ({hidden} population{plural} not shared).",
        )
    return redirect("overlaps_matrix", ws=request.workspace.slug, other=connection.uuid)


@login_required
def connect(request, token):
    """An invitation link: an admin of another workspace accepts it for that workspace."""
    try:
        connection = actions.find_link(token)
    except ValidationError as error:
        return render(request, "sharing/connect_invalid.html", {"reason": error.messages[0]},
                      status=410)  # fmt: skip
    mine = list(
        Workspace.objects.of_user(request.user).exclude(pk=connection.requester_id).order_by("name")
    )
    allowed = []
    for workspace in mine:
        with scope(workspace=workspace):
            membership = Membership.objects.filter(user=request.user).first()
        if can_manage(membership):
            allowed.append(workspace)
    if request.method == "POST":
        chosen = next((w for w in allowed if w.slug == request.POST.get("workspace")), None)
        if chosen is None:
            raise PermissionDenied("Choose one of your workspaces where you manage sharing.")
        try:
            with scope(workspace=chosen):
                actions.accept_connection(connection, chosen, user=request.user)
        except ValidationError as error:
            return render(request, "sharing/connect_invalid.html", {"reason": error.messages[0]},
                          status=409)  # fmt: skip
        messages.success(request, f"Connected with {connection.requester.name}. Choose what you "
                                  "share with them.")  # fmt: skip
        return redirect("overlaps_connection", ws=chosen.slug, connection=connection.uuid)
    return render(
        request, "sharing/connect.html", {"connection": connection, "workspaces": allowed}
    )
