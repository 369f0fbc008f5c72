from django import forms
from django.contrib.auth import password_validation

from roundtable.workspaces import actions
from roundtable.workspaces.choices import Role


class SignupForm(forms.Form):
    """Extra sign-up fields (allauth's form adds email and password): the company's workspace."""

    name = forms.CharField(label="Your name", max_length=150)
    company = forms.CharField(label="Company name", max_length=200)
    website = forms.CharField(
        label="Company website",
        max_length=253,
        help_text="Its domain, e.g. acme.com",
    )

    field_order = ["name", "email", "company", "website", "password1", "password2"]

    def clean_website(self):
        domain = actions.normalize_domain(self.cleaned_data["website"])
        if "." not in domain or " " in domain:
            raise forms.ValidationError("Enter the company's website domain, e.g. acme.com.")
        return domain

    def signup(self, request, user):
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])
        workspace = actions.create_workspace(
            name=self.cleaned_data["company"], domain=self.cleaned_data["website"], owner=user
        )
        request.session["last_workspace"] = workspace.slug


class WorkspaceForm(forms.Form):
    name = forms.CharField(label="Company name", max_length=200)
    website = forms.CharField(label="Company website", max_length=253)

    clean_website = SignupForm.clean_website


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PARTNER_MANAGER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="What will use it, e.g. 'CRM sync script'"
    )


class InvitationSignupForm(forms.Form):
    """The invitee's own account: the email comes from the invitation and cannot be changed."""

    name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password (again)", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            from roundtable.workspaces.models import User

            try:
                password_validation.validate_password(
                    first, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
