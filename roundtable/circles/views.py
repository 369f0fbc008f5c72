"""Circle pages: the list, a Circle with its members, sheet and history, building and editing a
Circle, members and invitations; and, outside any workspace, the invitee's accept / decline page.

Views only translate HTTP: the filter lives in filters.py, every change in actions.py, and every
Circle is fetched through access.get_circle, which hides other Circles from guests.
"""

from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe
from django_scopes import scope

from roundtable.circles import actions
from roundtable.circles.access import (
    get_circle,
    get_invitation,
    get_member,
    visible_circles,
    visible_cursor,
)
from roundtable.circles.choices import MemberStatus
from roundtable.circles.filters import CircleFilter
from roundtable.circles.forms import (
    AddPersonForm,
    AddTeammateForm,
    CircleForm,
    PersonSearchForm,
    RoleForm,
    core_partner_from_text,
    people_from_uuids,
)
from roundtable.circles.models import CircleInvitation, CircleMember
from roundtable.circles.queries import (
    fellow_members,
    membership_history,
    organizations_in_circles,
)
from roundtable.circles.sheet import SHEET_COLUMNS, sheet_members, sheet_rows
from roundtable.core.csv_export import csv_response
from roundtable.core.pagination import keyset_page
from roundtable.ecosystem.choices import TagType
from roundtable.ecosystem.graph import resolve_tags
from roundtable.ecosystem.models import Organization, Person, Tag
from roundtable.workspaces.forms import InvitationSignupForm
from roundtable.workspaces.middleware import guest_allowed
from roundtable.workspaces.models import User

PAGE_SIZE = 50
SEARCH_LIMIT = 20
LIST_COLUMNS = [
    "name", "purpose_kind", "purpose", "status", "icp_tags", "core_partner", "host",
    "active_members", "current_members", "target_size", "created",
]  # fmt: skip


def _cursor(request, name: str) -> UUID | None:
    try:
        return UUID(request.GET.get(name, ""))
    except ValueError:
        return None


def _filter_query(request) -> str:
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name not in {"after", "before"}:
            query.setlist(name, [value for value in values if value])
    return query.urlencode()


def _respond(request, template: str, fragment: str, context: dict):
    response = render(request, fragment if request.htmx else template, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form fields it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _to_circle(circle):
    return redirect("circle_detail", ws=circle.workspace.slug, circle=circle.uuid)


def _tag_groups(selected: set[str]) -> list[tuple[str, str, list[tuple[str, str, bool]], list]]:
    """(type, label, [(label, name, checked)], checked names) for the ICP tag checkboxes."""
    labels = dict(TagType.choices)
    grouped: dict[str, list[tuple[str, str, bool]]] = {}
    for tag in Tag.objects.exclude(type=TagType.CUSTOM):
        grouped.setdefault(tag.type, []).append((tag.label, tag.name, tag.label in selected))
    return [
        (t, labels[t], grouped[t], [name for _label, name, checked in grouped[t] if checked])
        for t in TagType.values
        if t in grouped
    ]


# The list


@guest_allowed
@require_safe
def circle_list(request):
    form = CircleFilter(request.GET, guest=request.membership.is_guest)
    page = keyset_page(
        form.circles(visible_circles(request)),
        ordering=["name", "id"],
        after=visible_cursor(request, _cursor(request, "after")),
        before=visible_cursor(request, _cursor(request, "before")),
        size=PAGE_SIZE,
    )
    is_guest = request.membership.is_guest
    selected = {tag.label for tag in form.cleaned_data.get("tag", [])} if form.is_valid() else set()
    context = {
        "form": form,
        "page": page,
        "filter_query": _filter_query(request),
        "is_guest": is_guest,
        # Guests see their own Circles only: no filter panel naming the workspace's tags.
        "tag_groups": [] if is_guest or request.htmx else _tag_groups(selected),
        "organizations": []
        if is_guest or request.htmx
        else organizations_in_circles().only("uuid", "name"),
    }
    return _respond(
        request, "circles/circle_list.html", "circles/partials/circle_table.html", context
    )


def circle_export(request):
    """The list's Circles as CSV, with the filters the list shows."""
    form = CircleFilter(request.GET)
    if not form.is_valid():
        messages.error(request, "Fix the filters before exporting.")
        return redirect("circles", ws=request.workspace.slug)
    circles = form.circles(visible_circles(request)).order_by("name", "id")

    def cells(circle):
        return [
            circle.name,
            circle.purpose_kind,
            circle.purpose,
            circle.status,
            "; ".join(tag.label for tag in circle.tags.all()),
            circle.core_partner.name if circle.core_partner else "",
            circle.host.email if circle.host else "",
            circle.active_count,
            circle.current_count,
            circle.target_size,
            circle.created_at.date().isoformat(),
        ]

    return csv_response(
        f"{request.workspace.slug}-circles.csv", LIST_COLUMNS, (cells(c) for c in circles)
    )


# One Circle


@guest_allowed
@require_safe
def circle_detail(request, circle):
    circle = get_circle(request, circle)
    is_guest = request.membership.is_guest
    members = list(circle.members.in_table_order())
    if is_guest:
        members = [m for m in members if m.status != MemberStatus.PROPOSED]
    current = [m for m in members if m.is_current]
    invitations = {}
    if not is_guest:
        invitations = {
            invitation.member_id: invitation
            for invitation in CircleInvitation.objects.filter(circle=circle).select_related(
                "delivery"
            )
        }
    for member in members:
        member.sent_invitation = invitations.get(member.pk)
    context = {
        "circle": circle,
        "tags": list(circle.tags.all()),
        "current": current,
        "active_count": sum(1 for m in current if m.status == MemberStatus.ACTIVE),
        # What "Send invitations (N)" sends: the proposed members who can be invited now.
        "invitable": [
            m
            for m in current
            if m.status == MemberStatus.PROPOSED and actions.invitation_problem(m) is None
        ],
        "sheet": sheet_rows(sheet_members(circle, for_guest=is_guest)),
        "history": membership_history(members),
        "is_guest": is_guest,
        "role_form": RoleForm(),
    }
    return render(request, "circles/circle_detail.html", context)


@guest_allowed
@require_safe
def circle_sheet_export(request, circle):
    """The Circle sheet as CSV: the members, when they joined and how to reach them."""
    circle = get_circle(request, circle)
    rows = sheet_rows(sheet_members(circle, for_guest=request.membership.is_guest))
    filename = f"{request.workspace.slug}-circle-{circle.uuid}.csv"
    return csv_response(filename, SHEET_COLUMNS, (row.cells() for row in rows))


def _prefill(request) -> tuple[dict, set[str], list[Person]]:
    """The candidate finder's hand-over: `?core=<org>&tag=type:value&person=<uuid>…`. Anything
    unusable is dropped with a message; the form still opens."""
    initial = {"host": request.user.email}
    labels: set[str] = set()
    people: list[Person] = []
    try:
        core = core_partner_from_text(request.GET.get("core", ""))
    except ValidationError as error:
        _errors_to_messages(request, error)
        core = None
    try:
        tags = resolve_tags(request.GET.getlist("tag"))
    except ValidationError as error:
        _errors_to_messages(request, error)
        tags = []
    try:
        people = people_from_uuids(request.GET.getlist("person"))
    except ValidationError as error:
        _errors_to_messages(request, error)
    labels = {tag.label for tag in tags}
    if core is not None:
        initial["core_partner"] = core.name
        initial["purpose"] = f"Grown from {core.name}'s Konnections."
    if tags:
        initial["name"] = " ".join(tag.name for tag in tags)
    return initial, labels, people


def _posted_people(request) -> list[Person]:
    try:
        return people_from_uuids(request.POST.getlist("person"))
    except ValidationError:
        return []


def circle_new(request):
    """Create a Circle from scratch, or from the candidate finder's selection (prefilled)."""
    if request.method == "POST":
        form = CircleForm(request.POST, with_people=True)
        if form.is_valid():
            try:
                circle = actions.create_circle(
                    request.workspace,
                    created_by=request.user,
                    tags=form.cleaned_data["tag"],
                    people=form.cleaned_data["person"],
                    **form.action_fields(),
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                proposed = len(form.cleaned_data["person"])
                messages.success(
                    request,
                    f"Circle “{circle.name}” created"
                    + (
                        f" with {proposed} proposed member{'s' if proposed != 1 else ''}: "
                        "check them, then send the invitations."
                        if proposed
                        else "."
                    ),
                )
                return _to_circle(circle)
        labels = set(request.POST.getlist("tag"))
        people = _posted_people(request)
    else:
        initial, labels, people = _prefill(request)
        form = CircleForm(initial=initial, with_people=True)
    context = {
        "form": form,
        "tag_groups": _tag_groups(labels),
        "people": people,
        "partner_names": _partner_names(),
    }
    return render(request, "circles/circle_form.html", context)


def _partner_names() -> list[str]:
    return list(
        Organization.objects.partners().order_by("name").values_list("name", flat=True)[:500]
    )


def circle_edit(request, circle):
    circle = get_circle(request, circle)
    if request.method == "POST":
        form = CircleForm(request.POST)
        if form.is_valid():
            try:
                actions.update_circle(circle, tags=form.cleaned_data["tag"], **form.action_fields())
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, f"Circle “{circle.name}” saved.")
                return _to_circle(circle)
        labels = set(request.POST.getlist("tag"))
    else:
        form = CircleForm(
            initial={
                "name": circle.name,
                "purpose_kind": circle.purpose_kind,
                "purpose": circle.purpose,
                "core_partner": circle.core_partner.name if circle.core_partner else "",
                "target_size": circle.target_size,
                "host": circle.host.email if circle.host else request.user.email,
                "status": circle.status,
            }
        )
        labels = {tag.label for tag in circle.tags.all()}
    context = {
        "form": form,
        "circle": circle,
        "tag_groups": _tag_groups(labels),
        "partner_names": _partner_names(),
    }
    return render(request, "circles/circle_form.html", context)


# Members


def _people_matching(circle, text: str):
    """Directory people matching `text` (name, email, organization) not already in the Circle."""
    text = text.strip()
    if not text:
        return []
    words = text.split()[:4]
    in_circle = (
        CircleMember.objects.current()
        .filter(circle=circle, person__isnull=False)
        .values("person_id")
    )
    people = Person.objects.select_related("organization").exclude(pk__in=in_circle)
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organization__name__icontains=word)
        )
    return list(people.order_by("organization__name", "last_name", "first_name")[:SEARCH_LIMIT])


def _member_picker(request, circle, *, member=None):
    """The person search of the add and replace pages; htmx asks for the results alone."""
    search = PersonSearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    context = {
        "circle": circle,
        "member": member,
        "q": text,
        "results": _people_matching(circle, text),
        "teammate_form": AddTeammateForm(),
        "person_form": AddPersonForm(),
    }
    return _respond(
        request, "circles/member_pick.html", "circles/partials/person_results.html", context
    )


def member_add(request, circle):
    """Add a directory person (proposed, to invite) or a teammate (active at once)."""
    circle = get_circle(request, circle)
    if request.method != "POST":
        return _member_picker(request, circle)
    adding_teammate = "teammate" in request.POST
    form = AddTeammateForm(request.POST) if adding_teammate else AddPersonForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("circle_member_add", ws=request.workspace.slug, circle=circle.uuid)
    try:
        if adding_teammate:
            member = actions.add_teammate(
                circle,
                form.cleaned_data["teammate"],
                role=form.cleaned_data["role"],
                added_by=request.user,
            )
        else:
            member = actions.add_person(
                circle,
                form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                added_by=request.user,
            )
    except ValidationError as error:
        _errors_to_messages(request, error)
        return redirect("circle_member_add", ws=request.workspace.slug, circle=circle.uuid)
    if member.status == MemberStatus.PROPOSED:
        messages.success(request, f"{member.name} added. Send the invitation when you are ready.")
    else:
        messages.success(request, f"{member.name} joined the Circle.")
    return _to_circle(circle)


def member_replace(request, circle, member):
    circle = get_circle(request, circle)
    member = get_member(request, circle, member)
    if request.method != "POST":
        return _member_picker(request, circle, member=member)
    adding_teammate = "teammate" in request.POST
    form = AddTeammateForm(request.POST) if adding_teammate else AddPersonForm(request.POST)
    back = redirect(
        "circle_member_replace", ws=request.workspace.slug, circle=circle.uuid, member=member.uuid
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    try:
        successor = actions.replace_member(
            member,
            person=None if adding_teammate else form.cleaned_data["person"],
            user=form.cleaned_data["teammate"] if adding_teammate else None,
            added_by=request.user,
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
        return back
    messages.success(request, f"{successor.name} replaces {member.name}.")
    return _to_circle(circle)


@require_POST
def member_remove(request, circle, member):
    circle = get_circle(request, circle)
    member = get_member(request, circle, member)
    try:
        kept = actions.remove_member(member)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(
            request,
            f"{member.name} left the Circle." if kept else f"{member.name} was taken off the list.",
        )
    return _to_circle(circle)


@require_POST
def member_role(request, circle, member):
    circle = get_circle(request, circle)
    member = get_member(request, circle, member)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose host or member.")
        return _to_circle(circle)
    try:
        actions.set_role(member, form.cleaned_data["role"])
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, f"{member.name} is now {member.get_role_display().lower()}.")
    return _to_circle(circle)


# Invitations


@require_POST
def circle_invite(request, circle):
    """Email every proposed member their invitation, in one thread from the host."""
    circle = get_circle(request, circle)
    batch = actions.invite_members(circle, inviter=request.user)
    if batch.sent:
        names = ", ".join(issued.invitation.member.name for issued in batch.sent)
        messages.success(request, f"Invitations sent to {names}.")
    for _member, problem in batch.skipped:
        messages.error(request, f"Not invited: {problem}")
    if not batch.sent and not batch.skipped:
        messages.error(request, "Nobody is waiting for an invitation: add members first.")
    return _to_circle(circle)


@require_POST
def member_invite(request, circle, member):
    circle = get_circle(request, circle)
    member = get_member(request, circle, member)
    try:
        actions.invite(member, inviter=request.user)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, f"Invitation sent to {member.name}.")
    return _to_circle(circle)


@require_POST
def invitation_resend(request, circle, invitation):
    circle = get_circle(request, circle)
    invitation = get_invitation(request, circle, invitation)
    try:
        actions.resend(invitation, inviter=request.user)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(
            request, f"Invitation resent to {invitation.email}; the earlier link no longer works."
        )
    return _to_circle(circle)


# The invitee's page (outside any workspace: the personal link is the key)


def _invalid(request, error: actions.InvitationLinkError):
    return render(request, "circles/invitation_invalid.html", {"error": str(error)}, status=410)


def invitation_answer(request, token):
    """Accept (signing up or in as needed) or decline a Circle invitation."""
    try:
        invitation = actions.find_invitation(token)
    except actions.InvitationLinkError as error:
        return _invalid(request, error)
    answer = request.POST.get("answer") or request.GET.get("answer") or "accept"
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    signing_up = (
        request.method == "POST"
        and answer == "accept"
        and not has_account
        and not request.user.is_authenticated
    )
    form = InvitationSignupForm(
        request.POST if signing_up else None,
        email=invitation.email,
        initial={"name": invitation.member.name},
    )
    if request.method == "POST":
        try:
            if answer == "decline":
                actions.decline(token)
                return render(
                    request, "circles/invitation_declined.html", {"invitation": invitation}
                )
            member = None
            if request.user.is_authenticated:
                member = actions.accept(token, user=request.user)
            elif has_account:
                messages.error(request, "Sign in first, then accept.")
                return redirect(f"{reverse('account_login')}?next={quote(request.path)}")
            elif form.is_valid():
                member = actions.sign_up_and_accept(
                    token, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
                )
                login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
        except actions.InvitationLinkError as error:
            return _invalid(request, error)
        if member is not None:
            messages.success(request, f"Welcome to the Circle “{invitation.circle.name}”.")
            return redirect(
                "circle_detail", ws=invitation.workspace.slug, circle=invitation.circle.uuid
            )
    with scope(workspace=invitation.workspace):
        fellows = fellow_members(invitation.member)
        tags = list(invitation.circle.tags.all())
    context = {
        "invitation": invitation,
        "circle": invitation.circle,
        "host": invitation.circle.host or invitation.sent_by,
        "fellows": fellows,
        "tags": tags,
        "form": form,
        "has_account": has_account,
        "answer": answer,
    }
    return render(request, "circles/invitation_answer.html", context)
