"""The directory's filters: one definition each, used by the list pages, the API and CSV exports.

Each filter is a plain Django form over query-string data (`?q=…&tag=ecosystem:Shopify&tag=…`):
the page renders and validates it, the API validates the same parameters with it, and exports
apply it to the rows they write, so a list and its export can never disagree.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q

from roundtable.ecosystem.actions import parse_tag
from roundtable.ecosystem.choices import OrgKind, PartnershipKind, PartnershipSource, PartnerStatus
from roundtable.ecosystem.models import Organization, Partnership, Person, Tag

# Status filter values: "" means any organization, "partner" any partner status, "none" the
# organizations we do not partner with (PartnerStatus.NONE is the empty string, so it needs a name).
ANY_PARTNER = "partner"
NOT_A_PARTNER = "none"
STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    (ANY_PARTNER, "Any partner status"),
    *[(value, label) for value, label in PartnerStatus.choices if value],
    (NOT_A_PARTNER, "Not a partner"),
]


class TagLabelsField(forms.Field):
    """Repeated `tag=TYPE:VALUE` parameters → the workspace's Tag rows (every one must exist)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(label).strip() for label in value if str(label).strip()]

    def validate(self, value):
        for label in value:
            ProhibitNullCharactersValidator()(label)
            if len(label) > 120:
                raise ValidationError("A tag is TYPE:VALUE, at most 100 characters of value.")

    def clean(self, value):
        labels = super().clean(value)
        tags = []
        for label in dict.fromkeys(labels):
            try:
                tag_type, name = parse_tag(label)
            except ValidationError as error:
                raise ValidationError(error.message_dict["tags"]) from error
            tag = Tag.objects.filter(type=tag_type, name__iexact=name).first()
            if tag is None:
                raise ValidationError(f"There is no tag “{tag_type}:{name}” in this workspace.")
            tags.append(tag)
        return tags


class OrganizationFilter(forms.Form):
    """Organizations by text (name, domain, city), tags (all of them), kind and partner status."""

    q = forms.CharField(
        label="Search", required=False, max_length=200, help_text="Name, domain or city"
    )
    tag = TagLabelsField(label="Tags", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *OrgKind.choices]
    )
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTER_CHOICES)

    def filter(self, queryset):
        """`queryset` narrowed by the valid filters (call after is_valid())."""
        data = self.cleaned_data
        text = data.get("q", "").strip()
        if text:
            queryset = queryset.filter(
                Q(name__icontains=text) | Q(domain__icontains=text) | Q(city__icontains=text)
            )
        if data.get("tag"):
            queryset = queryset.with_tags(data["tag"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        status = data.get("status")
        if status == ANY_PARTNER:
            queryset = queryset.partners()
        elif status == NOT_A_PARTNER:
            queryset = queryset.filter(status=PartnerStatus.NONE)
        elif status:
            queryset = queryset.filter(status=status)
        return queryset

    def organizations(self):
        """The filtered directory, ready to list or export (see queries.with_tag_lists)."""
        queryset = Organization.objects.select_related("partner_manager")
        return self.filter(queryset) if self.is_valid() else queryset.none()

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def selected_labels(self) -> set[str]:
        return {tag.label for tag in self.cleaned_data.get("tag", [])} if self.is_valid() else set()


class PersonFilter(forms.Form):
    """People by text (name, email, title, city) and organization."""

    q = forms.CharField(
        label="Search", required=False, max_length=200, help_text="Name, email, title or city"
    )
    organization = forms.UUIDField(label="Organization", required=False)

    def filter(self, queryset):
        data = self.cleaned_data
        text = data.get("q", "").strip()
        if text:
            condition = Q()
            for field in ("first_name", "last_name", "email", "title", "city"):
                condition |= Q(**{f"{field}__icontains": text})
            first, _, last = text.partition(" ")
            if last:
                condition |= Q(first_name__icontains=first, last_name__icontains=last.strip())
            queryset = queryset.filter(condition)
        if data.get("organization"):
            queryset = queryset.filter(organization__uuid=data["organization"])
        return queryset

    def people(self):
        queryset = Person.objects.select_related("organization")
        return self.filter(queryset) if self.is_valid() else queryset.none()


class PartnershipFilter(forms.Form):
    """Partnership edges touching one organization, by kind and source."""

    organization = forms.UUIDField(label="Organization", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *PartnershipKind.choices]
    )
    source = forms.ChoiceField(
        label="Source", required=False, choices=[("", "Any source"), *PartnershipSource.choices]
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("organization"):
            uuid = data["organization"]
            queryset = queryset.filter(Q(org_a__uuid=uuid) | Q(org_b__uuid=uuid))
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("source"):
            queryset = queryset.filter(source=data["source"])
        return queryset

    def partnerships(self):
        queryset = Partnership.objects.select_related("org_a", "org_b")
        return self.filter(queryset) if self.is_valid() else queryset.none()


def first_error(form: forms.Form) -> tuple[str, str]:
    """(field, message) of a form's first error, for one-line messages in the CLI."""
    field, errors = next(iter(form.errors.items()))
    return field, " ".join(errors)
