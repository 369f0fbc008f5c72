"""The Circles list's filter: one definition for the page, the API and the CSV export."""

from django import forms
from django.core.exceptions import ValidationError

from roundtable.circles.choices import CircleStatus, PurposeKind
from roundtable.ecosystem.actions import parse_tag
from roundtable.ecosystem.filters import TagLabelsField
from roundtable.ecosystem.models import Organization, Tag


class TagPairsField(TagLabelsField):
    """Repeated `tag=TYPE:VALUE` parameters → (type, name) pairs. Only the spelling is checked
    here: the form looks the tags up, because what an unknown tag means depends on the reader."""

    def clean(self, value):
        labels = forms.Field.clean(self, value)
        pairs = []
        for label in dict.fromkeys(labels):
            try:
                pairs.append(parse_tag(label))
            except ValidationError as error:
                raise ValidationError(error.message_dict["tags"]) from error
        return pairs


class CircleFilter(forms.Form):
    """Circles by name, purpose kind, status, ICP tags (all of them) and member organization.

    For a guest (`guest=True`) an organization or tag the workspace does not have is no error:
    it matches none of their Circles, exactly as one that exists but is in none of them does, so
    the filters cannot be used to probe what the workspace holds. Teammates are told."""

    q = forms.CharField(label="Search", required=False, max_length=200, help_text="Name")
    kind = forms.ChoiceField(
        label="Purpose", required=False, choices=[("", "Any purpose"), *PurposeKind.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CircleStatus.choices]
    )
    tag = TagPairsField(label="ICP tags", required=False)
    organization = forms.UUIDField(
        label="Member organization",
        required=False,
        help_text="Circles with a current member from this organization (its uuid)",
    )

    def __init__(self, *args, guest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.guest = guest
        self.matches_nothing = False

    def _unknown(self, message: str) -> None:
        if not self.guest:
            raise forms.ValidationError(message)
        self.matches_nothing = True

    def clean_tag(self):
        tags = []
        for tag_type, name in self.cleaned_data.get("tag", []):
            tag = Tag.objects.filter(type=tag_type, name__iexact=name).first()
            if tag is None:
                self._unknown(f"There is no tag “{tag_type}:{name}” in this workspace.")
            else:
                tags.append(tag)
        return tags

    def clean_organization(self):
        uuid = self.cleaned_data.get("organization")
        if uuid is None:
            return None
        organization = Organization.objects.filter(uuid=uuid).first()
        if organization is None:
            self._unknown("No such organization in this workspace.")
        return organization

    def filter(self, queryset):
        if self.matches_nothing:
            return queryset.none()
        data = self.cleaned_data
        if text := data.get("q", "").strip():
            queryset = queryset.filter(name__icontains=text)
        if data.get("kind"):
            queryset = queryset.filter(purpose_kind=data["kind"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("tag"):
            queryset = queryset.carrying(data["tag"])
        if data.get("organization"):
            queryset = queryset.with_people_of(data["organization"])
        return queryset

    def circles(self, visible):
        """`visible` (the Circles the reader may see) filtered, ready to list or export; none
        when the filters are invalid."""
        queryset = (
            visible.select_related("core_partner", "host")
            .prefetch_related("tags")
            .with_member_counts()
        )
        return self.filter(queryset) if self.is_valid() else queryset.none()

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
