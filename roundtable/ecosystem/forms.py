"""Directory forms. They validate what a person typed; actions.py does the saving."""

from django import forms
from django.core.exceptions import ValidationError

from roundtable.core.domains import registrable_domain
from roundtable.core.names import normalize_company_name
from roundtable.ecosystem.choices import PartnershipKind, PartnershipSource, TagType
from roundtable.ecosystem.models import Organization, Person, Tag
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User


def teammates():
    """Users who may manage partners in the current workspace (everyone but guests)."""
    seats = Membership.objects.exclude(role=Role.GUEST).values("user")
    return User.objects.filter(pk__in=seats).order_by("name", "email")


class TeammateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.name} ({user.email})" if user.name else user.email


class OrganizationForm(forms.ModelForm):
    partner_manager = TeammateChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody yet"
    )

    class Meta:
        model = Organization
        fields = [
            "name", "website", "kind", "city", "country", "description", "status", "tier",
            "partner_manager", "partner_since", "external_id",
        ]  # fmt: skip
        labels = {"external_id": "CRM record id", "status": "Partner status"}
        help_texts = {"website": "Its domain identifies the organization, e.g. acme.com"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "partner_since": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_manager"].queryset = teammates()

    def _post_clean(self):
        # Uniqueness and the domain are checked by actions.save_organization, with messages that
        # name the clashing organization; the model's own full_clean would only repeat them.
        pass


class PersonForm(forms.ModelForm):
    linkedin_url = forms.URLField(
        label="LinkedIn URL", max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Person
        fields = [
            "first_name", "last_name", "email", "title", "city", "linkedin_url", "phone",
            "external_id",
        ]  # fmt: skip
        labels = {"external_id": "CRM record id"}

    def clean(self):
        data = super().clean()
        if not (data.get("first_name") or data.get("last_name") or data.get("email")):
            raise ValidationError("A person needs a name or an email address.")
        return data

    def _post_clean(self):
        # actions.save_person checks the email's uniqueness and names who already has it.
        pass


class OrganizationReferenceField(forms.CharField):
    """An organization of the workspace typed by website/domain or by name."""

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        domain = registrable_domain(text)
        if domain:
            found = Organization.objects.filter(domain=domain).first()
            if found is not None:
                return found
        matches = list(
            Organization.objects.filter(normalized_name=normalize_company_name(text))[:2]
        )
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(f"Several organizations are called “{text}”: enter its website.")
        raise ValidationError(f"No organization “{text}” in the directory. Add it first.")


class PartnershipForm(forms.Form):
    partner = OrganizationReferenceField(
        label="Partners with", max_length=500, help_text="Name or website of the organization"
    )
    kind = forms.ChoiceField(choices=PartnershipKind.choices, initial=PartnershipKind.UNKNOWN)
    source = forms.ChoiceField(choices=PartnershipSource.choices, initial=PartnershipSource.MANUAL)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=2000)


class TagForm(forms.Form):
    type = forms.ChoiceField(choices=TagType.choices, initial=TagType.ECOSYSTEM)
    name = forms.CharField(label="Value", max_length=100)

    @property
    def label(self) -> str:
        return f"{self.cleaned_data['type']}:{self.cleaned_data['name'].strip()}"


class TagRenameForm(forms.Form):
    name = forms.CharField(label="New name", max_length=100)


def existing_tag_names() -> list[str]:
    """Suggestions for the add-tag field."""
    return list(Tag.objects.order_by("name").values_list("name", flat=True).distinct()[:500])
