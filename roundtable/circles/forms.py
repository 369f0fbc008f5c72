"""Forms of the Circle pages. They only read and check input; changes go through actions."""

from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError

from roundtable.circles.choices import CircleStatus, MemberRole, PurposeKind
from roundtable.circles.models import MAX_TARGET_SIZE
from roundtable.ecosystem.filters import TagLabelsField
from roundtable.ecosystem.graph import find_organization
from roundtable.ecosystem.models import Person
from roundtable.workspaces.choices import Role
from roundtable.workspaces.models import Membership, User

MAX_PEOPLE = 50


def teammate_choices() -> list[tuple[str, str]]:
    seats = Membership.objects.exclude(role=Role.GUEST).select_related("user")
    return [(seat.user.email, f"{seat.user.display_name} ({seat.user.email})") for seat in seats]


def teammate_by_email(email: str) -> User:
    seat = (
        Membership.objects.exclude(role=Role.GUEST)
        .select_related("user")
        .filter(user__email__iexact=(email or "").strip())
        .first()
    )
    if seat is None:
        raise ValidationError(f"No teammate with the email {email}.")
    return seat.user


def core_partner_from_text(text: str):
    """A partner by name, website or uuid (as the candidate finder takes it), or None if blank."""
    text = (text or "").strip()
    if not text:
        return None
    organization = find_organization(text)
    if organization is None:
        raise ValidationError(f"No organization “{text}” in this workspace.")
    if organization.is_us:
        raise ValidationError("That is your own company: choose a partner as the core.")
    return organization


def people_from_uuids(values) -> list[Person]:
    """Directory people named by uuid, in the order given; unknown ones raise."""
    try:
        uuids = list(dict.fromkeys(UUID(str(value)) for value in values if value))
    except ValueError:
        raise ValidationError("The selection holds something that is not a person.") from None
    if len(uuids) > MAX_PEOPLE:
        raise ValidationError(f"Choose at most {MAX_PEOPLE} people at once.")
    found = {
        person.uuid: person
        for person in Person.objects.select_related("organization").filter(uuid__in=uuids)
    }
    missing = [uuid for uuid in uuids if uuid not in found]
    if missing:
        raise ValidationError(f"{len(missing)} of the chosen people are not in this workspace.")
    return [found[uuid] for uuid in uuids]


class PeopleField(forms.Field):
    """Repeated `person=<uuid>` values → Person rows."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        return [value] if isinstance(value, str) else list(value)

    def clean(self, value):
        return people_from_uuids(self.to_python(value))


class CircleForm(forms.Form):
    name = forms.CharField(max_length=200)
    purpose_kind = forms.ChoiceField(
        label="Purpose", choices=PurposeKind.choices, initial=PurposeKind.ICP
    )
    purpose = forms.CharField(
        label="What brings them together",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. “Heads of e-commerce at D2C brands on Shopify in EMEA”",
    )
    tag = TagLabelsField(label="ICP tags", required=False)
    core_partner = forms.CharField(
        label="Core partner",
        required=False,
        max_length=500,
        help_text="The partner the Circle grew from: name, website or uuid",
    )
    target_size = forms.IntegerField(
        label="Target size", min_value=1, max_value=MAX_TARGET_SIZE, initial=5
    )
    host = forms.ChoiceField(label="Host (a teammate)")
    status = forms.ChoiceField(choices=CircleStatus.choices, initial=CircleStatus.FORMING)
    person = PeopleField(required=False)

    def __init__(self, *args, with_people: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = teammate_choices()
        if not with_people:
            del self.fields["person"]

    def clean_core_partner(self):
        return core_partner_from_text(self.cleaned_data.get("core_partner", ""))

    def clean_host(self):
        return teammate_by_email(self.cleaned_data["host"])

    def action_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose_kind": data["purpose_kind"],
            "purpose": data["purpose"],
            "core_partner": data["core_partner"],
            "target_size": data["target_size"],
            "host": data["host"],
            "status": data["status"],
        }


class AddPersonForm(forms.Form):
    person = forms.UUIDField()
    role = forms.ChoiceField(choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def clean_person(self):
        person = (
            Person.objects.select_related("organization")
            .filter(uuid=self.cleaned_data["person"])
            .first()
        )
        if person is None:
            raise ValidationError("No such person in this workspace.")
        return person


class AddTeammateForm(forms.Form):
    teammate = forms.ChoiceField(label="Teammate")
    role = forms.ChoiceField(choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teammate"].choices = teammate_choices()

    def clean_teammate(self):
        return teammate_by_email(self.cleaned_data["teammate"])


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=MemberRole.choices)


class PersonSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
