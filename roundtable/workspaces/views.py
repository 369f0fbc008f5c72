from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.workspaces import actions
from roundtable.workspaces.access import (
    admin_required,
    get_invitation,
    get_membership,
    get_own_token,
)
from roundtable.workspaces.choices import AuditAction
from roundtable.workspaces.forms import (
    InvitationSignupForm,
    InviteForm,
    RoleForm,
    TokenForm,
    WorkspaceForm,
)
from roundtable.workspaces.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    User,
    Workspace,
)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def workspace_list(request):
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = actions.create_workspace(
            name=form.cleaned_data["name"], domain=form.cleaned_data["website"], owner=request.user
        )
        messages.success(request, f"Workspace {workspace.name} created.")
        return redirect("dashboard", ws=workspace.slug)
    workspaces = Workspace.objects.of_user(request.user)
    return render(
        request, "workspaces/workspace_list.html", {"workspaces": workspaces, "form": form}
    )


def settings_index(request):
    return redirect("teammates", ws=request.workspace.slug)


def teammates(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.is_admin:
            messages.error(request, "Only owners and admins can invite teammates.")
        elif form.is_valid():
            try:
                actions.invite_teammate(
                    request.workspace,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    inviter=request.user,
                    request=request,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("teammates", ws=request.workspace.slug)
    context = {
        "memberships": Membership.objects.select_related("user"),
        "invitations": Invitation.objects.pending().select_related("invited_by"),
        "form": form,
        "role_form": RoleForm(),
    }
    return render(request, "workspaces/teammates.html", context)


@require_POST
@admin_required
def change_role(request, member):
    membership = get_membership(request, member)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        try:
            actions.change_role(
                membership, role=form.cleaned_data["role"], actor=request.user, request=request
            )
            messages.success(
                request, f"{membership.user.email} is now {membership.get_role_display()}."
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return redirect("teammates", ws=request.workspace.slug)


@require_POST
def remove_member(request, member):
    membership = get_membership(request, member)
    leaving = membership.user_id == request.user.pk
    if not leaving and not request.membership.is_admin:
        messages.error(request, "Only owners and admins can remove teammates.")
        return redirect("teammates", ws=request.workspace.slug)
    try:
        actions.remove_member(membership, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("teammates", ws=request.workspace.slug)
    if leaving:
        messages.success(request, f"You left {request.workspace.name}.")
        return redirect("workspace_list")
    messages.success(request, f"{membership.user.email} was removed from the workspace.")
    return redirect("teammates", ws=request.workspace.slug)


@require_POST
@admin_required
def resend_invitation(request, invitation):
    invitation = get_invitation(request, invitation)
    try:
        actions.resend_invitation(invitation, inviter=request.user, request=request)
        messages.success(request, f"Invitation resent to {invitation.email}.")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("teammates", ws=request.workspace.slug)


@require_POST
@admin_required
def revoke_invitation(request, invitation):
    invitation = get_invitation(request, invitation)
    try:
        actions.revoke_invitation(invitation, actor=request.user, request=request)
        messages.success(request, f"Invitation of {invitation.email} withdrawn.")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("teammates", ws=request.workspace.slug)


def tokens(request):
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = actions.create_api_token(
            request.workspace, user=request.user, name=form.cleaned_data["name"], request=request
        )
        form = TokenForm()
    context = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form,
        "issued": issued,
    }
    return render(request, "workspaces/tokens.html", context)


@require_POST
def revoke_token(request, token):
    token = get_own_token(request, token)
    actions.revoke_api_token(token, actor=request.user, request=request)
    messages.success(request, f"Token “{token.name}” revoked; scripts using it now get 401.")
    return redirect("tokens", ws=request.workspace.slug)


@admin_required
def audit_log(request):
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workspaces/audit_log.html",
        {"page": page, "actions": AuditAction.choices, "action": action},
    )


def invitation_accept(request, token):
    """The link in the invitation email: sign up, or accept as the signed-in invitee."""
    try:
        invitation = actions.find_invitation(token)
    except actions.InvitationError as error:
        return render(
            request, "workspaces/invitation_invalid.html", {"error": str(error)}, status=410
        )
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = actions.accept_invitation(token, user=request.user, request=request)
            elif has_account:
                messages.error(request, "Sign in first, then open the link again.")
                return redirect(f"/accounts/login/?next={request.path}")
            elif form.is_valid():
                membership = actions.sign_up_invitee(
                    token,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                    request=request,
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except actions.InvitationError as error:
            return render(
                request, "workspaces/invitation_invalid.html", {"error": str(error)}, status=410
            )
        if membership is not None:
            messages.success(request, f"Welcome to {membership.workspace.name}.")
            return redirect("dashboard", ws=membership.workspace.slug)
    context = {"invitation": invitation, "form": form, "has_account": has_account}
    return render(request, "workspaces/invitation_accept.html", context)
