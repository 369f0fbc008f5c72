"""The Circles list's filter: one definition for the page, the API and the CSV export."""

from django import forms

from roundtable.circles.choices import CircleStatus, PurposeKind
from roundtable.ecosystem.filters import TagLabelsField
from roundtable.ecosystem.models import Organization


class CircleFilter(forms.Form):
    """Circles by name, purpose kind, status, ICP tags (all of them) and member organization."""

    q = forms.CharField(label="Search", required=False, max_length=200, help_text="Name")
    kind = forms.ChoiceField(
        label="Purpose", required=False, choices=[("", "Any purpose"), *PurposeKind.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CircleStatus.choices]
    )
    tag = TagLabelsField(label="ICP tags", required=False)
    organization = forms.UUIDField(
        label="Member organization",
        required=False,
        help_text="Circles with a current member from this organization (its uuid)",
    )

    def clean_organization(self):
        uuid = self.cleaned_data.get("organization")
        if uuid is None:
            return None
        organization = Organization.objects.filter(uuid=uuid).first()
        if organization is None:
            raise forms.ValidationError("No such organization in this workspace.")
        return organization

    def filter(self, queryset):
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
